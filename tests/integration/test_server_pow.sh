#!/usr/bin/env bash
# test_server_pow.sh: adaptive proof of work on upload creation
# (docs/PROTOCOL.md): none while quiet; under a flood of creations the
# difficulty rises, a creation without work gets 428 with a fresh
# challenge, a solved one goes through once, a reused, wrong or forged
# proof does not; intake-submit pays it by itself.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/srv_lib.sh"
FLOOD="python3 $TOP/tests/tools/srv_flood.py"
SOLVE="python3 $TOP/tests/tools/srv_pow.py"

srv_officer_keys || { not_ok "officer keys"; exit 1; }
"$MKENV" 3000 "$T/a.env" a || { not_ok "make envelope"; exit 1; }
start_server "$T/data" --officer-key "$T/officer.pub" || { not_ok "server starts"; exit 1; }
diff_now() { curl -s "$URL/v1/pow" | python3 -c 'import json,sys; print(json.load(sys.stdin)["difficulty"])'; }

check "quiet: GET /v1/pow answers 200" [ "$(code "$URL/v1/pow")" = 200 ]
check "quiet: difficulty 0 and a 32-byte challenge" python3 -c '
import base64, json, sys
j = json.load(open(sys.argv[1]))
assert j["difficulty"] == 0, j
assert len(base64.b64decode(j["challenge"])) == 32, j' "$T/body"
check "quiet: a creation needs no work" [ "$(tus_upload "$T/a.env")" = 201 ]

$FLOOD empty "$PORT" 300 >"$T/flood"
check "a flood of creations is refused with 428 once it is a flood ($(tr '\n' ' ' <"$T/flood"))" grep -q '^428 ' "$T/flood"
D=$(diff_now)
check "the difficulty rose ($D)" [ "$D" -ge 8 ] && [ "$D" -le 20 ]
check "a creation without work: 428" [ "$(tus_upload "$T/a.env")" = 428 ]
check "428 carries a fresh challenge" python3 -c '
import base64, json, sys
j = json.load(open(sys.argv[1]))
assert j["difficulty"] >= 8 and len(base64.b64decode(j["challenge"])) == 32, j' "$T/body"
P=$($SOLVE "$PORT" 2>/dev/null)
check "a solved proof: 201" [ "$(tus_upload "$T/a.env" -H "Intake-PoW: $P")" = 201 ]
check "the same proof again: 428" [ "$(tus_upload "$T/a.env" -H "Intake-PoW: $P")" = 428 ]
P=$($SOLVE "$PORT" 2>/dev/null)
check "a wrong nonce: 428" [ "$(tus_upload "$T/a.env" -H "Intake-PoW: ${P%:*}:0000000000000000")" = 428 ]
forged=$(python3 -c '
import base64, sys
c, n = sys.argv[1].split(":")
b = bytearray(base64.b64decode(c)); b[4] = 0
print(base64.b64encode(bytes(b)).decode() + ":" + n)' "$P")
check "a challenge with its difficulty lowered (MAC): 428" [ "$(tus_upload "$T/a.env" -H "Intake-PoW: $forged")" = 428 ]
check "garbage: 428" [ "$(tus_upload "$T/a.env" -H 'Intake-PoW: !!!:zz')" = 428 ]
check "a duplicate Intake-PoW header: 400" [ "$(tus_upload "$T/a.env" -H "Intake-PoW: $P" -H "Intake-PoW: $P")" = 400 ]
check "the unused solved proof still works: 201" [ "$(tus_upload "$T/a.env" -H "Intake-PoW: $P")" = 201 ]
check "both paid submissions landed" [ "$(srv_list | wc -l)" = 3 ]

# intake-submit pays it by itself.
source "$TOP/tests/tools/cli_lib.sh"
cli_keys || not_ok "client keys"
D=$(diff_now)
check "still flooded ($D)" [ "$D" -ge 8 ]
printf 'They came at night.\n' >"$T/text"
expect_exit 0 "intake-submit under a flood pays the proof of work" $SUBMIT --no-config \
	--keys "$T/bundle" --fingerprint "$FP" --server "$URL" -m "$T/text"
check "its envelope landed" [ "$(srv_list | wc -l)" = 4 ]
stop_server || not_ok "server stops"

start_server "$T/data2" --pow-max 0 || { not_ok "server starts"; exit 1; }
$FLOOD empty "$PORT" 300 >"$T/flood"
check "--pow-max 0: no proof of work, ever" grep -qx '201 300' "$T/flood"
stop_server || not_ok "server stops"
ok "done"
