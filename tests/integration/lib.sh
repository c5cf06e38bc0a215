# lib.sh: shared helpers for the integration tests, sourced by each
# tests/integration/test_*.sh. TAP-style "ok - ..." lines, exact exit-code
# checks (a death by signal always fails), a private temp folder, free
# loopback ports, and processes that are always stopped on exit.
set -u
B=${INTAKE_BUILD:?run through tests/run.sh or make test}
TOP=${INTAKE_TOP:?run through tests/run.sh or make test}
SUBMIT=$B/intake-submit
SERVER=$B/intake-server
OFFICER=$B/intake-officer
T=$(mktemp -d "${TMPDIR:-/tmp}/intake-test.XXXXXX")
PIDS=()
# Messages in English unless a test asks for another language.
unset LANGUAGE LC_ALL LC_MESSAGES
export LANG=C.UTF-8

t_cleanup() {
	local p
	for p in "${PIDS[@]}"; do
		kill -TERM "$p" 2>/dev/null
	done
	for p in "${PIDS[@]}"; do
		wait "$p" 2>/dev/null
	done
	rm -rf "$T"
}
trap t_cleanup EXIT

ok() { echo "ok - $*"; }
not_ok() { echo "not ok - $*"; }

# check DESC CMD...: ok when CMD succeeds.
check() {
	local desc=$1
	shift
	if "$@"; then ok "$desc"; else not_ok "$desc"; fi
}

# expect_exit CODE DESC CMD...: ok when CMD exits with exactly CODE. Its
# stdout and stderr are left in $T/out and $T/err.
expect_exit() {
	local want=$1 desc=$2 rc
	shift 2
	"$@" >"$T/out" 2>"$T/err"
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$desc"
	else
		not_ok "$desc (exit $rc, wanted $want)"
		sed 's/^/# /' "$T/err" | head -n 20
	fi
}

free_port() {
	python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'
}

# start_server DATADIR [ARGS...]: starts intake-server on a free loopback
# port, waits until /v1/health answers (10 s at most), and sets PORT, URL
# and SERVER_PID. Its stderr goes to $T/server.log.
start_server() {
	local dir=$1 i
	shift
	PORT=$(free_port)
	URL="http://127.0.0.1:$PORT"
	# Uploads land as they complete unless a test asks for batches.
	"$SERVER" --listen "127.0.0.1:$PORT" --data-dir "$dir" --land-every 0 "$@" 2>>"$T/server.log" &
	SERVER_PID=$!
	PIDS+=("$SERVER_PID")
	for i in $(seq 1 100); do
		curl -sf -o /dev/null "$URL/v1/health" && return 0
		kill -0 "$SERVER_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "# server did not start:"
	sed 's/^/# /' "$T/server.log" | tail -n 20
	return 1
}

# stop_server: SIGTERM and wait; ok when it exits 0.
stop_server() {
	kill -TERM "$SERVER_PID" 2>/dev/null
	wait "$SERVER_PID"
}
