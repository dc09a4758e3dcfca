#!/usr/bin/env bash
# Builds the libFuzzer target for the HTTP request parser and runs it.
#   scripts/fuzz-http.sh [SECONDS]   (default 60)
# The parser's sources are compiled together with GatewayCore's HeaderFields and fuzz/http-request/
# (unoptimised, so Swift's bounds checks on unsafe buffers stay on, plus AddressSanitizer). Starts
# from the committed seeds in fuzz/corpus/http-request; new inputs go to a scratch corpus so the
# committed one stays small. Crashes are written to fuzz/artifacts/.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SECONDS_TO_RUN="${1:-60}"
OUT="${FUZZ_BUILD_DIR:-$ROOT/.build-fuzz}"
mkdir -p "$OUT/corpus" "$ROOT/fuzz/artifacts"
H="$ROOT/Sources/GatewayHTTP"
swiftc -Onone -g -sanitize=fuzzer,address -parse-as-library -swift-version 6 \
  -enable-upcoming-feature InternalImportsByDefault -module-name HTTPFuzz \
  "$ROOT/Sources/GatewayCore/Model/HeaderFields.swift" \
  "$H/Message/HTTPVersion.swift" "$H/Message/HTTPRequestHead.swift" \
  "$H/Codec/HTTPParseError.swift" "$H/Codec/HTTPRequestFraming.swift" "$H/Codec/HTTPParserLimits.swift" \
  "$H/Codec/PercentDecoding.swift" "$H/Codec/HTTPHeadDecoder.swift" "$H/Codec/HTTPRequestParser.swift" \
  "$ROOT/Sources/GatewayCore/Bytes/WordScan.swift" "$ROOT/Sources/GatewayCore/Bytes/StringUTF8.swift" "$H/Codec/KnownHeaderNames.swift" "$H/Codec/KnownHeaderValues.swift" \
  "$ROOT/fuzz/http-request/FuzzEntry.swift" \
  -o "$OUT/fuzz-http-request"
exec "$OUT/fuzz-http-request" -max_total_time="$SECONDS_TO_RUN" -max_len=4096 -timeout=10 -rss_limit_mb=1024 \
  -print_final_stats=1 -artifact_prefix="$ROOT/fuzz/artifacts/" "$OUT/corpus" "$ROOT/fuzz/corpus/http-request"
