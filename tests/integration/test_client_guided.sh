#!/usr/bin/env bash
# test_client_guided.sh: intake-submit's guided mode on a real terminal
# (a pseudo-terminal driven by tests/tools/cli_pty.py), in English: no
# more files, type the text and one Ctrl-D, confirm the attachments, see
# the progress bar, get the receipt and type it back (a wrong one is
# caught, swapped words are named), the advice at the end. A folder given
# as a file is refused and asked again. An empty answer is asked again;
# answering "no" sends nothing. replies asks for the receipt without
# echoing it. The Russian session is test_client_guided_ru.sh.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

cli_keys || { not_ok "test keys"; exit 1; }
cli_start_server || { not_ok "server starts"; exit 1; }
NOCONF=(--no-config --keys "$T/bundle" --fingerprint "$FP" --server "$URL")
PTY=(python3 "$TOOLS/cli_pty.py")
WORDS='(?m)^[a-z]+( [a-z]+){11}(?=\r?$)'
CODE='(?m)^([0-9A-Z]{4}-){6}[0-9A-Z]{4}(?=\r?$)'
head -c 3000000 /dev/urandom >"$T/photo.jpg"

"${PTY[@]}" --log "$T/g1" 'expect:added: photo\.jpg \(2\.9 MiB\)' 'expect:File 2: ' 'send:\n' 'expect:Ctrl-D' \
	'send:I was there.\nIt was dark.\x04' \
	'expect:1\. photo\.jpg \(2\.9 MiB\)' 'expect:Send it now\? \[yes/no\]' 'send:y\n' \
	'expect:back to check' 'send:0000-0000-0000-0000-0000-0000-0000\n' \
	'expect:the code has a mistake' 'expect:back to check' "typeswap:$WORDS" \
	'expect:Words 2, 3 are not the same as in the receipt above' \
	'expect:back to check' "typeback:$WORDS" 'expect:Correct' \
	'expect:Close this window' -- $SUBMIT "${NOCONF[@]}" "$T/photo.jpg"
check "guided submission exits 0" test $? -eq 0
check "progress bar drawn" grep -aq 'sending .* of 2\.9 MiB' "$T/g1"
check "one envelope stored" test "$(cli_ids | wc -l)" -eq 1
cli_latest "$T/stored"
check "it opens" cli_open "$T/sec1" "$T/stored" "$T/open"
check "typed text arrived exactly (one Ctrl-D after the text ends it)" \
	cli_same "$T/open/text" <(printf 'I was there.\nIt was dark.')
check "attachment identical" cli_same "$T/open/file-0" "$T/photo.jpg"
check "the receipt is shown as 12 English words, once" test "$(grep -acP "$WORDS" "$T/g1")" -eq 1
check "the guided mode shows one form only (no code)" test "$(grep -acP "$CODE" "$T/g1")" -eq 0
RECEIPT=$(grep -aoP "$WORDS" "$T/g1" | head -n 1)

"${PTY[@]}" --log "$T/g2" 'expect:File 2: ' "send:$T\\n" 'expect:is a folder or not an ordinary file' \
	'expect:File 2: ' 'send:\n' 'expect:Ctrl-D' 'send:never mind\n\x04' \
	'expect:Send it now\?' 'send:\n' 'expect:write "yes" or "no"' 'expect:Send it now\?' \
	'send:n\n' -- $SUBMIT "${NOCONF[@]}" "$T/photo.jpg"
check "answering no exits 1" test $? -eq 1
check "answering no says nothing was sent" grep -aq "cancelled; nothing was sent" "$T/g2"
check "answering no stores nothing" test "$(cli_ids | wc -l)" -eq 1

"${PTY[@]}" --log "$T/g3" 'expect:receipt \(not shown as you type\): ' \
	'send:ABCD-EFGH\n' 'expect:that is not a receipt: a receipt is 12 words' 'expect:receipt \(not shown as you type\): ' \
	"send:$RECEIPT\n" 'expect:no replies yet' -- $SUBMIT replies "${NOCONF[@]}"
check "replies on a terminal asks again after a mistyped receipt, exits 0" test $? -eq 0
check "the typed receipt is not echoed" bash -c "! grep -aq '$RECEIPT' '$T/g3'"

stop_server
check "server stopped cleanly" test $? -eq 0
