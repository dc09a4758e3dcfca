#!/usr/bin/env bash
# Plays every vendor event `send` knows against the real binary on the default gateway.yaml and
# checks each one is answered 2xx and reaches the stdout sink. usage: send_all.sh BINARY REPO_ROOT
set -euo pipefail
BIN="$1"; ROOT="$2"
DIR="$(mktemp -d /tmp/gw-send-all.XXXXXX)"
trap 'kill "${PID:-0}" 2>/dev/null || true; rm -rf "$DIR"' EXIT
cd "$DIR"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
# The default configuration with its listener moved to a free port and the admin API off.
sed -e "s/127.0.0.1:8080/127.0.0.1:$PORT/" -e '/^admin:/,/^$/d' "$ROOT/gateway.yaml" > gateway.yaml
ln -s "$ROOT/providers" providers
export RECALL_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw MEETINGBAAS_API_KEY=mb-api-key \
  MEETINGBAAS_WEBHOOK_SECRET=whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw MEETINGBAAS_CALLBACK_SECRET=mb-callback-secret \
  RETELL_API_KEY=retell-api-key \
  REFLECTOR_WEBHOOK_SECRET=room-secret
"$BIN" serve > stdout.txt 2> serve.log & PID=$!
for _ in $(seq 1 100); do curl -sf "http://127.0.0.1:$PORT/readyz" > /dev/null && break; sleep 0.1; done
sent=0; failed=0
for src in recall meetingbaas meetingbaas-v2 meetingbaas-v2-callback retell reflector; do
  for ev in $("$BIN" send "$src" --list | tail -n +2); do
    if "$BIN" send "$src" "$ev" > last.txt 2>&1; then sent=$((sent + 1)); else failed=$((failed + 1)); echo "FAILED: $src $ev"; cat last.txt; fi
  done
done
for _ in $(seq 1 50); do [ "$(wc -l < stdout.txt)" -ge "$sent" ] && break; sleep 0.1; done
lines=$(wc -l < stdout.txt)
echo "send-all: sent=$sent failed=$failed stdout_lines=$lines"
[ "$failed" = 0 ] && [ "$sent" -ge 40 ] && [ "$lines" = "$sent" ]
