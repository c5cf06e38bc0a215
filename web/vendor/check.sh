#!/bin/sh
# check.sh: verify web/vendor/ against SOURCES.
#   sh web/vendor/check.sh          offline: sodium.js has the recorded hash
#   sh web/vendor/check.sh --npm    also fetch each tarball with `npm pack`,
#                                   check npm's sha512 integrity, and rebuild
#                                   sodium.js from the tarballs byte for byte
set -eu
dir=$(cd "$(dirname "$0")" && pwd)
src="$dir/SOURCES"
want=$(awk '$1 == "sodium.js" { print $2 }' "$src")
got=$(sha256sum "$dir/sodium.js" | cut -d' ' -f1)
[ "$want" = "$got" ] || { echo "vendor: sodium.js sha256 $got, SOURCES says $want" >&2; exit 1; }
echo "vendor: sodium.js matches SOURCES"
[ "${1:-}" = "--npm" ] || exit 0
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
grep -v '^#' "$src" | awk 'NF == 5' | while read -r name ver integ path sum; do
	(cd "$tmp" && npm pack --silent "$name@$ver" >/dev/null)
	tgz="$tmp/$name-$ver.tgz"
	have="sha512-$(openssl dgst -sha512 -binary "$tgz" | base64 -w0)"
	[ "$have" = "$integ" ] || { echo "vendor: $name $ver integrity $have, SOURCES says $integ" >&2; exit 1; }
	mkdir -p "$tmp/$name"
	tar xzf "$tgz" -C "$tmp/$name" "$path"
	have=$(sha256sum "$tmp/$name/$path" | cut -d' ' -f1)
	[ "$have" = "$sum" ] || { echo "vendor: $name/$path sha256 $have, SOURCES says $sum" >&2; exit 1; }
	cat "$tmp/$name/$path" >> "$tmp/sodium.js"
	echo "vendor: $name $ver integrity ok"
done
cmp "$tmp/sodium.js" "$dir/sodium.js" || { echo "vendor: sodium.js is not the tarballs' files concatenated" >&2; exit 1; }
echo "vendor: sodium.js rebuilt from npm byte for byte"
