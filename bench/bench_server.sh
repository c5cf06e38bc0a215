#!/usr/bin/env bash
# bench_server.sh: intake-server ingest on loopback. (1) one 1 GiB
# envelope in a single PATCH: MB/s and the server's peak RSS; (2) 200
# concurrent 1 MiB creation-with-upload requests: completed/s and peak RSS.
# Both are compared with `curl -T` to nginx's WebDAV PUT in the same run
# (or with `cat` to the same disk when nginx is missing), and the ratios
# printed; then both again while 1,000 slow-loris connections trickle
# (tests/tools/srv_loris.py), against the quiet rate. The server runs with
# its defaults (uploads held for the hourly landing batch) except proof of
# work, off here (--pow-max 0): 200 creations at once are a flood, and curl
# does not pay. Everything lives under one /tmp folder, deleted at the end.
# Usage: bench/bench_server.sh [BUILD_DIR]
set -u
B=$(cd "${1:-${INTAKE_BUILD:-build}}" && pwd)
W=$(mktemp -d /tmp/intake-bench-server.XXXXXX)
PIDS=()
cleanup() {
	local p
	for p in "${PIDS[@]}"; do kill -TERM "$p" 2>/dev/null; done
	for p in "${PIDS[@]}"; do wait "$p" 2>/dev/null; done
	rm -rf "$W"
}
trap cleanup EXIT
CONC=${BENCH_CONC:-200}
BIG=${BENCH_BIG:-1073741824}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}
now() { date +%s.%N; }
# peak_rss PID: VmHWM in MiB.
peak_rss() { awk '/^VmHWM/ { printf "%.1f", $2 / 1024 }' "/proc/$1/status"; }
fmt() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }

start_intake() {
	rm -rf "$W/data"
	IPORT=$(free_port)
	"$B/intake-server" --listen "127.0.0.1:$IPORT" --data-dir "$W/data" --max-size 2G \
		--max-uploads $((CONC + 16)) --pow-max 0 \
		2>>"$W/server.log" &
	IPID=$!
	PIDS+=("$IPID")
	for _ in $(seq 1 100); do
		curl -sf -o /dev/null "http://127.0.0.1:$IPORT/v1/health" && return 0
		sleep 0.1
	done
	echo "bench: intake-server did not start" >&2
	exit 1
}
stop_intake() { kill -TERM "$IPID"; wait "$IPID"; }

start_nginx() {
	NPORT=$(free_port)
	mkdir -p "$W/nginx/root" "$W/nginx/tmp"
	cat >"$W/nginx/nginx.conf" <<CONF
worker_processes 1;
daemon off;
$( [ "$(id -u)" = 0 ] && echo "user root;" )
pid $W/nginx/nginx.pid;
error_log $W/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $W/nginx/tmp;
	client_max_body_size 0;
	server {
		listen 127.0.0.1:$NPORT;
		root $W/nginx/root;
		location / { dav_methods PUT; create_full_put_path on; }
	}
}
CONF
	nginx -c "$W/nginx/nginx.conf" -p "$W/nginx" 2>>"$W/nginx/error.log" &
	NPID=$!
	PIDS+=("$NPID")
	for _ in $(seq 1 50); do
		curl -s -o /dev/null "http://127.0.0.1:$NPORT/" && return 0
		sleep 0.1
	done
	echo "bench: nginx did not start" >&2
	exit 1
}

echo "bench_server: making a $((BIG >> 20)) MiB envelope in $W" >&2
"$B/tools/srv_mkenv" "$BIG" "$W/big.env" big || exit 1
"$B/tools/srv_mkenv" $((1 << 20)) "$W/small.env" small || exit 1
BIGLEN=$(stat -c %s "$W/big.env")
SMALLLEN=$(stat -c %s "$W/small.env")
TUS=(-H 'Tus-Resumable: 1.0.0')
OCT=(-H 'Content-Type: application/offset+octet-stream')
sync

# Each measurement is the best of $RUNS: the machine is shared.
RUNS=${BENCH_RUNS:-3}
best() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b < a) ? b : a }'; }
maxf() { awk -v a="$1" -v b="$2" 'BEGIN { print (a == "" || b > a) ? b : a }'; }

# conc_run URL_PREFIX PATH_FN...: $CONC curls at once; sets C_S and C_OK.
conc_run() {
	local pids=() i t0 t1
	rm -f "$W"/c*
	t0=$(now)
	for i in $(seq 1 "$CONC"); do
		"$@" "$i" >"$W/c$i" &
		pids+=($!)
	done
	wait "${pids[@]}"
	t1=$(now)
	C_OK=$(cat "$W"/c* | grep -cx '20[14]')
	C_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
	rm -f "$W"/c*
}
intake_small() {
	curl -s -o /dev/null -w '%{http_code}\n' -X POST "${TUS[@]}" "${OCT[@]}" \
		-H "Upload-Length: $SMALLLEN" -T "$W/small.env" "$URL/v1/uploads"
}
nginx_small() {
	curl -s -o /dev/null -w '%{http_code}\n' -T "$W/small.env" "http://127.0.0.1:$NPORT/s$1"
}

# loris_start / loris_stop: 1,000 trickling connections to intake-server.
loris_start() {
	python3 "$(dirname "$0")/../tests/tools/srv_loris.py" "$IPORT" 1000 600 >/dev/null &
	LPID=$!
	PIDS+=("$LPID")
	sleep 12 # all open, the first ones already dropped and back
}
loris_stop() { kill -TERM "$LPID" 2>/dev/null; wait "$LPID" 2>/dev/null; }

