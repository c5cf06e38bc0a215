#!/usr/bin/env bash
# test_client_trace.sh: intake-submit leaves no trace. Under strace, a
# submission, a reply fetch and an upload open no file for writing and
# create, rename, link or remove nothing; with --output the only file
# written is the one the user named (created O_EXCL|O_NOFOLLOW). The
# home and working directories stay empty, and core dumps are off.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

cli_keys || { not_ok "test keys"; exit 1; }
cli_start_server || { not_ok "server starts"; exit 1; }
NOCONF=(--no-config --keys "$T/bundle" --fingerprint "$FP")
head -c 5000000 /dev/urandom >"$T/video.mp4"
printf 'a list\n' >"$T/list.txt"
mkdir -p "$T/home" "$T/cwd"
CALLS=open,openat,openat2,creat,rename,renameat,renameat2,unlink,unlinkat,mkdir,mkdirat,link,linkat,symlink,symlinkat,truncate,mknod,mknodat

# traced FILE CMD...: run CMD in $T/cwd with an empty home under strace.
traced() {
	local out=$1
	shift
	(cd "$T/cwd" && env HOME="$T/home" XDG_CONFIG_HOME= "$NOLEAK" \
		strace -f -qq -e trace=$CALLS -o "$out" "$@")
}

# writes TRACE: every call that could create or change a file, one a line.
writes() {
	grep -E 'O_WRONLY|O_RDWR|O_CREAT|O_TRUNC|creat\(|rename|unlink|mkdir|link\(|linkat|symlink|truncate|mknod' "$1"
}

printf 'what I saw\n' | traced "$T/tr1" $SUBMIT "${NOCONF[@]}" --server "$URL" --json \
	"$T/video.mp4" "$T/list.txt" >"$T/out" 2>"$T/err"
check "traced submission succeeds" test $? -eq 0
check "trace recorded the opens" grep -q 'video.mp4' "$T/tr1"
check "submission: nothing opened for writing, created or removed" test -z "$(writes "$T/tr1")"
RECEIPT=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["receipt"])' "$T/out")

printf '%s\n' "$RECEIPT" | traced "$T/tr2" $SUBMIT replies "${NOCONF[@]}" --server "$URL" >"$T/out" 2>"$T/err"
check "traced replies succeeds" test $? -eq 0
check "replies: nothing written" test -z "$(writes "$T/tr2")"

traced "$T/tr3" $SUBMIT "${NOCONF[@]}" -m "$T/list.txt" -o "$T/env.bin" "$T/video.mp4" >"$T/out" 2>"$T/err"
check "traced --output succeeds" test $? -eq 0
writes "$T/tr3" >"$T/w3"
check "--output: exactly one write" test "$(wc -l <"$T/w3")" -eq 1
check "--output: it is the named file, new, not through a link" \
	grep -q "\"$T/env.bin\", O_WRONLY|O_CREAT|O_EXCL|O_NOFOLLOW|O_CLOEXEC, 0600" "$T/w3"

traced "$T/tr4" $SUBMIT upload --no-config --server "$URL" "$T/env.bin" >"$T/out" 2>"$T/err"
check "traced upload succeeds" test $? -eq 0
check "upload: nothing written" test -z "$(writes "$T/tr4")"

check "home directory still empty" test -z "$(ls -A "$T/home")"
check "working directory still empty" test -z "$(ls -A "$T/cwd")"

# Core dumps: look at a client waiting for its text on a FIFO.
mkfifo "$T/fifo"
$SUBMIT "${NOCONF[@]}" --server "$URL" -q -m "$T/fifo" >/dev/null 2>&1 &
CPID=$!
PIDS+=("$CPID")
check "core dumps disabled" cli_wait grep -Eq '^Max core file size +0 +0 ' "/proc/$CPID/limits"
printf 'x\n' >"$T/fifo"
wait "$CPID"
check "the waiting client then finished" test $? -eq 0

stop_server
check "server stopped cleanly" test $? -eq 0
