#!/usr/bin/env bash
# Instructions per webhook on the full ingest path, counted by callgrind: unlike requests per second
# on a shared two-core machine, the count does not move with the neighbours' load, so it is how
# single changes are compared (A/B two binaries). User space only: kernel work is not counted.
#
#   bench/instructions.sh [BINARY] [REQUESTS]     (default: release build, 2000)
# Environment: FSYNC=never|always|interval (the gateway's storage.fsync, default never), PORT (18095;
# another port lets two counts run side by side), CONNS (8: the connections, each with one request
# in flight; 64 as in W1 makes the event loop's rounds as large as under load, where a round's
# objects are freed together and glibc's malloc works harder than with 8).
#
# Starts BINARY under valgrind --tool=callgrind on bench/w1.sh's configuration (file sink), sends a
# warm-up pool, zeroes the counters, sends REQUESTS fresh W1 webhooks over CONNS keep-alive connections
# (bench/send_pool.py), dumps, and prints the total, the count per request and the malloc calls per
# request (allocations: Swift objects, arrays and strings all come from malloc). The profile is kept
# in bench/out/callgrind.<binary name>.out for callgrind_annotate.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
BENCH="${BENCH_DIR:-$ROOT/../shared/bench}"
N="${2:-2000}"
if ! command -v valgrind >/dev/null; then
  [ "$(id -u)" = 0 ] || { echo "instructions: valgrind is missing (apt-get install valgrind)" >&2; exit 2; }
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq valgrind >&2
fi
if [ -z "${1:-}" ]; then
  make -s -C "$ROOT" release >&2   # the Makefile's flags (link-time optimisation)
  BIN="$ROOT/.build/release/webhook-gateway"
else
  BIN="$1"
fi
WORK="$(mktemp -d /tmp/gw-instructions.XXXXXX)"
PORT="${PORT:-18095}"
VG=
cleanup() { [ -n "$VG" ] && kill "$VG" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
source "$ROOT/bench/gateway-config.sh"
write_config "$WORK/gateway.yaml" "$PORT" "${FSYNC:-never}" "$WORK/data"
# --trace-children: `serve` re-executes itself once at start (MallocCache); count the image that serves.
valgrind --tool=callgrind --trace-children=yes --callgrind-out-file="$WORK/cg.out" --dump-instr=no --collect-jumps=no \
  "$BIN" serve --config "$WORK/gateway.yaml" 2>"$WORK/valgrind.log" &
VG=$!
wait_port "$PORT" 60   # valgrind starts slowly
python3 "$BENCH/gen_pool.py" --count "$N" --out "$WORK/warm.pool" >/dev/null 2>&1
python3 "$ROOT/bench/send_pool.py" "$WORK/warm.pool" "$PORT" 8 >/dev/null
callgrind_control -z "$VG" >/dev/null 2>&1
python3 "$BENCH/gen_pool.py" --count "$N" --out "$WORK/measured.pool" >/dev/null 2>&1
RESULT="$(python3 "$ROOT/bench/send_pool.py" "$WORK/measured.pool" "$PORT" "${CONNS:-8}")"
sleep 2   # let delivery write the file sink's lines: part of the work being counted
callgrind_control -d "$VG" >/dev/null 2>&1
sleep 1
IR="$(callgrind_annotate "$WORK/cg.out.1" 2>/dev/null | awk '/PROGRAM TOTALS/ {gsub(",", "", $1); print $1; exit}')"
mkdir -p "$ROOT/bench/out"
cp "$WORK/cg.out.1" "$ROOT/bench/out/callgrind.$(basename "$BIN").out"
# Allocations: the calls into glibc's malloc, summed over its callers in the call tree.
MALLOCS="$(callgrind_annotate --tree=caller --inclusive=yes "$WORK/cg.out.1" 2>/dev/null | python3 -c '
import re, sys
lines = sys.stdin.read().split("\n")
for i, line in enumerate(lines):
    if re.search(r"\*  \S*malloc\.c:malloc \[", line):
        total, j = 0, i - 1
        while j >= 0 and "<" in lines[j]:
            m = re.search(r"\(([\d,]+)x\)", lines[j])
            total += int(m.group(1).replace(",", "")) if m else 0
            j -= 1
        print(total)
        break
else:
    print(0)
')"
echo "instructions binary=$BIN requests=$N $RESULT total=$IR per_request=$((IR / N)) mallocs_per_request=$((MALLOCS / N))"
