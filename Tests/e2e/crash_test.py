#!/usr/bin/env python3
"""Crash test: nothing acknowledged is ever lost.

Runs the real gateway binary under continuous signed load (Svix-signed Recall webhooks), kills it
with SIGKILL at random moments (at least --kills times), restarts it on the same storage, and at
the end checks that every webhook that got a 2xx reached the HTTP sink. Duplicates at the sink are
allowed (at-least-once) but must carry the same event id. Each kill comes right after a probe
webhook's 2xx, inside the ~50 ms the dedupe log lags behind; the probe sent again after the restart
must be answered as a duplicate (its key is recovered from the journal). Prints the counts; exit 0
only if none is missing and no probe was accepted twice.

usage: crash_test.py --binary PATH --providers DIR [--webhooks 1000] [--kills 3] [--seed N]
Standard library only.
"""
import argparse, http.client, http.server, json, os, random, signal, subprocess, sys, tempfile, threading, time

from harness import free_port, signed_recall, start_gateway, start_receiver, write_config


class Sink(http.server.BaseHTTPRequestHandler):
    """The internal service: records which provider delivery ids arrived under which event ids."""
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    seen = {}          # provider_event_id -> set(event ids)
    deliveries = 0

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        try:
            env = json.loads(body)
            pid = env["data"]["provider_event_id"]
            with Sink.lock:
                Sink.seen.setdefault(pid, set()).add(env["id"])
                Sink.deliveries += 1
        except Exception as e:  # a malformed delivery is a test failure, surfaced in the counts
            print("sink: bad delivery:", e, file=sys.stderr)
        self.send_response(200)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--providers", required=True)
    ap.add_argument("--webhooks", type=int, default=1000)
    ap.add_argument("--kills", type=int, default=3)
    ap.add_argument("--seed", type=int, default=int(time.time()))
    ap.add_argument("--deadline", type=float, default=240, help="seconds before giving up")
    args = ap.parse_args()
    rnd = random.Random(args.seed)

    tmp = tempfile.mkdtemp(prefix="gw-crash-")
    sink_port, gw_port = start_receiver(Sink), free_port()
    config = write_config(tmp, gw_port, args.providers, f"""  - name: internal
    type: http
    url: http://127.0.0.1:{sink_port}/events
    retry:
      schedule: [0s, 100ms, 200ms, 500ms, 1s]""",
        # Small segments: the kills also land in rollovers and in prepared (zero-filled) segments.
        segment_size="64KiB")

    log = open(os.path.join(tmp, "gateway.log"), "ab")
    proc = [None]

    def start():
        proc[0] = start_gateway(args.binary, config, gw_port, log)

    acked = set()
    acked_lock = threading.Lock()
    stop = threading.Event()
    counter = [0]

    def sender(n):
        conn = None
        while not stop.is_set():
            with acked_lock:
                counter[0] += 1
                msg_id = f"msg_crash_{args.seed}_{counter[0]}"
            headers, body = signed_recall(msg_id, f"bot-{n}-{counter[0] % 7}")
            try:
                if conn is None:
                    conn = http.client.HTTPConnection("127.0.0.1", gw_port, timeout=5)
                conn.request("POST", "/webhooks/recall", body=body, headers=headers)
                r = conn.getresponse()
                r.read()
                if 200 <= r.status < 300:
                    with acked_lock:
                        acked.add(msg_id)
            except (OSError, http.client.HTTPException):
                if conn is not None:
                    conn.close()
                conn = None
                time.sleep(0.02)

    def post_once(headers, body):
        """Status and parsed JSON answer of one POST on a fresh connection; (None, None) if it failed."""
        conn = http.client.HTTPConnection("127.0.0.1", gw_port, timeout=5)
        try:
            conn.request("POST", "/webhooks/recall", body=body, headers=headers)
            r = conn.getresponse()
            raw = r.read()
            try:
                return r.status, json.loads(raw)
            except ValueError:
                return r.status, None
        except (OSError, http.client.HTTPException):
            return None, None
        finally:
            conn.close()

    probes, lost_dedupe = [0], []

    def probe_and_kill():
        """SIGKILL right after a probe's 2xx, restart, send the probe again: it must be a duplicate."""
        with acked_lock:
            counter[0] += 1
            msg_id = f"msg_probe_{args.seed}_{counter[0]}"
        headers, body = signed_recall(msg_id, "bot-probe")
        status, _ = post_once(headers, body)
        proc[0].send_signal(signal.SIGKILL)
        proc[0].wait()
        start()
        if status is None or not 200 <= status < 300:
            return  # not acknowledged (overloaded): nothing to check
        with acked_lock:
            acked.add(msg_id)
        probes[0] += 1
        status, answer = post_once(headers, body)
        if status != 200 or not (answer or {}).get("duplicate"):
            lost_dedupe.append((msg_id, status, answer))

    start()
    threads = [threading.Thread(target=sender, args=(i,), daemon=True) for i in range(4)]
    for t in threads:
        t.start()

    kills = 0
    began = time.time()
    while kills < args.kills or len(acked) < args.webhooks:
        if time.time() - began > args.deadline:
            break
        time.sleep(rnd.uniform(0.3, 1.5))
        if kills < args.kills or rnd.random() < 0.3:
            probe_and_kill()
            kills += 1
    stop.set()
    for t in threads:
        t.join(timeout=10)

    # Everything acknowledged must arrive; give delivery time to drain.
    drain_deadline = time.time() + 60
    while time.time() < drain_deadline:
        with Sink.lock:
            missing = [m for m in acked if m not in Sink.seen]
        if not missing:
            break
        time.sleep(0.2)
    proc[0].send_signal(signal.SIGTERM)
    try:
        proc[0].wait(timeout=15)
    except subprocess.TimeoutExpired:
        proc[0].kill()

    with Sink.lock:
        missing = sorted(m for m in acked if m not in Sink.seen)
        inconsistent = sorted(m for m, ids in Sink.seen.items() if len(ids) != 1)
        delivered_unique = len(Sink.seen)
        deliveries = Sink.deliveries
    print(f"crash-test: seed={args.seed} kills={kills} acked={len(acked)} delivered_unique={delivered_unique} "
          f"deliveries={deliveries} duplicates={deliveries - delivered_unique} missing={len(missing)} "
          f"inconsistent_ids={len(inconsistent)} dedupe_probes={probes[0]} dedupe_lost={len(lost_dedupe)}")
    if missing:
        print("missing (first 10):", missing[:10], f"log: {tmp}/gateway.log")
    if lost_dedupe:
        print("probes not answered as duplicates after the restart (first 10):", lost_dedupe[:10])
    ok = (not missing and not inconsistent and not lost_dedupe and probes[0] > 0
          and kills >= args.kills and len(acked) >= args.webhooks)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
