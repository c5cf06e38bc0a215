#!/usr/bin/env bash
# make demo's script runs the whole journey and shows each party's view:
# the reply reaches the submitter, the server's copy holds no plaintext,
# and the server it started is stopped at the end.
source "$(dirname "$0")/lib.sh"

DEMO_OUT=$T/demo bash "$TOP/contrib/demo.sh" "$B" >"$T/demo.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok "demo finishes"; else
	not_ok "demo finishes (exit $rc)"; tail -n 30 "$T/demo.log" | sed 's/^/# /'; fi
check "the submitter got a receipt code" grep -qE 'receipt code: [0-9A-Z]{4}(-[0-9A-Z]{4}){6}' "$T/demo.log"
check "the server's blob holds no plaintext" grep -q "grep 'подвале' finds nothing" "$T/demo.log"
check "the officer opened the submission" grep -q '1 opened, 0 quarantined' "$T/demo.log"
check "search finds the testimony" grep -q '\[подвале\]' "$T/demo.log"
check "the submitter read the reply" grep -q 'Юрист свяжется с вами' "$T/demo.log"
check "the attachment arrived intact" cmp -s "$T/demo/submitter/photo.jpg" "$T/demo/airgap/cases/case-000001/files/photo.jpg"
# the demo starts its server inside its folder: none may still run there
still=""
for p in $(pgrep -x intake-server); do
	[[ $(readlink "/proc/$p/cwd") == "$T/demo"* ]] && still="$still $p"
done
check "the demo's server is stopped" test -z "$still"
