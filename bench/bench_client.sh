#!/usr/bin/env bash
# bench_client.sh: end-to-end submission of 1 GiB (BENCH_MIB to change)
# over loopback to a real intake-server: intake-submit's wall time and
# peak RSS, beside `age -r KEY | curl -T -` of the same data to the same
# server's tus endpoint in the same run (a PATCH of the age stream with
# its exact length into an upload created for it; the server refuses the
# finished blob as not an intake envelope, after storing every byte, so
# both sides pay for the same transfer and writes). Best of 3 each. The
# server's data folder is on tmpfs (/dev/shm) when it has room, so that
# the disk does not decide the result (BENCH_DISK=1 keeps it on disk).
# Targets (issue 4): faster than the pipeline, peak RSS under 16 MiB.
set -u
B=${INTAKE_BUILD:?run through bench/run.sh or make bench}
W=$(mktemp -d /tmp/intake-bench-client.XXXXXX)
SIZE_MIB=${BENCH_MIB:-1024}
RUNS=${BENCH_RUNS:-3}
D=$W/data
if [ -z "${BENCH_DISK:-}" ] && [ -d /dev/shm ] &&
	[ "$(df -Pk /dev/shm | awk 'NR==2 {print $4}')" -gt $((SIZE_MIB * 3 * 1024)) ]; then
	D=$(mktemp -d /dev/shm/intake-bench-client.XXXXXX)
fi
SPID=
cleanup() {
	[ -n "$SPID" ] && kill -TERM "$SPID" 2>/dev/null && wait "$SPID" 2>/dev/null
	rm -rf "$W" "$D"
}
trap cleanup EXIT

head -c "${SIZE_MIB}M" /dev/urandom >"$W/in"
"$B/tools/cli_envtool" keygen "$W/pub" "$W/sec"
mkdir -p "$D"
echo "server data folder: $D"
PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
URL="http://127.0.0.1:$PORT"
"$B/intake-server" --listen "127.0.0.1:$PORT" --data-dir "$D" --max-size 64G \
	2>"$W/server.log" &
SPID=$!
for _ in $(seq 1 100); do
	curl -sf -o /dev/null "$URL/v1/health" && break
	sleep 0.1
done

# timed OUT CMD...: wall seconds and peak RSS (KiB) of CMD into OUT.
timed() {
	local out=$1
	shift
	/usr/bin/time -f '%e %M' -o "$out" "$@" >/dev/null 2>"$W/cmd.err" ||
		{ echo "failed: $*"; sed 's/^/  /' "$W/cmd.err" | tail -n 5; exit 1; }
}

best_t=999999 best_rss=0
for _ in $(seq 1 "$RUNS"); do
	timed "$W/t" "$B/intake-submit" --no-config --keys "$W/pub" --no-fingerprint-check \
		-q -m /dev/null --server "$URL" "$W/in"
	read -r t rss <"$W/t"
	awk -v a="$t" -v b="$best_t" 'BEGIN{exit !(a<b)}' && best_t=$t
	[ "$rss" -gt "$best_rss" ] && best_rss=$rss
	rm -rf "$D/store"/* 2>/dev/null
done
SUBMIT_T=$best_t SUBMIT_RSS=$best_rss
printf 'intake-submit, %d MiB to intake-server : %6.2f s  %7.1f MB/s  peak RSS %d KiB (target < 16384)\n' \
	"$SIZE_MIB" "$SUBMIT_T" "$(awk -v s="$SIZE_MIB" -v t="$SUBMIT_T" 'BEGIN{print s*1048576/t/1e6}')" "$SUBMIT_RSS"

if command -v age >/dev/null && command -v age-keygen >/dev/null; then
	age-keygen -o "$W/age.key" 2>/dev/null
	R=$(age-keygen -y "$W/age.key")
	ALEN=$(age -r "$R" <"$W/in" | wc -c) # the exact length, not timed
	cat >"$W/peer.sh" <<PEER
set -eo pipefail
loc=\$(curl -sf -D - -o /dev/null -X POST -H 'Tus-Resumable: 1.0.0' \
	-H 'Upload-Length: $ALEN' '$URL/v1/uploads/' | tr -d '\r' | awk 'tolower(\$1)=="location:" {print \$2}')
age -r '$R' <'$W/in' | curl -s -o /dev/null -w '%{http_code}\n' -X PATCH -T - \
	-H 'Tus-Resumable: 1.0.0' -H 'Upload-Offset: 0' \
	-H 'Content-Type: application/offset+octet-stream' -H 'Content-Length: $ALEN' \
	-H 'Transfer-Encoding:' -H 'Expect:' "$URL\$loc" >'$W/code'
PEER
	best_t=999999 best_rss=0
	for _ in $(seq 1 "$RUNS"); do
		timed "$W/t" bash "$W/peer.sh"
		read -r t rss <"$W/t"
		code=$(cat "$W/code")
		[ "$code" = 422 ] || [ "$code" = 204 ] || { echo "peer upload failed: http $code"; exit 1; }
		awk -v a="$t" -v b="$best_t" 'BEGIN{exit !(a<b)}' && best_t=$t
		[ "$rss" -gt "$best_rss" ] && best_rss=$rss
	done
	printf 'age -r | curl -T -, same data and server : %6.2f s  %7.1f MB/s  peak RSS %d KiB (largest process)\n' \
		"$best_t" "$(awk -v s="$SIZE_MIB" -v t="$best_t" 'BEGIN{print s*1048576/t/1e6}')" "$best_rss"
	printf 'ratio pipeline time / intake-submit time  : %.2f (target > 1)\n' \
		"$(awk -v a="$best_t" -v b="$SUBMIT_T" 'BEGIN{print a/b}')"
else
	echo "age not installed: the pipeline comparison is skipped (make deps-bench installs it)"
fi
