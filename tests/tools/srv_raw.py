#!/usr/bin/env python3
"""srv_raw.py PORT [HOLD]: send stdin's bytes as they are to 127.0.0.1:PORT
and print one line: the status codes of every response that came back
(comma-separated, or "none"), then "closed" if the server closed the
connection within 5 s or "open" if it did not. Used for the framing cases
no HTTP client will send. HOLD=1 keeps the write side open (no FIN), so
"closed" is the server's own decision."""
import socket
import sys
import time

port = int(sys.argv[1])
hold = len(sys.argv) > 2 and sys.argv[2] == "1"
data = sys.stdin.buffer.read()
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(data)
if not hold:
    s.shutdown(socket.SHUT_WR)
got = b""
closed = False
deadline = time.monotonic() + 5
s.settimeout(0.5)
while time.monotonic() < deadline:
    try:
        chunk = s.recv(65536)
    except socket.timeout:
        continue
    except ConnectionResetError:
        closed = True
        break
    if not chunk:
        closed = True
        break
    got += chunk
s.close()
codes = []
for line in got.split(b"\r\n"):
    if line.startswith(b"HTTP/1."):
        parts = line.split(b" ")
        if len(parts) >= 2:
            codes.append(parts[1].decode())
print("%s %s" % (",".join(codes) or "none", "closed" if closed else "open"))
