#!/usr/bin/env bash
# test_server.sh: intake-server's HTTP protocol (docs/PROTOCOL.md) against
# a real server on 127.0.0.1: tus uploads (whole, creation-with-upload,
# interrupted and resumed, wrong offset, oversize, invalid envelope,
# termination), limits (quota, expiry), officer authentication (missing,
# wrong, replayed, stale), downloads with Range, retention, mailboxes.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/srv_lib.sh"

srv_officer_keys || { not_ok "officer keys"; exit 1; }
"$MKENV" 300000 "$T/a.env" a && "$MKENV" 1000 "$T/b.env" b && "$MKENV" 3000000 "$T/big.env" big ||
	{ not_ok "make envelopes"; exit 1; }
ALEN=$(stat -c %s "$T/a.env")

# --- command line ---------------------------------------------------------
expect_exit 0 "--help exits 0" "$SERVER" --help
for o in listen data-dir config officer-key max-size quota max-uploads max-connections \
	idle-timeout header-timeout threads expire empty-expire host mailbox-rate-total pow-max pow-free \
	land-every test-clock \
	date-granularity retention tls-cert tls-key mailbox-rate \
	mailbox-max reply-expire connection-memory help; do
	grep -q -- "--$o" "$T/out" || not_ok "--help lists --$o"
done
ok "--help lists every option"
expect_exit 64 "unknown flag is a usage error" "$SERVER" --data-dir "$T/x" --bogus
expect_exit 64 "missing --data-dir is a usage error" "$SERVER"
expect_exit 78 "bad --retention value is a config error" "$SERVER" --data-dir "$T/x" --retention forever
printf 'intake-auth-public-1 nonsense\n' >"$T/bad.pub"
expect_exit 78 "a malformed officer key file is refused" "$SERVER" --data-dir "$T/x" --officer-key "$T/bad.pub"
printf 'max-size = 12x\n' >"$T/bad.conf"
expect_exit 78 "a bad config file value is refused" "$SERVER" --config "$T/bad.conf" --data-dir "$T/x"

# Config file: values from it apply, flags override it.
printf '# test config\nmax-size = 400K\nofficer-key = %s\nmailbox-rate = 1000\n' "$T/officer.pub" >"$T/srv.conf"
start_server "$T/data" --config "$T/srv.conf" --quota 5M || { not_ok "server starts"; exit 1; }

# --- basics ----------------------------------------------------------------
check "health answers" [ "$(code "$URL/v1/health")" = 200 ]
check "health body" grep -q '"status":"ok"' "$T/body"
check "no Server banner" bash -c "! grep -qi '^server:' '$T/hdr'"
check "Cache-Control: no-store" grep -qi '^cache-control: no-store' "$T/hdr"
check "OPTIONS answers 204" [ "$(code -X OPTIONS "$URL/v1/uploads/")" = 204 ]
check "OPTIONS: Tus-Max-Size from the config file" [ "$(hdr Tus-Max-Size)" = 409600 ]
check "OPTIONS: extensions" [ "$(hdr Tus-Extension)" = creation,creation-with-upload,expiration,termination ]
check "missing Tus-Resumable gives 412" [ "$(code -X POST -H "Upload-Length: 10" "$URL/v1/uploads/")" = 412 ]
check "412 names Tus-Version" [ "$(hdr Tus-Version)" = 1.0.0 ]
check "unknown route gives 404" [ "$(code "$URL/v1/nothing")" = 404 ]
check "Upload-Defer-Length gives 400" [ "$(code -X POST "${TUSH[@]}" -H 'Upload-Defer-Length: 1' "$URL/v1/uploads/")" = 400 ]
check "non-decimal Upload-Length gives 400" [ "$(code -X POST "${TUSH[@]}" -H 'Upload-Length: -5' "$URL/v1/uploads/")" = 400 ]
check "Upload-Length 0 gives 400" [ "$(code -X POST "${TUSH[@]}" -H 'Upload-Length: 0' "$URL/v1/uploads/")" = 400 ]
check "Upload-Length over Tus-Max-Size gives 413" [ "$(code -X POST "${TUSH[@]}" -H 'Upload-Length: 409601' "$URL/v1/uploads/")" = 413 ]