# big_run: one big envelope in one PATCH to the running server; sets BIG_S.
big_run() {
	local loc rc t0 t1
	URL="http://127.0.0.1:$IPORT"
	loc=$(curl -s -D - -o /dev/null -X POST "${TUS[@]}" -H "Upload-Length: $BIGLEN" "$URL/v1/uploads/" |
		sed -n 's/^[Ll]ocation: //p' | tr -d '\r')
	t0=$(now)
	rc=$(curl -s -o /dev/null -w '%{http_code}' -X PATCH "${TUS[@]}" "${OCT[@]}" -H 'Upload-Offset: 0' \
		-T "$W/big.env" "$URL$loc")
	t1=$(now)
	[ "$rc" = 204 ] || { echo "bench: big upload answered $rc" >&2; exit 1; }
	BIG_S=$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')
}

I_BIG_S="" I_BIG_RSS="" I_CONC_S="" I_CONC_RSS="" I_OK=$CONC
for run in $(seq 1 "$RUNS"); do
	# --- 1. one big envelope in one PATCH
	start_intake
	big_run
	I_BIG_S=$(best "$I_BIG_S" "$BIG_S")
	I_BIG_RSS=$(maxf "$I_BIG_RSS" "$(peak_rss "$IPID")")
	stop_intake
	# --- 2. many small envelopes at once
	start_intake
	URL="http://127.0.0.1:$IPORT"
	conc_run intake_small
	[ "$C_OK" -lt "$I_OK" ] && I_OK=$C_OK
	I_CONC_S=$(best "$I_CONC_S" "$C_S")
	I_CONC_RSS=$(maxf "$I_CONC_RSS" "$(peak_rss "$IPID")")
	stop_intake
done
# --- the same under a 1,000-connection slow-loris (one run each)
start_intake
loris_start
big_run
L_BIG_S=$BIG_S
URL="http://127.0.0.1:$IPORT"
conc_run intake_small
L_OK=$C_OK L_CONC_S=$C_S L_RSS=$(peak_rss "$IPID")
loris_stop
stop_intake
rm -rf "$W/data"

# --- baseline: nginx PUT, or cat
N_BIG_S="" N_CONC_S="" N_OK=$CONC
if command -v nginx >/dev/null && nginx -V 2>&1 | grep -q http_dav_module; then
	BASE="nginx PUT (curl -T)"
	start_nginx
	for run in $(seq 1 "$RUNS"); do
		t0=$(now)
		rc=$(curl -s -o /dev/null -w '%{http_code}' -T "$W/big.env" "http://127.0.0.1:$NPORT/big")
		t1=$(now)
		[ "$rc" = 201 ] || [ "$rc" = 204 ] || { echo "bench: nginx PUT answered $rc" >&2; exit 1; }
		N_BIG_S=$(best "$N_BIG_S" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
		rm -f "$W/nginx/root/"*
		conc_run nginx_small
		[ "$C_OK" -lt "$N_OK" ] && N_OK=$C_OK
		N_CONC_S=$(best "$N_CONC_S" "$C_S")
		rm -f "$W/nginx/root/"*
	done
else
	BASE="cat to the same disk"
	for run in $(seq 1 "$RUNS"); do
		t0=$(now)
		cat "$W/big.env" >"$W/copy"
		sync "$W/copy"
		t1=$(now)
		N_BIG_S=$(best "$N_BIG_S" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
		rm -f "$W/copy"
		t0=$(now)
		for i in $(seq 1 "$CONC"); do cat "$W/small.env" >"$W/copy$i" & done
		wait
		t1=$(now)
		N_CONC_S=$(best "$N_CONC_S" "$(awk -v a="$t0" -v b="$t1" 'BEGIN { print b - a }')")
		rm -f "$W"/copy*
	done
fi

MB=$(awk -v n="$BIGLEN" 'BEGIN { print n / 1048576 }')
I_MBS=$(fmt "$MB" "$I_BIG_S")
N_MBS=$(fmt "$MB" "$N_BIG_S")
I_RATE=$(fmt "$I_OK" "$I_CONC_S")
N_RATE=$(fmt "$N_OK" "$N_CONC_S")
echo "bench_server: loopback ingest, baseline = $BASE"
printf '  %d MiB envelope: intake-server %8s MB/s  (%.2f s, peak RSS %s MiB)   baseline %8s MB/s   ratio %s\n' \
	"$((BIG >> 20))" "$I_MBS" "$I_BIG_S" "$I_BIG_RSS" "$N_MBS" "$(fmt "$I_MBS" "$N_MBS")"
printf '  %d x 1 MiB:      intake-server %8s /s    (%d/%d ok, peak RSS %s MiB)   baseline %8s /s (%d ok)   ratio %s\n' \
	"$CONC" "$I_RATE" "$I_OK" "$CONC" "$I_CONC_RSS" "$N_RATE" "$N_OK" "$(fmt "$I_RATE" "$N_RATE")"
L_MBS=$(fmt "$MB" "$L_BIG_S")
L_RATE=$(fmt "$L_OK" "$L_CONC_S")
printf '  under 1,000 slow-loris connections: %s MB/s (%s of quiet), %s /s (%d/%d ok, %s of quiet), peak RSS %s MiB\n' \
	"$L_MBS" "$(fmt "$L_MBS" "$I_MBS")" "$L_RATE" "$L_OK" "$CONC" "$(fmt "$L_RATE" "$I_RATE")" "$L_RSS"
echo "  (best of $RUNS runs each, the slow-loris case one run; intake-server fsyncs every envelope before answering, the baseline does not)"
