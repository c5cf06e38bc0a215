#!/usr/bin/env bash
# test_officer_pipeline.sh: open writes the parts on a second thread while
# the first decrypts later batches. An envelope of many batches (24 MiB,
# more than the six in flight) whose middle or final chunk was altered
# must still leave nothing behind: quarantined with the reason, no case,
# the staging folder empty, though most of its parts were written before
# the bad chunk was reached. The intact copy opens byte-identical, two
# attachments in order, with the right SHA-256 in the catalog.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
umask 077
cd "$T" || exit 1

printf 'a long test passphrase, not real\n' >pass
"$OFFICER" keygen --out k --passphrase-file pass >/dev/null 2>&1
"$OFFICER" bundle k/officer.pub --out bundle.txt >/dev/null 2>&1
check "setup: bundle" test -s bundle.txt
printf 'Показания, длинное вложение.\n' >text
{ printf '\0\0\0\030ftypisom'; head -c 16000000 /dev/urandom; } >video.mp4
{ printf '%%PDF-1.4\n'; head -c 9000000 /dev/urandom; } >scan.pdf
mkdir in
expect_exit 0 "seal a 24 MiB submission" "$MKENV" --bundle bundle.txt --out in/good.env \
	--text text --attach video.mp4 --attach scan.pdf
size=$(stat -c %s in/good.env)
flip() { # flip FILE OFFSET
	python3 -c 'import sys; f=open(sys.argv[1],"r+b"); o=int(sys.argv[2]); f.seek(o); b=f.read(1); f.seek(o); f.write(bytes([b[0]^1]))' "$1" "$2"
}
cp in/good.env in/badmid.env
flip in/badmid.env $((size / 2))
cp in/good.env in/badlast.env
flip in/badlast.env $((size - 5)) # the final chunk's tag

expect_exit 65 "open: two quarantined" "$OFFICER" open --from in --cases cases \
	--key k/officer.sec --passphrase-file pass
check "one case opened" test "$(grep -c '^case-' out)" -eq 1
for b in badmid badlast; do
	check "$b quarantined" test -f "cases/quarantine/$b.env"
	check "$b: reason" grep -q "does not authenticate" "cases/quarantine/$b.env.reason"
done
check "staging folder empty" test -z "$(ls -A cases/.staging 2>/dev/null)"
check "no case folder beyond the good one" test "$(ls -d cases/case-* | wc -l)" -eq 1
c=$(awk '$2=="good.env"{print $1}' out)
check "testimony byte-identical" cmp -s text "cases/$c/testimony.txt"
check "video byte-identical" cmp -s video.mp4 "cases/$c/files/video.mp4"
check "scan byte-identical" cmp -s scan.pdf "cases/$c/files/scan.pdf"
for f in video.mp4 scan.pdf; do
	h=$(sha256sum "$f" | cut -d' ' -f1)
	check "manifest.json records $f's sha256" grep -q "\"sha256\": \"$h\"" "cases/$c/manifest.json"
done
