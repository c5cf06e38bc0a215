#!/usr/bin/env bash
# make demo's script runs the whole keyset journey and shows each party's
# view: the keyset reaches the server, the submitter (pinning only the
# root fingerprint) gets a receipt in words, the server's copy holds no
# plaintext, search finds another form of a Russian word, the signed
# reply is shown as from the organization, and after an officer leaves
# the next submission is sealed only to the one who stays. The server
# it started is stopped at the end.
source "$(dirname "$0")/lib.sh"

DEMO_OUT=$T/demo bash "$TOP/contrib/demo.sh" "$B" >"$T/demo.log" 2>&1
rc=$?
if [ "$rc" -eq 0 ]; then ok "demo finishes"; else
	not_ok "demo finishes (exit $rc)"; tail -n 30 "$T/demo.log" | sed 's/^/# /'; fi
D=$T/demo
check "the demo says why uploads land at once" grep -q -- "--land-every 0: this demo lands" "$T/demo.log"
check "keyset 1 pushed" grep -q '| keyset 1 is on the server' "$T/demo.log"
check "the submitter got a receipt in 12 words" test "$(wc -w <"$D/submitter/receipt.DEMO-ONLY")" -eq 12
check "and as a code" grep -qE '[0-9A-Z]{4}(-[0-9A-Z]{4}){6}' "$D/submitter/receipt.out"
check "the first envelope sealed to both officers" \
	test "$(python3 -c 'import sys; print(open(sys.argv[1],"rb").read()[7])' "$(ls "$D"/online/fetched1/*.env)")" = 2
check "the server's blob holds no plaintext" grep -q "grep 'подвале' finds nothing" "$T/demo.log"
check "the officer opened the submission" grep -q '1 opened, 0 quarantined' "$T/demo.log"
check "search for подвал finds подвале" grep -q '\[подвале\]' "$T/demo.log"
check "the attachment arrived intact" cmp -s "$D/submitter/рапорт.txt" "$D/airgap/cases/case-000001/files/рапорт.txt"
check "the submitter read the reply" grep -q 'Юрист свяжется с вами' "$T/demo.log"
ANNA=$(grep -xE '[0-9A-Z]{4}(-[0-9A-Z]{4}){7}' "$D/airgap/keys/anna.keygen")
check "shown as verified from the organization, Anna's key" \
	grep -q "^   | --- ответ 1 (.*), от организации, ключ сотрудника $ANNA ---" "$T/demo.log"
check "keyset 2 revokes Boris (left)" grep -q '^   | revoked .*: left$' "$T/demo.log"
check "keyset 2 pushed" grep -q '| keyset 2 is on the server' "$T/demo.log"
ANNAID=$(sed -n 's/^key id: //p' "$D/airgap/keys/anna.keygen")
check "the second envelope sealed to Anna alone" grep -q "| sealed to 1 officer(s): $ANNAID\$" "$T/demo.log"
check "Anna opens it" test -s "$D/airgap/cases/case-000002/testimony.txt"
check "Boris cannot" test ! -e "$D/airgap/cases-boris/case-000001"
# the demo starts its server inside its folder: none may still run there
still=""
for p in $(pgrep -x intake-server); do
	[[ $(readlink "/proc/$p/cwd") == "$T/demo"* ]] && still="$still $p"
done
check "the demo's server is stopped" test -z "$still"
