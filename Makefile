# The two commands a newcomer needs (README): `make run` and `make test`.
# Both install the system libraries first when they are missing.

CONFIG ?= gateway.yaml
SWIFT ?= swift

.PHONY: run test build release deps deps-test check clean embed

run: release
	.build/release/webhook-gateway serve --config $(CONFIG)

test: deps-test
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

build: deps
	$(SWIFT) build

release: deps
	$(SWIFT) build -c release --product webhook-gateway

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
