#!/usr/bin/env python3
"""off_upload.py: test-only tus 1.0.0 uploader for the officer tests and
benchmark (stdlib). Uploads each FILE with one creation-with-upload POST
over a single kept-alive connection (large files in 8 MiB PATCHes).

  off_upload.py BASE_URL FILE...

Exit 0 when every upload got its final 201/204; prints how many.
"""
import http.client
import sys
import urllib.parse

TUS = {"Tus-Resumable": "1.0.0"}
PIECE = 8 << 20


def main():
    if len(sys.argv) < 3:
        print("usage: off_upload.py BASE_URL FILE...", file=sys.stderr)
        return 64
    u = urllib.parse.urlsplit(sys.argv[1])
    c = http.client.HTTPConnection(u.hostname, u.port, timeout=120)
    n = 0
    for path in sys.argv[2:]:
        with open(path, "rb") as f:
            data = f.read()
        first = data[:PIECE]
        h = dict(TUS)
        h["Upload-Length"] = str(len(data))
        h["Content-Type"] = "application/offset+octet-stream"
        c.request("POST", "/v1/uploads/", body=first, headers=h)
        r = c.getresponse()
        r.read()
        if r.status != 201:
            print("upload %s: POST %d" % (path, r.status), file=sys.stderr)
            return 1
        loc = urllib.parse.urlsplit(r.getheader("Location")).path
        off = len(first)
        while off < len(data):
            piece = data[off:off + PIECE]
            h = dict(TUS)
            h["Upload-Offset"] = str(off)
            h["Content-Type"] = "application/offset+octet-stream"
            c.request("PATCH", loc, body=piece, headers=h)
            r = c.getresponse()
            r.read()
            if r.status != 204:
                print("upload %s: PATCH %d" % (path, r.status),
                      file=sys.stderr)
                return 1
            off += len(piece)
        n += 1
    print(n)
    return 0


if __name__ == "__main__":
    sys.exit(main())
