#!/usr/bin/env python3
"""fdatasync cost of appending to a file vs overwriting zeros already on disk.

Why the journal prepares zero-filled segments (Sources/GatewayStore/Journal/SegmentPreparer.swift):
an append changes the file's size and allocates blocks, so each fdatasync commits file-system
metadata too; an overwrite of written zeros flushes only the data. A second thread appends to
another file meanwhile, as the gateway's file sink does.

    python3 bench/fsync-prealloc.py [SYNCS] [BYTES_PER_SYNC] [DIRECTORY]
"""
import os, sys, threading, time

syncs = int(sys.argv[1]) if len(sys.argv) > 1 else 1000
record = int(sys.argv[2]) if len(sys.argv) > 2 else 64 * 1500   # one W1 round of 64 webhooks
directory = sys.argv[3] if len(sys.argv) > 3 else "/tmp"
stop = threading.Event()

def other_appender():
    path = os.path.join(directory, "fsync-prealloc-other")
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC | os.O_APPEND, 0o644)
    line = b"y" * 1500
    while not stop.is_set():
        for _ in range(20):
            os.write(fd, line)
        time.sleep(0.001)
    os.close(fd)
    os.unlink(path)

def run(mode):
    path = os.path.join(directory, f"fsync-prealloc-{mode}")
    fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o644)
    if mode == "zeroed":
        os.write(fd, b"\0" * (syncs * record))
        os.fsync(fd)
    data = b"x" * record
    latencies = []
    start = time.perf_counter()
    for i in range(syncs):
        os.pwrite(fd, data, i * record)
        t = time.perf_counter()
        os.fdatasync(fd)
        latencies.append(time.perf_counter() - t)
    total = time.perf_counter() - start
    os.close(fd)
    os.unlink(path)
    latencies.sort()
    print(f"{mode:8s} {1e6 * total / syncs:6.0f} us per write+sync, fdatasync p50 {1e6 * latencies[syncs // 2]:.0f} us"
          f" p99 {1e6 * latencies[syncs * 99 // 100]:.0f} us")

appender = threading.Thread(target=other_appender)
appender.start()
try:
    for mode in ("append", "zeroed", "append", "zeroed"):
        run(mode)
finally:
    stop.set()
    appender.join()
