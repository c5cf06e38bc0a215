#!/usr/bin/env python3
"""off_fakesrv.py: test-only hostile server for intake-officer fetch
(stdlib). It speaks just enough of the officer API to lie: ids that are
paths, bodies longer than announced, bodies that are not envelopes, a
list too big to hold. Every request line is appended to LOG.

  off_fakesrv.py PORTFILE LOG MODE ENVFILE

MODE: ids | long | garbage | biglist | escapes (ids that are terminal
escape sequences). ENVFILE is a real envelope used
where a valid body is needed. Writes its port to PORTFILE, serves until
killed.
"""
import http.server
import json
import os
import sys

PORTFILE, LOG, MODE, ENV = sys.argv[1:5]
GOOD = "0123456789abcdef0123456789abcdef"
with open(ENV, "rb") as f:
    ENVBYTES = f.read()


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def reply(self, code, body=b"", ctype="application/json"):
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def note(self):
        with open(LOG, "a") as f:
            f.write("%s %s %s\n" % (self.command, self.path,
                                    "signed" if self.headers.get("Authorization", "").startswith("Intake-Sig ") else "unsigned"))

    def do_GET(self):
        self.note()
        if self.path.startswith("/v1/submissions?") or self.path == "/v1/submissions":
            if "since=" in self.path:
                return self.reply(200, b'{"submissions":[],"cursor":"end"}')
            if MODE == "biglist":
                subs = [{"id": GOOD, "size": 10, "state": "new", "date": "x" * 1000}] * 5000
            elif MODE == "ids":
                subs = [{"id": "../../../../tmp/off-evil", "size": len(ENVBYTES), "state": "new"},
                        {"id": GOOD.upper(), "size": len(ENVBYTES), "state": "new"},
                        {"id": GOOD + "/x", "size": 1, "state": "new"},
                        {"id": GOOD, "size": -5, "state": "new"},
                        {"id": GOOD, "size": "12", "state": "new"},
                        {"id": 7, "size": 12, "state": "new"}]
            elif MODE == "escapes":
                subs = [{"id": "\x1b]52;c;ZXZpbA==\x07", "size": 10, "state": "new"},
                        {"id": "\x1b[2J\rcase-000001 reviewed", "size": 10, "state": "new"},
                        {"id": "\u009b2J\u202e", "size": 10, "state": "new"}]
            else:
                subs = [{"id": GOOD, "size": len(ENVBYTES), "state": "new", "date": "2026-11-23"}]
            body = json.dumps({"submissions": subs, "cursor": "c1"}).encode()
            return self.reply(200, body)
        if self.path == "/v1/submissions/" + GOOD:
            if MODE == "long":
                return self.reply(200, ENVBYTES + b"trailing bytes", "application/octet-stream")
            if MODE == "garbage":
                return self.reply(200, os.urandom(len(ENVBYTES)), "application/octet-stream")
            return self.reply(200, ENVBYTES, "application/octet-stream")
        return self.reply(404, b"not found\n", "text/plain")

    def do_POST(self):
        self.note()
        n = int(self.headers.get("Content-Length", "0"))
        self.rfile.read(n)
        self.reply(204)

    do_DELETE = do_POST


srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
with open(PORTFILE + ".tmp", "w") as f:
    f.write(str(srv.server_address[1]))
os.rename(PORTFILE + ".tmp", PORTFILE)
srv.serve_forever()
