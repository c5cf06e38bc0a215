#!/usr/bin/env bash
# test_officer_reply_term.sh: an officer's reply (or one forged in its
# place) reaches the submitter's terminal only through the same
# sanitizer: a reply holding OSC 52, OSC 0, CSI 2J with a forged line,
# C1 CSI and RLO is shown by intake-submit replies on a pty with every
# one escaped, its newlines kept; piped, it stays byte-exact.
source "$(dirname "$0")/lib.sh"
PTY="python3 $TOP/tests/tools/off_pty.py"
umask 077
cd "$T" || exit 1

printf 'a test passphrase, not a real one\n' >pass
"$OFFICER" keygen --out o1 --passphrase-file pass >/dev/null 2>&1 &&
FP=$("$OFFICER" bundle o1/officer.pub --out bundle 2>/dev/null) &&
"$OFFICER" auth-keygen --out auth >/dev/null 2>&1
check "setup: keys" test -s bundle -a -n "$FP"
mkdir data
start_server "$T/data" --officer-key "$T/auth/auth.pub" || { not_ok "server starts"; exit 1; }
printf 'Statement.\n' >text
expect_exit 0 "submit" $SUBMIT --no-config --keys bundle --fingerprint "$FP" --server "$URL" --json -m text
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt"])' out >receipt
chmod 600 receipt
expect_exit 0 "fetch" "$OFFICER" fetch --server "$URL" --to inbox --auth-key auth/auth.sec
expect_exit 0 "open" "$OFFICER" open --from inbox --cases cases --key o1/officer.sec --passphrase-file pass

printf 'Line one.\n\033]52;c;ZXZpbA==\007\033]0;owned\007\033[2J\rcase closed\n\302\233""31m \342\200\256gpj.exe\nLine four.\n' >reply
expect_exit 0 "a reply with escape sequences" "$OFFICER" reply case-000001 --message-file reply \
	--out outbox --cases cases --key o1/officer.sec --passphrase-file pass
expect_exit 0 "push" "$OFFICER" push --server "$URL" --from outbox --auth-key auth/auth.sec

$PTY x $SUBMIT replies --no-config --keys bundle --fingerprint "$FP" --server "$URL" \
	--receipt-file receipt >tty.out
check "replies on a terminal exits 0" test $? -eq 0
check "no raw escape reached the terminal" python3 - tty.out <<'PY'
import sys
b = open(sys.argv[1], "rb").read()
for bad in (b"\x1b]", b"\x1b[2J", b"\x07", b"\xc2\x9b", b"\xe2\x80\xae", b"\rcase"):
    assert bad not in b, bad
PY
check "they are shown escaped" grep -qF '\x1b]52;c;ZXZpbA==\x07' tty.out
check "C1 CSI and RLO shown escaped" grep -qF '\u{009b}' tty.out
check "newlines kept" grep -q "^Line four\." tty.out
$SUBMIT replies --no-config --keys bundle --fingerprint "$FP" --server "$URL" --receipt-file receipt >piped 2>/dev/null
check "piped, the reply is byte-exact" grep -qF "$(printf '\033]52;c;ZXZpbA==\007')" piped
stop_server
check "server stopped cleanly" test $? -eq 0
