#!/usr/bin/env bash
# test_page_js.sh: the page's JavaScript modules under Node with the
# vendored libsodium.js: known answers (Padmé, manifest bytes as jansson
# writes them, receipt derivation, root fingerprint) and hostile input
# (names, receipts with mistakes, forged and expired keysets, malformed
# language files). Each check prints its own ok/not ok line.
. "$(dirname "$0")/lib.sh"
command -v node >/dev/null || { not_ok "node is installed (make deps)"; exit 1; }
node --experimental-default-type=module "$TOP/web/check/selftest.mjs"
