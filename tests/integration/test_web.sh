#!/usr/bin/env bash
# test_web.sh: the submission page in real browsers (Debian's chromium and
# firefox-esr, driven headless by puppeteer-core from web/package-lock.json):
# runs every web/test/*.test.mjs with node's test runner, one file at a
# time, and prints one "ok - ..." / "not ok - ..." line per test.
# Screenshots of each step go to $INTAKE_BUILD/web-shots/ for review.
# WEB_TESTS=PATTERN runs only the tests whose name matches.
source "$(dirname "$0")/lib.sh"

for c in node npm python3; do
	command -v "$c" >/dev/null || { not_ok "$c is installed (make deps)"; exit 1; }
done
for c in /usr/bin/chromium /usr/bin/firefox-esr; do
	[ -x "$c" ] || { not_ok "$c is installed (make deps)"; exit 1; }
done
cd "$TOP/web" || exit 1
if [ ! -d node_modules/puppeteer-core ]; then
	npm ci --ignore-scripts --no-audit --no-fund >"$T/npm.log" 2>&1 ||
		{ not_ok "npm ci (web/package-lock.json)"; sed 's/^/# /' "$T/npm.log" | tail -n 20; exit 1; }
fi

export INTAKE_WEB_SHOTS=${INTAKE_WEB_SHOTS:-$B/web-shots}
rm -rf "$INTAKE_WEB_SHOTS"
args=(--test --test-reporter=tap --test-concurrency=1)
[ -n "${WEB_TESTS:-}" ] && args+=(--test-name-pattern="$WEB_TESTS")
start=$(date +%s)
# Top-level TAP lines "ok N - name" become "ok - name"; the rest (nested
# details, diagnostics) is kept for the failure report.
node "${args[@]}" test/*.test.mjs 2>&1 | sed -E 's/^(not ok|ok) [0-9]+ - /\1 - /'
rc=${PIPESTATUS[0]}
echo "# test_web: $(($(date +%s) - start)) s; screenshots in $INTAKE_WEB_SHOTS"
exit "$rc"
