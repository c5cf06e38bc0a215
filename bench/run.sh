#!/usr/bin/env bash
# make bench: runs every bench/bench_*.sh with the build folder, one after
# the other (they measure the same two cores), and stops their processes.
# Usage: bench/run.sh BUILD_DIR [FILTER]
set -u
B=$(cd "${1:?usage: bench/run.sh BUILD_DIR [FILTER]}" && pwd)
filter=${2:-${BENCH:-}}
top=$(cd "$(dirname "$0")/.." && pwd)
export INTAKE_BUILD="$B" INTAKE_TOP="$top"
rc=0
for s in "$top"/bench/bench_*.sh; do
	n=$(basename "$s" .sh)
	[ -n "$filter" ] && [[ $n != *$filter* ]] && continue
	echo "== $n"
	bash "$s" || { echo "!! $n failed"; rc=1; }
done
exit $rc
