#!/usr/bin/env bash
# HTTP server vs nginx: what the event loop and codec cost, with no application work.
#   bench/http-noop.sh [DURATION]   (default 10s per run)
# Builds http-noop-server (release), runs it and nginx (../shared/bench/peers/nginx, one worker,
# `return 200`) each pinned to CPU 1, and drives both with wrk pinned to CPU 0 through
# ../shared/bench/run-w1.sh at 64 and 1024 connections, interleaved A,B,A,B so drift in the
# machine's load hits both alike. Prints every run's rps/p99 and the ratio of mean rps, plus the
# server's own CPU time per request (utime+stime from /proc around each run): on a shared, busy
# machine rps mostly measures contention, CPU per request still measures the server.
#
# Environment: SHARED_BENCH (default ../shared/bench), NOOP_PORT (18080), NGINX_PORT (18084),
# POOL_RATE (default 40000 requests/s of pool: the no-op server does not deduplicate, so a
# wrapped pool changes nothing and generating it stays short), SCRATCH (.build-bench).
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
SHARED="${SHARED_BENCH:-$ROOT/../shared/bench}"
DURATION="${1:-10s}"
NOOP_PORT="${NOOP_PORT:-18080}"
NGINX_PORT="${NGINX_PORT:-18084}"
export POOL_RATE="${POOL_RATE:-40000}"
export WRK_CPUS=0
SCRATCH="${SCRATCH:-$ROOT/.build-bench}"

cd "$ROOT"
# Built like the gateway's release (the Makefile's RELEASE_FLAGS: link-time optimisation).
RELEASE_FLAGS="$(make -s -C "$ROOT" release-flags)"
swift build -c release $RELEASE_FLAGS --product http-noop-server --scratch-path "$SCRATCH" >&2
BIN="$(swift build -c release $RELEASE_FLAGS --product http-noop-server --scratch-path "$SCRATCH" --show-bin-path)/http-noop-server"

PIDS=()
cleanup() { for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done; wait 2>/dev/null || true; }
trap cleanup EXIT

wait_port() {
  for _ in $(seq 1 100); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; then return 0; fi
    sleep 0.1
  done
  echo "http-noop: nothing listening on port $1" >&2; exit 1
}

taskset -c 1 "$BIN" --port "$NOOP_PORT" --loops 1 >&2 &
NOOP_PID=$!
PIDS+=($NOOP_PID)
PORT="$NGINX_PORT" taskset -c 1 "$SHARED/peers/nginx/run.sh" >&2 &
NGINX_PID=$!
PIDS+=($NGINX_PID)
wait_port "$NOOP_PORT"
wait_port "$NGINX_PORT"
NGINX_WORKER="$(pgrep -P "$NGINX_PID" | head -1)"
TICKS="$(getconf CLK_TCK)"
cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }

field() { sed -n "s/.* $1=\([^ ]*\).*/\1/p"; }

for CONNS in 64 1024; do
  declare -A SUM=([A]=0 [B]=0) CPU=([A]=0 [B]=0)
  for ROUND in 1 2; do
    for SIDE in A B; do
      if [ "$SIDE" = A ]; then URL="http://127.0.0.1:$NOOP_PORT/webhooks/recall"; NAME=gateway; PID=$NOOP_PID
      else URL="http://127.0.0.1:$NGINX_PORT/webhooks/recall"; NAME=nginx; PID=$NGINX_WORKER; fi
      T0="$(cpu_ticks "$PID")"
      LINE="$("$SHARED/run-w1.sh" "$URL" "$DURATION" "$CONNS" 2>/dev/null)"
      T1="$(cpu_ticks "$PID")"
      RPS="$(echo "$LINE" | field rps)"
      REQS="$(echo "$LINE" | field requests)"
      CPU_US="$(echo "($T1 - $T0) / $TICKS / $REQS * 1000000" | bc -l | cut -c1-5)"
      echo "conns=$CONNS round=$ROUND server=$NAME rps=$RPS p99_ms=$(echo "$LINE" | field p99_ms) server_cpu_us_per_req=$CPU_US non2xx=$(echo "$LINE" | field non2xx) socket_errors=$(echo "$LINE" | field socket_errors)"
      SUM[$SIDE]="$(echo "${SUM[$SIDE]} + $RPS" | bc -l)"
      CPU[$SIDE]="$(echo "${CPU[$SIDE]} + $CPU_US" | bc -l)"
    done
  done
  echo "conns=$CONNS mean_rps gateway=$(echo "${SUM[A]} / 2" | bc -l | cut -d. -f1) nginx=$(echo "${SUM[B]} / 2" | bc -l | cut -d. -f1) ratio=$(echo "${SUM[A]} / ${SUM[B]}" | bc -l | cut -c1-5) mean_cpu_us_per_req gateway=$(echo "${CPU[A]} / 2" | bc -l | cut -c1-5) nginx=$(echo "${CPU[B]} / 2" | bc -l | cut -c1-5)"
done
