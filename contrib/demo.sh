#!/usr/bin/env bash
# make demo: the whole intake journey on 127.0.0.1, one party at a time,
# showing what each one sees. Everything is left in demo-out/ to explore.
# Passphrases and the receipt code are written to files here ONLY because
# this is a demonstration: real officers type passphrases, real submitters
# never store the receipt code on the device.
set -euo pipefail
B=$(cd "${1:-build}" && pwd)
TOP=$(cd "$(dirname "$0")/.." && pwd)
OUT=${DEMO_OUT:-$TOP/demo-out}
SUBMIT=$B/intake-submit SERVER=$B/intake-server OFFICER=$B/intake-officer

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
say() { printf '   %s\n' "$*"; }
show() { sed 's/^/   | /'; }

rm -rf "$OUT"
mkdir -p "$OUT"/{airgap/keys,airgap/usb-in,airgap/usb-out,online/auth,online/fetched,online/outbox,server,submitter}
chmod 700 "$OUT"/airgap/keys "$OUT"/online/auth
cd "$OUT"
SERVER_PID=
cleanup() { [ -n "$SERVER_PID" ] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null; true; }
trap cleanup EXIT

step "1. Air-gapped machine: two officers make their keys"
for who in anna boris; do
	printf 'demo passphrase of %s\n' "$who" >"airgap/keys/$who.pass"
	chmod 600 "airgap/keys/$who.pass"
	mkdir -p "airgap/keys/$who"
	"$OFFICER" keygen --out "airgap/keys/$who" --passphrase-file "airgap/keys/$who.pass" 2>&1 | show
done
say "each officer's secret key is sealed with Argon2id under a passphrase:"
ls -l airgap/keys/anna airgap/keys/boris | show
step "2. Air-gapped machine: the organization's key bundle"
FP=$("$OFFICER" bundle airgap/keys/anna/officer.pub airgap/keys/boris/officer.pub --out airgap/bundle.txt)
cat airgap/bundle.txt | show
say "fingerprint to publish (website, printed leaflets, read aloud):"
say "  $FP"
cp airgap/bundle.txt submitter/bundle.txt

step "3. Online officer machine: a key to sign requests to the server"
"$OFFICER" auth-keygen --out online/auth 2>&1 | show
say "the server gets only the public half (it cannot sign anything)"

step "4. Server: start on 127.0.0.1"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL=http://127.0.0.1:$PORT
# --land-every 0: the demo lands each envelope at once; a real server
# holds them and lands each hour's in one shuffled batch (docs/SERVER.md).
"$SERVER" --listen "127.0.0.1:$PORT" --data-dir server/data --officer-key online/auth/auth.pub \
	--land-every 0 2>server/server.log &
SERVER_PID=$!
for _ in $(seq 1 50); do curl -sf -o /dev/null "$URL/v1/health" && break; sleep 0.1; done
say "listening at $URL (in production: a Tor onion service, see contrib/torrc.example)"

step "5. Submitter: writes a testimony and attaches a document"
cat >submitter/letter.txt <<'TXT'
Здравствуйте. Мой муж, рядовой Иванов, отказался ехать на фронт.
С 3 октября его держат в подвале воинской части без суда.
Прилагаю копию его рапорта.
TXT
printf 'Рапорт об отказе от участия в боевых действиях.\n(копия)\n' >submitter/рапорт.txt
{ printf '\377\330\377\340'; head -c 300000 /dev/urandom; } >submitter/photo.jpg
say "she checks the bundle against the published fingerprint, encrypts on her"
say "own machine and uploads; nothing else is written to her disk:"
"$SUBMIT" --server "$URL" --keys submitter/bundle.txt --fingerprint "$FP" --no-config \
	--message-file submitter/letter.txt --json submitter/рапорт.txt submitter/photo.jpg \
	>submitter/result.json 2>submitter/submit.log
python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print("receipt code:", r["receipt"]); print("bytes sent:", r["bytes"])' submitter/result.json | show
python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt"])' submitter/result.json >submitter/receipt.DEMO-ONLY
chmod 600 submitter/receipt.DEMO-ONLY
say "(the receipt is saved here only for the demo; a submitter writes it down)"

