#!/usr/bin/env bash
# bench_web.sh: the submission page's sealing in real browsers
# (web/bench/bench.mjs): 256 MiB (BENCH_WEB_MIB to change) sealed by the
# page's own modules in Chromium with WebAssembly, Firefox with
# WebAssembly and Firefox at Tor Browser's Safer level, beside
# `intake-submit --output` on the same file; receipt time and tab memory
# at each. Targets (issue 11): 100 MB/s with WebAssembly, 50 MB/s at
# Safer, receipt under 2 s, tab under 300 MiB.
set -u
B=${INTAKE_BUILD:?run through bench/run.sh or make bench}
TOP=${INTAKE_TOP:?run through bench/run.sh or make bench}
for c in node npm /usr/bin/chromium /usr/bin/firefox-esr; do
	command -v "$c" >/dev/null || { echo "bench_web: $c is missing (make deps)" >&2; exit 1; }
done
cd "$TOP/web" || exit 1
if [ ! -d node_modules/puppeteer-core ]; then
	npm ci --ignore-scripts --no-audit --no-fund >/dev/null || { echo "bench_web: npm ci failed" >&2; exit 1; }
fi
exec node bench/bench.mjs
