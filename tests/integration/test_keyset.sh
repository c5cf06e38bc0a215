#!/usr/bin/env bash
# test_keyset.sh: key rotation and signed replies with the real programs on
# 127.0.0.1. An organization with a root key and two officers; a submitter
# who pins only the root fingerprint. The second officer leaves: the new
# keyset drops her key and lists it as revoked (left); the same submitter
# command then seals only to the first officer, the server refuses an
# envelope sealed to her key alone, and her earlier reply still shows as
# from the organization through a retired key. A receipt holder with the
# server cannot make a reply that shows as from the organization; copies,
# reordering and a withheld reply are reported; expired, foreign, altered
# and rolled-back keysets are handled as SECURITY.md says.
source "$(dirname "$0")/lib.sh"

KS=$B/tools/ks_tool
[ -x "$OFFICER" ] && [ -x "$KS" ] || { not_ok "programs not built"; exit 1; }
printf 'a test passphrase, not a real one\n' >"$T/pass"
chmod 600 "$T/pass"
PW=(--passphrase-file "$T/pass")
off() { "$OFFICER" "$@"; }

# The organization, on its air-gapped machine.
off root-keygen --out "$T/root" "${PW[@]}" >"$T/rootfp" 2>/dev/null
ROOTFP=$(head -n 1 "$T/rootfp")
ROOTWORDS=$(sed -n 2p "$T/rootfp")
check "root key made, fingerprint printed" test -n "$ROOTFP" -a -s "$T/root/root.sec"
check "root secret file is 0600" test "$(stat -c %a "$T/root/root.sec")" = 600
check "root-fingerprint agrees" cmp -s <(off root-fingerprint "$T/root/root.pub") "$T/rootfp"
check "fingerprint in base32 and 15 words of each list" test \
	"$(wc -l <"$T/rootfp")" = 3 -a "$(echo "$ROOTWORDS" | wc -w)" = 15
for o in 1 2; do
	off keygen --out "$T/o$o" "${PW[@]}" >/dev/null 2>&1
	off keyset-entry --key "$T/o$o/officer.sec" "${PW[@]}" --out "$T/o$o.entry"
done
check "two officer entries" test -s "$T/o1.entry" -a -s "$T/o2.entry"
expect_exit 0 "keyset 1: both officers" off keyset-make --root "$T/root/root.sec" "${PW[@]}" \
	--officer "$T/o1.entry" --officer "$T/o2.entry" --out "$T/ks1"
expect_exit 0 "keyset-show checks it against the root" off keyset-show "$T/ks1" --fingerprint "$ROOTFP"
check "keyset-show lists two officers" test "$(grep -c '^officer' "$T/out")" -eq 2

off auth-keygen --out "$T/auth" >/dev/null 2>&1
mkdir -p "$T/data"
start_server "$T/data" --officer-key "$T/auth/auth.pub" --retention keep \
	--root-fingerprint "$ROOTFP" || { not_ok "server starts"; exit 1; }
check "no keyset yet: 404" test "$(curl -s -o /dev/null -w '%{http_code}' "$URL/v1/keyset")" = 404
ONLINE=(--server "$URL" --auth-key "$T/auth/auth.sec")
expect_exit 0 "keyset 1 pushed" off keyset-push "${ONLINE[@]}" "$T/ks1"
curl -s "$URL/v1/keyset" -o "$T/served"
check "the server serves keyset 1" cmp -s "$T/served" "$T/ks1"
check "PUT without officer signature refused" test \
	"$(curl -s -o /dev/null -w '%{http_code}' -X PUT --data-binary @"$T/ks1" "$URL/v1/keyset")" = 401

