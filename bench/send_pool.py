# Sends every request of a wrk-format pool (../shared/bench/gen_pool.py) to /webhooks/recall over
# CONNS keep-alive connections, one request in flight per connection, and counts 200 answers: an
# exact number of requests, which wrk cannot do (bench/instructions.sh divides by it).
#   send_pool.py POOL PORT [CONNS]
import socket, sys, selectors
pool, port = sys.argv[1], int(sys.argv[2]); conns = int(sys.argv[3]) if len(sys.argv) > 3 else 8
data = open(pool, 'rb').read(); reqs = []; i = 0
while i < len(data):
    n = int(data[i:i+8], 16); i += 8
    reqs.append(b"POST /webhooks/recall HTTP/1.1\r\nHost: x\r\n" + data[i:i+n]); i += n
socks = [socket.create_connection(("127.0.0.1", port)) for _ in range(conns)]
ok = bad = 0
for k in range(0, len(reqs), conns):
    batch = reqs[k:k+conns]
    for s, r in zip(socks, batch): s.sendall(r)
    for s, r in zip(socks, batch):
        buf = b""
        while b"\r\n\r\n" not in buf: buf += s.recv(65536)
        head, _, rest = buf.partition(b"\r\n\r\n")
        cl = int([l.split(b":")[1] for l in head.split(b"\r\n") if l.lower().startswith(b"content-length")][0])
        while len(rest) < cl: rest += s.recv(65536)
        if head.startswith(b"HTTP/1.1 200"): ok += 1
        else: bad += 1
print(f"ok={ok} bad={bad}")
