#!/usr/bin/env python3
"""srv_loris.py PORT N SECONDS: test-only slow-loris: keep N connections
to 127.0.0.1:PORT, each sending its request head one byte every 10 s
(staggered), opening a new one whenever the server closes one, for
SECONDS. Prints "opened O closed C" at the end. Bounded: it stops itself."""
import resource
import select
import socket
import sys
import time

port, n, seconds = int(sys.argv[1]), int(sys.argv[2]), float(sys.argv[3])
soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
resource.setrlimit(resource.RLIMIT_NOFILE, (min(hard, max(soft, n + 64)), hard))
HEAD = b"POST /v1/uploads/ HTTP/1.1\r\nHost: x\r\nTus-Resumable: 1.0.0\r\n" * 100
opened = closed = 0
end = time.monotonic() + seconds


def connect():
    global opened
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
    except OSError:
        return None
    s.setblocking(False)
    opened += 1
    return s


conns = []  # [socket, next send time, bytes sent]
for i in range(n):
    conns.append([connect(), time.monotonic() + 10.0 * i / n, 0])
while time.monotonic() < end:
    now = time.monotonic()
    live = [c[0] for c in conns if c[0] is not None]
    for chunk in range(0, len(live), 500):
        r, _, _ = select.select(live[chunk:chunk + 500], [], [], 0)
        for s in r:
            try:
                data = s.recv(4096)
            except OSError:
                data = b""
            if not data:
                for c in conns:
                    if c[0] is s:
                        s.close()
                        closed += 1
                        c[0], c[2] = None, 0
    for c in conns:
        if c[0] is None:
            c[0], c[1] = connect(), now + 10.0
            continue
        if now >= c[1]:
            try:
                c[0].send(HEAD[c[2]:c[2] + 1])
                c[2] += 1
            except OSError:
                c[0].close()
                closed += 1
                c[0] = None
            c[1] = now + 10.0
    time.sleep(0.2)
for c in conns:
    if c[0] is not None:
        c[0].close()
print("opened %d closed %d" % (opened, closed))
