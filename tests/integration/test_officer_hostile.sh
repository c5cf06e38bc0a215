#!/usr/bin/env bash
# test_officer_hostile.sh: intake-officer fetch against a lying server
# (tests/tools/off_fakesrv.py on 127.0.0.1): submission ids that are
# paths or not lowercase hex, malformed sizes, a body longer than
# announced, a body that is not an envelope, a list too big to hold.
# Nothing may be written outside the fetch folder, nothing wrong kept,
# and nothing reported fetched that was not safely written.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
umask 077
cd "$T" || exit 1

printf 'a long test passphrase, not real\n' >pass
"$OFFICER" keygen --out k --passphrase-file pass >/dev/null 2>&1 &&
	"$OFFICER" auth-keygen --out auth >/dev/null 2>&1 &&
	"$MKENV" --bundle k/officer.pub --out good.env --text pass
check "setup" test -s good.env

# fake MODE: start the fake server in MODE; sets FURL and FPID
fake() {
	local i
	rm -f port log
	python3 "$TOP/tests/tools/off_fakesrv.py" port log "$1" good.env &
	FPID=$!
	PIDS+=("$FPID")
	for i in $(seq 1 50); do
		[ -s port ] && break
		sleep 0.1
	done
	FURL="http://127.0.0.1:$(cat port)"
}
unfake() {
	kill "$FPID" 2>/dev/null
	wait "$FPID" 2>/dev/null
}

fake ids
expect_exit 65 "ids that are paths or not hex are refused" "$OFFICER" fetch --server "$FURL" --to f1 --auth-key auth/auth.sec
check "nothing written outside the folder" test ! -e /tmp/off-evil -a ! -e off-evil -a ! -e f1/../off-evil
check "no envelope kept" test -z "$(ls f1)" -a -z "$(ls f1/.partial)"
check "no body was even requested" test "$(grep -c '^GET /v1/submissions/' log)" -eq 0
check "nothing reported fetched" test "$(grep -c '^POST' log)" -eq 0
check "the cursor is not saved after a failed page" test ! -e f1/.cursor
check "every request was signed" test "$(grep -c unsigned log)" -eq 0
unfake

fake long
expect_exit 65 "a body longer than announced is refused" "$OFFICER" fetch --server "$FURL" --to f2 --auth-key auth/auth.sec
check "no envelope kept" test -z "$(ls f2/*.env 2>/dev/null)"
check "the partial stays within the announced size" test "$(stat -c %s f2/.partial/* 2>/dev/null || echo 0)" -le "$(stat -c %s good.env)"
check "nothing reported fetched" test "$(grep -c '^POST' log)" -eq 0
unfake

fake garbage
expect_exit 65 "a body that is not an envelope is refused" "$OFFICER" fetch --server "$FURL" --to f3 --auth-key auth/auth.sec
check "it is not kept, not even as a partial" test -z "$(ls f3)" -a -z "$(ls f3/.partial)"
check "nothing reported fetched" test "$(grep -c '^POST' log)" -eq 0
unfake

fake biglist
expect_exit 65 "a list too big to hold is refused" "$OFFICER" fetch --server "$FURL" --to f4 --auth-key auth/auth.sec
check "nothing fetched" test -z "$(ls f4)"
unfake

fake honest
expect_exit 0 "the same fake telling the truth works" "$OFFICER" fetch --server "$FURL" --to f5 --auth-key auth/auth.sec
check "the envelope is byte-identical" cmp -s good.env f5/0123456789abcdef0123456789abcdef.env
check "reported fetched once written" test "$(grep -c '^POST /v1/submissions/0123456789abcdef0123456789abcdef/fetched' log)" -eq 1
check "the cursor is saved" grep -qx c1 f5/.cursor
unfake

expect_exit 69 "no server at all" "$OFFICER" fetch --server "http://127.0.0.1:$(free_port)" --to f6 --auth-key auth/auth.sec
expect_exit 64 "a URL that is not http(s)" "$OFFICER" fetch --server "ftp://127.0.0.1/" --to f6 --auth-key auth/auth.sec
chmod 644 auth/auth.sec
expect_exit 77 "a readable auth key is refused" "$OFFICER" fetch --server "$FURL" --to f6 --auth-key auth/auth.sec
