#!/usr/bin/env bash
# test_server_auth.sh: officer authentication v2 (FORMAT.md §6) against a
# real server: the signature covers Host (checked against --host), the
# query and the body; a replay is refused, also after a restart; a nonce
# is refused for as long as its timestamp is acceptable.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/srv_lib.sh"

srv_officer_keys || { not_ok "officer keys"; exit 1; }
"$MKENV" 2000 "$T/a.env" a || { not_ok "make envelope"; exit 1; }
start_server "$T/data" --officer-key "$T/officer.pub" || { not_ok "server starts"; exit 1; }
tus_upload "$T/a.env" >/dev/null
tus_upload "$T/a.env" >/dev/null
check "two submissions" [ "$(srv_list | wc -l)" = 2 ]
H="127.0.0.1:$PORT"
sign() { "$SIGN" sign "$1" "$2" "$3" "$T/officer.sec" "${4:-0}" ${5:+"$5"}; }

# Host
auth=$(sign GET example.org /v1/submissions)
check "signed for another host, sent with that Host: 401" \
	[ "$(code -H "Authorization: $auth" -H 'Host: example.org' "$URL/v1/submissions")" = 401 ]
check "signed for another host, sent with ours: 401" \
	[ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 401 ]
auth=$(sign GET "localhost:$PORT" /v1/submissions)
check "localhost:PORT is one of a loopback server's default names" \
	[ "$(code -H "Authorization: $auth" -H "Host: localhost:$PORT" "$URL/v1/submissions")" = 200 ]

# query
auth=$(sign GET "$H" '/v1/submissions?limit=1')
check "signed query as sent: 200" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions?limit=1")" = 200 ]
check "and it applied" [ "$(python3 -c 'import json,sys; print(len(json.load(open(sys.argv[1]))["submissions"]))' "$T/body")" = 1 ]
auth=$(sign GET "$H" '/v1/submissions?limit=1')
check "a changed query: 401" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions?limit=2")" = 401 ]
auth=$(sign GET "$H" '/v1/submissions?limit=1')
check "a query added: 401" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions?limit=1&since=0")" = 401 ]
auth=$(sign GET "$H" '/v1/submissions')
check "a query added to a signed path: 401" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions?limit=1")" = 401 ]

# body
MB=00112233445566778899aabbccddeeff
head -c 200 /dev/urandom >"$T/reply1"
head -c 200 /dev/urandom >"$T/reply2"
auth=$(sign POST "$H" "/v1/mailboxes/$MB" 0 "$T/reply1")
check "a relay's own body under a signed reply: 401" \
	[ "$(code -X POST -H "Authorization: $auth" --data-binary @"$T/reply2" "$URL/v1/mailboxes/$MB")" = 401 ]
check "nothing was stored" [ "$(code "$URL/v1/mailboxes/$MB")" = 200 ] && grep -q '"replies":\[\]' "$T/body"
check "the signed body: 201" \
	[ "$(code -X POST -H "Authorization: $auth" --data-binary @"$T/reply1" "$URL/v1/mailboxes/$MB")" = 201 ]
check "an unsigned reply POST: 401" [ "$(code -X POST --data-binary @"$T/reply1" "$URL/v1/mailboxes/$MB")" = 401 ]
auth=$(sign POST "$H" "/v1/submissions/$(srv_list | head -n 1)/fetched")
check "POST fetched, signed over the empty body: 204" \
	[ "$(code -X POST -H "Authorization: $auth" "$URL/v1/submissions/$(srv_list | head -n 1)/fetched")" = 204 ]

# replay across a restart
auth=$(sign GET "$H" /v1/submissions)
check "fresh: 200" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 200 ]
check "replayed: 401" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 401 ]
stop_server || not_ok "server stops"
srv_restart "$T/data" --officer-key "$T/officer.pub" || { not_ok "server restarts"; exit 1; }
check "replayed after a restart: 401" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 401 ]
check "a fresh one after the restart: 200" [ "$(ocurl GET /v1/submissions)" = 200 ]
auth=$(sign GET "$H" /v1/submissions 290)
check "ts near the window's edge: 200" [ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 200 ]
stop_server || not_ok "server stops"

# --host
start_server "$T/data" --officer-key "$T/officer.pub" --host abc.onion --host Example.org:8443 ||
	{ not_ok "server starts with --host"; exit 1; }
auth=$(sign GET abc.onion /v1/submissions)
check "--host name: 200" [ "$(code -H "Authorization: $auth" -H 'Host: abc.onion' "$URL/v1/submissions")" = 200 ]
auth=$(sign GET example.org:8443 /v1/submissions)
check "--host compares without case: 200" [ "$(code -H "Authorization: $auth" -H 'Host: example.org:8443' "$URL/v1/submissions")" = 200 ]
auth=$(sign GET "127.0.0.1:$PORT" /v1/submissions)
check "with --host, the listening address is no longer a name: 401" \
	[ "$(code -H "Authorization: $auth" "$URL/v1/submissions")" = 401 ]
stop_server || not_ok "server stops"
ok "done"
