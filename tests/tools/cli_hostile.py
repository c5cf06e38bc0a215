#!/usr/bin/env python3
"""cli_hostile.py: test-only misbehaving intake server on 127.0.0.1, to
check how intake-submit treats a hostile or broken server. --mode picks
the misbehaviour:

  noloc     POST answers 201 without Location
  elsewhere POST answers 201 with Location on another host; PATCHes are
            then accepted, and their paths logged
  redirect  POST answers 302 to another URL
  liar      PATCH answers 204 with an offset past the end; HEAD too
  stuck     PATCH answers 204 without moving the offset
  bigbody   the mailbox answers 200 with a body of 70 MiB
  badjson   the mailbox answers 200 with a body that is not JSON
  garbage   the mailbox answers replies that are not valid replies

Every request is logged to --log as "METHOD PATH"; the port goes to
--port-file. Python stdlib only.
"""
import argparse
import http.server
import json
import os
import threading

ID = "0123456789abcdef0123456789abcdef"
state = {"length": 0, "offset": 0}
lock = threading.Lock()


class H(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, *a):
        pass

    def note(self):
        with lock:
            with open(self.server.args.log, "a") as f:
                f.write("%s %s\n" % (self.command, self.path))

    def answer(self, code, headers=(), body=b""):
        self.send_response(code)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        if body and self.command != "HEAD":
            self.wfile.write(body)

    def drain(self):
        n = int(self.headers.get("Content-Length", "0"))
        while n > 0:
            d = self.rfile.read(min(n, 1 << 20))
            if not d:
                break
            n -= len(d)
        return n

    def do_POST(self):
        self.note()
        self.drain()
        mode = self.server.args.mode
        state["length"] = int(self.headers.get("Upload-Length", "0"))
        if mode == "noloc":
            self.answer(201)
        elif mode == "redirect":
            self.answer(302, [("Location", "http://127.0.0.2:1/v1/uploads/")])
        else:
            self.answer(201, [("Location", "http://evil.example/v1/uploads/" + ID)])

    def do_PATCH(self):
        self.note()
        off = int(self.headers.get("Upload-Offset", "0"))
        left = self.drain()
        mode = self.server.args.mode
        if mode == "liar":
            self.answer(204, [("Upload-Offset", str(state["length"] + 10))])
        elif mode == "stuck":
            self.answer(204, [("Upload-Offset", str(off))])
        else:
            state["offset"] = state["length"] - left
            self.answer(204, [("Upload-Offset", str(state["offset"]))])

    def do_HEAD(self):
        self.note()
        mode = self.server.args.mode
        off = state["length"] + 10 if mode == "liar" else state["offset"]
        self.answer(200, [("Upload-Offset", str(off)),
                          ("Upload-Length", str(state["length"]))])

    def do_GET(self):
        self.note()
        mode = self.server.args.mode
        if mode == "bigbody":
            n = 70 << 20
            self.send_response(200)
            self.send_header("Content-Length", str(n))
            self.end_headers()
            chunk = b"x" * (1 << 20)
            try:
                for _ in range(70):
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif mode == "badjson":
            self.answer(200, body=b"<html>not json</html>")
        else:
            body = json.dumps({"replies": ["AAAA", "!!!!", "", 5]}).encode()
            self.answer(200, body=body)


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--mode", required=True)
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    args = p.parse_args()
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
    srv.args = args
    open(args.log, "a").close()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    srv.serve_forever()


if __name__ == "__main__":
    main()
