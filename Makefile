# The two commands a newcomer needs (README): `make run` and `make test`.
# Both install the system libraries first when they are missing.

CONFIG ?= gateway.yaml
SWIFT ?= swift
# Release builds use full link-time optimisation: the modules are linked as LLVM bitcode, so
# the hot path inlines across them (C shims included) where cross-module optimisation leaves
# calls: -6.2% instructions per W1 webhook (bench/instructions.sh, CONNS=64), for a build about
# three times as long. SwiftPM takes it as a build option only (an `-lto` swiftc flag in
# Package.swift names the objects wrongly): bench/ builds through this target too.
RELEASE_FLAGS ?= --experimental-lto-mode=full

.PHONY: run test build release release-flags deps deps-test check clean embed

run: release
	.build/release/webhook-gateway serve --config $(CONFIG)

test: deps-test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release $(RELEASE_FLAGS) --product webhook-gateway

# For scripts that build another product the same way (bench/http-noop.sh).
release-flags:
	@echo $(RELEASE_FLAGS)

check: release
	.build/release/webhook-gateway check --config $(CONFIG)

deps:
	@scripts/install-deps.sh

deps-test:
	@scripts/install-deps.sh --test

clean:
	rm -rf .build

# Regenerates the configuration compiled into the binary from gateway.yaml and providers/.
embed:
	python3 scripts/embed-defaults.py
