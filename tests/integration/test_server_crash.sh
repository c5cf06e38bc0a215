#!/usr/bin/env bash
# test_server_crash.sh: SIGKILL intake-server in the middle of concurrent
# chunked uploads, restart it on the same data dir, and check the promise
# of docs/SERVER.md: every acknowledged submission is listed and intact,
# nothing incomplete is listed, and every unfinished upload resumes from
# an offset no lower than the last one acknowledged.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/srv_lib.sh"

ROUNDS=3
N=8
srv_officer_keys || { not_ok "officer keys"; exit 1; }
for i in $(seq 1 $((ROUNDS * N + 2))); do
	"$MKENV" $((900000 + i * 4099)) "$T/e$i" "crash$i" || { not_ok "make envelope $i"; exit 1; }
done
for r in $(seq 1 $ROUNDS); do
	"$MKENV" 5000000 "$T/slow$r" "slow$r" || { not_ok "make envelope slow$r"; exit 1; }
done
sha256sum "$T"/e* "$T"/slow* | cut -d' ' -f1 | sort >"$T/all"

start_server "$T/data" --officer-key "$T/officer.pub" || { not_ok "server starts"; exit 1; }
$TUSPY upload "$URL" "$T/e$((ROUNDS * N + 1))" >/dev/null &&
	$TUSPY upload "$URL" "$T/e$((ROUNDS * N + 2))" >/dev/null || not_ok "uploads before the crashes"
sha256sum "$T/e$((ROUNDS * N + 1))" "$T/e$((ROUNDS * N + 2))" | cut -d' ' -f1 >"$T/acked"

# listed_intact: every listed submission downloads whole and is one of the
# envelopes sent (so nothing incomplete is listed); their hashes -> $T/have.
listed_intact() {
	local id bad=0
	srv_list >"$T/ids" || return 1
	: >"$T/have"
	while read -r id; do
		srv_fetch "$id" "$T/got" || { bad=1; continue; }
		sha256sum "$T/got" | cut -d' ' -f1 >>"$T/have"
	done <"$T/ids"
	sort -o "$T/have" "$T/have"
	[ "$bad" = 0 ] && [ -z "$(comm -23 "$T/have" "$T/all")" ]
}

for r in $(seq 1 $ROUNDS); do
	pids=()
	for j in $(seq 1 $N); do
		i=$(((r - 1) * N + j))
		$TUSPY upload "$URL" "$T/e$i" 262144 0.01 >"$T/log$i" 2>&1 &
		pids+=($!)
	done
	# And one slow PATCH that is surely mid-body when the kill comes.
	slow=$(tus_create "$(stat -c %s "$T/slow$r")")
	curl -s -o /dev/null -X PATCH "${TUSH[@]}" "${OCT[@]}" -H 'Upload-Offset: 0' \
		--limit-rate 1M --data-binary "@$T/slow$r" "$URL$slow" &
	pids+=($!)
	sleep "0.$((r * 3))"
	# Wait until the slow PATCH has bytes on disk that nobody acknowledged.
	for w in $(seq 1 50); do
		[ "$(stat -c %s "$T/data/partial/${slow##*/}" 2>/dev/null || echo 0)" -gt 0 ] && break
		sleep 0.1
	done
	kill -KILL "$SERVER_PID"
	wait "$SERVER_PID" 2>/dev/null
	wait "${pids[@]}"
	for j in $(seq 1 $N); do
		i=$(((r - 1) * N + j))
		grep -qx done "$T/log$i" && sha256sum "$T/e$i" | cut -d' ' -f1 >>"$T/acked"
	done
	check "round $r: some uploads were cut off" [ "$(grep -Lx done "$T"/log$(((r - 1) * N + 1)) "$T"/log* | wc -l)" -gt 0 ]

	start_server "$T/data" --officer-key "$T/officer.pub" || { not_ok "round $r: restart after SIGKILL"; exit 1; }
	check "round $r: every listed submission is intact and complete" listed_intact
	check "round $r: every acknowledged submission is listed" \
		[ -z "$(comm -23 <(sort "$T/acked") "$T/have")" ]

	# Resume every cut-off upload from what HEAD says.
	resumed=0 low=0
	for j in $(seq 1 $N); do
		i=$(((r - 1) * N + j))
		grep -qx done "$T/log$i" && continue
		loc=$(sed -n 's/^loc //p' "$T/log$i")
		[ -n "$loc" ] || continue
		last=$(sed -n 's/^ack //p' "$T/log$i" | tail -n 1)
		$TUSPY resume "$URL" "$loc" "$T/e$i" >"$T/res$i" 2>&1
		from=$(sed -n 's/^from //p' "$T/res$i")
		[ "${from:--1}" -lt "${last:-0}" ] && low=$((low + 1))
		grep -qx done "$T/res$i" && resumed=$((resumed + 1)) &&
			sha256sum "$T/e$i" | cut -d' ' -f1 >>"$T/acked"
		grep -qx done "$T/res$i" || sed 's/^/# /' "$T/res$i"
	done
	code -I "${TUSH[@]}" "$URL$slow" >/dev/null
	check "round $r: an unacknowledged PATCH left offset 0 (not the file size)" [ "$(hdr Upload-Offset)" = 0 ]
	$TUSPY resume "$URL" "$slow" "$T/slow$r" >"$T/slowres$r" 2>&1
	check "round $r: the slow upload resumes" grep -qx done "$T/slowres$r" &&
		sha256sum "$T/slow$r" | cut -d' ' -f1 >>"$T/acked"
	check "round $r: no upload resumes below its last acknowledged offset" [ "$low" = 0 ]
	check "round $r: every cut-off upload resumed ($resumed)" \
		[ "$resumed" = "$(for j in $(seq 1 $N); do i=$(((r - 1) * N + j)); grep -qx done "$T/log$i" || ! grep -q '^loc ' "$T/log$i" || echo x; done | wc -l)" ]
	check "round $r: after resuming, all listed and intact" listed_intact
	check "round $r: every acknowledged submission is listed" \
		[ -z "$(comm -23 <(sort "$T/acked") "$T/have")" ]
done
check "the recovery pass cut back unacknowledged bytes" grep -q 'recovery: .* [1-9][0-9]* partial cut back' "$T/server.log"
grep 'recovery:' "$T/server.log" | sed 's/^/# /'
check "the log holds no ids" bash -c "! grep -Eq '[0-9a-f]{32}' '$T/server.log'"
stop_server || not_ok "server stops"
