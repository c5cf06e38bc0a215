#!/usr/bin/env bash
# Runs every unit test binary and integration script and ends with one line
# "N passed, N failed". Unit tests speak TAP through cmocka; integration
# scripts print "ok - ..." / "not ok - ..." lines. A program that dies, times
# out or exits non-zero without a "not ok" line counts as one failure.
# Usage: tests/run.sh BUILD_DIR [FILTER]
set -u
B=${1:?usage: tests/run.sh BUILD_DIR [FILTER]}
filter=${2:-${TESTS:-}}
B=$(cd "$B" && pwd)
top=$(cd "$(dirname "$0")/.." && pwd)
export INTAKE_BUILD="$B" INTAKE_TOP="$top" CMOCKA_MESSAGE_OUTPUT=TAP
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
passed=0 failed=0
failures=()

run_one() { # name timeout cmd...
	local name=$1 limit=$2 out rc p f
	shift 2
	out=$(mktemp)
	timeout -k 5 "$limit" "$@" >"$out" 2>&1 </dev/null
	rc=$?
	p=$(grep -cE '^ok( |$)' "$out")
	f=$(grep -cE '^not ok( |$)' "$out")
	if [ "$rc" -ne 0 ] && [ "$f" -eq 0 ]; then
		f=1
		echo "not ok - $name exited with status $rc" >>"$out"
	fi
	passed=$((passed + p))
	failed=$((failed + f))
	if [ "$f" -gt 0 ]; then
		failures+=("$name")
		echo "== $name: $p passed, $f failed"
		grep -vE '^ok( |$)' "$out" | tail -n 60
	else
		echo "== $name: $p passed"
	fi
	rm -f "$out"
}

for t in "$B"/tests/test_*; do
	[ -x "$t" ] || continue
	n=$(basename "$t")
	[ -n "$filter" ] && [[ $n != *$filter* ]] && continue
	run_one "$n" 600 "$t"
done
for t in "$top"/tests/integration/test_*.sh; do
	[ -f "$t" ] || continue
	n=$(basename "$t" .sh)
	[ -n "$filter" ] && [[ $n != *$filter* ]] && continue
	run_one "$n" 900 bash "$t"
done

if [ "${#failures[@]}" -gt 0 ]; then
	echo "failed: ${failures[*]}"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
