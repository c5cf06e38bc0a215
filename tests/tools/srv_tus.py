#!/usr/bin/env python3
"""srv_tus.py: test-only tus 1.0.0 client for the server tests (stdlib).

  srv_tus.py upload BASE_URL FILE [CHUNK] [DELAY]
      create an upload, then PATCH it CHUNK bytes at a time (DELAY seconds
      apart); prints "loc PATH", one "ack OFFSET" per acknowledged PATCH
      and "done" at the end. Exit 0 when the last PATCH got 204.
  srv_tus.py resume BASE_URL PATH FILE
      HEAD the upload, PATCH the rest from the offset it reports; prints
      "from OFFSET" and "done". Exit 0 on 204.
Every line is flushed at once so a killed server leaves a true record.
"""
import http.client
import sys
import time
import urllib.parse

TUS = {"Tus-Resumable": "1.0.0"}


def conn(base):
    u = urllib.parse.urlsplit(base)
    return http.client.HTTPConnection(u.hostname, u.port, timeout=60)


def say(*words):
    print(*words, flush=True)


def patch(c, path, off, data):
    h = dict(TUS)
    h["Upload-Offset"] = str(off)
    h["Content-Type"] = "application/offset+octet-stream"
    c.request("PATCH", path, body=data, headers=h)
    r = c.getresponse()
    r.read()
    return r.status, r.getheader("Upload-Offset")


def send_from(c, path, blob, off, chunk, delay):
    while off < len(blob):
        status, new = patch(c, path, off, blob[off:off + chunk])
        if status != 204:
            say("status", status)
            return 1
        off = int(new)
        say("ack", off)
        if delay:
            time.sleep(delay)
    say("done")
    return 0


def upload(base, fname, chunk=1 << 20, delay=0.0):
    blob = open(fname, "rb").read()
    c = conn(base)
    h = dict(TUS)
    h["Upload-Length"] = str(len(blob))
    c.request("POST", "/v1/uploads/", headers=h)
    r = c.getresponse()
    r.read()
    if r.status != 201:
        say("status", r.status)
        return 1
    path = r.getheader("Location")
    say("loc", path)
    return send_from(c, path, blob, 0, chunk, delay)


def resume(base, path, fname):
    blob = open(fname, "rb").read()
    c = conn(base)
    c.request("HEAD", path, headers=TUS)
    r = c.getresponse()
    r.read()
    if r.status != 200:
        say("status", r.status)
        return 1
    off = int(r.getheader("Upload-Offset"))
    say("from", off)
    return send_from(c, path, blob, off, 1 << 20, 0)


def main(argv):
    try:
        if len(argv) >= 4 and argv[1] == "upload":
            chunk = int(argv[4]) if len(argv) > 4 else 1 << 20
            delay = float(argv[5]) if len(argv) > 5 else 0.0
            return upload(argv[2], argv[3], chunk, delay)
        if len(argv) == 5 and argv[1] == "resume":
            return resume(argv[2], argv[3], argv[4])
    except (OSError, http.client.HTTPException) as e:
        say("error", type(e).__name__)
        return 2
    sys.stderr.write(__doc__)
    return 64


if __name__ == "__main__":
    sys.exit(main(sys.argv))
