#!/usr/bin/env bash
# test_officer_term.sh: no envelope, catalog or server can write to the
# officer's terminal. Escape sequences (OSC 52 clipboard write, OSC 0
# window title, CSI 2J clear screen with a forged line, C1 CSI raw and
# UTF-8 encoded, RLO) in a testimony, an attachment name, an envelope
# file name, a note and a server-listed id: open, list, show, search and
# fetch print none of them raw, and --json stays exact.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
umask 077
cd "$T" || exit 1

# every hostile sequence, as printf(1) escapes
# (valid UTF-8; the raw C1 byte 0x9b, which is not, is in EVIL_RAW)
EVIL='\033]52;c;ZWNobyBwd25lZA==\007|\033]0;owned\033\\|\033[2J\rcase-000001 reviewed|\302\23331m|\342\200\256gpj.exe'
EVIL_RAW="$EVIL|\23331m"
# raw: is any of them in FILE?
raw_in() {
	python3 - "$1" <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
bad = [b"\x1b", b"\x07", b"\x9b", b"\xc2\x9b", b"\xe2\x80\xae", b"\r"]
sys.exit(0 if any(x in b for x in bad) else 1)
PY
}
clean() { # DESC: neither out nor err holds a raw sequence
	if raw_in out || raw_in err; then
		not_ok "$1: a raw escape reached the terminal"
		od -c out err | head -n 10 | sed 's/^/# /'
	else
		ok "$1 prints no raw escape"
	fi
}

printf 'a long test passphrase, not real\n' >pass
"$OFFICER" keygen --out k --passphrase-file pass >/dev/null 2>&1
check "setup: key" test -s k/officer.pub
printf "в подвале $EVIL_RAW конец\n" >text
printf 'x' >tiny
mkdir in
evilname=$(printf '\033]0;title\007a\342\200\256fdp.exe\2332J')
expect_exit 0 "seal a hostile envelope" "$MKENV" --bundle k/officer.pub \
	--out "in/${evilname}.env" --text text --attach tiny \
	--as '"\u001b]52;c;ZXZpbA==\u0007doc\u202egpj.exe\u009b2J"'
check "the hostile text is in the testimony" raw_in text

expect_exit 0 "open" "$OFFICER" open --from in --cases cases --key k/officer.sec --passphrase-file pass
clean "open (hostile envelope file name)"
check "opened" grep -q '^case-000001' out

expect_exit 0 "note with escapes" "$OFFICER" note 1 "$(printf "seen $EVIL")" --cases cases
expect_exit 0 "list" "$OFFICER" list --cases cases
clean "list"
expect_exit 0 "show" "$OFFICER" show 1 --cases cases
clean "show (testimony, file name, note)"
check "show escapes visibly" grep -qF '\x1b]52;c;' out
expect_exit 0 "search" "$OFFICER" search подвале --cases cases
clean "search (snippet)"
check "search found the case" grep -q '^case-000001' out
expect_exit 0 "show --json" "$OFFICER" show 1 --cases cases --json
check "--json stays exact (jansson escapes)" python3 -c '
import json, sys
c = json.load(open("out"))
assert any("\x1b]52;c;" in n["text"] for n in c["notes"]), c["notes"]
'
check "--json itself holds no raw escape" test "$(raw_in out; echo $?)" = 1

# a hostile server lists ids that are escape sequences
good=$(ls in/*.env 2>/dev/null | head -n 1)
"$OFFICER" auth-keygen --out auth >/dev/null 2>&1
python3 "$TOP/tests/tools/off_fakesrv.py" port log escapes text &
FPID=$!
PIDS+=("$FPID")
for i in $(seq 1 50); do [ -s port ] && break; sleep 0.1; done
expect_exit 65 "fetch from a server listing escape-sequence ids" "$OFFICER" fetch --server "http://127.0.0.1:$(cat port)" --to f --auth-key auth/auth.sec
clean "fetch (server-listed ids)"
check "the bad id is named, escaped" grep -qF '\x1b]52' err
kill "$FPID" 2>/dev/null
wait "$FPID" 2>/dev/null || true
