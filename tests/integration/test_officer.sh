#!/usr/bin/env bash
# test_officer.sh: intake-officer on the air-gapped side, with the real
# binary: keys and bundles, opening envelopes (made by the test tool
# off_mkenv with the real common/ code) with either of two officers'
# keys, files byte-identical and SHA-256 recorded, list/show/search/
# note/state, hostile attachment names, a tampered envelope quarantined
# while the rest open, wrong passphrase, re-running open, and a reply the
# submitter can read.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
READREPLY=$B/tools/off_readreply
umask 077
cd "$T" || exit 1

printf 'correct horse battery staple\n' >pass1
printf 'second officer passphrase\n' >pass2
printf 'wrong\n' >wrong

# --- every command has --help (stdout, exit 0); usage errors are 64
for c in keygen bundle fingerprint open list show note state search reply \
	auth-keygen fetch push; do
	"$OFFICER" "$c" --help >out 2>err
	rc=$?
	if [ "$rc" -eq 0 ] && grep -q "usage: intake-officer $c" out; then
		ok "$c --help"
	else
		not_ok "$c --help (exit $rc)"
	fi
done
expect_exit 0 "top-level --help" "$OFFICER" --help
expect_exit 64 "no command" "$OFFICER"
expect_exit 64 "unknown command" "$OFFICER" frobnicate
expect_exit 64 "keygen without --out" "$OFFICER" keygen
expect_exit 64 "open without --key" "$OFFICER" open --from x --cases y
expect_exit 64 "list with a stray argument" "$OFFICER" list --cases c extra
expect_exit 64 "bad option" "$OFFICER" list --cases c --bogus
expect_exit 64 "fetch --connections 0" "$OFFICER" fetch --server http://127.0.0.1:1 --to f --auth-key a --connections 0
expect_exit 64 "fetch --connections 17" "$OFFICER" fetch --server http://127.0.0.1:1 --to f --auth-key a --connections 17
expect_exit 64 "fetch --limit-rate -1" "$OFFICER" fetch --server http://127.0.0.1:1 --to f --auth-key a --limit-rate -1

# --- keys
expect_exit 0 "keygen officer 1" "$OFFICER" keygen --out k1 --passphrase-file pass1
fp1=$(cat out)
expect_exit 0 "keygen officer 2" "$OFFICER" keygen --out k2 --passphrase-file pass2
check "secret key is mode 0600" test "$(stat -c %a k1/officer.sec)" = 600
check "keygen printed a fingerprint" grep -qE '^[0-9A-Z]{4}(-[0-9A-Z]{4}){7}$' <<<"$fp1"
expect_exit 0 "fingerprint of a public key" "$OFFICER" fingerprint k1/officer.pub
check "same fingerprint as keygen printed" test "$(cat out)" = "$fp1"
cp k1/officer.sec sec.before
expect_exit 73 "keygen refuses to overwrite" "$OFFICER" keygen --out k1 --passphrase-file pass2
check "the old secret key is untouched" cmp -s k1/officer.sec sec.before
chmod 644 pass2
expect_exit 77 "group-readable passphrase file refused" "$OFFICER" keygen --out k3 --passphrase-file pass2
chmod 600 pass2
expect_exit 0 "bundle of two keys" "$OFFICER" bundle k1/officer.pub k2/officer.pub --out bundle.txt
bfp=$(cat out)
expect_exit 0 "fingerprint of the bundle" "$OFFICER" fingerprint bundle.txt
check "bundle fingerprint matches" test "$(cat out)" = "$bfp"
expect_exit 0 "bundle in the other order to stdout" "$OFFICER" bundle k2/officer.pub k1/officer.pub
check "order does not change the fingerprint" grep -q "fingerprint: $bfp" err
expect_exit 65 "bundle with a key twice" "$OFFICER" bundle k1/officer.pub k1/officer.pub
expect_exit 73 "bundle --out refuses to overwrite" "$OFFICER" bundle k1/officer.pub --out bundle.txt
printf 'intake-public-key-1 not-base64\n' >bad.pub
expect_exit 65 "malformed public key refused" "$OFFICER" fingerprint bad.pub

# --- submissions
printf 'They took my brother at the river checkpoint on Tuesday.\n' >text1
printf 'The market burned down after the raid.\n' >text2
# real magic numbers: open keeps an extension only when the content matches
{ printf '\0\0\0\030ftypmp42\0\0\0\0mp42isom'; head -c 3000000 /dev/urandom; } >video.mp4
printf '%%PDF-1.4\n%%%%EOF\n' >doc.pdf
printf 'x' >tiny
mkdir in
expect_exit 0 "seal submission 1" "$MKENV" --bundle bundle.txt --out in/a1.env \
	--text text1 --attach video.mp4 --attach doc.pdf --receipt receipt1 --date 2026-11
