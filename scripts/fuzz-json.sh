#!/usr/bin/env bash
# Builds the libFuzzer target for the JSON parser and writer and runs it.
#   scripts/fuzz-json.sh [SECONDS]   (default 60)
# GatewayCore's JSON sources are compiled with fuzz/json/FuzzEntry.swift, unoptimised (Swift's
# bounds checks stay on) and with AddressSanitizer. Starts from the committed seeds in
# fuzz/json/corpus; new inputs go to a scratch corpus so the committed one stays small. Crashes
# are written to fuzz/artifacts/json-*.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_TO_RUN="${1:-60}"
OUT="${FUZZ_BUILD_DIR:-$ROOT/.build-fuzz}"
mkdir -p "$OUT/json-corpus" "$ROOT/fuzz/artifacts"
J="$ROOT/Sources/GatewayCore/JSON"
swiftc -Onone -g -sanitize=fuzzer,address -parse-as-library -swift-version 6 \
  -enable-upcoming-feature InternalImportsByDefault -module-name JSONFuzz \
  "$J/JSONValue.swift" "$J/JSONParseError.swift" "$J/UTF8Validation.swift" "$J/JSONParser.swift" "$J/JSONDocument.swift" "$J/JSONPath.swift" "$J/JSONWriter.swift" \
  "$ROOT/Sources/GatewayCore/Bytes/WordScan.swift" "$ROOT/Sources/GatewayCore/Bytes/ByteBuffer.swift" "$ROOT/Sources/GatewayCore/Bytes/StringUTF8.swift" "$ROOT/Sources/GatewayCore/Model/Timestamp.swift" "$ROOT/Sources/GatewayCore/Model/Timestamp+RFC3339Text.swift" \
  "$ROOT/fuzz/json/FuzzEntry.swift" \
  -o "$OUT/fuzz-json"
exec "$OUT/fuzz-json" -max_total_time="$SECONDS_TO_RUN" -max_len=8192 -timeout=10 -rss_limit_mb=1024 \
  -print_final_stats=1 -artifact_prefix="$ROOT/fuzz/artifacts/json-" "$OUT/json-corpus" "$ROOT/fuzz/json/corpus"
