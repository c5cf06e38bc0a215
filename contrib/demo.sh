#!/usr/bin/env bash
# make demo: the whole intake journey on 127.0.0.1, one party at a time,
# showing what each one sees: the organization's root key and keyset, the
# server, a submitter who pins only the root fingerprint, the officers,
# a signed reply, and an officer leaving. Everything is left in demo-out/.
# Passphrases and the receipt are written to files here ONLY because this
# is a demonstration: real officers type passphrases, real submitters
# never store the receipt on the device.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${DEMO_OUT:-$TOP/demo-out}
SUBMIT=$B/intake-submit SERVER=$B/intake-server OFFICER=$B/intake-officer

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '   %s\n' "$*"; }
show() { sed 's/^/   | /'; }
# The submitter's messages in Russian, as she would see them.
submit() { "$SUBMIT" "$@" --lang ru; }

rm -rf "$OUT"
mkdir -p "$OUT"/{airgap/keys,airgap/usb-in,airgap/usb-out,online/auth,online/outbox,server,submitter}
chmod 700 "$OUT"/airgap/keys "$OUT"/online/auth
cd "$OUT"
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; true; }
trap cleanup EXIT

step "1. Air-gapped machine: the organization's root key"
# Long enough for keygen's rule (10 characters, 50 bits by zxcvbn).
pass() { printf 'demo passphrase of %s, never a real one\n' "$1" >"airgap/keys/$1.pass"; chmod 600 "airgap/keys/$1.pass"; }
pass root
"$OFFICER" root-keygen --out airgap/keys/root --passphrase-file airgap/keys/root.pass \
	>airgap/root-fingerprint.txt 2>/dev/null
ROOTFP=$(head -n 1 airgap/root-fingerprint.txt)
say "the root fingerprint, to publish (website, leaflets, read aloud):"
show <airgap/root-fingerprint.txt
say "submitters pin only this; the root key signs the list of officer keys."

step "2. Air-gapped machine: two officers make their keys, the root signs keyset 1"
for who in anna boris; do
	pass "$who"
	"$OFFICER" keygen --out "airgap/keys/$who" --passphrase-file "airgap/keys/$who.pass" 2>&1 |
		tee "airgap/keys/$who.keygen" | show
	"$OFFICER" keyset-entry --key "airgap/keys/$who/officer.sec" \
		--passphrase-file "airgap/keys/$who.pass" --out "airgap/$who.entry"
done
"$OFFICER" keyset-make --root airgap/keys/root/root.sec --passphrase-file airgap/keys/root.pass \
	--officer airgap/anna.entry --officer airgap/boris.entry --out airgap/keyset1.bin 2>&1 | show
"$OFFICER" keyset-show airgap/keyset1.bin --fingerprint "$ROOTFP" 2>&1 | show
say "each secret key is sealed with Argon2id under its passphrase:"
ls -l airgap/keys/anna airgap/keys/boris airgap/keys/root | show

step "3. Online officer machine: a key to sign requests to the server"
"$OFFICER" auth-keygen --out online/auth 2>&1 | show
say "the server gets only the public half (it cannot sign anything)"

step "4. Server: start on 127.0.0.1 with the root fingerprint"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
"$SERVER" --listen "127.0.0.1:$PORT" --data-dir server/data --officer-key online/auth/auth.pub \
	--root-fingerprint "$ROOTFP" --land-every 0 2>server/server.log &
SERVER_PID=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null "$URL/v1/health" && break; sleep 0.1; done
say "listening at $URL (in production: a Tor onion service, see contrib/torrc.example)"
say "--land-every 0: this demo lands each upload at once; a real server holds"
say "them and lands each hour's in one shuffled batch (docs/SERVER.md)."

step "5. Online officer machine: keyset 1 goes to the server"
say "it crossed from the air-gapped machine on a USB stick (public data):"
"$OFFICER" keyset-push --server "$URL" --auth-key online/auth/auth.sec airgap/keyset1.bin 2>&1 | show

step "6. Submitter: writes a testimony in Russian and attaches a document"
cat >submitter/letter.txt <<'TXT'
Здравствуйте. Мой муж, рядовой Иванов, отказался ехать на фронт.
С 3 октября его держат в подвале воинской части без суда.
Прилагаю копию его рапорта.
TXT
printf 'Рапорт об отказе от участия в боевых действиях.\n(копия)\n' >submitter/рапорт.txt
show <submitter/letter.txt
say "she types only the server and the root fingerprint; intake-submit fetches"
say "the keyset, checks it against the fingerprint, encrypts to every officer"
say "in it on her own machine and uploads; nothing else is written to her disk:"
submit --server "$URL" --fingerprint "$ROOTFP" --no-config \
	--message-file submitter/letter.txt submitter/рапорт.txt \
	>submitter/receipt.out 2>submitter/submit.log
say "her messages (stderr; on a terminal the receipt lines come between them):"
show <submitter/submit.log
say "the receipt (stdout): 12 words, and the same as a code:"
show <submitter/receipt.out
# the 12 words: the line of the output that is 12 words (demo only)
awk 'NF == 12 { print; exit }' submitter/receipt.out >submitter/receipt.DEMO-ONLY
chmod 600 submitter/receipt.DEMO-ONLY
say "(the receipt is saved here only for the demo; a submitter writes it down)"

