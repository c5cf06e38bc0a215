#!/usr/bin/env python3
"""cutproxy.py: test-only fault-injecting TCP proxy on 127.0.0.1.

Relays each accepted connection to --target. A connection is cut (reset
at both ends) once --after bytes from the client have been forwarded on
it, until --cuts connections have been cut; after that all pass. Every connection is logged as one line
"conn N up=BYTES down=BYTES cut=0|1" to --log, and the listening port is
written to --port-file once the socket is ready. With --max-conns N,
connections after the N-th are reset at once (a server gone for good).
With --on-cut CMD, CMD runs (through the shell, to its end) at each cut
while the client still waits, before the connection is reset. With
--rewind, once a connection was cut, every "Upload-Offset: N" the server
sends back reads "Upload-Offset: 0": a hostile server asking for
everything again. Python stdlib only.
"""
import argparse
import os
import re
import socket
import struct
import subprocess
import threading

lock = threading.Lock()
state = {"conns": 0, "cuts": 0}


def log(path, line):
    with lock:
        with open(path, "a") as f:
            f.write(line + "\n")


def reset(sock):
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER,
                        struct.pack("ii", 1, 0))
    except OSError:
        pass
    # close() alone would not wake the relay thread blocked in recv() on
    # this socket, and the kernel would keep the connection open.
    try:
        sock.shutdown(socket.SHUT_RDWR)
    except OSError:
        pass
    try:
        sock.close()
    except OSError:
        pass


def handle(client, args, n):
    if args.max_conns and n > args.max_conns:
        reset(client)
        log(args.log, "conn %d up=0 down=0 cut=0 refused" % n)
        return
    up = [0]
    down = [0]
    cut = [False]
    try:
        server = socket.create_connection(args.target, timeout=10)
        server.settimeout(None)
    except OSError:
        reset(client)
        log(args.log, "conn %d up=0 down=0 cut=0 noconnect" % n)
        return
    done = threading.Event()

    def pump_up():
        try:
            while True:
                want = min(65536, args.after - up[0])
                if want <= 0:
                    with lock:
                        if state["cuts"] < args.cuts:
                            state["cuts"] += 1
                            cut[0] = True
                    if cut[0]:
                        if args.on_cut:
                            subprocess.run(args.on_cut, shell=True, check=False)
                        break
                    want = 65536
                data = client.recv(want)
                if not data:
                    # A clean half-close: let the answer come back.
                    server.shutdown(socket.SHUT_WR)
                    return
                server.sendall(data)
                up[0] += len(data)
        except OSError:
            pass
        done.set()

    def pump_down():
        try:
            while True:
                data = server.recv(65536)
                if not data:
                    break
                if args.rewind and state["cuts"] > 0:
                    data = re.sub(rb"(?i)(\r\nUpload-Offset: *)[0-9]+",
                                  rb"\g<1>0", data)
                client.sendall(data)
                down[0] += len(data)
        except OSError:
            pass
        done.set()

    t1 = threading.Thread(target=pump_up, daemon=True)
    t2 = threading.Thread(target=pump_down, daemon=True)
    t1.start()
    t2.start()
    done.wait()
    reset(client)
    reset(server)
    log(args.log, "conn %d up=%d down=%d cut=%d" % (n, up[0], down[0],
                                                  1 if cut[0] else 0))


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--target", required=True, help="HOST:PORT")
    p.add_argument("--after", type=int, default=1 << 20)
    p.add_argument("--cuts", type=int, default=0)
    p.add_argument("--max-conns", type=int, default=0)
    p.add_argument("--log", required=True)
    p.add_argument("--port-file", required=True)
    p.add_argument("--on-cut", default="")
    p.add_argument("--rewind", action="store_true")
    args = p.parse_args()
    host, port = args.target.rsplit(":", 1)
    args.target = (host, int(port))
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(64)
    open(args.log, "a").close()
    with open(args.port_file + ".tmp", "w") as f:
        f.write("%d\n" % ls.getsockname()[1])

    os.rename(args.port_file + ".tmp", args.port_file)
    while True:
        c, _ = ls.accept()
        with lock:
            state["conns"] += 1
            n = state["conns"]
        threading.Thread(target=handle, args=(c, args, n), daemon=True).start()


if __name__ == "__main__":
    main()
