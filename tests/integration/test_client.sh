#!/usr/bin/env bash
# test_client.sh: intake-submit against a real intake-server on 127.0.0.1:
# text plus three attachments (one of 200 MiB) land as one envelope that
# both officers of the bundle open byte-identical; --output then upload;
# the receipt round trip with a reply posted through the officer API;
# fingerprint checks that refuse before any connection; a server that is
# down; the configuration file; --help and usage errors.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

cli_keys || { not_ok "test keys"; exit 1; }
cli_start_server || { not_ok "server starts"; exit 1; }
NOCONF=(--no-config --keys "$T/bundle" --fingerprint "$FP")

# --- help and usage ------------------------------------------------------
for cmd in "" upload replies; do
	expect_exit 0 "help ${cmd:-submit}" $SUBMIT $cmd --help
	check "help ${cmd:-submit} on stdout" grep -q '^usage: intake-submit' "$T/out"
done
expect_exit 0 "help command" $SUBMIT help
expect_exit 64 "unknown option" $SUBMIT --bogus
check "unknown option named" grep -q "unknown option '--bogus'" "$T/err"
expect_exit 64 "missing option value" $SUBMIT --server
expect_exit 64 "bad --threads" $SUBMIT -j 0 "${NOCONF[@]}" --server "$URL"
expect_exit 64 "upload wants one file" $SUBMIT upload --server "$URL"
expect_exit 64 "replies takes no receipt in argv" $SUBMIT replies "${NOCONF[@]}" \
	--server "$URL" ABCD-EFGH
expect_exit 64 "no server" $SUBMIT --no-config --keys "$T/bundle" --fingerprint "$FP" -m /dev/null
expect_exit 64 "nothing to send" $SUBMIT "${NOCONF[@]}" --server "$URL" -m /dev/null
check "nothing to send said" grep -q "nothing to send" "$T/err"
expect_exit 66 "missing attachment" $SUBMIT "${NOCONF[@]}" --server "$URL" \
	-m /dev/null "$T/does-not-exist"
expect_exit 65 "directory as attachment" $SUBMIT "${NOCONF[@]}" --server "$URL" \
	-m /dev/null "$T"

# --- text and three attachments, one of 200 MiB ---------------------------
printf 'They came at night.\nThree men, one in uniform.\n' >"$T/text"
head -c $((200 * 1024 * 1024)) /dev/urandom >"$T/video.mp4"
printf 'list of names\n' >"$T/names.txt"
head -c 4097 /dev/urandom >"$T/photo.jpg"
expect_exit 0 "submit text + 3 attachments" $SUBMIT "${NOCONF[@]}" --server "$URL" \
	--json -m "$T/text" "$T/video.mp4" "$T/names.txt" "$T/photo.jpg"
cp "$T/out" "$T/result.json"
check "json result has a receipt" python3 -c '
import json, re, sys
r = json.load(open(sys.argv[1]))
assert re.fullmatch(r"([0-9A-HJKMNP-TV-Z]{4}-){6}[0-9A-HJKMNP-TV-Z]{4}", r["receipt"])
assert re.fullmatch(r"[a-z]+( [a-z]+){11}", r["receipt_words"])
assert re.fullmatch(r"[0-9a-f]{32}", r["upload_id"])
assert r["bytes"] > 200 * 1024 * 1024' "$T/result.json"
check "one envelope stored" test "$(cli_ids | wc -l)" -eq 1
cli_latest "$T/stored1" || not_ok "fetch stored envelope"
check "stored size is the sent size" test "$(stat -c %s "$T/stored1")" -eq \
	"$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["bytes"])' "$T/result.json")"
for o in 1 2; do
	check "officer $o opens the envelope" cli_open "$T/sec$o" "$T/stored1" "$T/open$o"
	check "officer $o: text identical" cli_same "$T/open$o/text" "$T/text"
	check "officer $o: 200 MiB video identical" cli_same "$T/open$o/file-0" "$T/video.mp4"
	check "officer $o: names identical" cli_same "$T/open$o/file-1" "$T/names.txt"
	check "officer $o: photo identical" cli_same "$T/open$o/file-2" "$T/photo.jpg"
