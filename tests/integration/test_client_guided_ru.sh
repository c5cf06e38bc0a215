#!/usr/bin/env bash
# test_client_guided_ru.sh: the guided mode as a Russian-speaking relative
# meets it (LANG=ru_RU.UTF-8, on a pseudo-terminal driven by
# tests/tools/cli_pty.py): a misspelt attachment path refused on the spot
# and corrected, one path dragged in (quotes, trailing space, a space and
# Cyrillic in it), one pasted with a backslash-escaped space, the letter,
# "н" (unclear: asked again, the letter kept) then "д", the receipt in
# words typed back: a mistyped word named with the nearest list words, two
# swapped words named, then as a person copies it (one word cut to its
# first 4 letters, one with Latin look-alike letters) and accepted. Later
# she reads the officer's reply with the words she wrote down. The real intake-officer opens what arrived,
# and no screen of the session shows an untranslated English word.
source "$(dirname "$0")/lib.sh"
source "$TOP/tests/tools/cli_lib.sh"

[ -x "$OFFICER" ] || { not_ok "intake-officer not built"; exit 1; }
printf 'a test passphrase, not a real one\n' >"$T/pass"
chmod 600 "$T/pass"
"$OFFICER" keygen --out "$T/o1" --passphrase-file "$T/pass" >/dev/null 2>&1 &&
FP=$("$OFFICER" bundle "$T/o1/officer.pub" --out "$T/bundle" 2>/dev/null) &&
"$OFFICER" auth-keygen --out "$T/auth" >/dev/null 2>&1
check "officer keys, bundle and auth key" test -s "$T/bundle" -a -n "$FP"
mkdir -p "$T/data"
start_server "$T/data" --officer-key "$T/auth/auth.pub" || { not_ok "server starts"; exit 1; }

mkdir -p "$T/мои фото"
# Real magic bytes: the officer keeps an extension only when the content
# matches it.
{ printf '\377\330\377\340'; head -c 300000 /dev/urandom; } >"$T/мои фото/снимок 1.jpg"
{ printf '%%PDF-1.4\n'; head -c 5000 /dev/urandom; } >"$T/скан письма.pdf"
PTY=(python3 "$TOOLS/cli_pty.py")
# A receipt on a line of its own: 12 words, or the base32 form.
CODE='(?m)^([^\s\x00-\x40]+( [^\s\x00-\x40]+){11}|([0-9A-Z]{4}-){6}[0-9A-Z]{4})(?=\r?$)'
LETTER='Я была там.\nБыло темно, их увезли ночью.\n'

LANG=ru_RU.UTF-8 "${PTY[@]}" --log "$T/ru" \
	'expect:Файл 1: ' "send:$T/мои фото/снимак 1.jpg\\n" \
	'expect:Не удаётся открыть' 'expect:Файл 1: ' "send:'$T/мои фото/снимок 1.jpg' \\n" \
	'expect:добавлен: снимок 1\.jpg \(293,0 КБ\)' 'expect:Файл 2: ' "send:$T/скан\\\\ письма.pdf\\n" \
	'expect:добавлен: скан письма\.pdf' 'expect:Файл 3: ' 'send:\n' \
	'expect:Ctrl-D' "send:$LETTER\\x04" \
	'expect:2 файла' 'expect:Отправить сейчас\? \[да/нет\]' 'send:н\n' \
	'expect:Напишите «да» или «нет»' 'expect:Отправить сейчас\?' 'send:д\n' \
	'expect:Ниже ваша квитанция: 12 слов' 'expect:ещё раз' "typeo:$CODE" \
	'expect:слово 7 — не из слов квитанции; может быть: [^ ,?]+' \
	'expect:ещё раз' "typeswap:$CODE" 'expect:Слова 2, 3 не совпадают с квитанцией выше' \
	'expect:ещё раз' "typeback:$CODE" 'expect:Верно' \
	'expect:Закройте это окно' \
	-- $SUBMIT --no-config --keys "$T/bundle" --fingerprint "$FP" --server "$URL"
check "guided session in Russian exits 0" test $? -eq 0

expect_exit 0 "officer fetches" "$OFFICER" fetch --server "$URL" --to "$T/inbox" \
	--auth-key "$T/auth/auth.sec"
expect_exit 0 "intake-officer opens it" "$OFFICER" open --from "$T/inbox" --cases "$T/cases" \
	--key "$T/o1/officer.sec" --passphrase-file "$T/pass"
C=$T/cases/case-000001
check "the letter arrived exactly (kept through the unclear answer)" \
	cmp -s "$C/testimony.txt" <(printf "$LETTER")
check "the dragged-in photo arrived" cmp -s "$C/files/снимок 1.jpg" "$T/мои фото/снимок 1.jpg"
check "the pasted scan arrived" cmp -s "$C/files/скан письма.pdf" "$T/скан письма.pdf"

