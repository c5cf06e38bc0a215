#!/usr/bin/env bash
# bench_officer.sh: intake-officer benchmarks on 127.0.0.1.
#  1. fetch of 1,000 small submissions from a local intake-server
#     (target: under 10 s; one connection reused);
#  2. open of those 1,000 (time, and peak RSS after the key unlock);
#  3. open of one 1 GiB submission: time, peak RSS, and throughput as a
#     ratio of raw single-core SHA-256 measured in the same run (target
#     >= 90%, peak RSS < 32 MiB).
# usage: bench/bench_officer.sh [BUILD_DIR]   (needs ~4 GB free in TMPDIR)
set -u
B=$(cd "${1:-build}" && pwd)
export INTAKE_BUILD=$B INTAKE_TOP=$(cd "$(dirname "$0")/.." && pwd)
source "$INTAKE_TOP/tests/integration/lib.sh"
MKENV=$B/tools/off_mkenv
SHARATE=$B/tools/sha256rate
N=${BENCH_N:-1000}
umask 077
cd "$T" || exit 1

now() { date +%s.%N; }
elapsed() { python3 -c "import sys; print('%.2f' % (float(sys.argv[2]) - float(sys.argv[1])))" "$1" "$2"; }

printf 'bench passphrase\n' >pass
"$OFFICER" keygen --out k --passphrase-file pass >/dev/null 2>&1 &&
	"$OFFICER" bundle k/officer.pub --out bundle.txt >/dev/null 2>&1 &&
	"$OFFICER" auth-keygen --out auth >/dev/null 2>&1 || { echo "bench_officer: key setup failed"; exit 1; }
mkdir data small
start_server "$T/data" --officer-key auth/auth.pub || exit 1

printf 'A short testimony, as most are.\n' >text
"$MKENV" --bundle bundle.txt --out small --text text --count "$N" || exit 1
python3 "$INTAKE_TOP/tests/tools/off_upload.py" "$URL" small/*.env >/dev/null || exit 1

t0=$(now)
"$OFFICER" fetch --server "$URL" --to fetched --auth-key auth/auth.sec >/dev/null 2>fetch.err || { cat fetch.err; exit 1; }
t1=$(now)
got=$(ls fetched | grep -c '\.env$')
ft=$(elapsed "$t0" "$t1")
echo "officer fetch: $got of $N submissions in $ft s (target < 10 s)"
stop_server

t0=$(now)
"$OFFICER" open --stats --from fetched --cases cases --key k/officer.sec --passphrase-file pass >/dev/null 2>open.err
t1=$(now)
stats=$(grep '^stats:' open.err)
echo "officer open of $N small: $(elapsed "$t0" "$t1") s in all, with the key unlock"
echo "  (Argon2id, 256 MiB by design); after the unlock: ${stats#stats: }"

head -c 1073741824 /dev/urandom >big.bin
mkdir big
"$MKENV" --bundle bundle.txt --out big/big.env --text text --attach big.bin || exit 1
rm -f small/*.env
sync
r1=$("$SHARATE")
"$OFFICER" open --stats --from big --cases bigcases --key k/officer.sec --passphrase-file pass >/dev/null 2>open.err
r2=$("$SHARATE")
stats=$(grep '^stats:' open.err)
secs=$(sed -E 's/.* bytes, ([0-9.]+) s,.*/\1/' <<<"$stats")
prss=$(sed -E 's/.*peak rss ([0-9]+) KiB.*/\1/' <<<"$stats")
ok=$(cmp -s big.bin bigcases/case-000001/files/big.bin && echo identical || echo DIFFERENT)
python3 - "$secs" "$r1" "$r2" "$prss" "$ok" <<'PY'
import sys
secs, r1, r2, prss, ok = float(sys.argv[1]), float(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
content = 1073741824
rate = content / secs / 1e6
sha = (r1 + r2) / 2
print("officer open of 1 GiB: %.2f s after the unlock, %.1f MB/s of content; "
      "raw SHA-256 %.1f MB/s (%.1f before, %.1f after)" % (secs, rate, sha, r1, r2))
print("  ratio %.0f%% of raw SHA-256 (target >= 90%%), peak RSS after the "
      "unlock %.1f MiB (target < 32 MiB), output %s" % (100 * rate / sha, prss / 1024, ok))
PY
