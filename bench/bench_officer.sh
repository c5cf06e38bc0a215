#!/usr/bin/env bash
# bench_officer.sh: intake-officer benchmarks on 127.0.0.1.
#  1. fetch of 1,000 small submissions from a local intake-server
#     (target: under 10 s; one connection reused);
#  2. open of those 1,000 (time, and peak RSS after the key unlock);
#  3. open of one 1 GiB submission: time, peak RSS, and throughput as a
#     ratio of raw single-core ChaCha20-Poly1305 decryption measured in
#     the same run (target >= 90%, peak RSS < 32 MiB): the ratio that
#     counts is against libcrypto's, which the envelope code uses; the one
#     against libsodium's is printed beside it. Also the custody-hash
#     (SHA-256) rates of both libraries (bench/sha256rate.c).
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

printf 'a bench passphrase, not a real one\n' >pass
"$OFFICER" keygen --out k --passphrase-file pass >/dev/null 2>&1 &&
	"$OFFICER" bundle k/officer.pub --out bundle.txt >/dev/null 2>&1 &&
	"$OFFICER" auth-keygen --out auth >/dev/null 2>&1 || { echo "bench_officer: key setup failed"; exit 1; }
mkdir data small
# No proof of work: the bench uploads 1,000 at once to time the fetch.
start_server "$T/data" --officer-key auth/auth.pub --pow-max 0 || exit 1

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
rates() { "$SHARATE" 512 | awk '{ printf "%s %s=%s\n", $1, $2, $3 }' | tr '\n' ' '; }

# big_open LABEL DIR: open big/big.env into DIR/bigcases and report it
# against the yardsticks measured just before and after.
big_open() {
	local label=$1 dir=$2 r1 r2 stats secs prss ok
	rm -rf "$dir/bigcases"
	r1=$(rates)
	"$OFFICER" open --stats --quiet --from big --cases "$dir/bigcases" --key k/officer.sec --passphrase-file pass >/dev/null 2>open.err
	r2=$(rates)
	stats=$(grep '^stats:' open.err)
	secs=$(sed -E 's/.* bytes, ([0-9.]+) s,.*/\1/' <<<"$stats")
	prss=$(sed -E 's/.*peak rss ([0-9]+) KiB.*/\1/' <<<"$stats")
	ok=$(cmp -s big.bin "$dir/bigcases/case-000001/files/big.bin" && echo identical || echo DIFFERENT)
	rm -rf "$dir/bigcases"
	python3 - "$label" "$secs" "$prss" "$ok" "$r1" "$r2" <<'PY'
import sys
label, secs, prss, ok = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), sys.argv[4]
def parse(line):
    out, fields = {}, line.split()
    for name, kv in zip(fields[0::2], fields[1::2]):
        lib, val = kv.split("=")
        out[(name, lib)] = val
    return out
r1, r2 = parse(sys.argv[5]), parse(sys.argv[6])
def avg(k):
    return (float(r1[k]) + float(r2[k])) / 2
content = 1073741824
rate = content / secs / 1e6
chacha = avg(("chacha20poly1305", "libcrypto"))
sodium = avg(("chacha20poly1305", "libsodium"))
print("officer open of 1 GiB (%s): %.2f s after the unlock, %.1f MB/s of content, output %s"
      % (label, secs, rate, ok))
print("  raw single-core ChaCha20-Poly1305 decryption (libcrypto, used) %.1f MB/s: "
      "ratio %.0f%% (target >= 90%%)" % (chacha, 100 * rate / chacha))
print("  against libsodium's %.1f MB/s: ratio %.0f%%" % (sodium, 100 * rate / sodium))
print("  peak RSS after the unlock %.1f MiB (target < 32 MiB)" % (prss / 1024))
print("  custody hash SHA-256: libsodium %.1f MB/s, libcrypto %.1f MB/s (used)"
      % (avg(("sha256", "libsodium")), avg(("sha256", "libcrypto"))))
print("  ChaCha20-Poly1305 output of the two libraries identical: %s"
      % r1[("chacha20poly1305", "identical")])
PY
}

# On disk the device's write speed bounds open: measure it too.
dd if=/dev/zero of=ddtest bs=2M count=512 conv=fsync 2>dd.err
rm -f ddtest
echo "disk write (dd, 1 GiB, fsync): $(tail -n 1 dd.err | sed -E 's/.*, //')"
big_open "on disk" "$T"
# In memory (tmpfs) the CPU alone bounds it: the ratio the target means.
if [ -d /dev/shm ] && [ "$(df -k --output=avail /dev/shm | tail -n 1)" -gt 2500000 ]; then
	shm=$(mktemp -d /dev/shm/intake-bench.XXXXXX)
	mv big "$shm/big" && ln -s "$shm/big" big
	big_open "tmpfs" "$shm"
	rm -rf "$shm" big
fi
