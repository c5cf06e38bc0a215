#!/usr/bin/env bash
# test_client_tor.sh: --tor the way people have Tor. Only Tor Browser's
# port 127.0.0.1:9150 answers (a fake SOCKS5 proxy, tests/tools/socks5.py,
# that alone can resolve the server's .onion name): it is found, named,
# and used. An upload and a mailbox read log in with different SOCKS
# usernames (Tor's IsolateSOCKSAuth gives them different circuits).
# Nothing listening, or a port that never answers: a plain message with
# the next step, in under 5 seconds. Skipped when 9050 or 9150 is taken.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

port_free() {
	python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null
}
if ! port_free 9050 || ! port_free 9150; then
	ok "--tor tests skipped: 127.0.0.1:9050 or 9150 is in use # SKIP"
	exit 0
fi
cli_keys || { not_ok "test keys"; exit 1; }
cli_start_server || { not_ok "server starts"; exit 1; }
ONION=abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstuvw.onion
NOCONF=(--no-config --keys "$T/bundle" --fingerprint "$FP" --server "http://$ONION:$PORT")
printf 'through Tor Browser\n' >"$T/text"

cli_bg tb TBP python3 "$TOOLS/socks5.py" --port 9150 --map "$ONION=127.0.0.1" --log "$T/tb.log"
expect_exit 0 "--tor finds Tor Browser on 9150 and submits" $SUBMIT "${NOCONF[@]}" --tor \
	--json -m "$T/text"
check "--tor says it uses Tor Browser's port" grep -q 'Tor Browser (127.0.0.1:9150)' "$T/err"
check "the .onion name was resolved by the proxy" grep -qx "CONNECT domain $ONION $PORT" "$T/tb.log"
RECEIPT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt"])' "$T/out")
cli_latest "$T/stored"
check "the envelope arrived and opens" cli_open "$T/sec1" "$T/stored" "$T/open"
printf '%s\n' "$RECEIPT" | $SUBMIT replies "${NOCONF[@]}" --tor >"$T/out" 2>"$T/err"
check "replies through --tor exits 0" test $? -eq 0
users=$(grep '^AUTH ' "$T/tb.log" | sort -u | wc -l)
check "upload and mailbox read log in with different SOCKS usernames ($users)" test "$users" -eq 2
check "each SOCKS username is random (32 hex)" \
	bash -c "! grep '^AUTH ' '$T/tb.log' | grep -vqE '^AUTH [0-9a-f]{32}$'"
# Tor Browser open but not (yet) connected: it cannot reach the name.
expect_exit 69 "--tor: Tor found but the server not reachable through it" $SUBMIT --no-config \
	--keys "$T/bundle" --fingerprint "$FP" --server "http://unknown${ONION}:$PORT" --tor -m "$T/text"
check "--tor: says to wait until Tor Browser is connected" grep -q 'wait until it says it is connected' "$T/err"
kill -TERM "${PIDS[-1]}" && wait "${PIDS[-1]}" 2>/dev/null

timed_tor() { # desc: --tor with no Tor must fail 69, plainly, within 5 s
	local t0 t1 rc
	t0=$(date +%s%N)
	$SUBMIT "${NOCONF[@]}" --tor -m "$T/text" >"$T/out" 2>"$T/err"
	rc=$?
	t1=$(date +%s%N)
	check "$1: exit 69 (got $rc)" test "$rc" -eq 69
	check "$1: said within 5 s ($(( (t1 - t0) / 1000000 )) ms)" test $(( (t1 - t0) / 1000000 )) -lt 5000
	check "$1: tells to start Tor Browser" grep -q 'Start Tor Browser, keep it open' "$T/err"
}
timed_tor "nothing listening"
# A port that accepts and never answers (not a SOCKS proxy, or a hung one).
cli_bg mute MP python3 -c '
import socket, sys, time
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 9150)); s.listen(8)
open(sys.argv[-1] + ".tmp", "w").write("9150\n")
import os; os.rename(sys.argv[-1] + ".tmp", sys.argv[-1])
time.sleep(60)'
timed_tor "a port that never answers"
LANG=ru_RU.UTF-8 $SUBMIT "${NOCONF[@]}" --tor -m "$T/text" >"$T/out" 2>"$T/err"
check "in Russian: start Tor Browser and keep it open" grep -q 'Запустите Tor Browser, не закрывайте его' "$T/err"

stop_server
check "server stopped cleanly" test $? -eq 0