# --- full upload: POST, then two PATCHes ----------------------------------
head -c 100000 "$T/a.env" >"$T/a1"
tail -c +100001 "$T/a.env" >"$T/a2"
loc=$(curl -s -D - -o /dev/null -X POST "${TUSH[@]}" -H "Upload-Length: $ALEN" \
	-H 'Upload-Metadata: filename c2VjcmV0LW5hbWU=' "$URL/v1/uploads/" | grep -i '^location:' | cut -d' ' -f2 | tr -d '\r')
check "creation gives a 32-hex Location" grep -Eqx '/v1/uploads/[0-9a-f]{32}' <<<"$loc"
check "first PATCH 204" [ "$(tus_patch "$loc" 0 "$T/a1")" = 204 ]
check "first PATCH acknowledges its bytes" [ "$(hdr Upload-Offset)" = 100000 ]
check "HEAD reports the offset" [ "$(code -I "${TUSH[@]}" "$URL$loc")" = 200 ] 
check "HEAD Upload-Offset" [ "$(hdr Upload-Offset)" = 100000 ]
check "HEAD Upload-Length" [ "$(hdr Upload-Length)" = "$ALEN" ]
check "HEAD Upload-Expires is an RFC 7231 date" grep -Eqx '[A-Z][a-z]{2}, [0-9]{2} [A-Z][a-z]{2} [0-9]{4} [0-9:]{8} GMT' <<<"$(hdr Upload-Expires)"
check "wrong Upload-Offset gives 409" [ "$(tus_patch "$loc" 5 "$T/a2")" = 409 ]
check "wrong content type gives 415" [ "$(code -X PATCH "${TUSH[@]}" -H 'Upload-Offset: 100000' -H 'Content-Type: text/plain' --data-binary @"$T/a2" "$URL$loc")" = 415 ]
check "GET of an upload gives 405" [ "$(code "${TUSH[@]}" "$URL$loc")" = 405 ]
cat "$T/a2" "$T/b.env" >"$T/a2long"
check "PATCH past Upload-Length gives 413" [ "$(tus_patch "$loc" 100000 "$T/a2long")" = 413 ]
check "final PATCH 204" [ "$(tus_patch "$loc" 100000 "$T/a2")" = 204 ]
check "final PATCH acknowledges the whole length" [ "$(hdr Upload-Offset)" = "$ALEN" ]
code -I "${TUSH[@]}" "$URL$loc" >/dev/null
check "a completed upload answers offset = length" [ "$(hdr Upload-Offset)" = "$ALEN" ]
check "PATCH after completion gives 409" [ "$(tus_patch "$loc" "$ALEN" "$T/b.env")" = 409 ]
check "the submission is listed" [ "$(srv_list | wc -l)" = 1 ]
A_ID=$(srv_list)
check "submission id is not the upload id" [ "/v1/uploads/$A_ID" != "$loc" ]
check "listing has size, date and state" python3 -c '
import json, sys, time
s = json.load(open(sys.argv[1]))["submissions"][0]
assert s["size"] == int(sys.argv[2]), s
assert s["date"] == time.strftime("%Y-%m-%d", time.gmtime()), s
assert s["state"] == "new", s' "$T/body" "$ALEN"
check "download is byte-identical" srv_fetch "$A_ID" "$T/a.got"
check "downloaded bytes" cmp -s "$T/a.got" "$T/a.env"
check "Range download gives 206" [ "$(OUT=$T/a.tail ocurl GET "/v1/submissions/$A_ID" -H 'Range: bytes=250000-')" = 206 ]
check "Range bytes" cmp -s "$T/a.tail" <(tail -c +250001 "$T/a.env")
check "Range past the end gives 416" [ "$(ocurl GET "/v1/submissions/$A_ID" -H "Range: bytes=$ALEN-")" = 416 ]
check "stored file mtime is the coarse date" [ "$(( $(stat -c %Y "$T/data/store/$A_ID") % 86400 ))" = 0 ]
check "Upload-Metadata is not stored" bash -c "! grep -rqa 'secret-name\\|c2VjcmV0LW5hbWU' '$T/data'"