check "the receipt is shown as 12 Russian words" grep -aqP '^(\p{Cyrillic}+ ){11}\p{Cyrillic}+\r?$' "$T/ru"
check "the accepted receipt was typed with Latin look-alikes in a Cyrillic word" \
	bash -c "grep -a 'ещё раз' '$T/ru' | tail -n 1 | grep -aqP '\p{Cyrillic}[aeopcxyk]|[aeopcxyk]\p{Cyrillic}'"

# Later she reads the reply on a terminal, typing the words she wrote down
# (not shown as she types), with one word cut short and look-alikes.
WORDS=$(grep -aoP '^(\p{Cyrillic}+ ){11}\p{Cyrillic}+(?=\r?$)' "$T/ru" | head -n 1)
printf 'Мы получили ваше письмо. Юрист свяжется с вами.\n' >"$T/reply"
expect_exit 0 "officer writes a reply" "$OFFICER" reply case-000001 --message-file "$T/reply" \
	--out "$T/outbox" --cases "$T/cases" --key "$T/o1/officer.sec" --passphrase-file "$T/pass"
expect_exit 0 "officer pushes it" "$OFFICER" push --server "$URL" --from "$T/outbox" \
	--auth-key "$T/auth/auth.sec"
LANG=ru_RU.UTF-8 "${PTY[@]}" --log "$T/ru-replies" 'expect:квитанция \(при наборе не видна\): ' \
	"copy:$WORDS" 'expect:Юрист свяжется с вами' \
	-- $SUBMIT replies --no-config --keys "$T/bundle" --fingerprint "$FP" --server "$URL"
check "she reads the reply with the words she wrote down" test $? -eq 0
check "the words she typed are not shown" bash -c "! grep -aqF '${WORDS%% *}' '$T/ru-replies'"

# Every screen in Russian: no Latin word left once the paths, the typed
# input, the receipt and the names of keys and programs are set aside.
latin=$(python3 - "$T" "$T/ru" "$T/ru-replies" <<'PY'
import re, sys
out = b"".join(open(p, "rb").read() for p in sys.argv[2:]).decode("utf-8", "replace")
out = out.replace(sys.argv[1], "")
out = re.sub(r"\x1b\[[0-9;]*[A-Za-z]", "", out)
out = re.sub(r"(?mi)([0-9A-Z]{4}-){6,}[0-9A-Z]{4}", "", out)  # receipt, key
out = re.sub(r"ещё раз[^\n]*", "", out)  # the receipt as typed back
allowed = {"Ctrl", "Enter", "intake", "submit", "jpg", "pdf"}
words = set(re.findall(r"[A-Za-z]{2,}", out)) - allowed
print(" ".join(sorted(words)))
PY
)
check "every screen is in Russian (untranslated: ${latin:-none})" test -z "$latin"
check "Cyrillic on the screens" grep -q 'Что делать дальше' "$T/ru"

# The language: LANG, LC_ALL, LANGUAGE, and --lang over all of them.
lang_is() { # desc want(ru|en) env... -- args...
	local desc=$1 want=$2 first
	shift 2
	first=$(env "$@" 2>&1 | head -n 1)
	case $want in
	ru) check "$desc" test "${first#вызов:}" != "$first" ;;
	en) check "$desc" test "${first#usage:}" != "$first" ;;
	esac
}
lang_is "LANG=ru_RU.UTF-8 gives Russian" ru LANG=ru_RU.UTF-8 $SUBMIT --help
lang_is "LC_ALL=ru_RU.UTF-8 wins over LANG" ru LANG=en_US.UTF-8 LC_ALL=ru_RU.UTF-8 $SUBMIT --help
lang_is "LANGUAGE=ru gives Russian" ru LANGUAGE=ru $SUBMIT --help
lang_is "LANGUAGE=uk:ru: the first of ours in the list" ru LANG=uk_UA.UTF-8 LANGUAGE=uk:ru $SUBMIT --help
lang_is "--lang ru over LANG=C.UTF-8" ru LANG=C.UTF-8 $SUBMIT --lang ru --help
lang_is "--lang=en over LANG=ru_RU.UTF-8" en LANG=ru_RU.UTF-8 $SUBMIT replies --lang=en --help
lang_is "no language set gives English" en $SUBMIT upload --help
expect_exit 64 "--lang de is a usage error" $SUBMIT --lang de --help
check "--lang de: says which languages there are" grep -q 'ru or en' "$T/err"
LANG=ru_RU.UTF-8 $SUBMIT --no-config -m /dev/null >"$T/out" 2>"$T/err"
check "an error in Russian" grep -q 'нет адреса сервера' "$T/err"

stop_server
check "server stopped cleanly" test $? -eq 0
