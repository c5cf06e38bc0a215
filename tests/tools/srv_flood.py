#!/usr/bin/env python3
"""srv_flood.py: test-only anonymous floods for the lock-out tests (stdlib).

  srv_flood.py empty PORT N [LENGTH]
      N creations with no byte (Upload-Length LENGTH, default 1000) over
      one keep-alive connection; prints "CODE COUNT" per status seen.
  srv_flood.py poll PORT MAILBOX SECONDS
      GET one mailbox as fast as it can for SECONDS; prints "CODE COUNT".
"""
import collections
import http.client
import sys
import time

TUS = {"Tus-Resumable": "1.0.0"}


def main():
    mode, port = sys.argv[1], int(sys.argv[2])
    seen = collections.Counter()
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    if mode == "empty":
        n = int(sys.argv[3])
        length = sys.argv[4] if len(sys.argv) > 4 else "1000"
        for _ in range(n):
            c.request("POST", "/v1/uploads/", headers=dict(TUS, **{"Upload-Length": length}))
            r = c.getresponse()
            r.read()
            seen[r.status] += 1
            if r.getheader("Connection", "").lower() == "close":
                c.close()
                c = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    elif mode == "poll":
        end = time.monotonic() + float(sys.argv[4])
        while time.monotonic() < end:
            c.request("GET", "/v1/mailboxes/" + sys.argv[3])
            r = c.getresponse()
            r.read()
            seen[r.status] += 1
    for code, count in sorted(seen.items()):
        print(code, count)


main()
