#!/usr/bin/env bash
# test_officer_keygen.sh: keygen names the real cause of every failure
# and refuses weak passphrases (zxcvbn, the rule in keygen --help) with a
# random suggestion that is itself accepted; missing folders are made
# 0700. The cases folder, catalog.db and every case file are private
# (0700/0600) under umask 022, even in a pre-existing 0755 folder.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
PTY="python3 $TOP/tests/tools/off_pty.py"
umask 077
cd "$T" || exit 1

printf 'a strong enough test passphrase\n' >good
printf 'p\n' >weak1
printf 'password123456\n' >weak2
printf 'correct horse battery\n' >weak3

expect_exit 0 "keygen without a keys folder creates it" "$OFFICER" keygen --out keys/anna --passphrase-file good
check "keys/ is 0700" test "$(stat -c %a keys)" = 700
check "keys/anna is 0700" test "$(stat -c %a keys/anna)" = 700
check "keygen names the key id on stderr" grep -qE '^key id: [0-9a-f]{16}$' err

expect_exit 64 "a one-character passphrase is refused" "$OFFICER" keygen --out k1 --passphrase-file weak1
check "the cause: too short" grep -q "too weak: 1 characters, at least 10" err
check "no key written" test ! -e k1/officer.sec
expect_exit 64 "a common password is refused" "$OFFICER" keygen --out k2 --passphrase-file weak2
check "the cause: zxcvbn's estimate" grep -q "too weak: about [0-9]* bits by zxcvbn's estimate, at least 50" err
expect_exit 64 "a short phrase of common words is refused" "$OFFICER" keygen --out k3 --passphrase-file weak3
sugg=$(sed -n 's/^  \([a-z]\{4\}\(-[a-z]\{4\}\)\{4\}\)$/\1/p' err)
check "a random diceware-style suggestion is given" test -n "$sugg"
printf '%s\n' "$sugg" >sugg
expect_exit 0 "the suggestion itself is accepted" "$OFFICER" keygen --out k3 --passphrase-file sugg

expect_exit 1 "mismatched passphrases typed" $PTY 'a strong enough test passphrase,a strong enough test passphrasf' "$OFFICER" keygen --out k4
check "the cause: they differ" grep -q "the two passphrases differ" out
check "not 'fingerprint or length mismatch'" test "$(grep -c 'fingerprint or length' out)" -eq 0
check "no key written after a mismatch" test ! -e k4/officer.sec
expect_exit 66 "a missing passphrase file" "$OFFICER" keygen --out k5 --passphrase-file nosuch
check "the cause: the file" grep -q "passphrase file 'nosuch' does not exist" err
chmod 644 good
expect_exit 77 "a passphrase file others may read" "$OFFICER" keygen --out k6 --passphrase-file good
check "the cause: its mode" grep -q "may be read by others: chmod 600" err
chmod 600 good
touch afile
expect_exit 66 "a file where the folder should be" "$OFFICER" keygen --out afile/k --passphrase-file good
check "the cause: not a directory" grep -q "cannot create the folder 'afile/k': Not a directory" err
expect_exit 66 "no terminal and no passphrase file" "$OFFICER" keygen --out k7
check "the cause: no terminal" grep -q "no terminal to ask for the passphrase" err

# --- private case files whatever the umask and whatever exists
printf 'testimony\n' >t
{ printf '\377\330\377\340'; head -c 1000 /dev/urandom; } >photo.jpg
mkdir in
"$MKENV" --bundle keys/anna/officer.pub --out in/a.env --text t --attach photo.jpg >/dev/null
umask 022
mkdir -m 755 cases
touch cases/catalog.db-wal
chmod 644 cases/catalog.db-wal
mkdir -m 755 cases/quarantine
expect_exit 0 "open under umask 022 into a 0755 folder" "$OFFICER" open --from in --cases cases --key keys/anna/officer.sec --passphrase-file good
check "cases/ is 0700" test "$(stat -c %a cases)" = 700
check "catalog.db is 0600" test "$(stat -c %a cases/catalog.db)" = 600
check "its -wal is 0600 or gone (checkpointed)" test ! -e cases/catalog.db-wal -o "$(stat -c %a cases/catalog.db-wal 2>/dev/null)" = 600
check "quarantine/ is 0700" test "$(stat -c %a cases/quarantine)" = 700
check "every folder in cases is 0700" test -z "$(find cases -type d ! -perm 700)"
check "every file in cases is 0600" test -z "$(find cases -type f ! -perm 600)"
expect_exit 0 "a new catalog under umask 022" "$OFFICER" open --from in --cases cases2 --key keys/anna/officer.sec --passphrase-file good
check "new catalog.db is 0600" test "$(stat -c %a cases2/catalog.db)" = 600
check "every file in the new cases is 0600" test -z "$(find cases2 -type f ! -perm 600)"
umask 077
