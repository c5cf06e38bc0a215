#!/usr/bin/env bash
# test_client_proxy.sh: intake-submit through a SOCKS5 proxy on 127.0.0.1
# (tests/tools/socks5.py). The server is named by an .onion address that
# only the proxy can resolve (to 127.0.0.1), so a stored submission proves
# the name went through the proxy; strace proves the client connected to
# nothing but the proxy (no DNS, no direct connection). Also the URL
# rules: no plain http to other hosts, no .onion without a proxy, no
# proxy that resolves names locally.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

ONION=intake2testabcdefghijklmnopqrstuvwxyz234567abcdefghijklm.onion
cli_keys || { not_ok "test keys"; exit 1; }
cli_start_server || { not_ok "server starts"; exit 1; }
NOCONF=(--no-config --keys "$T/bundle" --fingerprint "$FP")
printf 'sent through the proxy\n' >"$T/text"
head -c 3000000 /dev/urandom >"$T/photo.jpg"
cli_bg socks SP python3 "$TOOLS/socks5.py" --map "$ONION=127.0.0.1" --log "$T/socks.log"

# strace_connects FILE: the sockaddrs of every connect() in a trace.
connects() {
	grep -o 'connect([0-9]*, {sa_family=[^}]*}' "$1" | sed 's/^connect([0-9]*, //'
}

env "$NOLEAK" strace -f -qq -e trace=connect,sendto,sendmsg -o "$T/trace" \
	$SUBMIT "${NOCONF[@]}" --proxy "socks5h://127.0.0.1:$SP" \
	--server "http://$ONION:$PORT" --json -m "$T/text" "$T/photo.jpg" >"$T/out" 2>"$T/err"
check "submission through socks5h to an .onion name" test $? -eq 0
check "the proxy was asked for the name" grep -qx "CONNECT domain $ONION $PORT" "$T/socks.log"
check "the proxy was never given an address" bash -c "! grep -Eq 'CONNECT (ipv4|ipv6)' '$T/socks.log'"
connects "$T/trace" >"$T/conns"
check "the client connected" test -s "$T/conns"
check "every connection went to the proxy" bash -c "! grep -v 'sin_port=htons($SP), sin_addr=inet_addr(\"127.0.0.1\")' '$T/conns'"
check "no DNS query was sent" bash -c "! grep -q 'htons(53)' '$T/trace'"
cli_latest "$T/stored"
check "the envelope arrived and opens" cli_open "$T/sec1" "$T/stored" "$T/open"
check "attachment identical" cli_same "$T/open/file-0" "$T/photo.jpg"

RECEIPT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt"])' "$T/out")
n=$(wc -l <"$T/socks.log")
printf '%s\n' "$RECEIPT" | $SUBMIT replies "${NOCONF[@]}" --proxy "socks5h://127.0.0.1:$SP" \
	--server "http://$ONION:$PORT" >"$T/out" 2>"$T/err"
check "replies through the proxy" test $? -eq 0
check "replies asked the proxy" test "$(wc -l <"$T/socks.log")" -gt "$n"
$SUBMIT "${NOCONF[@]}" -q -m "$T/text" -o "$T/env.bin" >/dev/null
expect_exit 0 "upload through the proxy" $SUBMIT upload --no-config \
	--proxy "socks5h://127.0.0.1:$SP" --server "http://$ONION:$PORT" "$T/env.bin"
cli_latest "$T/stored2"
check "uploaded envelope exact" cli_same "$T/stored2" "$T/env.bin"

# --tor is socks5h://127.0.0.1:9050: test it when that port is free.
if python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 9050))' 2>/dev/null; then
	cli_bg tor TP python3 "$TOOLS/socks5.py" --port 9050 --map "$ONION=127.0.0.1" --log "$T/tor.log"
	expect_exit 0 "--tor goes through 127.0.0.1:9050" $SUBMIT "${NOCONF[@]}" --tor \
		--server "http://$ONION:$PORT" -m "$T/text"
	check "--tor: name resolved by the proxy" grep -qx "CONNECT domain $ONION $PORT" "$T/tor.log"
else
	ok "--tor skipped: 127.0.0.1:9050 is in use # SKIP"
fi
expect_exit 64 "--tor with another --proxy refused" $SUBMIT "${NOCONF[@]}" --tor \
	--proxy "socks5h://127.0.0.1:$SP" --server "http://$ONION:$PORT" -m "$T/text"

# --- URL rules, checked before any connection ------------------------------
rules() { # DESC CODE ARGS...
	local desc=$1 code=$2
	shift 2
	env "$NOLEAK" strace -f -qq -e trace=connect -o "$T/trace2" $SUBMIT "${NOCONF[@]}" -m "$T/text" "$@" \
		>"$T/out" 2>"$T/err"
	local rc=$?
	if [ "$rc" -eq "$code" ] && ! grep -q 'sa_family=AF_INET' "$T/trace2"; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc, wanted $code; or it connected)"
		sed 's/^/# /' "$T/err" | head -n 5
	fi
}
rules "plain http to another host refused" 78 --server "http://intake.example.org"
rules ".onion without a proxy refused" 78 --server "http://$ONION:$PORT"
rules "socks5:// (local DNS) refused" 78 --proxy "socks5://127.0.0.1:$SP" --server "http://$ONION:$PORT"
check "the refusal names socks5h" grep -q "socks5h" "$T/err"
rules "socks4:// (local DNS) refused" 78 --proxy "socks4://127.0.0.1:$SP" --server "https://intake.example.org"
rules "ftp:// refused" 78 --server "ftp://127.0.0.1:$PORT"
rules "bad --pin refused" 64 --pin "md5//abc" --server "https://intake.example.org"

stop_server
check "server stopped cleanly" test $? -eq 0
