#!/usr/bin/env bash
# W1 ingest benchmark: the gateway's full path (parse, verify, normalise, dedupe, journal, respond)
# against nginx's ceiling and the Go standard-library receiver, in the same run, interleaved
# (gateway, nginx, go, gateway, nginx, go, ...) with every server pinned to CPU 1 and wrk to CPU 0.
# Prints one line per run and the median ratios at the end.
#
#   bench/w1.sh [ROUNDS] [DURATION] [CONNECTIONS]
# Environment: FSYNC=never|always|interval (gateway's storage.fsync, default never), or
#              FSYNC=both: two gateways, `gateway` (never) and `gateway-always`, in the same rounds,
#              PEERS="nginx go" (which baselines to run), BENCH_DIR (../shared/bench),
#              GATEWAY_BIN (a gateway binary to run instead of building this checkout),
#              PAYLOAD=65536 (bodies of about that many bytes from bench/gen_large_pool.py, sent
#              by wrk with the shared replay.lua, instead of run-w1.sh's ~215-byte W1 pool).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
ROUNDS="${1:-3}"; DURATION="${2:-10s}"; CONNS="${3:-64}"
FSYNC="${FSYNC:-never}"
PEERS="${PEERS-nginx go}"
BENCH="${BENCH_DIR:-$ROOT/../shared/bench}"
[ -x "$BENCH/run-w1.sh" ] || { echo "bench: $BENCH/run-w1.sh not found (set BENCH_DIR)" >&2; exit 2; }

scripts/install-deps.sh
source "$ROOT/bench/gateway-config.sh"
BIN="$(gateway_binary)"

OUT="$ROOT/bench/out"; mkdir -p "$OUT"
WORK="$(mktemp -d /tmp/gw-bench.XXXXXX)"
PIDS=()
cleanup() { for p in "${PIDS[@]:-}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$WORK"; }
trap cleanup EXIT

GW_PORT=18080; GW_ALWAYS_PORT=18086; NGINX_PORT=18084; GO_PORT=18082
write_config "$WORK/gateway.yaml" $GW_PORT "$([ "$FSYNC" = both ] && echo never || echo "$FSYNC")" "$WORK/data"
write_config "$WORK/gateway-always.yaml" $GW_ALWAYS_PORT always "$WORK/data-always"

start_server() { # name
  case "$1" in
    gateway) taskset -c 1 "$BIN" serve --config "$WORK/gateway.yaml" 2>"$OUT/gateway.log" & PIDS+=($!); wait_port $GW_PORT ;;
    gateway-always) taskset -c 1 "$BIN" serve --config "$WORK/gateway-always.yaml" 2>"$OUT/gateway-always.log" & PIDS+=($!); wait_port $GW_ALWAYS_PORT ;;
    nginx) PORT=$NGINX_PORT taskset -c 1 "$BENCH/peers/nginx/run.sh" >/dev/null 2>&1 & PIDS+=($!); wait_port $NGINX_PORT ;;
    go) "$BENCH/peers/go/build.sh" >/dev/null 2>&1 || true
        PORT=$GO_PORT LOG_PATH="$WORK/go-events.jsonl" taskset -c 1 "$BENCH/peers/go/run.sh" >/dev/null 2>&1 & PIDS+=($!); wait_port $GO_PORT ;;
  esac
}

url_of() { case "$1" in gateway) echo "http://127.0.0.1:$GW_PORT/webhooks/recall" ;; gateway-always) echo "http://127.0.0.1:$GW_ALWAYS_PORT/webhooks/recall" ;; nginx) echo "http://127.0.0.1:$NGINX_PORT/webhooks/recall" ;; go) echo "http://127.0.0.1:$GO_PORT/webhooks/recall" ;; esac; }

SERVERS="gateway $(if [ "$FSYNC" = both ]; then echo gateway-always; fi) $PEERS"
for s in $SERVERS; do start_server "$s"; done
sleep 1
GW_PID="$(pgrep -f "serve --config $WORK/gateway.yaml" | head -1)"
rss_kib() { awk -v k="$2" '$1 == k":" {print $2}' "/proc/$1/status"; }
# The gateways' own CPU time (utime+stime) around each run, per request: rps on this shared machine
# moves with the neighbours, CPU per request much less. Peers run behind wrapper scripts: not measured.
server_pid() { case "$1" in gateway) echo "$GW_PID" ;; gateway-always) pgrep -f "serve --config $WORK/gateway-always.yaml" | head -1 ;; esac; }
cpu_ticks() { if [ -n "$1" ]; then awk '{print $14 + $15}' "/proc/$1/stat"; else echo 0; fi; }
echo "gateway memory idle: VmRSS=$(rss_kib "$GW_PID" VmRSS) KiB" | tee -a "$OUT/memory.txt"
RESULTS="$OUT/w1-$(date +%Y%m%dT%H%M%S)-fsync-$FSYNC-c$CONNS${PAYLOAD:+-body$PAYLOAD}.txt"

