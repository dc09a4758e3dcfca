#!/usr/bin/env bash
# Installs what building (and, with --test, testing) needs on a Debian machine with the Swift
# toolchain: OpenSSL and libyaml headers, pkg-config; for tests also curl, the openssl CLI and
# Python's jsonschema. Does nothing when everything is already there, so it is cheap to call always.
set -euo pipefail

want_test=0
[ "${1:-}" = "--test" ] && want_test=1

missing=()
pkg-config --exists openssl 2>/dev/null || missing+=(libssl-dev)
pkg-config --exists yaml-0.1 2>/dev/null || missing+=(libyaml-dev)
command -v pkg-config >/dev/null 2>&1 || missing+=(pkg-config)
if [ "$want_test" = 1 ]; then
  command -v curl >/dev/null 2>&1 || missing+=(curl)
  command -v openssl >/dev/null 2>&1 || missing+=(openssl)
  command -v python3 >/dev/null 2>&1 || missing+=(python3)
fi

if [ ${#missing[@]} -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo"
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get install -y -qq "${missing[@]}" >/dev/null 2>&1 \
    || { $SUDO apt-get update -qq && $SUDO apt-get install -y -qq "${missing[@]}"; }
fi

if [ "$want_test" = 1 ] && ! python3 -c 'import jsonschema' 2>/dev/null; then
  echo "install-deps: installing Python's jsonschema (schema validation in the tests)" >&2
  python3 -m pip install -q jsonschema 2>/dev/null \
    || python3 -m pip install -q --break-system-packages jsonschema
fi
