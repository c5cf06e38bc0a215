#!/usr/bin/env bash
# test_officer_progress.sh: progress on stderr when it is a terminal (a
# pty, tests/tools/off_pty.py), at most 10 updates a second: open of a
# 200 MiB attachment shows bytes, percent, rate and time left, per
# envelope and overall; fetch shows the count and bytes of the total
# with a percent. --quiet silences it, and none is drawn when stderr is
# not a terminal.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
PTY="python3 $TOP/tests/tools/off_pty.py"
umask 077
cd "$T" || exit 1

printf 'progress test passphrase\n' >pass
"$OFFICER" keygen --out k --passphrase-file pass >/dev/null 2>&1
printf 'text\n' >t
{ printf '\0\0\0\030ftypmp42\0\0\0\0mp42isom'; head -c $((200 * 1024 * 1024)) /dev/urandom; } >video.mp4
mkdir in
"$MKENV" --bundle k/officer.pub --out in/a.env --text t --attach video.mp4 >/dev/null
"$MKENV" --bundle k/officer.pub --out in/b.env --text t >/dev/null
rm -f video.mp4
check "setup" test -s in/a.env

t0=$(date +%s.%N)
$PTY x "$OFFICER" open --from in --cases cases --key k/officer.sec --passphrase-file pass >tty.out
rc=$?
t1=$(date +%s.%N)
check "open on a terminal exits 0" test "$rc" -eq 0
check "the progress names the envelope and its place" grep -q "open 1 of 2 'a.env'" tty.out
check "it shows bytes of the total, percent, rate and time left" \
	grep -qE "all: [0-9.]+ MiB of [0-9.]+ MiB +[0-9]+%  [0-9.]+ [KMG]?i?B/s  [0-9]+:[0-9]{2} left" tty.out
check "the line is cleared before the result is printed" grep -q $'\r\033\\[K' tty.out
check "the results are there" grep -q "2 opened" tty.out
check "at most 10 updates a second" python3 - tty.out "$t0" "$t1" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
n = data.count(b"\ropen ")
secs = float(sys.argv[3]) - float(sys.argv[2])
assert n >= 1, n
assert n <= 10 * secs + 2, (n, secs)
PY

rm -rf cases
$PTY x "$OFFICER" open --quiet --from in --cases cases --key k/officer.sec --passphrase-file pass >tty.out
check "--quiet: no progress" test "$(grep -c $'\ropen ' tty.out)" -eq 0
rm -rf cases
expect_exit 0 "stderr not a terminal" "$OFFICER" open --from in --cases cases --key k/officer.sec --passphrase-file pass
check "no progress in a file" test "$(grep -c $'\r' err)" -eq 0

# fetch from a local server that holds both envelopes
"$OFFICER" auth-keygen --out auth >/dev/null 2>&1
python3 "$TOP/tests/tools/off_fakesrv.py" port log honest in/b.env &
FPID=$!
PIDS+=("$FPID")
for i in $(seq 1 50); do [ -s port ] && break; sleep 0.1; done
$PTY x "$OFFICER" fetch --server "http://127.0.0.1:$(cat port)" --to f --auth-key auth/auth.sec >tty.out
check "fetch on a terminal exits 0" test $? -eq 0
check "fetch shows the count and bytes of the total with a percent" \
	grep -qE $'\rfetch [01] of 1  [0-9.]+ (B|KiB) of [0-9.]+ (B|KiB) +[0-9]+%' tty.out
rm -rf f
$PTY x "$OFFICER" fetch --quiet --server "http://127.0.0.1:$(cat port)" --to f --auth-key auth/auth.sec >tty.out
check "fetch --quiet: no progress" test "$(grep -c $'\rfetch' tty.out)" -eq 0
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null || true