# --- creation-with-upload ----------------------------------------------------
check "creation-with-upload gives 201" [ "$(tus_upload "$T/b.env")" = 201 ]
check "creation-with-upload acknowledges the body" [ "$(hdr Upload-Offset)" = "$(stat -c %s "$T/b.env")" ]
check "creation-with-upload lands a submission" [ "$(srv_list | wc -l)" = 2 ]

# --- interrupted PATCH, resumed after HEAD -------------------------------------
BLEN=$(stat -c %s "$T/big.env")
check "max-size flag overrides: big upload refused at this limit" [ "$(code -X POST "${TUSH[@]}" -H "Upload-Length: $BLEN" "$URL/v1/uploads/")" = 413 ]
stop_server || not_ok "server stops"
start_server "$T/data" --officer-key "$T/officer.pub" --quota 5M --max-size 8M --mailbox-rate 3 || { not_ok "server restarts"; exit 1; }
loc=$(tus_create "$BLEN")
check "big upload created" [ -n "$loc" ]
curl -s -o /dev/null -X PATCH "${TUSH[@]}" "${OCT[@]}" -H 'Upload-Offset: 0' --limit-rate 500K \
	--max-time 1 --data-binary "@$T/big.env" "$URL$loc"
sleep 0.3
code -I "${TUSH[@]}" "$URL$loc" >/dev/null
K=$(hdr Upload-Offset)
check "an interrupted PATCH keeps the bytes that arrived" [ "${K:-0}" -gt 0 ] && [ "$K" -lt "$BLEN" ]
tail -c +$((K + 1)) "$T/big.env" >"$T/big.rest"
check "resume from the HEAD offset gives 204" [ "$(tus_patch "$loc" "$K" "$T/big.rest")" = 204 ]
BIG_ID=$(srv_list | while read -r id; do [ "$id" != "$A_ID" ] && srv_fetch "$id" "$T/x.got" && cmp -s "$T/x.got" "$T/big.env" && echo "$id"; done)
check "the resumed upload is intact" [ -n "$BIG_ID" ]

# --- invalid envelope --------------------------------------------------------
head -c 70000 /dev/urandom >"$T/junk"
check "an invalid envelope gives 422" [ "$(tus_upload "$T/junk")" = 422 ]
check "422 body says why" grep -q 'not a valid intake envelope' "$T/body"
cp "$T/b.env" "$T/trunc.env"
truncate -s -1 "$T/trunc.env"
check "a truncated envelope gives 422" [ "$(tus_upload "$T/trunc.env")" = 422 ]
check "invalid blobs are not listed" [ "$(srv_list | wc -l)" = 3 ]
check "invalid blobs are deleted" [ -z "$(ls "$T/data/partial")" ]

# --- termination ---------------------------------------------------------------
loc=$(tus_create 5000)
check "DELETE of an upload gives 204" [ "$(code -X DELETE "${TUSH[@]}" "$URL$loc")" = 204 ]
check "HEAD after DELETE gives 404" [ "$(code -I "${TUSH[@]}" "$URL$loc")" = 404 ]
check "the partial file is gone" [ -z "$(ls "$T/data/partial")" ]
check "HEAD of an unknown upload gives 404" [ "$(code -I "${TUSH[@]}" "$URL/v1/uploads/0123456789abcdef0123456789abcdef")" = 404 ]

