#!/usr/bin/env bash
# test_client_officer.sh: intake-submit with the real intake-officer on
# the other side. Two officers' keys joined into a bundle whose
# fingerprint the submitter checks; text plus three attachments (one of
# 200 MiB) fetched and opened by the officer byte-identical; the
# officer's reply (reply, then push through the officer API) read back
# with the receipt by intake-submit replies.
source "$(dirname "$0")/lib.sh"

[ -x "$OFFICER" ] || { not_ok "intake-officer not built"; exit 1; }
printf 'a test passphrase, not a real one\n' >"$T/pass"
chmod 600 "$T/pass"
"$OFFICER" keygen --out "$T/o1" --passphrase-file "$T/pass" >/dev/null 2>&1 &&
"$OFFICER" keygen --out "$T/o2" --passphrase-file "$T/pass" >/dev/null 2>&1 &&
FP=$("$OFFICER" bundle "$T/o1/officer.pub" "$T/o2/officer.pub" --out "$T/bundle" 2>/dev/null) &&
"$OFFICER" auth-keygen --out "$T/auth" >/dev/null 2>&1
check "officer keys, bundle and auth key" test -s "$T/bundle" -a -n "$FP"
mkdir -p "$T/data"
start_server "$T/data" --officer-key "$T/auth/auth.pub" || { not_ok "server starts"; exit 1; }

printf 'Statement.\nOn the 4th they took my son from the checkpoint.\n' >"$T/text"
{ printf '\0\0\0\030ftypmp42\0\0\0\0mp42isom'; head -c $((200 * 1024 * 1024)) /dev/urandom; } >"$T/video.mp4"
{ printf '\377\330\377\340'; head -c 70000 /dev/urandom; } >"$T/photo.jpg"
printf 'names and dates\n' >"$T/list.txt"
expect_exit 0 "submit text + 3 attachments to the officers' bundle" $SUBMIT --no-config \
	--keys "$T/bundle" --fingerprint "$FP" --server "$URL" --json -m "$T/text" \
	"$T/video.mp4" "$T/photo.jpg" "$T/list.txt"
RECEIPT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt"])' "$T/out")

expect_exit 0 "officer fetches" "$OFFICER" fetch --server "$URL" --to "$T/inbox" \
	--auth-key "$T/auth/auth.sec"
check "one envelope fetched" test "$(ls "$T/inbox"/*.env | wc -l)" -eq 1
expect_exit 0 "officer 2 opens" "$OFFICER" open --from "$T/inbox" --cases "$T/cases" \
	--key "$T/o2/officer.sec" --passphrase-file "$T/pass"
C=$T/cases/case-000001
check "testimony identical" cmp -s "$C/testimony.txt" "$T/text"
check "200 MiB video identical" cmp -s "$C/files/video.mp4" "$T/video.mp4"
check "photo identical" cmp -s "$C/files/photo.jpg" "$T/photo.jpg"
check "list identical" cmp -s "$C/files/list.txt" "$T/list.txt"

printf 'We received your statement. We will contact you here.\n' >"$T/reply"
expect_exit 0 "officer writes a reply" "$OFFICER" reply case-000001 --message-file "$T/reply" \
	--out "$T/outbox" --cases "$T/cases" --key "$T/o2/officer.sec" --passphrase-file "$T/pass"
expect_exit 0 "officer pushes it" "$OFFICER" push --server "$URL" --from "$T/outbox" \
	--auth-key "$T/auth/auth.sec"
printf '%s\n' "$RECEIPT" | $SUBMIT replies --no-config --keys "$T/bundle" --fingerprint "$FP" \
	--server "$URL" >"$T/replies" 2>"$T/err"
check "submitter reads the reply" test $? -eq 0
check "reply text exact" grep -qx "We received your statement. We will contact you here." "$T/replies"
check "reply names officer 2" grep -q "$("$OFFICER" fingerprint "$T/o2/officer.pub" 2>/dev/null)" "$T/replies"

stop_server
check "server stopped cleanly" test $? -eq 0
