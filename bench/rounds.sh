#!/usr/bin/env bash
# Event-loop round durations under W1: one fresh gateway (this checkout's release build, or
# GATEWAY_BIN) on CPU 1 driven by ../shared/bench/run-w1.sh on CPU 0, and the distribution of
# `gateway_event_loop_round_seconds` over the run (from /metrics before and after). A request
# waits for the rounds it lands in, so this is where a p99 comes from. Also the journal's
# group-commit batches over the run (`gateway_journal_batch_records`): how many, their mean size
# and how many held a single record; and under FSYNC=always their fdatasyncs' mean duration.
#
#   bench/rounds.sh [CONNECTIONS] [DURATION]      (default 64, 10s)
# Environment: FSYNC (default never), GATEWAY_BIN, BENCH_DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
CONNS="${1:-64}"; DURATION="${2:-10s}"
BENCH="${BENCH_DIR:-$ROOT/../shared/bench}"
[ -x "$BENCH/run-w1.sh" ] || { echo "rounds: $BENCH/run-w1.sh not found (set BENCH_DIR)" >&2; exit 2; }
source "$ROOT/bench/gateway-config.sh"
BIN="$(gateway_binary)"
PORT=18093
WORK="$(mktemp -d /tmp/gw-rounds.XXXXXX)"
GW=
cleanup() { [ -n "$GW" ] && kill "$GW" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
write_config "$WORK/gateway.yaml" "$PORT" "${FSYNC:-never}" "$WORK/data"
taskset -c 1 "$BIN" serve --config "$WORK/gateway.yaml" 2>"$WORK/gateway.log" & GW=$!
wait_port "$PORT"
rounds() { curl -s "http://127.0.0.1:$PORT/metrics" | grep -E '^gateway_(event_loop_round_seconds|journal_batch_records|journal_fsync_duration_seconds)' || true; }
rounds > "$WORK/before"
WRK_CPUS=0 "$BENCH/run-w1.sh" "http://127.0.0.1:$PORT/webhooks/recall" "$DURATION" "$CONNS" 2>/dev/null | tail -1 \
  | grep -o 'rps=[0-9.]*\|p50_ms=[0-9.]*\|p99_ms=[0-9.]*\|non2xx=[0-9]*' | tr '\n' ' '
echo
rounds > "$WORK/after"
python3 - "$WORK/before" "$WORK/after" <<'PY'
import re, sys
def load(path):  # {metric: {le or "count"/"sum": value}}
    d = {}
    for line in open(path):
        m = re.match(r'gateway_(event_loop_round_seconds|journal_batch_records|journal_fsync_duration_seconds)_(?:bucket\{le="([^"]+)"\}|(count|sum)) (\S+)', line)
        if m: d.setdefault(m.group(1), {})[m.group(2) or m.group(3)] = float(m.group(4))
    return d
before, after = load(sys.argv[1]), load(sys.argv[2])
ja, jb = before.get("journal_batch_records", {}), after.get("journal_batch_records", {})
jn = jb.get("count", 0) - ja.get("count", 0)
print(f"journal batches={jn:.0f} mean_records={(jb.get('sum', 0) - ja.get('sum', 0)) / max(jn, 1):.1f} "
      f"single_record={jb.get('1', 0) - ja.get('1', 0):.0f}")
fa, fb = before.get("journal_fsync_duration_seconds", {}), after.get("journal_fsync_duration_seconds", {})
fn = fb.get("count", 0) - fa.get("count", 0)
if fn: print(f"journal fsyncs={fn:.0f} mean_ms={1000 * (fb.get('sum', 0) - fa.get('sum', 0)) / fn:.3f}")
a, b = before["event_loop_round_seconds"], after["event_loop_round_seconds"]
n = b["count"] - a["count"]
print(f"rounds={n:.0f} mean_ms={1000 * (b['sum'] - a['sum']) / max(n, 1):.3f}")
previous = 0.0
for le, v in b.items():
    if le in ("count", "sum"): continue
    c = v - a.get(le, 0)
    if c - previous: print(f"  le={le:>7}s  {c - previous:7.0f} rounds  cumulative {100 * c / n:6.2f}%")
    previous = c
PY