# --- quota -----------------------------------------------------------------------
# 5M quota; about 3.4M stored. A 2M reservation does not fit.
check "quota: over the quota gives 507" [ "$(code -X POST "${TUSH[@]}" -H 'Upload-Length: 2000000' "$URL/v1/uploads/")" = 507 ]
check "quota: a fitting upload is still accepted" [ "$(tus_upload "$T/b.env")" = 201 ]
check "quota: stored data is untouched" srv_fetch "$A_ID" "$T/a.got2"
check "quota: bytes intact" cmp -s "$T/a.got2" "$T/a.env"

# --- officer authentication --------------------------------------------------------
check "no Authorization gives 401" [ "$(code "$URL/v1/submissions")" = 401 ]
check "garbage Authorization gives 401" [ "$(code -H 'Authorization: Intake-Sig key=00,ts=1,nonce=00,sig=AA==' "$URL/v1/submissions")" = 401 ]
check "an unknown officer key gives 401" [ "$(SECFILE=$T/other.sec ocurl GET /v1/submissions)" = 401 ]
auth=$("$SIGN" sign GET "127.0.0.1:$PORT" /v1/submissions "$T/officer.sec")
check "a fresh signature is accepted" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 200 ]
check "the same signature replayed gives 401" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 401 ]
auth=$("$SIGN" sign GET "127.0.0.1:$PORT" /v1/submissions "$T/officer.sec" -400)
check "a stale timestamp gives 401" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 401 ]
auth=$("$SIGN" sign GET "127.0.0.1:$PORT" "/v1/submissions/$A_ID" "$T/officer.sec")
check "a signature for another path gives 401" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 401 ]
auth=$("$SIGN" sign GET "example.org" /v1/submissions "$T/officer.sec")
check "a signature for another Host gives 401" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 401 ]
auth=$("$SIGN" sign DELETE "127.0.0.1:$PORT" "/v1/submissions/$A_ID" "$T/officer.sec")
check "a signature for another method gives 401" [ "$(code -X POST -H "Authorization: $auth" "$URL/v1/submissions/$A_ID/fetched")" = 401 ]
check "401 is bare" grep -qx 'authentication failed' "$T/body"

# --- listing cursor ------------------------------------------------------------------
ocurl GET '/v1/submissions?limit=1' >/dev/null
cur=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["cursor"])' "$T/body")
check "limit=1 gives one" [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["submissions"]))' "$T/body")" = 1 ]
ocurl GET "/v1/submissions?since=$cur" >/dev/null
check "since=cursor gives the rest" [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["submissions"]))' "$T/body")" = 3 ]
check "a bad cursor gives 400" [ "$(ocurl GET '/v1/submissions?since=abc')" = 400 ]

# --- fetched and delete under delete-on-fetch ------------------------------------------
check "fetched gives 204" [ "$(ocurl POST "/v1/submissions/$A_ID/fetched")" = 204 ]
check "a fetched submission is deleted" [ ! -e "$T/data/store/$A_ID" ]
srv_list >"$T/ids"
check "and no longer listed" bash -c "! grep -q '$A_ID' '$T/ids'"
check "download of a deleted submission gives 404" [ "$(ocurl GET "/v1/submissions/$A_ID")" = 404 ]
check "DELETE of a submission gives 204" [ "$(ocurl DELETE "/v1/submissions/$BIG_ID")" = 204 ]
check "its file is gone" [ ! -e "$T/data/store/$BIG_ID" ]
check "DELETE again gives 404" [ "$(ocurl DELETE "/v1/submissions/$BIG_ID")" = 404 ]

