#!/usr/bin/env bash
# A/B of two gateway builds on the W1 load, alternating (A, B, A, B, ...) so the machine's drift
# hits both alike. Each run starts a fresh gateway on a fresh data directory (CPU 1) and drives it
# with ../shared/bench/run-w1.sh (CPU 0); prints rps, p50, p99 and the gateway's CPU per request
# per run, then the medians. The way single changes were compared in docs/PERFORMANCE.md.
#
#   bench/ab.sh ROUNDS BINARY_A BINARY_B
# Environment: FSYNC=never|always (default never), DURATION (10s), CONNS (64), BENCH_DIR.
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
ROOT="$(pwd)"
ROUNDS="${1:?rounds}"; A="${2:?binary A}"; B="${3:?binary B}"
BENCH="${BENCH_DIR:-$ROOT/../shared/bench}"
PORT=18090
WORK="$(mktemp -d /tmp/gw-ab.XXXXXX)"
GW=
cleanup() { [ -n "$GW" ] && kill "$GW" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
source "$ROOT/bench/gateway-config.sh"
write_config "$WORK/gateway.yaml" "$PORT" "${FSYNC:-never}" "$WORK/data"
RESULTS="$WORK/results.txt"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

for _ in $(seq 1 "$ROUNDS"); do
  for name in A B; do
    bin="$A"; [ "$name" = B ] && bin="$B"
    rm -rf "$WORK/data"; sync
    taskset -c 1 "$bin" serve --config "$WORK/gateway.yaml" 2>"$WORK/gateway.log" & GW=$!
    wait_port "$PORT"
    t0="$(cpu_ticks "$GW")"
    line="$(WRK_CPUS=0 "$BENCH/run-w1.sh" "http://127.0.0.1:$PORT/webhooks/recall" "${DURATION:-10s}" "${CONNS:-64}" 2>/dev/null || true)"
    requests="$(echo "$line" | grep -o ' requests=[0-9]*' | cut -d= -f2)"
    cpu=$(( ($(cpu_ticks "$GW") - t0) * 1000000 / $(getconf CLK_TCK) / ${requests:-1} ))
    kill "$GW"; wait "$GW" 2>/dev/null || true; GW=
    echo "$name $(echo "$line" | grep -o 'rps=[0-9.]*\|p50_ms=[0-9.]*\|p99_ms=[0-9.]*\|non2xx=[0-9]*' | tr '\n' ' ')cpu_us_per_req=$cpu" | tee -a "$RESULTS"
  done
done
python3 - "$RESULTS" <<'PY'
import re, statistics, sys
rows = {}
for line in open(sys.argv[1]):
    rows.setdefault(line.split()[0], []).append(dict(re.findall(r"(\w+)=([\d.]+)", line)))
for name, runs in rows.items():
    print(name, "median:", " ".join(f"{k}={statistics.median(float(r.get(k, 0)) for r in runs):.2f}"
                                    for k in ("rps", "p50_ms", "p99_ms", "cpu_us_per_req")))
PY
