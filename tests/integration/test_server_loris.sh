#!/usr/bin/env bash
# test_server_loris.sh: 1,000 slow-loris connections, each trickling its
# request head one byte every 10 s and reconnecting when dropped, do not
# stop a normal 1 MiB upload: it completes within 10 s, and the server's
# memory stays under 64 MiB. Bounded to about 40 s; loopback only.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/srv_lib.sh"

ulimit -n 4096 2>/dev/null || ulimit -n "$(ulimit -Hn)"
srv_officer_keys || { not_ok "officer keys"; exit 1; }
"$MKENV" 1048576 "$T/a.env" a || { not_ok "make envelope"; exit 1; }
start_server "$T/data" --officer-key "$T/officer.pub" || { not_ok "server starts"; exit 1; }

python3 "$TOP/tests/tools/srv_loris.py" "$PORT" 1000 32 >"$T/loris" &
LORIS=$!
PIDS+=("$LORIS")
sleep 14 # every loris connection is open and trickling; the first were dropped
n=$(ls /proc/$LORIS/fd | wc -l)
m=$(ls /proc/$SERVER_PID/fd | wc -l)
check "the attack is on: $n attacker sockets, the server holds $m descriptors" [ "$n" -gt 300 ] && [ "$m" -gt 200 ]
t0=$(date +%s.%N)
c=$(tus_upload "$T/a.env")
t1=$(date +%s.%N)
el=$(python3 -c "print(round($t1 - $t0, 2))")
check "a normal 1 MiB upload under the attack: 201 ($c)" [ "$c" = 201 ]
check "it completed within 10 s (${el} s)" python3 -c "assert $el < 10"
check "the envelope landed" [ "$(srv_list | wc -l)" = 1 ]
rss=$(awk '/^VmRSS/ {print $2}' "/proc/$SERVER_PID/status")
hwm=$(awk '/^VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
check "server RSS under 64 MiB (now ${rss} KiB, peak ${hwm} KiB)" [ "$hwm" -lt 65536 ]
threads=$(awk '/^Threads/ {print $2}' "/proc/$SERVER_PID/status")
check "threads do not grow with connections ($threads)" [ "$threads" -lt 32 ]
wait "$LORIS"
echo "# loris: $(cat "$T/loris")"
check "the server dropped loris connections (header deadline, eviction)" \
	python3 -c "import sys; o, c = sys.argv[1].split()[1::2]; assert int(c) > 500, c" "$(cat "$T/loris")"
check "the server is healthy after" [ "$(code "$URL/v1/health")" = 200 ]
stop_server || not_ok "server stops"
ok "done"