step "7. What the server sees"
say "files in its data directory (name, size, date rounded to the day):"
find server/data -type f -not -name '*.db*' -printf '%P  %s bytes  %TY-%Tm-%Td\n' | show
BLOB=$(find server/data/store -type f | head -n 1)
if [ -n "$BLOB" ]; then
	say "the first bytes of the blob: a magic, a version, sizes, key ids; the rest is ciphertext:"
	xxd -l 128 "$BLOB" | show
	if grep -q 'подвале' "$BLOB"; then say "  FOUND (this is a bug)"; else say "  grep 'подвале' finds nothing"; fi
fi
say "no IP address, no user agent, no file names, no exact time, no exact size."

step "8. Online officer machine: fetch; the envelopes cross on the USB stick"
"$OFFICER" fetch --server "$URL" --to online/fetched1 --auth-key online/auth/auth.sec 2>&1 | show
cp online/fetched1/*.env airgap/usb-in/

step "9. Air-gapped machine: Anna opens, lists and searches"
"$OFFICER" open --from airgap/usb-in --cases airgap/cases --key airgap/keys/anna/officer.sec \
	--passphrase-file airgap/keys/anna.pass 2>&1 | show
"$OFFICER" list --cases airgap/cases 2>&1 | show
CASE=$("$OFFICER" list --cases airgap/cases --json | python3 -c 'import json,sys; print("case-%06d" % json.load(sys.stdin)[0]["id"])')
say "search for 'подвал' (the letter says 'в подвале': another form of the word):"
"$OFFICER" search подвал --cases airgap/cases 2>&1 | show
say "the case folder (files written only after the whole envelope verified):"
ls -l "airgap/cases/$CASE" "airgap/cases/$CASE/files" | show

step "10. Air-gapped machine: Anna's reply, encrypted and signed with her key"
printf 'Мы получили ваше письмо и документы. Юрист свяжется с вами.\n' >airgap/reply.txt
"$OFFICER" reply "$CASE" --message-file airgap/reply.txt --out airgap/usb-out --cases airgap/cases \
	--key airgap/keys/anna/officer.sec --passphrase-file airgap/keys/anna.pass 2>&1 | show
"$OFFICER" state "$CASE" replied --cases airgap/cases 2>&1 | show
cp airgap/usb-out/*.reply online/outbox/
say "back on the online machine, the reply is posted to the submitter's mailbox:"
"$OFFICER" push --server "$URL" --from online/outbox --auth-key online/auth/auth.sec 2>&1 | show

step "11. Submitter: reads the reply with her receipt words"
say "the signature is checked against the keyset the root fingerprint vouches for:"
submit replies --server "$URL" --fingerprint "$ROOTFP" --no-config \
	--receipt-file submitter/receipt.DEMO-ONLY 2>&1 | show

step "12. Boris leaves: the root signs keyset 2 without his key"
"$OFFICER" keyset-make --root airgap/keys/root/root.sec --passphrase-file airgap/keys/root.pass \
	--officer airgap/anna.entry --left airgap/boris.entry --previous airgap/keyset1.bin \
	--out airgap/keyset2.bin 2>&1 | show
"$OFFICER" keyset-show airgap/keyset2.bin --fingerprint "$ROOTFP" 2>&1 | show
"$OFFICER" keyset-push --server "$URL" --auth-key online/auth/auth.sec airgap/keyset2.bin 2>&1 | show

step "13. Submitter: a second letter, the same command"
printf 'Его перевели в другую часть. Адрес пришлю позже.\n' >submitter/letter2.txt
submit --server "$URL" --fingerprint "$ROOTFP" --no-config \
	--message-file submitter/letter2.txt >submitter/receipt2.out 2>submitter/submit2.log
say "done (a new receipt, in submitter/receipt2.out)."
"$OFFICER" fetch --server "$URL" --to online/fetched2 --auth-key online/auth/auth.sec 2>&1 | show
ENV2=$(ls online/fetched2/*.env | head -n 1)
say "the envelope's header names its recipients' key ids (docs/FORMAT.md 2.1):"
python3 - "$ENV2" <<'PY' | show
import sys
h = open(sys.argv[1], "rb").read(72 + 56 * 16)
n = h[7]
print("sealed to %d officer(s): %s" % (n, " ".join(h[72 + 56 * i:80 + 56 * i].hex() for i in range(n))))
PY
for who in anna boris; do
	say "$who's key id: $(sed -n 's/^key id: //p' "airgap/keys/$who.keygen")"
done
mkdir -p airgap/usb-in2 && cp "$ENV2" airgap/usb-in2/
say "Anna opens it:"
"$OFFICER" open --from airgap/usb-in2 --cases airgap/cases --key airgap/keys/anna/officer.sec \
	--passphrase-file airgap/keys/anna.pass 2>&1 | show
say "Boris's key no longer can (his own catalog):"
"$OFFICER" open --from airgap/usb-in2 --cases airgap/cases-boris --key airgap/keys/boris/officer.sec \
	--passphrase-file airgap/keys/boris.pass 2>&1 | show || true

step "14. Done"
kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
say "server stopped. Everything is in $OUT:"
say "  airgap/     root and officer keys, keysets, cases (the review catalog), replies"
say "  online/     the signing key, fetched envelopes, sent replies"
say "  server/     the server's data directory and log"
say "  submitter/  what the submitter had: her files, the receipts (demo only)"