done
check "manifest names and types" grep -qx "file 0 209715200 video/mp4 video.mp4" "$T/open1.man"
check "manifest has no date by default" grep -qx "date -" "$T/open1.man"
check "manifest has a reply key" grep -qx "has_reply 1" "$T/open1.man"
"$ENVTOOL" keygen "$T/pub3" "$T/sec3"
expect_exit 1 "a key outside the bundle cannot open it" cli_open "$T/sec3" "$T/stored1" "$T/open3"
check "envelope has no plaintext" bash -c "! grep -q 'They came at night' '$T/stored1'"

# --- receipt round trip ----------------------------------------------------
RECEIPT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt"])' "$T/result.json")
PK=$(awk '$1 == "reply_pk" {print $2}' "$T/open1.man")
MB=$(awk '$1 == "mailbox" {print $2}' "$T/open1.man")
printf 'We have your message. Stay safe.\n' >"$T/reply-text"
"$ENVTOOL" reply "$T/sec2" "$PK" "$T/reply-text" "$T/reply.bin"
check "officer posts a reply" cli_api POST "/v1/mailboxes/$MB" --data-binary @"$T/reply.bin" \
	-H 'Content-Type: application/octet-stream' -o /dev/null
printf '%s\n' "$RECEIPT" | $SUBMIT replies "${NOCONF[@]}" --server "$URL" >"$T/replies" 2>"$T/err"
check "replies exit 0" test $? -eq 0
check "reply text shown" grep -qx "We have your message. Stay safe." "$T/replies"
check "reply names its officer key" grep -q "$("$ENVTOOL" fp "$T/pub2")" "$T/replies"
printf '%s\n' "$RECEIPT" | tr 'A-Z' 'a-z' | tr -d '-' >"$T/receipt-lower"
chmod 600 "$T/receipt-lower"
expect_exit 0 "replies with --receipt-file, lowercase, no dashes" $SUBMIT replies "${NOCONF[@]}" \
	--server "$URL" --receipt-file "$T/receipt-lower" --json
check "replies json" python3 -c '
import json, sys
r = json.load(open(sys.argv[1]))
assert r["unreadable"] == 0 and len(r["replies"]) == 1
assert r["replies"][0]["text"] == "We have your message. Stay safe.\n"' "$T/out"
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt_words"].upper())' \
	"$T/result.json" >"$T/receipt-words"
chmod 600 "$T/receipt-words"
expect_exit 0 "replies with the receipt's words (upper case) reads the same mailbox" \
	$SUBMIT replies "${NOCONF[@]}" --server "$URL" --receipt-file "$T/receipt-words" --json
check "replies json from the words" grep -q '"We have your message. Stay safe.\\n"' "$T/out"
LANG=ru_RU.UTF-8 $SUBMIT "${NOCONF[@]}" --server "$URL" --json -m "$T/text" >"$T/ru.json" 2>"$T/err"
check "in Russian the receipt's words are Russian" python3 -c '
import json, re, sys
w = json.load(open(sys.argv[1]))["receipt_words"].split()
assert len(w) == 12 and all(re.fullmatch("[а-яё]+", x) for x in w)' "$T/ru.json"
chmod 644 "$T/receipt-lower"
expect_exit 77 "receipt file readable by others refused" $SUBMIT replies "${NOCONF[@]}" \
	--server "$URL" --receipt-file "$T/receipt-lower"
expect_exit 65 "mistyped receipt refused" bash -c "echo ABCD-EFGH | $SUBMIT replies --no-config \
	--keys '$T/bundle' --fingerprint '$FP' --server '$URL'"
# A reply sealed by a key outside the bundle is not shown.
"$ENVTOOL" reply "$T/sec3" "$PK" "$T/reply-text" "$T/reply3.bin"
cli_api POST "/v1/mailboxes/$MB" --data-binary @"$T/reply3.bin" -o /dev/null
printf '%s\n' "$RECEIPT" | $SUBMIT replies "${NOCONF[@]}" --server "$URL" >"$T/replies" 2>"$T/err"
check "foreign reply: exit 1" test $? -eq 1
check "foreign reply: the good one still shown" test "$(grep -c '^--- reply' "$T/replies")" -eq 1
check "foreign reply: reported" grep -q "could not be verified" "$T/err"
# Reusing the receipt: same mailbox and reply key in the new manifest.
chmod 600 "$T/receipt-lower"
expect_exit 0 "submit again with --receipt-file" $SUBMIT "${NOCONF[@]}" --server "$URL" \
	--receipt-file "$T/receipt-lower" -m "$T/text" --date