# --- mailboxes -------------------------------------------------------------------------
MB=00112233445566778899aabbccddeeff
check "unknown mailbox gives 200" [ "$(code "$URL/v1/mailboxes/ffeeddccbbaa99887766554433221100")" = 200 ]
cp "$T/body" "$T/mb.unknown"
head -c 1500 /dev/urandom >"$T/reply1"
head -c 2500 /dev/urandom >"$T/reply2"
check "posting a reply needs auth" [ "$(code -X POST --data-binary @"$T/reply1" "$URL/v1/mailboxes/$MB")" = 401 ]
check "an officer posts a reply: 201" [ "$(ocurl POST "/v1/mailboxes/$MB" --data-binary @"$T/reply1")" = 201 ]
check "a second reply: 201" [ "$(ocurl POST "/v1/mailboxes/$MB" --data-binary @"$T/reply2")" = 201 ]
head -c $((400 * 1024)) /dev/zero >"$T/reply.big"
check "a reply over the limit gives 413" [ "$(ocurl POST "/v1/mailboxes/$MB" --data-binary @"$T/reply.big")" = 413 ]
sleep 1.1 # refill the 3/s bucket
check "mailbox GET gives 200" [ "$(code "$URL/v1/mailboxes/$MB")" = 200 ]
check "replies come back oldest first, intact" python3 -c '
import base64, json, sys
r = json.load(open(sys.argv[1]))["replies"]
assert [base64.b64decode(x) for x in r] == [open(sys.argv[2], "rb").read(), open(sys.argv[3], "rb").read()]
' "$T/body" "$T/reply1" "$T/reply2"
check "unknown mailbox looks exactly like an empty one" bash -c "[ \"\$(cat '$T/mb.unknown')\" = '{\"replies\":[]}' ]"
sleep 1.1
rl=()
for i in $(seq 1 12); do
	curl -s -o /dev/null -w '%{http_code}\n' "$URL/v1/mailboxes/$MB" >"$T/rl.$i" &
	rl+=($!)
done
wait "${rl[@]}"
check "mailbox reads are rate-limited (429)" [ "$(cat "$T"/rl.* | grep -c 429)" -ge 6 ]
check "and the rest answered 200" [ "$(cat "$T"/rl.* | grep -c 200)" -ge 1 ]

# --- logs, shutdown --------------------------------------------------------------------------
check "SIGTERM: clean exit 0" stop_server
check "the log holds no ids" bash -c "! grep -Eq '[0-9a-f]{32}' '$T/server.log'"
check "the log holds no client address" bash -c "! grep -q '127.0.0.1:[0-9]* *$' <(grep -v listening '$T/server.log')"

# --- expiry ------------------------------------------------------------------------------------
start_server "$T/data2" --expire 2 --empty-expire 2 || { not_ok "server with --expire starts"; exit 1; }
loc=$(tus_create 5000)
check "an upload to expire is created" [ "$(code -I "${TUSH[@]}" "$URL$loc")" = 200 ]
sleep 5 # expiry is in whole seconds, the reaper runs every second
check "an expired upload gives 404" [ "$(code -I "${TUSH[@]}" "$URL$loc")" = 404 ]
check "an expired upload's file is reaped" [ -z "$(ls "$T/data2/partial")" ]
check "a PATCH to an expired upload gives 404" [ "$(tus_patch "$loc" 0 "$T/b.env")" = 404 ]
stop_server || not_ok "server stops"