step "6. What the server sees"
say "files in its data directory (name, size, date rounded to the day):"
find server/data -type f -not -name '*.db*' -printf '%P  %s bytes  %TY-%Tm-%Td %TH:%TM\n' | show
BLOB=$(find server/data/store -type f | head -n 1)
if [ -n "$BLOB" ]; then
	say "the first bytes of the blob: a magic, a version, sizes, key ids; the rest is ciphertext:"
	xxd -l 160 "$BLOB" | show
	say "the testimony does not appear in it:"
	if grep -q 'подвале' "$BLOB"; then say "  FOUND (this is a bug)"; else say "  grep 'подвале' finds nothing"; fi
fi
say "its database holds ids, padded sizes, rounded dates, states:"
python3 - server/data <<'PY' | show
import sqlite3, sys, glob
for db in glob.glob(sys.argv[1] + "/*.db"):
    c = sqlite3.connect("file:%s?mode=ro" % db, uri=True)
    for (name,) in c.execute("select name from sqlite_master where type='table' order by name"):
        rows = c.execute("select * from %s" % name).fetchall()
        cols = [d[0] for d in c.execute("select * from %s limit 0" % name).description]
        print("table %s (%s): %d row(s)" % (name, ", ".join(cols), len(rows)))
        for r in rows[:3]:
            print("   ", r)
PY
say "no IP address, no user agent, no file names, no exact time, no exact size."

step "7. Online officer machine: fetch new submissions"
"$OFFICER" fetch --server "$URL" --to online/fetched --auth-key online/auth/auth.sec 2>&1 | show
ls -l online/fetched | show
say "they cross to the air-gapped machine on a USB stick, still encrypted:"
cp online/fetched/*.env airgap/usb-in/

step "8. Air-gapped machine: open into the review catalog"
"$OFFICER" open --from airgap/usb-in --cases airgap/cases --key airgap/keys/anna/officer.sec \
	--passphrase-file airgap/keys/anna.pass 2>&1 | show
"$OFFICER" list --cases airgap/cases 2>&1 | show
CASE=$("$OFFICER" list --cases airgap/cases --json | python3 -c 'import json,sys; print("case-%06d" % json.load(sys.stdin)[0]["id"])')
"$OFFICER" show "$CASE" --cases airgap/cases 2>&1 | show
say "search over testimony text:"
"$OFFICER" search подвале --cases airgap/cases 2>&1 | show
say "the case folder (files written only after the whole envelope verified):"
ls -l "airgap/cases/$CASE" | show

step "9. Air-gapped machine: an encrypted reply to the submitter"
printf 'Мы получили ваше письмо и документы. Юрист свяжется с вами.\n' >airgap/reply.txt
"$OFFICER" reply "$CASE" --message-file airgap/reply.txt --out airgap/usb-out --cases airgap/cases \
	--key airgap/keys/anna/officer.sec --passphrase-file airgap/keys/anna.pass 2>&1 | show
"$OFFICER" state "$CASE" replied --cases airgap/cases 2>&1 | show
cp airgap/usb-out/*.reply online/outbox/
say "back on the online machine, the reply is posted to the submitter's mailbox:"
"$OFFICER" push --server "$URL" --from online/outbox --auth-key online/auth/auth.sec 2>&1 | show

step "10. Submitter: reads the reply with her receipt code"
"$SUBMIT" replies --server "$URL" --keys submitter/bundle.txt --fingerprint "$FP" --no-config \
	--receipt-file submitter/receipt.DEMO-ONLY 2>&1 | show

step "11. Done"
kill "$SERVER_PID" && wait "$SERVER_PID" 2>/dev/null || true
SERVER_PID=
say "server stopped. Everything is in $OUT:"
say "  airgap/   keys, bundle, cases (the review catalog), replies to carry out"
say "  online/   the signing key, fetched envelopes, sent replies"
say "  server/   the server's data directory and log"
say "  submitter/  what the submitter had: her files, the bundle, the receipt (demo only)"