check "same receipt printed" grep -qx "$RECEIPT" "$T/out"
cli_latest "$T/stored2"
cli_open "$T/sec1" "$T/stored2" "$T/open4"
check "reused receipt: same mailbox" grep -qx "mailbox $MB" "$T/open4.man"
check "reused receipt: same reply key" grep -qx "reply_pk $PK" "$T/open4.man"
check "--date puts the month" grep -qx "date $(date -u +%Y-%m)" "$T/open4.man"

printf '%s\n' "$RECEIPT" >"$T/receipt-line"
expect_exit 0 "--receipt reads the code from standard input" bash -c "$SUBMIT --no-config \
	--keys '$T/bundle' --fingerprint '$FP' --server '$URL' --receipt -m '$T/text' <'$T/receipt-line'"
check "--receipt: same receipt printed" grep -qx "$RECEIPT" "$T/out"
expect_exit 64 "--receipt needs --message-file when not on a terminal" bash -c "$SUBMIT --no-config \
	--keys '$T/bundle' --fingerprint '$FP' --server '$URL' --receipt <'$T/receipt-line'"
expect_exit 64 "--receipt and --receipt-file together refused" $SUBMIT "${NOCONF[@]}" --server "$URL" \
	--receipt --receipt-file "$T/receipt-lower" -m "$T/text"
check "the receipt is in no file the client could have written" bash -c "! grep -rqF '$RECEIPT' '$T/data'"

# --- --output, then upload --------------------------------------------------
expect_exit 0 "--output writes an envelope" $SUBMIT "${NOCONF[@]}" -m "$T/text" \
	-o "$T/env.bin" "$T/names.txt"
check "--output prints the receipt" grep -Eq '^([0-9A-Z]{4}-){6}[0-9A-Z]{4}$' "$T/out"
check "--output file is private" test "$(stat -c %a "$T/env.bin")" = 600
expect_exit 73 "--output refuses to overwrite" $SUBMIT "${NOCONF[@]}" -m "$T/text" -o "$T/env.bin"
expect_exit 0 "--output --force overwrites" $SUBMIT "${NOCONF[@]}" -m "$T/text" \
	-o "$T/env.bin" --force "$T/names.txt"
expect_exit 73 "--output never replaces without --force" $SUBMIT "${NOCONF[@]}" -m "$T/text" -o /dev/full
expect_exit 74 "--output to a full disk fails" $SUBMIT "${NOCONF[@]}" -m "$T/text" -o /dev/full --force
check "a failed --force output is not removed" test -c /dev/full
cp "$T/names.txt" "$T/names.keep"
expect_exit 64 "--output --force onto an attachment refused" $SUBMIT "${NOCONF[@]}" -m "$T/text" \
	-o "$T/names.txt" --force "$T/names.txt"
check "and the attachment is intact" cli_same "$T/names.txt" "$T/names.keep"
n_before=$(cli_ids | wc -l)
expect_exit 0 "upload FILE" $SUBMIT upload --no-config --server "$URL" --json "$T/env.bin"
check "upload json" python3 -c '
import json, sys
r = json.load(open(sys.argv[1])); assert r["bytes"] == int(sys.argv[2])' "$T/out" "$(stat -c %s "$T/env.bin")"
check "upload stored one more" test "$(cli_ids | wc -l)" -eq $((n_before + 1))
cli_latest "$T/stored3"
check "uploaded envelope stored byte-identical" cli_same "$T/stored3" "$T/env.bin"
check "uploaded envelope opens" cli_open "$T/sec1" "$T/stored3" "$T/open5"
check "uploaded attachment identical" cli_same "$T/open5/file-0" "$T/names.txt"
head -c 100000 /dev/urandom >"$T/junk"
expect_exit 65 "upload refuses a non-envelope" $SUBMIT upload --no-config --server "$URL" "$T/junk"
head -c -1 "$T/env.bin" >"$T/short.bin"
expect_exit 65 "upload refuses a truncated envelope" $SUBMIT upload --no-config --server "$URL" "$T/short.bin"
expect_exit 66 "upload of a missing file" $SUBMIT upload --no-config --server "$URL" "$T/nope"