# --- direct TLS ----------------------------------------------------------------------------------
if command -v openssl >/dev/null; then
	openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 1 \
		-subj /CN=127.0.0.1 -keyout "$T/tls.key" -out "$T/tls.crt" 2>/dev/null
	chmod 0644 "$T/tls.key"
	expect_exit 77 "a world-readable TLS key is refused" "$SERVER" --data-dir "$T/data3" \
		--listen "127.0.0.1:$(free_port)" --tls-cert "$T/tls.crt" --tls-key "$T/tls.key"
	chmod 0600 "$T/tls.key"
	PORT=$(free_port)
	"$SERVER" --listen "127.0.0.1:$PORT" --data-dir "$T/data3" --tls-cert "$T/tls.crt" \
		--tls-key "$T/tls.key" --land-every 0 2>>"$T/server.log" &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	for i in $(seq 1 50); do
		curl -s -o /dev/null --cacert "$T/tls.crt" "https://127.0.0.1:$PORT/v1/health" && break
		sleep 0.1
	done
	check "TLS: health over https" [ "$(code --cacert "$T/tls.crt" "https://127.0.0.1:$PORT/v1/health")" = 200 ]
	URL="https://127.0.0.1:$PORT"
	check "TLS: an upload over https" [ "$(code --cacert "$T/tls.crt" -X POST "${TUSH[@]}" "${OCT[@]}" \
		-H "Upload-Length: $(stat -c %s "$T/b.env")" --data-binary @"$T/b.env" "$URL/v1/uploads/")" = 201 ]
	check "TLS: plain http is not served" bash -c "! curl -s -m 3 -o /dev/null 'http://127.0.0.1:$PORT/v1/health'"
	check "TLS: SIGTERM exits 0" stop_server
else
	ok "# SKIP TLS: no openssl"
fi

# --- a disk that fills up mid-PATCH (needs a tmpfs mount: root) -----------------------------------
mkdir -p "$T/full"
# 8 MiB: a landing copies the envelope once (a new inode), so it needs
# its size free for a moment.
if mount -t tmpfs -o size=8M tmpfs "$T/full" 2>/dev/null; then
	trap 'kill -TERM "${PIDS[@]}" 2>/dev/null; wait 2>/dev/null; umount "$T/full" 2>/dev/null; t_cleanup' EXIT
	"$MKENV" 2000000 "$T/mid.env" mid || not_ok "make envelope mid"
	MLEN=$(stat -c %s "$T/mid.env")
	start_server "$T/full/data" --officer-key "$T/officer.pub" || { not_ok "server on tmpfs starts"; exit 1; }
	check "disk full: a small envelope is stored first" [ "$(tus_upload "$T/b.env")" = 201 ]
	B_ID=$(srv_list)
	check "disk full: creation more than the free disk gives 507" \
		[ "$(code -X POST "${TUSH[@]}" -H 'Upload-Length: 9000000' "$URL/v1/uploads/")" = 507 ]
	loc=$(tus_create "$MLEN")
	check "disk full: an upload that fits is created" [ -n "$loc" ]
	avail=$(df -B1 --output=avail "$T/full" | tail -n 1)
	head -c $((avail - 1000000)) /dev/zero >"$T/full/filler" 2>/dev/null
	check "disk full: a PATCH that hits a full disk gives 507" [ "$(tus_patch "$loc" 0 "$T/mid.env")" = 507 ]
	code -I "${TUSH[@]}" "$URL$loc" >/dev/null
	K=$(hdr Upload-Offset)
	check "disk full: the upload is still there, offset below its length" [ "${K:-x}" -lt "$MLEN" ]
	rm -f "$T/full/filler"
	tail -c +$((K + 1)) "$T/mid.env" >"$T/mid.rest"
	check "disk full: after space is freed the upload resumes (204)" [ "$(tus_patch "$loc" "$K" "$T/mid.rest")" = 204 ]
	srv_list >"$T/ids"
	M_ID=$(grep -v "$B_ID" "$T/ids")
	check "disk full: the resumed envelope is intact" srv_fetch "$M_ID" "$T/mid.got"
	check "disk full: its bytes" cmp -s "$T/mid.got" "$T/mid.env"
	check "disk full: the earlier envelope is intact" srv_fetch "$B_ID" "$T/b.got"
	check "disk full: its bytes" cmp -s "$T/b.got" "$T/b.env"
	check "disk full: server stops cleanly" stop_server
	umount "$T/full" || not_ok "umount the tmpfs"
else
	ok "# SKIP disk-full test: cannot mount a tmpfs"
fi
