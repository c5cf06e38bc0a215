#!/usr/bin/env bash
# The man pages render without warnings (groff) and through man -l, and
# they and the programs' --help texts (subcommands included) list the same
# long options and the same exit codes, in both directions, so that
# neither can fall behind the code unnoticed. The Russian page of
# intake-submit is held to the same list as the English one.
source "$(dirname "$0")/lib.sh"

help_text() { # program subcommand...: all --help texts
	local prog=$1 c
	shift
	"$prog" --help 2>&1
	for c in "$@"; do "$prog" "$c" --help 2>&1; done
}

# Long options: "--name" in --help; "\-\-name" or "--name" in a page.
help_options() { help_text "$@" | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u; }
page_options() {
	sed 's/\\-/-/g' "$1" | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u
}

# Exit codes: the numbers of the "exit codes:" paragraphs of --help, and
# of the EXIT STATUS section (КОДЫ ВЫХОДА in Russian) of a page.
help_codes() {
	local prog=$1 c
	shift
	for c in "" "$@"; do
		$prog $c --help 2>&1 | awk 'tolower($0) ~ /exit codes:/ {on=1} /^$/ {on=0} on'
	done | grep -oE '\b[0-9]{1,3}\b' | sort -u
}
page_codes() {
	awk '/^\.SH/ {on = ($0 ~ /EXIT STATUS|КОДЫ ВЫХОДА/); next} on' "$1" |
		sed 's/\\-/-/g' | grep -oE '\b[0-9]{1,3}\b' | sort -u
}

same_sets() { # desc A B: the two lists match; the differences are named
	local only_a only_b
	only_a=$(comm -23 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	only_b=$(comm -13 <(echo "$2") <(echo "$3") | tr '\n' ' ')
	if [ -z "$only_a$only_b" ]; then ok "$1"; else
		not_ok "$1 (only in --help: ${only_a:-none}; only in the page: ${only_b:-none})"; fi
}

check_page() { # page program subcommand...
	local page=$TOP/man/$1 prog=$2 warn name=$1
	shift 2
	if [ ! -f "$page" ]; then
		not_ok "$name exists"
		return
	fi
	warn=$(groff -man -ww -z -K utf8 -Tutf8 "$page" 2>&1)
	if [ -z "$warn" ]; then ok "$name renders without groff warnings"; else
		not_ok "$name renders without groff warnings"; echo "$warn" | sed 's/^/# /' | head; fi
	check "$name renders with man -l" \
		bash -c "MANWIDTH=80 man -l '$page' 2>/dev/null | grep -qE 'NAME|ИМЯ'"
	same_sets "$name and --help list the same options" \
		"$(help_options "$prog" "$@")" "$(page_options "$page")"
	same_sets "$name and --help list the same exit codes" \
		"$(help_codes "$prog" "$@")" "$(page_codes "$page")"
}

check_page intake-submit.1 "$SUBMIT" upload replies
check_page ru/intake-submit.1 "$SUBMIT" upload replies
check_page intake-server.8 "$SERVER"
check_page intake-officer.1 "$OFFICER" keygen bundle fingerprint auth-keygen fetch open list show note state search reply push root-keygen root-fingerprint keyset-entry keyset-make keyset-show keyset-push check-page
check "--version: intake-submit" bash -c "'$SUBMIT' --version | grep -qE '^intake-submit [0-9]'"
check "--version: intake-server" bash -c "'$SERVER' --version | grep -qE '^intake-server [0-9]'"
check "--version: intake-officer" bash -c "'$OFFICER' --version | grep -qE '^intake-officer [0-9]'"
for p in "$SUBMIT" "$SUBMIT upload" "$SUBMIT replies" "$SERVER" "$OFFICER" "$OFFICER keygen" "$OFFICER fetch"; do
	check "-h is --help: $(basename "$p")" bash -c "cmp -s <($p -h 2>&1) <($p --help 2>&1)"
done
check "one spelling of organization in the docs and texts" \
	bash -c "! grep -rlw organisation '$TOP/README.md' '$TOP/SECURITY.md' '$TOP/docs' '$TOP/man' '$TOP/client' '$TOP/server' '$TOP/officer' '$TOP/common' '$TOP/po'"
