#!/usr/bin/env python3
"""socks5.py: test-only SOCKS5 server on 127.0.0.1 (CONNECT only; no
authentication, or username/password when the client offers it, logged
as "AUTH USER" the way Tor tells circuits apart). Domain names are resolved only through --map NAME=IP
entries (anything else is refused with "host unreachable"), so a client
that reaches a mapped name must have sent its name resolution through
this proxy. It listens on --port (default: any free port). Each request is logged to --log as "CONNECT ATYP HOST PORT"
(ATYP is domain, ipv4 or ipv6); the listening port goes to --port-file.
Python stdlib only.
"""
import argparse
import os
import socket
import struct
import threading

lock = threading.Lock()


def log(path, line):
    with lock:
        with open(path, "a") as f:
            f.write(line + "\n")


def recvn(s, n):
    b = b""
    while len(b) < n:
        d = s.recv(n - len(b))
        if not d:
            raise EOFError
        b += d
    return b


def relay(a, b):
    try:
        while True:
            d = a.recv(65536)
            if not d:
                break
            b.sendall(d)
    except OSError:
        pass
    try:
        b.shutdown(socket.SHUT_WR)
    except OSError:
        pass


def reply(c, code):
    c.sendall(b"\x05" + bytes([code]) + b"\x00\x01" + b"\x00" * 6)


def handle(c, args):
    try:
        ver, nm = recvn(c, 2)
        methods = recvn(c, nm)
        if ver != 5 or (0 not in methods and 2 not in methods):
            c.sendall(b"\x05\xff")
            return
        if 2 in methods:
            c.sendall(b"\x05\x02")
            _, ulen = recvn(c, 2)
            user = recvn(c, ulen).decode("ascii", "replace")
            recvn(c, recvn(c, 1)[0])
            log(args.log, "AUTH %s" % user)
            c.sendall(b"\x01\x00")
        else:
            c.sendall(b"\x05\x00")
        ver, cmd, _, atyp = recvn(c, 4)
        if atyp == 1:
            host = socket.inet_ntop(socket.AF_INET, recvn(c, 4))
            kind = "ipv4"
        elif atyp == 3:
            host = recvn(c, recvn(c, 1)[0]).decode("ascii", "replace")
            kind = "domain"
        elif atyp == 4:
            host = socket.inet_ntop(socket.AF_INET6, recvn(c, 16))
            kind = "ipv6"
        else:
            reply(c, 8)
            return
        port = struct.unpack(">H", recvn(c, 2))[0]
        log(args.log, "CONNECT %s %s %d" % (kind, host, port))
        if cmd != 1:
            reply(c, 7)
            return
        if kind == "domain":
            ip = args.map.get(host.lower())
            if ip is None:
                reply(c, 4)
                return
        else:
            ip = host
        try:
            s = socket.create_connection((ip, port), timeout=10)
            s.settimeout(None)
        except OSError:
            reply(c, 5)
            return
        reply(c, 0)
        t = threading.Thread(target=relay, args=(s, c), daemon=True)
        t.start()
        relay(c, s)
        t.join()
        s.close()
    except (EOFError, OSError):
        pass
    finally:
        c.close()


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--map", action="append", default=[], help="NAME=IP")
    p.add_argument("--port", type=int, default=0)
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    args = p.parse_args()
    args.map = dict(m.lower().split("=", 1) for m in args.map)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", args.port))
    ls.listen(64)
    open(args.log, "a").close()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])
    os.rename(args.port_file + ".tmp", args.port_file)
    while True:
        c, _ = ls.accept()
        threading.Thread(target=handle, args=(c, args), daemon=True).start()


if __name__ == "__main__":
    main()
