# The benchmark gateway's configuration, shared by bench/w1.sh and bench/instructions.sh so both
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
