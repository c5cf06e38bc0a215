#!/usr/bin/env bash
# test_officer_search.sh: search on a catalog made from real envelopes
# (off_mkenv, opened by the real binary): Russian words in any inflected
# form (подвал -> "в подвале", сын -> "сына", Луганск -> "Луганске"), ё
# folded (еще -> "ещё"), prefixes (подвал*), a note and an attachment
# name found, filters by state, date and key, "no matches" said plainly,
# and FTS5 syntax typed by the officer neither errors nor injects.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
umask 077
cd "$T" || exit 1

printf 'a long test passphrase, not real\n' >pass
"$OFFICER" keygen --out k --passphrase-file pass >fp 2>/dev/null
check "setup: key" test -s k/officer.pub
printf 'Моего сына держали в подвале в Луганске. Ещё двое пропали.\n' >t1
printf 'The river checkpoint. Nothing else.\n' >t2
printf 'x' >tiny
mkdir in
"$MKENV" --bundle k/officer.pub --out in/a1.env --text t1 >/dev/null &&
	"$MKENV" --bundle k/officer.pub --out in/a2.env --text t2 --attach tiny --as '"протокол допроса.pdf"' >/dev/null
check "setup: envelopes" test -s in/a2.env
expect_exit 0 "open" "$OFFICER" open --from in --cases cases --key k/officer.sec --passphrase-file pass
c1=$(awk '$2=="a1.env"{print $1}' out)
c2=$(awk '$2=="a2.env"{print $1}' out)

found() { # DESC QUERY CASE [ARGS...]: search finds exactly CASE
	local desc=$1 q=$2 want=$3
	shift 3
	"$OFFICER" search "$q" --cases cases "$@" >out 2>err
	if [ $? -eq 0 ] && [ "$(cut -d' ' -f1 out | tr '\n' ' ')" = "$want " ]; then
		ok "$desc"
	else
		not_ok "$desc: got '$(tr '\n' '|' <out)' $(cat err)"
	fi
}
none() { # DESC QUERY [ARGS...]: search succeeds and finds nothing, says so
	local desc=$1 q=$2
	shift 2
	"$OFFICER" search "$q" --cases cases "$@" >out 2>err
	if [ $? -eq 0 ] && [ ! -s out ] && grep -q "^no matches" err; then
		ok "$desc"
	else
		not_ok "$desc: got '$(tr '\n' '|' <out)' $(cat err)"
	fi
}
found "подвал finds 'в подвале'" подвал "$c1"
found "сын finds 'сына'" сын "$c1"
found "еще finds 'ещё'" еще "$c1"
found "Луганск finds 'Луганске'" Луганск "$c1"
found "ПОДВАЛЫ (case, another form)" ПОДВАЛЫ "$c1"
found "подвал* (prefix)" 'подвал*' "$c1"
found "пропа* (prefix of a verb)" 'пропа*' "$c1"
found "two words, both needed" 'сын подвал' "$c1"
none "two words in different cases: no match" 'сын river'
check "the hit is highlighted" bash -c "\"$OFFICER\" search подвал --cases cases | grep -q '\[подвале\]'"
found "an attachment name is found" допрос "$c2"
expect_exit 0 "a note" "$OFFICER" note "$c2" 'позвонить матери в пятницу' --cases cases
found "a note is found" пятница "$c2"
none "no match said plainly" Киев

# filters
found "--state new" подвал "$c1" --state new
expect_exit 0 "set a state" "$OFFICER" state "$c1" reviewed --cases cases
none "--state new excludes a reviewed case" подвал --state new
found "--state reviewed" подвал "$c1" --state reviewed
today=$(date -u +%Y-%m-%d)
found "--since a past day" подвал "$c1" --since 2020-01-01
none "--until a past day" подвал --until 2020-01-01
found "--key with the fingerprint keygen printed" подвал "$c1" --key "$(cat fp)"
found "--key in lower case without dashes" подвал "$c1" --key "$(tr -d - <fp | tr A-Z a-z)"
none "--key of another key" подвал --key AAAA-BBBB-CCCC-DDDD-EEEE-FFFF-GGGG-HHHH
expect_exit 64 "--since that is not a date" "$OFFICER" search подвал --cases cases --since yesterday
expect_exit 64 "--state that is not a state" "$OFFICER" search подвал --cases cases --state open
expect_exit 64 "an empty query" "$OFFICER" search '  ' --cases cases

# FTS5 syntax typed by the officer: plain words, never an error
for q in '"подвал' 'подвал"' 'подвал OR river' 'NOT river' 'NEAR(сын подвал)' \
	'text:подвал' '{text}:river' '(подвал' '^подвал' 'подвал AND' \
	'* ** " ( ) : ^ + -' "'; DROP TABLE cases; --"; do
	"$OFFICER" search "$q" --cases cases >out 2>err
	rc=$?
	if [ "$rc" -eq 0 ] && ! grep -qi "syntax\|error" err; then
		ok "FTS syntax is plain text: $q"
	else
		not_ok "FTS syntax is plain text: $q (exit $rc: $(cat err))"
	fi
done
none "OR is a word, not an operator" 'подвал OR river'
none "column filters are not honoured" 'names:допрос'
expect_exit 0 "the catalog is intact" "$OFFICER" list --cases cases
check "both cases listed" test "$(grep -c '^case-' out)" -eq 2
check "list shows the key as keygen printed it" grep -qF "$(cat fp)" out
