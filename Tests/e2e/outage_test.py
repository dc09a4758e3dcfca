#!/usr/bin/env python3
"""Outage and dead-letter test on the real binary (standard library only).

1. Outage: the HTTP sink answers 503 for a while, then recovers. Every webhook (several sessions,
   several events each) must arrive, and within each session in the order the gateway accepted them.
2. Dead letters: the sink answers 400, so events go to dead letters. The gateway is stopped, the
   sink fixed, `webhook-gateway dead-letters retry` run, the gateway started again: each dead
   letter must be delivered exactly once.

usage: outage_test.py --binary PATH --providers DIR
"""
import argparse, http.client, http.server, json, os, signal, subprocess, sys, tempfile, threading, time

from harness import free_port, signed_recall, start_gateway, start_receiver, write_config

EVENTS = ["bot.joining_call", "bot.in_call_recording", "bot.call_ended", "bot.done"]


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    lock = threading.Lock()
    status = 503
    received = []          # (session, provider_event_id, event id) in arrival order, 2xx only

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("content-length", "0")))
        with Receiver.lock:
            status = Receiver.status
            if status == 200:
                env = json.loads(body)
                Receiver.received.append((env["subject"], env["data"]["provider_event_id"], env["id"]))
        self.send_response(status)
        self.send_header("content-length", "0")
        self.end_headers()

    def log_message(self, *a):
        pass


def post(port, msg_id, event, bot):
    headers, body = signed_recall(msg_id, bot, event)
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    c.request("POST", "/webhooks/recall", body=body, headers=headers)
    r = c.getresponse(); r.read(); c.close()
    return r.status


def wait_until(predicate, timeout, what):
    deadline = time.time() + timeout
    while time.time() < deadline:
        if predicate():
            return
        time.sleep(0.1)
    sys.exit(f"outage-test: timed out waiting for {what}")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--binary", required=True)
    ap.add_argument("--providers", required=True)
    args = ap.parse_args()
    tmp = tempfile.mkdtemp(prefix="gw-outage-")
    rport, gport = start_receiver(Receiver), free_port()
    config = write_config(tmp, gport, args.providers, f"""  - name: app
    type: http
    url: http://127.0.0.1:{rport}/hooks
    ordering: per_session
    retry:
      schedule: [100ms, 200ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms, 300ms]
      jitter: 0""", log_level="error")
    log = open(os.path.join(tmp, "gateway.log"), "ab")

    def start():
        return start_gateway(args.binary, config, gport, log)

    def stop(p):
        p.send_signal(signal.SIGTERM)
        p.wait(timeout=20)

    # 1. Outage: 503 while 5 sessions x 4 events arrive, then recovery.
    gw = start()
    sent = []
    for i, event in enumerate(EVENTS):
        for s in range(5):
            msg = f"msg_outage_{s}_{i}"
            assert post(gport, msg, event, f"bot-{s}") == 200
            sent.append((f"bot-{s}", msg))
    time.sleep(1.5)
    with Receiver.lock:
        assert not Receiver.received
        Receiver.status = 200
    wait_until(lambda: len({m for _, m, _ in Receiver.received}) >= len(sent), 30, "delivery after the outage")
    with Receiver.lock:
        got = list(Receiver.received)
    order_ok = True
    for s in range(5):
        expected = [m for b, m in sent if b == f"bot-{s}"]
        arrived = [m for b, m, _ in got if b == f"bot-{s}"]
        if arrived != expected:
            order_ok = False
            print(f"outage-test: session bot-{s} order {arrived} != {expected}")
    print(f"outage-test: outage phase sent={len(sent)} delivered={len(got)} per_session_order={'ok' if order_ok else 'BROKEN'}")

    # 2. Dead letters: 400 → dead letters; stop; fix; CLI retry; start → exactly once each.
    with Receiver.lock:
        Receiver.status = 400
        Receiver.received = []
    bad = []
    for s in range(3):
        msg = f"msg_dead_{s}"
        assert post(gport, msg, "bot.done", f"dead-bot-{s}") == 200
        bad.append(msg)
    time.sleep(1.5)
    stop(gw)
    listing = subprocess.run([args.binary, "dead-letters", "list", "--config", config, "--sink", "app"],
                             capture_output=True, text=True)
    dead = listing.stdout.count("evt_")
    retry = subprocess.run([args.binary, "dead-letters", "retry", "--config", config, "--sink", "app"],
                           capture_output=True, text=True)
    with Receiver.lock:
        Receiver.status = 200
    gw = start()
    wait_until(lambda: len(Receiver.received) >= len(bad), 30, "dead letters to be redelivered")
    time.sleep(1.0)  # anything extra (a second delivery) would show up now
    stop(gw)
    with Receiver.lock:
        ids = [m for _, m, _ in Receiver.received]
    exactly_once = sorted(ids) == sorted(bad)
    print(f"outage-test: dead_letters={dead} retry_exit={retry.returncode} redelivered={len(ids)} exactly_once={'ok' if exactly_once else 'BROKEN'}")
    ok = order_ok and len(got) == len(sent) and dead == len(bad) and retry.returncode == 0 and exactly_once
    if not ok:
        print(listing.stdout, listing.stderr, retry.stdout, retry.stderr, f"log: {tmp}/gateway.log")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