expect_exit 0 "seal submission 2 with hostile names" "$MKENV" --bundle bundle.txt \
	--out in/a2.env --text text2 --attach tiny --as '"../../etc/passwd"' \
	--attach tiny --as '"/abs"' --attach tiny --as '"a\nb"' \
	--attach tiny --as '"a\u0007b"' --attach tiny --as '".hidden"' \
	--attach tiny --as '"..\\\\..\\\\win.ini"'
expect_exit 0 "seal submission 3" "$MKENV" --bundle bundle.txt --out in/a3.env --text text1
cp in/a3.env in/a4.env
# flip one payload byte of a4
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(2000); b=f.read(1); f.seek(2000); f.write(bytes([b[0]^1]))' in/a4.env

expect_exit 1 "open with a wrong passphrase" "$OFFICER" open --from in --cases cases1 --key k1/officer.sec --passphrase-file wrong
check "wrong passphrase message" grep -q "wrong passphrase or damaged key file" err
check "nothing opened with a wrong passphrase" test ! -e cases1/case-000001

expect_exit 65 "open with officer 1 (one quarantined)" "$OFFICER" open --from in --cases cases1 --key k1/officer.sec --passphrase-file pass1
check "three cases opened" test "$(grep -c '^case-' out)" -eq 3
check "tampered envelope in quarantine" test -f cases1/quarantine/a4.env
check "quarantine has a reason" grep -q "does not authenticate" cases1/quarantine/a4.env.reason
check "tampered envelope left the input folder" test ! -e in/a4.env
c1=$(awk '$2=="a1.env"{print $1}' out)
c2=$(awk '$2=="a2.env"{print $1}' out)
check "testimony byte-identical" cmp -s text1 "cases1/$c1/testimony.txt"
check "video byte-identical" cmp -s video.mp4 "cases1/$c1/files/video.mp4"
check "pdf byte-identical" cmp -s doc.pdf "cases1/$c1/files/doc.pdf"
vsha=$(sha256sum video.mp4 | cut -d' ' -f1)
check "manifest.json records the video's sha256" grep -q "\"sha256\": \"$vsha\"" "cases1/$c1/manifest.json"
expect_exit 0 "show --json" "$OFFICER" show "$c1" --cases cases1 --json
check "catalog records the video's sha256" python3 -c '
import json, sys
c = json.load(open(sys.argv[1]))
assert any(f["sha256"] == sys.argv[2] and f["path"] == "files/video.mp4" for f in c["files"])
assert c["submitted"] == "2026-11" and c["state"] == "new"
' out "$vsha"
tsha=$(sha256sum text1 | cut -d' ' -f1)
check "catalog records the text's sha256" grep -q "$tsha" out

# hostile names: all inside the case, none hidden, none outside
check "no file escaped the case folder" test ! -e etc -a ! -e /abs.intake-test -a ! -e cases1/etc
n=$(find "cases1/$c2/files" -type f | wc -l)
check "six hostile-named files stored" test "$n" -eq 6
check "no hidden file in the case" test -z "$(find "cases1/$c2" -name '.*')"
check "no control characters in stored names" test -z "$(find "cases1/$c2" -name "*[[:cntrl:]]*")"
check "the ../../etc/passwd attachment is files/passwd" cmp -s tiny "cases1/$c2/files/passwd"
check "the /abs attachment is files/abs" cmp -s tiny "cases1/$c2/files/abs"

# the other officer opens the same envelopes with their own key
expect_exit 0 "open with officer 2" "$OFFICER" open --from in --cases cases2 --key k2/officer.sec --passphrase-file pass2
check "officer 2 has three cases" test "$(grep -c '^case-' out)" -eq 3
c1b=$(awk '$2=="a1.env"{print $1}' out)
check "officer 2's video byte-identical" cmp -s video.mp4 "cases2/$c1b/files/video.mp4"
k2id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key_id"])' "cases2/$c1b/manifest.json")
k1id=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["key_id"])' "cases1/$c1/manifest.json")
check "each officer's own key id is recorded" test -n "$k1id" -a -n "$k2id" -a "$k1id" != "$k2id"

