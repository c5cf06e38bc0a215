# cli_lib.sh: helpers for the client's integration tests
# (tests/integration/test_client*.sh), sourced after lib.sh. Test-only
# keys are made fresh in $T by build/tools/cli_envtool; the stored
# envelopes are fetched back through the officer API (signed requests), so
# the checks see exactly what the server stores.
ENVTOOL=$B/tools/cli_envtool
TOOLS=$TOP/tests/tools

# cli_keys: two officers (sec1/pub1, sec2/pub2), their bundle $T/bundle,
# its fingerprint in $FP, an officer auth key ($T/auth.pub, $T/auth.sec).
cli_keys() {
	"$ENVTOOL" keygen "$T/pub1" "$T/sec1" &&
	"$ENVTOOL" keygen "$T/pub2" "$T/sec2" &&
	{ echo "intake-bundle-1"; cat "$T/pub1" "$T/pub2"; } >"$T/bundle" &&
	"$ENVTOOL" authkeygen "$T/auth.pub" "$T/auth.sec" &&
	FP=$("$ENVTOOL" fp "$T/bundle")
}

# cli_start_server: a fresh data dir and a server that knows our auth key
# and keeps fetched envelopes.
cli_start_server() {
	rm -rf "$T/data"
	mkdir -p "$T/data"
	start_server "$T/data" --officer-key "$T/auth.pub" --retention keep "$@"
}

# cli_api METHOD PATH [CURL ARGS...]: a signed officer request.
cli_api() {
	local m=$1 p=$2 h a prev="" body=()
	shift 2
	# The signature covers the query and the body (FORMAT.md §6).
	for a in "$@"; do
		[ "$prev" = --data-binary ] && [ "${a:0:1}" = @ ] && body=("${a:1}")
		prev=$a
	done
	h=$("$ENVTOOL" authsign "$T/auth.sec" "$m" "127.0.0.1:$PORT" "$p" "${body[@]}") || return 1
	curl -sf --max-time 120 -X "$m" -H "Authorization: $h" "$@" "$URL$p"
}

# cli_ids: ids of the stored submissions, oldest first.
cli_ids() {
	cli_api GET /v1/submissions | python3 -c '
import json, sys
for s in json.load(sys.stdin)["submissions"]:
    print(s["id"])'
}

# cli_fetch ID FILE: one stored envelope, as the server holds it.
cli_fetch() {
	cli_api GET "/v1/submissions/$1" -o "$2"
}

# cli_latest FILE: the most recently stored envelope into FILE.
cli_latest() {
	local id
	id=$(cli_ids | tail -n 1)
	[ -n "$id" ] && cli_fetch "$id" "$1"
}

# cli_bg NAME PORTVAR CMD...: start a helper that writes its port to
# $T/NAME.port; wait for it (5 s at most) and set PORTVAR.
cli_bg() {
	local name=$1 var=$2 i
	shift 2
	rm -f "$T/$name.port"
	"$@" --port-file "$T/$name.port" 2>>"$T/$name.err" &
	PIDS+=("$!")
	for i in $(seq 1 50); do
		if [ -s "$T/$name.port" ]; then
			printf -v "$var" '%s' "$(cat "$T/$name.port")"
			return 0
		fi
		sleep 0.1
	done
	echo "# $name did not start"
	return 1
}

# cli_same A B: files are byte-identical.
cli_same() {
	cmp -s "$1" "$2"
}

# cli_open SEC ENVELOPE DIR: decrypt into a new DIR (text, file-N); the
# manifest facts go to DIR.man.
cli_open() {
	mkdir -p "$3" && "$ENVTOOL" open "$1" "$2" "$3" >"$3.man"
}

# LeakSanitizer cannot run under ptrace: commands run under strace use
# this environment (harmless in a normal build).
NOLEAK="ASAN_OPTIONS=${ASAN_OPTIONS:+$ASAN_OPTIONS:}detect_leaks=0"

# cli_wait CMD...: true as soon as CMD succeeds, false after 10 s.
cli_wait() {
	local i
	for i in $(seq 1 100); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}
