#!/usr/bin/env python3
"""W1 pool with large bodies: the records of ../shared/bench/gen_pool.py (same wrk record format,
same Svix signing, unique webhook ids, Recall bot status events) but each body padded to about
--size bytes with a `notes` string in the bot's metadata, as a transcript-heavy vendor payload
would be. For bench/w1.sh's PAYLOAD variant (the shared generator has no size option).

Usage: gen_large_pool.py --count N --out FILE [--size 65536] [--secret whsec_...]
"""
import argparse, base64, hashlib, hmac, os, sys, time, uuid
from datetime import datetime, timezone

EVENTS = ("bot.joining_call", "bot.in_call_recording", "bot.call_ended", "bot.done")


def main() -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, required=True)
    ap.add_argument("--out", required=True)
    ap.add_argument("--size", type=int, default=65536)
    ap.add_argument("--secret", default="whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw")
    args = ap.parse_args()
    key = base64.b64decode(args.secret[len("whsec_"):] if args.secret.startswith("whsec_") else args.secret)
    ts = str(int(time.time()))
    updated_at = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    prefix = "msg_" + base64.b32encode(os.urandom(10)).decode().rstrip("=").lower()[:12]
    bots = [str(uuid.uuid4()) for _ in range(1000)]
    shell = ('{"event":"%s","data":{"data":{"code":"%s","sub_code":null,"updated_at":"%s"},'
             '"bot":{"id":"%s","metadata":{"customer":"acme","notes":"%s"}}}}')
    padding = max(0, args.size - len(shell % ("bot.in_call_recording", "in_call_recording", updated_at, bots[0], "")))
    notes = ("lorem ipsum dolor sit amet " * (padding // 27 + 1))[:padding]
    with open(args.out, "wb", buffering=1 << 20) as f:
        for i in range(args.count):
            event = EVENTS[i % len(EVENTS)]
            body = (shell % (event, event[4:], updated_at, bots[(i // 4) % len(bots)], notes)).encode()
            msg_id = "%s%010x" % (prefix, i)
            mac = hmac.new(key, msg_id.encode() + b"." + ts.encode() + b"." + body, hashlib.sha256)
            rec = ("webhook-id: %s\r\nwebhook-timestamp: %s\r\nwebhook-signature: v1,%s\r\n"
                   "content-type: application/json\r\ncontent-length: %d\r\n\r\n"
                   % (msg_id, ts, base64.b64encode(mac.digest()).decode(), len(body))).encode() + body
            f.write(b"%08x" % len(rec))
            f.write(rec)
    return 0


if __name__ == "__main__":
    sys.exit(main())
