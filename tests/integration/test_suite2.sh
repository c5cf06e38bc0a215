#!/usr/bin/env bash
# test_suite2.sh: envelopes in payload suite 2 (AES-256-GCM, what the page
# writes) go through the real programs: the real intake-server accepts
# one (its keyless structural check) and stores it byte for byte,
# intake-officer opens it with either officer's key, text and attachment
# byte-identical; one with its suite byte switched back to 1 is refused
# (quarantined), as is one naming suite 3. Envelopes are made by the test
# tool off_mkenv with the real common/ code (--suite 2).
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"
MKENV=$B/tools/off_mkenv
umask 077

printf 'violet harbor quietly juggles seven lanterns\n' >"$T/pass1"
printf 'copper meadow sleeps under ninety kites\n' >"$T/pass2"
expect_exit 0 "keygen officer 1" "$OFFICER" keygen --out "$T/k1" --passphrase-file "$T/pass1"
expect_exit 0 "keygen officer 2" "$OFFICER" keygen --out "$T/k2" --passphrase-file "$T/pass2"
expect_exit 0 "bundle" "$OFFICER" bundle "$T/k1/officer.pub" "$T/k2/officer.pub" --out "$T/bundle.txt"
printf 'Письмо в наборе 2: AES-256-GCM.\n' >"$T/text"
# A real MP4 header: the officer keeps an extension only when the content matches.
{ printf '\0\0\0\030ftypmp42\0\0\0\0mp42isom'; head -c 3000000 /dev/urandom; } >"$T/video.mp4"
mkdir -p "$T/in"
expect_exit 0 "seal in suite 2" "$MKENV" --bundle "$T/bundle.txt" --out "$T/in/s2.env" \
	--text "$T/text" --attach "$T/video.mp4" --date 2026-11 --suite 2
check "the suite byte is 2" test "$(od -An -tu1 -j8 -N1 "$T/in/s2.env" | tr -d ' ')" = 2

# --- the server's structural check accepts it; stored byte for byte
cli_keys || { not_ok "auth keys"; exit 1; }
cli_start_server || { not_ok "server starts"; exit 1; }
expect_exit 0 "intake-submit upload of a suite 2 envelope" $SUBMIT upload --no-config \
	--server "$URL" "$T/in/s2.env"
cli_latest "$T/stored.env"
check "stored byte-identical" cli_same "$T/stored.env" "$T/in/s2.env"

# --- tampered copies: suite switched to 1, an unknown suite 3
cp "$T/in/s2.env" "$T/in/s1.env"
printf '\001' | dd of="$T/in/s1.env" bs=1 seek=8 conv=notrunc status=none
cp "$T/in/s2.env" "$T/in/s3.env"
printf '\003' | dd of="$T/in/s3.env" bs=1 seek=8 conv=notrunc status=none
expect_exit 65 "upload of an unknown suite refused before sending" $SUBMIT upload --no-config \
	--server "$URL" "$T/in/s3.env"
check "says the version is not known" grep -q "newer" "$T/err"

# --- the officer opens suite 2, refuses the tampered ones
expect_exit 65 "open with officer 2 (two refused)" "$OFFICER" open --from "$T/in" \
	--cases "$T/cases" --key "$T/k2/officer.sec" --passphrase-file "$T/pass2"
c=$(awk '$2=="s2.env"{print $1}' "$T/out")
check "one case opened" test -n "$c"
check "testimony byte-identical" cmp -s "$T/text" "$T/cases/$c/testimony.txt"
check "attachment byte-identical" cmp -s "$T/video.mp4" "$T/cases/$c/files/video.mp4"
check "suite switched to 1: quarantined" test -f "$T/cases/quarantine/s1.env"
check "unknown suite: quarantined" test -f "$T/cases/quarantine/s3.env"
cp "$T/stored.env" "$T/in2.env"
mkdir -p "$T/in2" && mv "$T/in2.env" "$T/in2/"
expect_exit 0 "officer 1 opens the stored copy" "$OFFICER" open --from "$T/in2" \
	--cases "$T/cases1" --key "$T/k1/officer.sec" --passphrase-file "$T/pass1"
c1=$(awk '$2=="in2.env"{print $1}' "$T/out")
check "attachment byte-identical for officer 1" cmp -s "$T/video.mp4" "$T/cases1/$c1/files/video.mp4"

stop_server
check "server stopped cleanly" test $? -eq 0
