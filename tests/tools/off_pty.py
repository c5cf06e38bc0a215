#!/usr/bin/env python3
"""off_pty.py: test-only: run a command on a pseudo-terminal and type a
line at each passphrase prompt, as a person would (stdlib).

  off_pty.py LINE[,LINE...] CMD [ARGS...]

Each time the output shows a prompt ending in ": " (after "passphrase"
or "again"), the next LINE is typed. Everything the terminal showed goes
to stdout; the exit code is the command's (128+N for a signal). 20 s
at most.
"""
import os
import pty
import select
import sys
import time


def main():
    lines = sys.argv[1].split(",")
    pid, fd = pty.fork()
    if pid == 0:
        os.execv(sys.argv[2], sys.argv[2:])
    seen = b""
    typed = 0
    deadline = time.time() + 20
    while time.time() < deadline:
        r, _, _ = select.select([fd], [], [], 0.2)
        if r:
            try:
                data = os.read(fd, 4096)
            except OSError:
                break
            if not data:
                break
            seen += data
            tail = seen.rsplit(b"\n", 1)[-1]
            if typed < len(lines) and tail.endswith(b": ") and \
                    (b"passphrase" in tail or b"again" in tail):
                os.write(fd, lines[typed].encode() + b"\n")
                typed += 1
                seen += b"\n"
    _, status = os.waitpid(pid, 0)
    sys.stdout.write(seen.decode("utf-8", "replace"))
    if os.WIFSIGNALED(status):
        return 128 + os.WTERMSIG(status)
    return os.WEXITSTATUS(status)


if __name__ == "__main__":
    sys.exit(main())