# --- fingerprints: refused before any connection ---------------------------
cli_bg rec RPORT python3 "$TOOLS/cutproxy.py" --target "127.0.0.1:$PORT" --log "$T/rec.log"
WRONG=$("$ENVTOOL" fp "$T/pub3")
expect_exit 1 "wrong fingerprint refused" $SUBMIT --no-config --keys "$T/bundle" \
	--fingerprint "$WRONG" --server "http://127.0.0.1:$RPORT" -m "$T/text" "$T/video.mp4"
check "wrong fingerprint explained" grep -q "does NOT match" "$T/err"
expect_exit 1 "a given fingerprint is checked even with --no-fingerprint-check" $SUBMIT \
	--no-config --keys "$T/bundle" --fingerprint "$WRONG" --no-fingerprint-check \
	--server "http://127.0.0.1:$RPORT" -m "$T/text"
expect_exit 64 "no fingerprint refused" $SUBMIT --no-config --keys "$T/bundle" \
	--server "http://127.0.0.1:$RPORT" -m "$T/text"
expect_exit 65 "malformed fingerprint refused" $SUBMIT --no-config --keys "$T/bundle" \
	--fingerprint "not-a-fp" --server "http://127.0.0.1:$RPORT" -m "$T/text"
expect_exit 65 "broken bundle refused" $SUBMIT --no-config --keys "$T/text" \
	--fingerprint "$FP" --server "http://127.0.0.1:$RPORT" -m "$T/text"
expect_exit 1 "replies: wrong fingerprint refused" bash -c "printf '%s\n' '$RECEIPT' | \
	$SUBMIT replies --no-config --keys '$T/bundle' --fingerprint '$WRONG' --server http://127.0.0.1:$RPORT"
sleep 0.5
check "not one connection was made" test ! -s "$T/rec.log"
expect_exit 0 "the recorder does see a good submission" $SUBMIT "${NOCONF[@]}" \
	--server "http://127.0.0.1:$RPORT" -m "$T/text"
check "recorder counted it" cli_wait test -s "$T/rec.log"

# --- server down ------------------------------------------------------------
DEAD=$(free_port)
start=$(date +%s)
expect_exit 69 "server down: exit 69" $SUBMIT "${NOCONF[@]}" --server "http://127.0.0.1:$DEAD" -m "$T/text"
check "server down: said plainly" grep -q "could not connect to the server" "$T/err"
check "server down: gave up within 20 s" test $(( $(date +%s) - start )) -le 20
check "server down: testimony not echoed" bash -c "! grep -q 'came at night' '$T/err'"
expect_exit 69 "replies, server down: exit 69" bash -c "printf '%s\n' '$RECEIPT' | \
	$SUBMIT replies --no-config --keys '$T/bundle' --fingerprint '$FP' --server http://127.0.0.1:$DEAD"

# --- configuration file -------------------------------------------------------
mkdir -p "$T/home/.config/intake"
cp "$T/bundle" "$T/home/.config/intake/bundle.txt"
printf '# test\nserver = %s\nfingerprint = %s\n' "$URL" "$FP" >"$T/home/.config/intake/submit.conf"
expect_exit 0 "default config and bundle beside it" env HOME="$T/home" XDG_CONFIG_HOME= \
	$SUBMIT -m "$T/text"
printf 'server = %s\nfingerprint = %s\nkeys = ../bundle\n' "$URL" "$WRONG" >"$T/cfdir.conf"
mkdir -p "$T/cf"
mv "$T/cfdir.conf" "$T/cf/submit.conf"
expect_exit 1 "config fingerprint is enforced" $SUBMIT -c "$T/cf/submit.conf" -m "$T/text"
expect_exit 0 "command line overrides config" $SUBMIT -c "$T/cf/submit.conf" --fingerprint "$FP" -m "$T/text"
printf 'server = %s\ncolour = blue\n' "$URL" >"$T/bad.conf"
expect_exit 78 "bad config line refused" $SUBMIT -c "$T/bad.conf" -m "$T/text"
check "bad config line named" grep -q "line 2" "$T/err"
expect_exit 66 "missing --config refused" $SUBMIT -c "$T/none.conf" -m "$T/text"

stop_server
check "server stopped cleanly" test $? -eq 0
