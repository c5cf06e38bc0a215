#!/usr/bin/env bash
# test_officer_wrongkey.sh: a wrong key is kept apart from damage. A USB
# stick with 3 envelopes sealed to another officer and 1 damaged one:
# the 3 stay on the stick, untouched, with a message naming the key id
# they are for and the key held here (as fingerprint prints it); only
# the damaged one goes to quarantine. open --retry-quarantine opens an
# envelope quarantined earlier (as the old wrong-key rule did).
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
umask 077
cd "$T" || exit 1

printf 'officer one long passphrase\n' >p1
printf 'officer two long passphrase\n' >p2
"$OFFICER" keygen --out k1 --passphrase-file p1 >fp1 2>/dev/null &&
	"$OFFICER" keygen --out k2 --passphrase-file p2 >fp2 2>/dev/null
check "setup: two keys" test -s k2/officer.pub
expect_exit 0 "fingerprint of the other key" "$OFFICER" fingerprint k2/officer.pub
id2=$(sed -nE 's/^key id: ([0-9a-f]{16})$/\1/p' err)
check "fingerprint also names the key id" test -n "$id2"
expect_exit 0 "fingerprint of our key" "$OFFICER" fingerprint k1/officer.pub
id1=$(sed -nE 's/^key id: ([0-9a-f]{16})$/\1/p' err)

printf 'text\n' >t
mkdir stick
for i in 1 2 3; do
	"$MKENV" --bundle k2/officer.pub --out "stick/other$i.env" --text t >/dev/null
done
"$MKENV" --bundle k1/officer.pub --out stick/mine.env --text t >/dev/null
cp stick/mine.env stick/damaged.env
python3 -c 'import sys; f=open(sys.argv[1],"r+b"); f.seek(3000); b=f.read(1); f.seek(3000); f.write(bytes([b[0]^1]))' stick/damaged.env
sha256sum stick/other*.env >before

expect_exit 65 "open with key 1 (one damaged, three for key 2)" "$OFFICER" open --from stick --cases cases --key k1/officer.sec --passphrase-file p1
check "our envelope opened" grep -q $'^case-000001\tmine.env' out
check "the damaged one is quarantined" test -f cases/quarantine/damaged.env
check "and left the stick" test ! -e stick/damaged.env
check "the three for key 2 are still on the stick" test "$(ls stick/other*.env | wc -l)" -eq 3
check "untouched" sha256sum -c --quiet before
check "none of them in quarantine" test -z "$(ls cases/quarantine | grep other)"
check "the message names the key id they are for" test "$(grep -c "sealed to key id $id2" err)" -eq 3
check "and the key held here, as keygen printed it" grep -q "$(cat fp1) (key id $id1)" err
check "the summary counts them apart" grep -q "1 opened, 1 quarantined, 3 for another key (left in place)" err
check "the damaged one's reason" grep -q "does not authenticate" cases/quarantine/damaged.env.reason

expect_exit 0 "officer 2 opens their three from the same stick" "$OFFICER" open --from stick --cases cases2 --key k2/officer.sec --passphrase-file p2
check "three cases for officer 2" test "$(grep -c '^case-' out)" -eq 3
mkdir only-other && cp stick/other1.env only-other/
expect_exit 1 "none at all for this key: exit 1 (probably the wrong key)" "$OFFICER" open --from only-other --cases cases3 --key k1/officer.sec --passphrase-file p1
check "it is still there" test -f only-other/other1.env

# an envelope quarantined by the old wrong-key rule comes back
"$MKENV" --bundle k1/officer.pub --out cases/quarantine/old.env --text t >/dev/null
printf 'not encrypted to this officer key: no matching key\n' >cases/quarantine/old.env.reason
expect_exit 65 "open --retry-quarantine" "$OFFICER" open --retry-quarantine --cases cases --key k1/officer.sec --passphrase-file p1
check "the old one opened" grep -q $'^case-000002\told.env' out
check "its reason is gone" test ! -e cases/quarantine/old.env.reason
check "the damaged one stays in quarantine, not renamed" test -f cases/quarantine/damaged.env -a ! -e cases/quarantine/damaged.env.2
check "and is said to be still damaged" grep -q "still damaged" err
expect_exit 64 "--retry-quarantine with --from is a usage error" "$OFFICER" open --retry-quarantine --from stick --cases cases --key k1/officer.sec --passphrase-file p1
