#!/usr/bin/env bash
# test_officer_net.sh: intake-officer's online side against the real
# intake-server on 127.0.0.1, with submissions from the real
# intake-submit: signed fetch (twice: nothing fetched twice), an unknown
# auth key refused, the envelopes opened on the "air-gapped" side with
# files byte-identical, a reply pushed and read back by the submitter,
# a fetch killed mid-download and one whose server was killed
# mid-download, both resumed to byte-identical envelopes, and --delete.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
UPLOAD="python3 $TOP/tests/tools/off_upload.py"
umask 077
cd "$T" || exit 1

printf 'officer one passphrase\n' >pass1
"$OFFICER" keygen --out k1 --passphrase-file pass1 >/dev/null 2>&1 &&
	printf 'second net officer passphrase\n' >pass2 &&
	"$OFFICER" keygen --out k2 --passphrase-file pass2 >/dev/null 2>&1 &&
	"$OFFICER" bundle k1/officer.pub k2/officer.pub --out bundle.txt >fp 2>/dev/null
check "officer keys and bundle" test -s bundle.txt
FP=$(cat fp)
expect_exit 0 "auth-keygen" "$OFFICER" auth-keygen --out auth
check "auth.sec is 0600" test "$(stat -c %a auth/auth.sec)" = 600
expect_exit 0 "second auth key (not installed)" "$OFFICER" auth-keygen --out intruder
expect_exit 73 "auth-keygen refuses to overwrite" "$OFFICER" auth-keygen --out auth

mkdir data
start_server "$T/data" --officer-key auth/auth.pub || { not_ok "server start"; exit 1; }

# --- two submissions through the real client
printf 'Testimony one: soldiers at the river.\n' >text1
printf 'Testimony two: the market fire.\n' >text2
{ printf '\0\0\0\030ftypmp42\0\0\0\0mp42isom'; head -c 2500000 /dev/urandom; } >clip.mp4
printf '%%PDF-1.4 scan\n' >scan.pdf
submit() { # TEXT RECEIPTFILE FILES...
	local text=$1 rf=$2
	shift 2
	"$SUBMIT" --no-config --quiet --json --server "$URL" --keys bundle.txt \
		--fingerprint "$FP" --message-file "$text" "$@" </dev/null >sub.json 2>sub.err &&
		python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt"])' sub.json >"$rf"
}
check "submission 1 (text, video, pdf) via intake-submit" submit text1 receipt1 clip.mp4 scan.pdf
check "submission 2 (text only) via intake-submit" submit text2 receipt2

# --- fetch
expect_exit 77 "fetch with an unknown auth key is refused" "$OFFICER" fetch --server "$URL" --to fetched --auth-key intruder/auth.sec
check "nothing fetched with the unknown key" test -z "$(ls fetched 2>/dev/null)"
expect_exit 0 "fetch" "$OFFICER" fetch --server "$URL" --to fetched --auth-key auth/auth.sec
check "two envelopes fetched" test "$(ls fetched/*.env | wc -l)" -eq 2
check "stdout names them" test "$(grep -cE '^[0-9a-f]{32}\.env$' out)" -eq 2
check "no partial left" test -z "$(ls fetched/.partial)"
expect_exit 0 "fetch again, one connection" "$OFFICER" fetch --server "$URL" --to fetched --auth-key auth/auth.sec --connections 1
check "second fetch fetched nothing" grep -q '^0 fetched' err
check "still two envelopes" test "$(ls fetched/*.env | wc -l)" -eq 2

# --- open on the air-gapped side, reply, push
expect_exit 0 "open the fetched envelopes" "$OFFICER" open --from fetched --cases cases --key k1/officer.sec --passphrase-file pass1
check "two cases" test "$(grep -c '^case-' out)" -eq 2
cv=$(grep -l clip.mp4 cases/case-*/manifest.json | head -n1)
cv=${cv%/manifest.json}
check "video byte-identical after the whole trip" cmp -s clip.mp4 "$cv/files/clip.mp4"
check "text byte-identical" cmp -s text1 "$cv/testimony.txt"
check "pdf byte-identical" cmp -s scan.pdf "$cv/files/scan.pdf"
check "video sha256 recorded" grep -q "$(sha256sum clip.mp4 | cut -d' ' -f1)" "$cv/manifest.json"
expect_exit 0 "search finds the river" "$OFFICER" search river --cases cases
check "one hit" test "$(grep -c '^case-' out)" -eq 1
printf 'We received your testimony. Stay safe.\n' >msg
expect_exit 0 "reply" "$OFFICER" reply "${cv##*/}" --message-file msg --out outbox --cases cases --key k1/officer.sec --passphrase-file pass1
expect_exit 77 "push with an unknown auth key is refused" "$OFFICER" push --server "$URL" --from outbox --auth-key intruder/auth.sec
check "the refused reply is still waiting" test "$(ls outbox/*.reply | wc -l)" -eq 1
expect_exit 0 "push" "$OFFICER" push --server "$URL" --from outbox --auth-key auth/auth.sec
check "pushed reply moved to sent/" test "$(ls outbox/sent/*.reply | wc -l)" -eq 1 -a -z "$(ls outbox/*.reply 2>/dev/null)"
chmod 600 receipt1
expect_exit 0 "the submitter reads replies with intake-submit" "$SUBMIT" replies --no-config --server "$URL" --keys bundle.txt --fingerprint "$FP" --receipt-file receipt1
check "the reply text arrived" grep -q "We received your testimony. Stay safe." out
expect_exit 0 "push again sends nothing" "$OFFICER" push --server "$URL" --from outbox --auth-key auth/auth.sec
check "nothing pushed twice" grep -q '^0 pushed' err

