#!/usr/bin/env bash
# test_officer_proxy.sh: fetch and push through a proxy with
# intake-submit's rules: an .onion server reached through socks5h (the
# name resolved by the proxy, tests/tools/socks5.py), --tor finding
# 127.0.0.1:9050 or else 9150 (tested when those ports are free), and the
# refusals: an .onion without a proxy, socks5:// (local DNS), plain
# http:// to another machine, --tor with a different --proxy.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
umask 077
cd "$T" || exit 1
ONION=intakeexampleexampleexampleexampleexampleexampleexampl.onion

printf 'a long test passphrase, not real\n' >pass
"$OFFICER" keygen --out k --passphrase-file pass >/dev/null 2>&1
"$OFFICER" auth-keygen --out auth >/dev/null 2>&1
"$MKENV" --bundle k/officer.pub --out good.env --text pass >/dev/null
check "setup" test -s good.env

python3 "$TOP/tests/tools/off_fakesrv.py" port log honest good.env &
PIDS+=("$!")
python3 "$TOP/tests/tools/socks5.py" --map "$ONION=127.0.0.1" --log socks.log --port-file sport &
PIDS+=("$!")
for i in $(seq 1 50); do [ -s port ] && [ -s sport ] && break; sleep 0.1; done
P=$(cat port)
SP=$(cat sport)

expect_exit 0 "fetch from an .onion through socks5h" "$OFFICER" fetch --server "http://$ONION:$P" --to f1 --auth-key auth/auth.sec --proxy "socks5h://127.0.0.1:$SP"
check "the envelope arrived" cmp -s good.env f1/0123456789abcdef0123456789abcdef.env
check "the proxy resolved the .onion name" grep -q "CONNECT domain $ONION $P" socks.log
mkdir outbox
printf 'x' >outbox/0123456789abcdef0123456789abcdef.0011223344556677.reply
"$OFFICER" push --server "http://$ONION:$P" --from outbox --auth-key auth/auth.sec --proxy "socks5h://127.0.0.1:$SP" >/dev/null 2>&1
check "push goes through the proxy too" test "$(grep -c "CONNECT domain $ONION" socks.log)" -ge 2

n=$(wc -l <log)
expect_exit 64 "an .onion without a proxy is refused" "$OFFICER" fetch --server "http://$ONION:$P" --to f2 --auth-key auth/auth.sec
check "and says to add --tor" grep -q "only be reached through Tor: add --tor" err
expect_exit 64 "socks5:// (local DNS) is refused" "$OFFICER" fetch --server "http://$ONION:$P" --to f2 --auth-key auth/auth.sec --proxy "socks5://127.0.0.1:$SP"
check "and says why" grep -q "would look up names outside the proxy" err
expect_exit 64 "plain http:// to another machine is refused" "$OFFICER" fetch --server "http://192.0.2.1:$P" --to f2 --auth-key auth/auth.sec
check "and says use https" grep -q "use https://" err
expect_exit 64 "--tor with another --proxy" "$OFFICER" push --server "http://$ONION:$P" --from outbox --auth-key auth/auth.sec --tor --proxy "socks5h://127.0.0.1:$SP"
check "no request at all went out for the refused ones" test "$(wc -l <log)" -eq "$n"

# --tor probes 127.0.0.1:9050, then 9150 (Tor Browser), as intake-submit
# does (common/tor.c): tested when both ports are free.
free() { python3 -c 'import socket,sys; s=socket.socket(); s.bind(("127.0.0.1", int(sys.argv[1])))' "$1" 2>/dev/null; }
if free 9050 && free 9150; then
	n=$(wc -l <log)
	expect_exit 69 "--tor with no Tor running" "$OFFICER" fetch --server "http://$ONION:$P" --to f4 --auth-key auth/auth.sec --tor
	check "says so and what to start" grep -q "nothing answers as Tor on 127.0.0.1:9050 or 9150" err
	check "and sends nothing" test "$(wc -l <log)" -eq "$n"
	python3 "$TOP/tests/tools/socks5.py" --port 9150 --map "$ONION=127.0.0.1" --log tb.log --port-file tbport &
	TBPID=$!
	for i in $(seq 1 50); do [ -s tbport ] && break; sleep 0.1; done
	expect_exit 0 "fetch --tor finds Tor Browser's 9150" "$OFFICER" fetch --server "http://$ONION:$P" --to f4 --auth-key auth/auth.sec --tor
	check "it went through 127.0.0.1:9150" grep -q "CONNECT domain $ONION $P" tb.log
	expect_exit 0 "keyset-push and check-page take the same --tor" bash -c "! '$OFFICER' keyset-push --server http://$ONION:$P --auth-key auth/auth.sec --tor /dev/null 2>&1 | grep -q 'nothing answers'"
	kill "$TBPID"; wait "$TBPID" 2>/dev/null
else
	ok "# skip --tor probe: port 9050 or 9150 is in use"
fi

# --tor is socks5h://127.0.0.1:9050: tested when that port is free
if python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 9050))' 2>/dev/null; then
	python3 "$TOP/tests/tools/socks5.py" --port 9050 --map "$ONION=127.0.0.1" --log tor.log --port-file tport &
	PIDS+=("$!")
	for i in $(seq 1 50); do [ -s tport ] && break; sleep 0.1; done
	expect_exit 0 "fetch --tor" "$OFFICER" fetch --server "http://$ONION:$P" --to f3 --auth-key auth/auth.sec --tor
	check "--tor went through 127.0.0.1:9050" grep -q "CONNECT domain $ONION $P" tor.log
else
	ok "# skip --tor: port 9050 is in use"
fi