# One load run against URL: the shared W1 harness, or for PAYLOAD the same wrk + replay.lua on a
# pool of large bodies (4000 a second: only nginx, which ignores ids, goes faster and wraps; a
# gateway whose run wraps answers the repeats as duplicates, so check pool_wrapped=0).
load() { # url
  if [ -z "${PAYLOAD:-}" ]; then
    WRK_CPUS=0 "$BENCH/run-w1.sh" "$1" "$DURATION" "$CONNS" 2>/dev/null || true
    return
  fi
  local secs="${DURATION%s}" pool="$WORK/large.pool"
  taskset -c 0 python3 "$ROOT/bench/gen_large_pool.py" --count $(( secs * 4000 + 1 )) --size "$PAYLOAD" --out "$pool"
  local line
  line="$(timeout $(( secs + 30 )) taskset -c 0 wrk -t 1 -c "$CONNS" -d "$DURATION" --timeout 2s --latency \
    -s "$BENCH/replay.lua" "$1" -- "$pool" 1 2>/dev/null | grep -m1 '^W1RESULT ' || true)"
  rm -f "$pool"
  echo "W1RESULT url=$1 connections=$CONNS body_bytes=$PAYLOAD ${line#W1RESULT }"
}
for r in $(seq 1 "$ROUNDS"); do
  for s in $SERVERS; do
    # Each run starts with no dirty page cache: otherwise the previous server's hundreds of MB of
    # journal writes are written back during this run, on this run's CPU and disk time.
    sync
    pid="$(server_pid "$s")"
    t0="$(cpu_ticks "$pid")"
    line="$(load "$(url_of "$s")")"
    cpu=""
    if [ -n "$pid" ]; then
      requests="$(echo "$line" | grep -o ' requests=[0-9]*' | cut -d= -f2)"
      [ "${requests:-0}" -gt 0 ] && cpu=" server_cpu_us_per_req=$(( ($(cpu_ticks "$pid") - t0) * 1000000 / $(getconf CLK_TCK) / requests ))"
    fi
    echo "round=$r server=$s $line$cpu" | tee -a "$RESULTS"
  done
done
echo "gateway memory after the runs: VmRSS=$(rss_kib "$GW_PID" VmRSS) KiB peak VmHWM=$(rss_kib "$GW_PID" VmHWM) KiB" | tee -a "$OUT/memory.txt"

python3 - "$RESULTS" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    m = dict(re.findall(r"(\w+)=(\S+)", line))
    rows.setdefault(m["server"], []).append(m)
def med(server, key):
    vals = [float(r.get(key, 0)) for r in rows.get(server, [])]
    return statistics.median(vals) if vals else 0.0
g = med("gateway", "rps")
print(f"\nmedian over {len(rows.get('gateway', []))} rounds ({sys.argv[1]}):")
for s in rows:
    errs = sum(int(r.get("non2xx", 0)) + int(r.get("socket_errors", 0)) for r in rows[s])
    cpu = f" cpu/request={med(s, 'server_cpu_us_per_req'):.0f}us" if any("server_cpu_us_per_req" in r for r in rows[s]) else ""
    print(f"  {s:14s} rps={med(s, 'rps'):9.0f} p50={med(s, 'p50_ms'):.2f}ms p99={med(s, 'p99_ms'):.2f}ms errors={errs}{cpu}")
for gw in ("gateway", "gateway-always"):
    for peer in ("nginx", "go"):
        if gw in rows and peer in rows and med(peer, "rps"):
            print(f"  {gw}/{peer} = {med(gw, 'rps') / med(peer, 'rps'):.2f}x")
if "gateway-always" in rows and g:
    print(f"  fsync always / never = {med('gateway-always', 'rps') / g:.2f}x")
PY
