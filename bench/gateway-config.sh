# The benchmark gateway's configuration and start-up helpers, shared by the bench scripts so all
# measure the same thing: one event loop, source `recall` with W1's secret, one file sink.
# Sourced; needs ROOT (the repository root).
#   write_config FILE PORT FSYNC DATA_DIR
write_config() { # file port fsync data-dir
  cat > "$1" <<YAML
server:
  listen: 127.0.0.1:$2
  event_loops: 1
  max_connections: 20000
storage:
  path: $4
  fsync: $3
providers_dir: $ROOT/providers
sources:
  - name: recall
    provider: recall
    secret: whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw
sinks:
  - name: events-file
    type: file
    path: $4/events.jsonl
    fsync: false                # like the Go peer's log file; the journal carries storage.fsync
    concurrency: 1              # a file is written by one writer at a time: more workers only add switches
log:
  level: warning
YAML
}

# The gateway binary to measure: GATEWAY_BIN (an earlier build, for before/after runs), or this
# checkout's release build, built now.
gateway_binary() {
  if [ -n "${GATEWAY_BIN:-}" ]; then echo "$GATEWAY_BIN"; return; fi
  make -s -C "$ROOT" release >&2   # the Makefile's flags (link-time optimisation)
  echo "$ROOT/.build/release/webhook-gateway"
}

# Returns once 127.0.0.1:PORT accepts connections; fails after SECONDS (default 20).
wait_port() { # port [seconds]
  local tries=$(( ${2:-20} * 20 ))
  for _ in $(seq 1 "$tries"); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.05; done
  echo "bench: port $1 never opened" >&2
  return 1
}