# open again: nothing twice
before=$(find cases1 -type f | wc -l)
expect_exit 0 "open re-run" "$OFFICER" open --from in --cases cases1 --key k1/officer.sec --passphrase-file pass1
check "re-run opened nothing" test ! -s out
check "re-run wrote nothing" test "$(find cases1 -type f | wc -l)" -eq "$before"
cp in/a1.env in/copy-of-a1.env
expect_exit 0 "the same envelope under another name" "$OFFICER" open --from in --cases cases1 --key k1/officer.sec --passphrase-file pass1
check "a copy is not a new case" test ! -s out

# catalog commands
expect_exit 0 "list" "$OFFICER" list --cases cases1
check "list shows three cases" test "$(grep -c '^case-' out)" -eq 3
expect_exit 0 "list --json" "$OFFICER" list --cases cases1 --json
check "list --json is JSON with three cases" python3 -c 'import json,sys; assert len(json.load(open(sys.argv[1]))) == 3' out
expect_exit 0 "search" "$OFFICER" search "river checkpoint" --cases cases1
check "search finds the two river cases" test "$(grep -c '^case-' out)" -eq 2
expect_exit 0 "search with FTS syntax is plain text" "$OFFICER" search 'market" OR "river' --cases cases1
check "no match for the quoted words" test "$(grep -c '^case-' out)" -eq 0
expect_exit 0 "search --json" "$OFFICER" search market --cases cases1 --json
check "search --json finds the market case" python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); assert len(r)==1 and "[market]" in r[0]["snippet"].lower()' out
expect_exit 0 "note" "$OFFICER" note "$c1" "called the family; follow up" --cases cases1
expect_exit 0 "state reviewed" "$OFFICER" state "$c1" reviewed --cases cases1
expect_exit 64 "state bogus" "$OFFICER" state "$c1" bogus --cases cases1
expect_exit 66 "state of a missing case" "$OFFICER" state 99 reviewed --cases cases1
expect_exit 64 "show a malformed case id" "$OFFICER" show ../1 --cases cases1
expect_exit 0 "show" "$OFFICER" show "$c1" --cases cases1
check "show has the note and the state" grep -q "follow up" out
check "show has the state" grep -qE '^state +reviewed' out

# replies
printf 'Thank you. We will contact you through this channel.\n' >msg
expect_exit 1 "reply with a wrong passphrase" "$OFFICER" reply "$c1" --message-file msg --out outbox --cases cases1 --key k1/officer.sec --passphrase-file wrong
expect_exit 0 "reply" "$OFFICER" reply "$c1" --message-file msg --out outbox --cases cases1 --key k1/officer.sec --passphrase-file pass1
rf=$(cat out)
check "reply file named MAILBOX.RANDOM.reply" grep -qE '/[0-9a-f]{32}\.[0-9a-f]{16}\.reply$' <<<"$rf"
expect_exit 0 "the submitter reads the reply" "$READREPLY" receipt1 bundle.txt "$rf"
check "reply text matches" cmp -s msg out
expect_exit 0 "state is now replied" "$OFFICER" show "$c1" --cases cases1 --json
check "state is replied" python3 -c 'import json,sys; assert json.load(open(sys.argv[1]))["state"]=="replied"' out
expect_exit 1 "no reply key: refused" "$OFFICER" reply "$c2" --message-file msg --out outbox --cases cases1 --key k1/officer.sec --passphrase-file pass1
expect_exit 66 "reply to a missing case" "$OFFICER" reply 42 --message-file msg --out outbox --cases cases1 --key k1/officer.sec --passphrase-file pass1
expect_exit 1 "a reply from an officer outside the bundle is refused" "$READREPLY" receipt1 k2/officer.pub "$rf"

# --- passphrases typed on a terminal (echo off, asked twice)
PTY="python3 $TOP/tests/tools/off_pty.py"
expect_exit 0 "keygen with the passphrase typed twice" $PTY 'typed secret 42 and more,typed secret 42 and more' "$OFFICER" keygen --out kt
check "the terminal showed the prompt" grep -q "new passphrase: " out
check "the passphrase was not echoed" test "$(grep -c 'typed secret 42 and more' out)" -eq 0
printf 'typed secret 42 and more\n' >passt
expect_exit 0 "the typed passphrase unlocks the key" "$OFFICER" reply "$c1" --message-file msg --out outbox2 --cases cases1 --key kt/officer.sec --passphrase-file passt
expect_exit 1 "keygen with two different passphrases" $PTY 'one thing,another' "$OFFICER" keygen --out kt2
check "no key written after a mismatch" test ! -e kt2/officer.sec
expect_exit 0 "open unlocks with a typed passphrase" $PTY 'correct horse battery staple' "$OFFICER" open --from in --cases cases1 --key k1/officer.sec
check "the unlock passphrase was not echoed" test "$(grep -c 'correct horse' out)" -eq 0
