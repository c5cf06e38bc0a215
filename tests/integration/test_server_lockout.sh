#!/usr/bin/env bash
# test_server_lockout.sh: no anonymous client can lock submitters out
# (issue 12): 1,000 empty creations, or a dozen huge declared lengths, do
# not stop a real submission; one client polling one mailbox at full
# speed does not stop another submitter reading hers.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/srv_lib.sh"
FLOOD="python3 $TOP/tests/tools/srv_flood.py"

srv_officer_keys || { not_ok "officer keys"; exit 1; }
"$MKENV" 20000 "$T/a.env" a || { not_ok "make envelope"; exit 1; }

# --- empty creations -----------------------------------------------------------
start_server "$T/data" --officer-key "$T/officer.pub" --max-uploads 1000 --quota 100M --pow-max 0 ||
	{ not_ok "server starts"; exit 1; }
$FLOOD empty "$PORT" 1000 >"$T/flood"
check "1,000 empty creations were all accepted ($(tr '\n' ' ' <"$T/flood"))" grep -qx '201 1000' "$T/flood"
check "an empty upload expires within minutes" python3 -c '
import email.utils, sys, time
t = email.utils.parsedate_to_datetime(sys.argv[1]).timestamp()
assert t - time.time() <= 11 * 60, t - time.time()' "$(code -X POST "${TUSH[@]}" -H 'Upload-Length: 10' "$URL/v1/uploads/" >/dev/null; hdr Upload-Expires)"
check "then a real submission succeeds" [ "$(tus_upload "$T/a.env")" = 201 ]
check "and it landed" [ "$(srv_list | wc -l)" = 1 ]
$FLOOD empty "$PORT" 12 $((90 * 1024 * 1024)) >"$T/flood"
check "a dozen creations declaring 90 MiB each under a 100 MiB quota: accepted" grep -qx '201 12' "$T/flood"
check "then a real submission still succeeds (nothing reserved)" [ "$(tus_upload "$T/a.env")" = 201 ]
check "a declared length over what is left: 507" \
	[ "$(code -X POST "${TUSH[@]}" -H "Upload-Length: $((101 * 1024 * 1024))" "$URL/v1/uploads/")" = 507 ]
stop_server || not_ok "server stops"

# --- a mailbox poller ------------------------------------------------------------
start_server "$T/data2" --officer-key "$T/officer.pub" --mailbox-rate 5 --mailbox-rate-total 1000 ||
	{ not_ok "server starts"; exit 1; }
A=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa
B=bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb
$FLOOD poll "$PORT" "$A" 4 >"$T/poll" &
POLLER=$!
PIDS+=("$POLLER")
sleep 0.5
okb=0
for i in 1 2 3 4 5 6; do
	[ "$(code "$URL/v1/mailboxes/$B")" = 200 ] && okb=$((okb + 1))
	sleep 0.4
done
wait "$POLLER"
check "another mailbox's reads all succeed while one is polled at full speed ($okb of 6)" [ "$okb" = 6 ]
check "the poller itself is limited ($(tr '\n' ' ' <"$T/poll"))" grep -q '^429 ' "$T/poll"
check "the poller got its own share" grep -q '^200 ' "$T/poll"
stop_server || not_ok "server stops"
ok "done"
