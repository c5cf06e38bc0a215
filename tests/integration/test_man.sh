#!/usr/bin/env bash
# The man pages render without warnings (groff) and through man -l, and
# each mentions every long option the program's --help lists (subcommands
# included), so that the pages cannot fall behind the code unnoticed.
source "$(dirname "$0")/lib.sh"

help_options() { # program subcommand...: long options in all --help texts
	local prog=$1 c
	shift
	{
		"$prog" --help
		for c in "$@"; do "$prog" "$c" --help; done
	} 2>&1 | grep -oE -- '--[a-z][a-z0-9-]+' | sort -u
}

check_page() { # page program subcommand...
	local page=$TOP/man/$1 prog=$2 missing="" o warn
	shift 2
	if [ ! -f "$page" ]; then
		not_ok "$(basename "$page") exists"
		return
	fi
	warn=$(groff -man -ww -z -Tutf8 "$page" 2>&1)
	if [ -z "$warn" ]; then ok "$(basename "$page") renders without groff warnings"; else
		not_ok "$(basename "$page") renders without groff warnings"; echo "$warn" | sed 's/^/# /' | head; fi
	check "$(basename "$page") renders with man -l" \
		bash -c "MANWIDTH=80 man -l '$page' 2>/dev/null | grep -q NAME"
	for o in $(help_options "$prog" "$@"); do
		# man pages escape the hyphens: \-\-option
		grep -qF -- "${o//-/\\-}" "$page" || grep -qF -- "$o" "$page" || missing="$missing $o"
	done
	if [ -z "$missing" ]; then ok "$(basename "$page") mentions every --help option"; else
		not_ok "$(basename "$page") mentions every --help option (missing:$missing)"; fi
}

check_page intake-submit.1 "$SUBMIT" upload replies
check_page intake-server.8 "$SERVER"
check_page intake-officer.1 "$OFFICER" keygen bundle fingerprint auth-keygen fetch open list show note state search reply push check-page
