#!/usr/bin/env bash
# Envelope sealing and opening of a 1 GiB file against raw single-core
# ChaCha20-Poly1305 over 64 KiB chunks and against age, in the same run.
# Targets (issue 2): single-threaded >= 90% of raw; threaded faster than
# age; peak RSS under 16 MiB. Output goes to /dev/null for every tool, so
# that the disk does not decide the result. Prints the ratios. Suite 2
# (AES-256-GCM, what the page writes without WebAssembly) is measured
# alongside; it has no target of its own here.
set -u
B=${INTAKE_BUILD:?}
EB=$B/tools/envbench
W=$(mktemp -d /tmp/intake-bench.XXXXXX)
trap 'rm -rf "$W"' EXIT
SIZE_MIB=${BENCH_MIB:-1024}
head -c "${SIZE_MIB}M" /dev/urandom >"$W/in"
SK=$("$EB" keygen "$W/pub")
"$EB" seal "$W/in" "$W/env" "$W/pub" 1 >/dev/null # the envelope to open, and a warm cache
"$EB" seal "$W/in" "$W/env2" "$W/pub" 1 2 >/dev/null # the same in suite 2

best() { # mode args...: best MB/s of 3 runs; sets MBS and RSS
	local out
	MBS=0 RSS=0
	for _ in 1 2 3; do
		out=$("$@") || { echo "failed: $*"; exit 1; }
		local m r
		m=$(echo "$out" | awk '{print $4}')
		r=$(echo "$out" | awk '{print $5}')
		if awk -v a="$m" -v b="$MBS" 'BEGIN{exit !(a>b)}'; then MBS=$m; fi
		if [ "$r" -gt "$RSS" ]; then RSS=$r; fi
	done
}

best "$EB" raw "$SIZE_MIB"; RAW=$MBS
best "$EB" seal "$W/in" /dev/null "$W/pub" 1; SEAL1=$MBS; RSS_SEAL1=$RSS
best "$EB" seal "$W/in" /dev/null "$W/pub" 0; SEALN=$MBS; RSS_SEALN=$RSS
best "$EB" open "$W/env" "$SK" 1; OPEN1=$MBS; RSS_OPEN1=$RSS
best "$EB" open "$W/env" "$SK" 0; OPENN=$MBS; RSS_OPENN=$RSS
best "$EB" seal "$W/in" /dev/null "$W/pub" 1 2; GSEAL1=$MBS
best "$EB" seal "$W/in" /dev/null "$W/pub" 0 2; GSEALN=$MBS
best "$EB" open "$W/env2" "$SK" 1; GOPEN1=$MBS
best "$EB" open "$W/env2" "$SK" 0; GOPENN=$MBS
ratio() { awk -v a="$1" -v b="$2" 'BEGIN{printf "%.2f", a/b}'; }
printf 'raw chacha20-poly1305 (1 core) : %8.1f MB/s\n' "$RAW"
printf 'seal, 1 thread                 : %8.1f MB/s  %.2fx raw (target >= 0.90)  peak RSS %d KiB\n' "$SEAL1" "$(ratio "$SEAL1" "$RAW")" "$RSS_SEAL1"
printf 'seal, auto threads             : %8.1f MB/s  peak RSS %d KiB\n' "$SEALN" "$RSS_SEALN"
printf 'open, 1 thread                 : %8.1f MB/s  %.2fx raw (target >= 0.90)  peak RSS %d KiB\n' "$OPEN1" "$(ratio "$OPEN1" "$RAW")" "$RSS_OPEN1"
printf 'open, auto threads             : %8.1f MB/s  peak RSS %d KiB\n' "$OPENN" "$RSS_OPENN"
printf 'suite 2 (AES-256-GCM) seal     : %8.1f MB/s 1 thread, %8.1f MB/s auto\n' "$GSEAL1" "$GSEALN"
printf 'suite 2 (AES-256-GCM) open     : %8.1f MB/s 1 thread, %8.1f MB/s auto\n' "$GOPEN1" "$GOPENN"
if command -v age >/dev/null && command -v age-keygen >/dev/null; then
	age-keygen -o "$W/age.key" 2>/dev/null
	R=$(age-keygen -y "$W/age.key")
	age -r "$R" -o "$W/in.age" "$W/in"
	t2=$(date +%s.%N); age -r "$R" -o /dev/null "$W/in"; t3=$(date +%s.%N)
	t4=$(date +%s.%N); age -d -i "$W/age.key" -o /dev/null "$W/in.age"; t5=$(date +%s.%N)
	AGE_E=$(awk -v s="$SIZE_MIB" -v a="$t2" -v b="$t3" 'BEGIN{printf "%.1f", s*1048576/(b-a)/1e6}')
	AGE_D=$(awk -v s="$SIZE_MIB" -v a="$t4" -v b="$t5" 'BEGIN{printf "%.1f", s*1048576/(b-a)/1e6}')
	printf 'age -r (to /dev/null)          : %8.1f MB/s  seal auto/age = %s (target > 1)\n' "$AGE_E" "$(ratio "$SEALN" "$AGE_E")"
	printf 'age -d (to /dev/null)          : %8.1f MB/s  open auto/age = %s (target > 1)\n' "$AGE_D" "$(ratio "$OPENN" "$AGE_D")"
else
	echo "age not installed: comparison skipped (make deps-bench installs it)"
fi
