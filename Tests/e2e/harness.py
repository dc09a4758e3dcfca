"""Shared pieces of the end-to-end scripts (standard library only): free ports, a quiet HTTP
receiver server, Svix-signed Recall webhooks, and starting the gateway binary until it is ready."""
import base64, hashlib, hmac, http.client, http.server, os, socket, subprocess, sys, threading, time

SECRET = "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"
KEY = base64.b64decode(SECRET[len("whsec_"):])


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


class QuietServer(http.server.ThreadingHTTPServer):
    """A gateway killed or stopped mid-delivery resets its connection: expected, not worth a traceback."""
    daemon_threads = True

    def handle_error(self, request, client_address):
        pass


def signed_recall(msg_id, bot, event="bot.done"):
    """Headers and body of a Recall bot status webhook signed per Standard Webhooks, timestamped now."""
    ts = str(int(time.time()))
    code = event.split(".", 1)[1]
    body = ('{"event":"%s","data":{"data":{"code":"%s","sub_code":null,"updated_at":"2026-01-01T00:00:00Z"},'
            '"bot":{"id":"%s","metadata":{}}}}' % (event, code, bot)).encode()
    sig = base64.b64encode(hmac.new(KEY, f"{msg_id}.{ts}.".encode() + body, hashlib.sha256).digest()).decode()
    return {"webhook-id": msg_id, "webhook-timestamp": ts, "webhook-signature": "v1," + sig,
            "content-type": "application/json"}, body


def start_gateway(binary, config, port, log):
    """Starts `serve` and returns the process once /readyz answers 200 (exits the script if it dies)."""
    proc = subprocess.Popen([binary, "serve", "--config", config], stdout=log, stderr=log)
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            c = http.client.HTTPConnection("127.0.0.1", port, timeout=1)
            c.request("GET", "/readyz")
            if c.getresponse().status == 200:
                return proc
        except OSError:
            pass
        if proc.poll() is not None:
            sys.exit(f"gateway exited with {proc.returncode} on start; see {log.name}")
        time.sleep(0.05)
    sys.exit("gateway did not become ready in 30 s")


def start_receiver(handler):
    """Serves `handler` (the internal service behind an HTTP sink) on a free port; returns the port."""
    port = free_port()
    server = QuietServer(("127.0.0.1", port), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return port


def write_config(directory, gateway_port, providers, sink, log_level="warning", segment_size="64MiB"):
    """A gateway.yaml in `directory`: one loop on `gateway_port`, storage below `directory`, the
    `recall` source signed with SECRET, and the HTTP sink whose YAML lines (under `sinks:`) are
    given. Returns its path."""
    path = os.path.join(directory, "gateway.yaml")
    with open(path, "w") as f:
        f.write(f"""
server:
  listen: 127.0.0.1:{gateway_port}
  event_loops: 1
storage:
  path: {directory}/data
  fsync: always
  segment_size: {segment_size}
providers_dir: {os.path.abspath(providers)}
sources:
  - name: recall
    provider: recall
    secret: {SECRET}
sinks:
{sink}
log:
  level: {log_level}
""")
    return path