# The submitter pins the root fingerprint only.
SUB=(--no-config --fingerprint "$ROOTFP" --server "$URL")
printf 'First statement.\n' >"$T/text1"
expect_exit 0 "submit in keyset mode" $SUBMIT "${SUB[@]}" --json -m "$T/text1"
RECEIPT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt"])' "$T/out")
printf '%s\n' "$RECEIPT" >"$T/receipt"
chmod 600 "$T/receipt"
off fetch "${ONLINE[@]}" --to "$T/inbox" >/dev/null 2>&1
nrecip() { python3 -c 'import sys; print(open(sys.argv[1],"rb").read()[7])' "$1"; }
check "first envelope sealed to both officers" test "$(nrecip "$(ls "$T"/inbox/*.env | head -n 1)")" = 2
expect_exit 0 "officer 2 opens it" off open --from "$T/inbox" --cases "$T/cases" \
	--key "$T/o2/officer.sec" "${PW[@]}"
printf 'Officer two: we have it.\n' >"$T/r1"
expect_exit 0 "officer 2 replies (reply 1)" off reply 1 --message-file "$T/r1" --out "$T/out1" \
	--cases "$T/cases" --key "$T/o2/officer.sec" "${PW[@]}"
cp "$T"/out1/*.reply "$T/reply1.copy"
expect_exit 0 "reply 1 pushed" off push --server "$URL" --from "$T/out1" --auth-key "$T/auth/auth.sec"
expect_exit 0 "submitter reads reply 1" $SUBMIT replies "${SUB[@]}" --receipt-file "$T/receipt"
check "reply 1 shown as from the organization" grep -q "^--- reply 1 (.*), from the organization, officer key" "$T/out"

# Officer 2 leaves.
expect_exit 0 "keyset 2: officer 2 revoked (left)" off keyset-make --root "$T/root/root.sec" "${PW[@]}" \
	--officer "$T/o1.entry" --left "$T/o2.entry" --previous "$T/ks1" --out "$T/ks2"
off keyset-show "$T/ks2" >"$T/show2"
check "keyset 2 lists her as revoked, left" grep -q "^revoked .*: left$" "$T/show2"
check "keyset 2 has serial 2" grep -q "^keyset 2," "$T/show2"
# keyset 2 goes through a socks5h proxy (tests/tools/socks5.py), as
# fetch and push can; the name is resolved by the proxy. The refusals
# come before any request.
python3 "$TOP/tests/tools/socks5.py" --map "localhost=127.0.0.1" --log "$T/socks.log" \
	--port-file "$T/sport" &
PIDS+=("$!")
for _ in $(seq 1 50); do [ -s "$T/sport" ] && break; sleep 0.1; done
SOCKS=socks5h://127.0.0.1:$(cat "$T/sport")
ONION=(--server http://intakeexampleexampleexampleexampleexampleexampleexampl.onion
	--auth-key "$T/auth/auth.sec")
expect_exit 64 "keyset-push: an .onion without a proxy is refused" off keyset-push \
	"${ONION[@]}" "$T/ks2"
expect_exit 64 "keyset-push: --tor with another --proxy is refused" off keyset-push \
	"${ONION[@]}" --tor --proxy "$SOCKS" "$T/ks2"
expect_exit 0 "keyset 2 pushed through the proxy" off keyset-push --server "http://localhost:$PORT" \
	--auth-key "$T/auth/auth.sec" --proxy "$SOCKS" "$T/ks2"
check "the proxy resolved the server's name" grep -q "CONNECT domain localhost $PORT" "$T/socks.log"
expect_exit 65 "serial rollback refused by the server" off keyset-push "${ONLINE[@]}" "$T/ks1"
check "the server says why" grep -q "serial not above" "$T/err"

printf 'Second statement.\n' >"$T/text2"
expect_exit 0 "the unchanged submitter command" $SUBMIT "${SUB[@]}" --json -m "$T/text2"
off fetch "${ONLINE[@]}" --to "$T/inbox2" >/dev/null 2>&1
# retention keep: the first envelope is fetched again; take the other one
ENV2=$T/none
for f in "$T"/inbox2/*.env; do cmp -s "$f" "$(ls "$T"/inbox/*.env | head -n 1)" || ENV2=$f; done
check "sealed only to the first officer" test "$(nrecip "$ENV2")" = 1
mkdir -p "$T/in2only" && cp "$ENV2" "$T/in2only/"
expect_exit 0 "officer 1 opens it" off open --from "$T/in2only" --cases "$T/cases1" \
	--key "$T/o1/officer.sec" "${PW[@]}"
"$OFFICER" open --from "$T/in2only" --cases "$T/cases2" --key "$T/o2/officer.sec" \
	"${PW[@]}" >/dev/null 2>&1
check "officer 2 cannot" test ! -e "$T/cases2/case-000001/testimony.txt"

# An envelope sealed to her key alone, after the revocation.
FP2=$(off bundle "$T/o2/officer.pub" --out "$T/b2" 2>/dev/null)
expect_exit 0 "an envelope for officer 2 alone (bundle mode, offline)" $SUBMIT --no-config \
	--keys "$T/b2" --fingerprint "$FP2" -m "$T/text2" --output "$T/her.env"
code=$(curl -s -o "$T/body" -w '%{http_code}' -X POST -H 'Tus-Resumable: 1.0.0' \
	-H 'Content-Type: application/offset+octet-stream' \
	-H "Upload-Length: $(stat -c %s "$T/her.env")" --data-binary @"$T/her.env" "$URL/v1/uploads/")
check "the server refuses it: 422" test "$code" = 422
check "telling the client to fetch the keyset" grep -qx "keyset changed: fetch the keyset again" "$T/body"
expect_exit 65 "intake-submit upload reports the refusal" $SUBMIT upload --no-config --server "$URL" "$T/her.env"
check "with a plain reason" grep -q "keys changed" "$T/err"

# Replies after the revocation: 2 and 3 pushed in reverse order, 4
# withheld, 5 pushed; a copy of reply 1 replayed.
for n in 2 3 4 5; do
	printf 'Officer one, reply %s.\n' "$n" >"$T/r$n"
	off reply 1 --message-file "$T/r$n" --out "$T/out$n" --cases "$T/cases" \
		--key "$T/o1/officer.sec" "${PW[@]}" >/dev/null 2>&1
done
for n in 3 2 5; do
	off push --server "$URL" --from "$T/out$n" --auth-key "$T/auth/auth.sec" >/dev/null 2>&1
done
mkdir -p "$T/replay"
cp "$T/reply1.copy" "$T/replay/$(basename "$(ls "$T"/out1/sent/*.reply | head -n 1)")"
off push --server "$URL" --from "$T/replay" --auth-key "$T/auth/auth.sec" >/dev/null 2>&1
expect_exit 0 "replies after the revocation" $SUBMIT replies "${SUB[@]}" --receipt-file "$T/receipt"
check "her reply 1 shown as through a retired key" \
	grep -q "^--- reply 1 (.*), from the organization, through a key since retired" "$T/out"
check "replies 2, 3, 5 from the organization" test \
	"$(grep -c '^--- reply [235] (.*), from the organization, officer' "$T/out")" -eq 3
check "shown in number order, the copy once" test \
	"$(grep -o '^--- reply [0-9]' "$T/out" | tr -d -c '0-9\n' | tr '\n' ' ')" = "1 2 3 5 "
check "withheld reply 4 reported" grep -q "reply 4 is missing" "$T/err"
check "the replayed copy reported" grep -q "reply 1 came more than once" "$T/err"
check "the reordering reported" grep -q "reply 2 came after a later one" "$T/err"

# A receipt holder with the server: a reply that opens, names officer 1's
# key id, but carries no valid signature; and one from an unknown key.
printf 'Come to the station tomorrow. -- the organization\n' >"$T/forged"
"$KS" forge "$T/receipt" "$T/o1/officer.pub" 6 "$T/forged" "$T/forged.bin"
off keygen --out "$T/evil" "${PW[@]}" >/dev/null 2>&1
"$KS" forge "$T/receipt" "$T/evil/officer.pub" 7 "$T/forged" "$T/forged2.bin"
mkdir -p "$T/forge"
MBX=$(basename "$(ls "$T"/out2/sent/*.reply | head -n 1)" | cut -d. -f1)
cp "$T/forged.bin" "$T/forge/$MBX.0000000000000001.reply"
cp "$T/forged2.bin" "$T/forge/$MBX.0000000000000002.reply"
expect_exit 0 "the server takes the forgeries" off push --server "$URL" --from "$T/forge" \
	--auth-key "$T/auth/auth.sec"
expect_exit 1 "replies with forgeries: exit 1" $SUBMIT replies "${SUB[@]}" --receipt-file "$T/receipt"
check "the forgery is not shown" bash -c "! grep -q 'station tomorrow' '$T/out'"
check "the forgery is named as not from the organization" \
	grep -q "NOT from the organization (its signature does not verify)" "$T/err"
check "the genuine replies still shown" test "$(grep -c '^--- reply' "$T/out")" -eq 4
expect_exit 1 "--json marks classes" $SUBMIT replies "${SUB[@]}" --receipt-file "$T/receipt" --json
check "json: verified-retired and warnings" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
v = [x["verified"] for x in r["replies"]]
assert v.count("verified-retired") == 1 and v.count("verified") == 3, v
assert r["unreadable"] == 2, r
assert any("reply 4 is missing" in w for w in r["warnings"]), r' "$T/out"

# Keysets that must be refused, with the file given offline (--keyset).
OFF=(--no-config --fingerprint "$ROOTFP" -m "$T/text1")
"$KS" expired "$T/root/root.sec" "$T/pass" "$T/o1.entry" "$T/ks-expired"
expect_exit 65 "expired keyset refused" $SUBMIT "${OFF[@]}" --keyset "$T/ks-expired" --output "$T/x1.env"
check "saying when it expired" grep -q "keys expired on 20[0-9][0-9]-[0-9][0-9]-[0-9][0-9]" "$T/err"
check "nothing written" test ! -e "$T/x1.env"
expect_exit 65 "the server refuses an expired keyset" off keyset-push "${ONLINE[@]}" "$T/ks-expired"
off root-keygen --out "$T/root2" "${PW[@]}" >/dev/null 2>&1
off keyset-make --root "$T/root2/root.sec" "${PW[@]}" --officer "$T/o1.entry" --out "$T/ks-other" >/dev/null 2>&1
expect_exit 1 "keyset of another root refused" $SUBMIT "${OFF[@]}" --keyset "$T/ks-other" --output "$T/x2.env"
check "saying it is another root" grep -q "ANOTHER root key" "$T/err"
expect_exit 65 "the server refuses another root's keyset" off keyset-push "${ONLINE[@]}" "$T/ks-other"
check "the server says why" grep -q "another root key" "$T/err"
python3 -c 'import sys; b=bytearray(open(sys.argv[1],"rb").read()); b[120]^=1; open(sys.argv[2],"wb").write(b)' \
	"$T/ks2" "$T/ks-changed"
expect_exit 1 "keyset with a changed byte refused" $SUBMIT "${OFF[@]}" --keyset "$T/ks-changed" --output "$T/x3.env"
check "saying it was changed" grep -q "signature does not verify" "$T/err"
head -c 100 "$T/ks2" >"$T/ks-cut"
expect_exit 65 "truncated keyset refused" $SUBMIT "${OFF[@]}" --keyset "$T/ks-cut" --output "$T/x4.env"
python3 -c 'import sys; b=open(sys.argv[1],"rb").read(); b=bytearray(b[:68]+b[-64:]); b[9]=0; open(sys.argv[2],"wb").write(b)' \
	"$T/ks1" "$T/ks-empty"
expect_exit 65 "an empty keyset (no officer) refused" $SUBMIT "${OFF[@]}" --keyset "$T/ks-empty" --output "$T/x8.env"
check "as not a keyset" grep -q "damaged or not a keyset" "$T/err"
expect_exit 64 "keyset-make without an officer refused" off keyset-make --root "$T/root/root.sec" \
	"${PW[@]}" --out "$T/ks-none"
expect_exit 64 "keyset mode without a fingerprint refused" $SUBMIT --no-config --keyset "$T/ks2" \
	-m "$T/text1" --output "$T/x5.env"
expect_exit 0 "a rolled-back keyset within its expiry is accepted (SECURITY.md)" \
	$SUBMIT "${OFF[@]}" --keyset "$T/ks1" --output "$T/x6.env"
check "and seals to the keyset it lists" test "$(nrecip "$T/x6.env")" = 2
expect_exit 0 "the pin typed as 15 words works too" $SUBMIT --no-config --fingerprint "$ROOTWORDS" \
	--keyset "$T/ks2" -m "$T/text1" --output "$T/x7.env"

stop_server
check "server stopped cleanly" test $? -eq 0