# --- a fetch killed mid-download resumes
head -c 12000000 /dev/urandom >big.bin
"$MKENV" --bundle bundle.txt --out big1.env --text text1 --attach big.bin &&
	"$MKENV" --bundle bundle.txt --out big2.env --text text2 --attach big.bin
check "two 12 MB envelopes made" test -s big2.env
# wait_partial DIR: until a partial download has started (10 s at most)
wait_partial() {
	local i
	for i in $(seq 1 100); do
		[ -n "$(find "$1/.partial" -type f -size +0 2>/dev/null)" ] && return 0
		sleep 0.1
	done
	return 1
}
expect_exit 0 "upload the first big envelope" $UPLOAD "$URL" big1.env
"$OFFICER" fetch --server "$URL" --to fetched --auth-key auth/auth.sec --limit-rate 2000000 >/dev/null 2>&1 &
fpid=$!
PIDS+=("$fpid")
check "a partial download started" wait_partial fetched
sleep 0.5
kill -KILL "$fpid" 2>/dev/null
wait "$fpid" 2>/dev/null
p=$(find fetched/.partial -type f | head -n1)
psize=$(stat -c %s "$p" 2>/dev/null || echo 0)
check "killed with a partial file ($psize bytes)" test "$psize" -gt 0 -a "$psize" -lt "$(stat -c %s big1.env)"
expect_exit 0 "fetch after the kill" "$OFFICER" fetch --server "$URL" --to fetched --auth-key auth/auth.sec
check "it resumed" grep -q "^resuming" err
check "the resumed envelope is byte-identical" cmp -s big1.env "fetched/$(basename "$p").env"
check "no partial left after resuming" test -z "$(ls fetched/.partial)"

# --- the server killed mid-download, restarted on the same data
expect_exit 0 "upload the second big envelope" $UPLOAD "$URL" big2.env
"$OFFICER" fetch --server "$URL" --to fetched --auth-key auth/auth.sec --limit-rate 2000000 >/dev/null 2>fetch.err &
fpid=$!
PIDS+=("$fpid")
check "a partial download started" wait_partial fetched
sleep 0.5
kill -KILL "$SERVER_PID"
wait "$SERVER_PID" 2>/dev/null
wait "$fpid"
rc=$?
check "fetch fails when its server dies (exit $rc)" test "$rc" -ne 0 -a "$rc" -lt 128
start_server "$T/data" --officer-key auth/auth.pub || not_ok "server restart"
expect_exit 0 "fetch after the server restart" "$OFFICER" fetch --server "$URL" --to fetched --auth-key auth/auth.sec
p2=$(grep -E '^[0-9a-f]{32}\.env$' out | head -n1)
check "the envelope is byte-identical" cmp -s big2.env "fetched/$p2"
expect_exit 0 "open the big envelopes" "$OFFICER" open --from fetched --cases cases --key k2/officer.sec --passphrase-file pass2
check "two more cases, opened by officer 2's key" test "$(grep -c '^case-' out)" -eq 2
n=$(find cases -path '*/files/big.bin' -exec cmp -s big.bin {} \; -print | wc -l)
check "both 12 MB attachments byte-identical" test "$n" -eq 2
stop_server

# --- --delete, with a server that keeps fetched envelopes
mkdir data2
start_server "$T/data2" --officer-key auth/auth.pub --retention keep || not_ok "keep server"
$UPLOAD "$URL" big1.env >/dev/null && $UPLOAD "$URL" big2.env >/dev/null
expect_exit 0 "fetch from a keeping server, one connection" "$OFFICER" fetch --server "$URL" --to keep1 --auth-key auth/auth.sec --connections 1
check "two fetched" grep -q '^2 fetched' err
expect_exit 0 "a fresh folder skips what was fetched" "$OFFICER" fetch --server "$URL" --to keep2 --auth-key auth/auth.sec
check "nothing fetched twice" grep -q '^0 fetched, 2 already here' err
$UPLOAD "$URL" big1.env >/dev/null
expect_exit 0 "fetch --delete" "$OFFICER" fetch --server "$URL" --to keep3 --auth-key auth/auth.sec --delete
check "one fetched with --delete" grep -q '^1 fetched, 2 already here' err
expect_exit 0 "the deleted one is gone from the server" "$OFFICER" fetch --server "$URL" --to keep4 --auth-key auth/auth.sec
check "only the two kept ones remain" grep -q '^0 fetched, 2 already here' err
stop_server
