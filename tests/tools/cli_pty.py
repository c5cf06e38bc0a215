#!/usr/bin/env python3
"""cli_pty.py: test-only driver that runs a command on a pseudo-terminal,
so intake-submit's guided mode can be tested as a person would use it.

  cli_pty.py --log FILE STEP... -- CMD [ARG...]

Steps run in order: "expect:REGEX" waits (30 s at most) for REGEX in the
output after the previous match; "send:TEXT" types TEXT (\\n and \\x04
escapes are understood; \\x04 is Ctrl-D); "echo:REGEX" types back the
first match of REGEX in all output so far, plus a newline; "typeback:REGEX"
does the same the way a person copies a word receipt: the third word cut
to its first 4 letters and, in the first word from the fifth on that has
any, Cyrillic letters swapped for their Latin look-alikes (a base32 code is typed in lower case);
"typeswap:REGEX" the same words with the 2nd and 3rd swapped, "typeo:REGEX"
with two letters that belong to no word put into the 7th; "copy:WORDS"
types the words given as "typeback" would, plus a newline. The exit
status is the command's; 99 if a step timed out. All output goes to
--log. Python stdlib only.
"""
import os
import pty
import re
import select
import sys
import time

LOOKALIKE = str.maketrans("аеорсхук", "aeopcxyk")


def as_person_types(code, kind):
    words = code.decode().split()
    if len(words) < 7:
        return code.lower()
    if kind == "typeswap":
        words[1], words[2] = words[2], words[1]
    elif kind == "typeo":
        words[6] = words[6][:2] + "ъъ" + words[6][2:]
    else:
        words[2] = words[2][:4]
        i = next((i for i in range(4, len(words))
                  if words[i].translate(LOOKALIKE) != words[i]), 4)
        words[i] = words[i].translate(LOOKALIKE)
    return " ".join(words).encode()


def main():
    argv = sys.argv[1:]
    if "--" not in argv or len(argv) < 3 or argv[0] != "--log":
        sys.stderr.write(__doc__)
        return 64
    logpath = argv[1]
    sep = argv.index("--")
    steps = argv[2:sep]
    cmd = argv[sep + 1:]
    pid, fd = pty.fork()
    if pid == 0:
        os.execvp(cmd[0], cmd)
    out = b""
    pos = 0
    status = 0

    def read_some(timeout):
        nonlocal out
        r, _, _ = select.select([fd], [], [], timeout)
        if not r:
            return True
        try:
            data = os.read(fd, 65536)
        except OSError:
            return False
        if not data:
            return False
        out += data
        return True

    for step in steps:
        kind, arg = step.split(":", 1)
        if kind == "send":
            time.sleep(0.2)  # let the prompt settle into reading
            os.write(fd, arg.encode().decode("unicode_escape").encode("latin-1"))
        elif kind == "copy":
            time.sleep(0.2)
            os.write(fd, as_person_types(arg.encode(), "typeback") + b"\n")
        elif kind in ("expect", "echo", "typeback", "typeswap", "typeo"):
            rx = re.compile(arg.encode())
            deadline = time.time() + 30
            while True:
                m = rx.search(out, pos if kind == "expect" else 0)
                if m:
                    break
                if time.time() > deadline or not read_some(0.5):
                    m = rx.search(out, pos if kind == "expect" else 0)
                    if m:
                        break
                    status = 99
                    break
            if status:
                break
            if kind == "expect":
                pos = m.end()
            else:
                time.sleep(0.2)
                typed = m.group(0)
                if kind != "echo":
                    typed = as_person_types(typed, kind)
                os.write(fd, typed + b"\n")
    if status:
        os.kill(pid, 9)
    while read_some(5):
        pass
    _, st = os.waitpid(pid, 0)
    with open(logpath, "wb") as f:
        f.write(out)
    if status:
        return status
    if os.WIFEXITED(st):
        return os.WEXITSTATUS(st)
    return 128 + os.WTERMSIG(st)


if __name__ == "__main__":
    sys.exit(main())
