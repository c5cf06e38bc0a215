/* test_off_classify.c: attachments classified by content, never by name.
 * Fixtures are made here: an ELF named photo.jpg, a PDF with JavaScript
 * (also hidden as /J#61vaScript) and an open action, a .docm with a
 * vbaProject.bin, a zip with a nested archive, an unsafe path and a
 * bomb's size ratio, an SVG and a page with script, an OLE document with
 * a VBA project, a shebang script, plain text; the name rule; damaged
 * and random input never fail. */
#include <fcntl.h>
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
#include "../../officer/classify.h"

/* Classify the bytes p[0..n) through a temporary file. */
static void classify_bytes(const void *p, size_t n, classify_result *r)
{
	char path[] = "/tmp/test_off_classify.XXXXXX";
	int fd = mkstemp(path);

	assert_true(fd >= 0);
	unlink(path);
	assert_int_equal(write(fd, p, n), (ssize_t)n);
	assert_int_equal(classify_fd(fd, n, r), ST_OK);
	close(fd);
}
#define CLASSIFY_LIT(lit, r) classify_bytes(lit, sizeof lit - 1, r)

static void expect_name(const classify_result *r, const char *name,
                        const char *want)
{
	char out[128];

	classify_name(r, name, out, sizeof out);
	assert_string_equal(out, want);
}

/* A zip of stored entries: names[i] holding datas[i]; sizes[i] is the
 * uncompressed size written into the directory (a bomb lies there). */
static size_t make_zip(unsigned char *z, const char *const *names,
                       const char *const *datas, const uint32_t *sizes,
                       size_t n)
{
	size_t k = 0, i, cd, cdlen, off[16], nl, dl;

#define U16(v) (z[k++] = (unsigned char)(v), z[k++] = (unsigned char)((v) >> 8))
#define U32(v) (U16((v) & 0xffff), U16((uint32_t)(v) >> 16))
	for (i = 0; i < n; i++) {
		off[i] = k;
		nl = strlen(names[i]);
		dl = strlen(datas[i]);
		memcpy(z + k, "PK\3\4", 4), k += 4;
		U16(20); U16(0); U16(0); U16(0); U16(0);
		U32(0); U32(dl); U32(dl); U16(nl); U16(0);
		memcpy(z + k, names[i], nl), k += nl;
		memcpy(z + k, datas[i], dl), k += dl;
	}
	cd = k;
	for (i = 0; i < n; i++) {
		nl = strlen(names[i]);
		dl = strlen(datas[i]);
		memcpy(z + k, "PK\1\2", 4), k += 4;
		U16(20); U16(20); U16(0); U16(0); U16(0); U16(0);
		U32(0); U32(dl); U32(sizes != NULL ? sizes[i] : dl);
		U16(nl); U16(0); U16(0); U16(0); U16(0); U32(0); U32(off[i]);
		memcpy(z + k, names[i], nl), k += nl;
	}
	cdlen = k - cd;
	memcpy(z + k, "PK\5\6", 4), k += 4;
	U16(0); U16(0); U16(n); U16(n); U32(cdlen); U32(cd); U16(0);
	return k;
}

static void executables(void **state)
{
	classify_result r;

	(void)state;
	CLASSIFY_LIT("\x7f" "ELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x02\0>\0", &r);
	assert_string_equal(r.kind, "executable");
	assert_string_equal(r.flags, "executable");
	assert_true(classify_risky(&r));
	expect_name(&r, "photo.jpg", "photo.jpg.bin");
	expect_name(&r, "tool", "tool.bin");
	CLASSIFY_LIT("MZ\x90\0\x03\0\0\0", &r);
	assert_string_equal(r.kind, "executable");
	expect_name(&r, "setup.exe", "setup.exe.bin");
	CLASSIFY_LIT("\xcf\xfa\xed\xfe\x07\0\0\x01", &r);
	assert_string_equal(r.kind, "executable");
	CLASSIFY_LIT("#!/bin/sh\nrm -rf ~\n", &r);
	assert_string_equal(r.kind, "script");
	assert_string_equal(r.flags, "script");
	expect_name(&r, "notes.txt", "notes.txt.bin");
}

static void media_and_names(void **state)
{
	classify_result r;

	(void)state;
	CLASSIFY_LIT("\xff\xd8\xff\xe0\0\x10JFIF\0", &r);
	assert_string_equal(r.kind, "image");
	assert_string_equal(r.flags, "");
	assert_false(classify_risky(&r));
	expect_name(&r, "photo.jpg", "photo.jpg");
	expect_name(&r, "PHOTO.JPEG", "PHOTO.JPEG");
	expect_name(&r, "photo.png", "photo.png.bin");
	expect_name(&r, "photo", "photo");
	expect_name(&r, "photo.jpg.exe", "photo.jpg.exe.bin");
	CLASSIFY_LIT("\x89PNG\r\n\x1a\n\0\0\0\rIHDR", &r);
	assert_string_equal(r.kind, "image");
	CLASSIFY_LIT("\0\0\0\x18" "ftypmp42\0\0\0\0mp42isom", &r);
	assert_string_equal(r.kind, "video");
	expect_name(&r, "clip.MOV", "clip.MOV");
	CLASSIFY_LIT("\0\0\0\x18" "ftypM4A \0\0\0\0", &r);
	assert_string_equal(r.kind, "audio");
	CLASSIFY_LIT("ID3\x03\0\0\0\0\0\0", &r);
	assert_string_equal(r.kind, "audio");
	CLASSIFY_LIT("OggS\0\x02", &r);
	assert_string_equal(r.kind, "audio");
	CLASSIFY_LIT("Моего сына держали в подвале.\n", &r);
	assert_string_equal(r.kind, "text");
	expect_name(&r, "заявление.txt", "заявление.txt");
	expect_name(&r, "заявление.js", "заявление.js.bin");
	CLASSIFY_LIT("", &r);
	assert_string_equal(r.kind, "empty");
	CLASSIFY_LIT("\x01\x02\x03\x04\xfe\xfe", &r);
	assert_string_equal(r.kind, "data");
	expect_name(&r, "blob.pdf", "blob.pdf.bin");
}

static void pdfs(void **state)
{
	classify_result r;

	(void)state;
	CLASSIFY_LIT("%PDF-1.7\n1 0 obj << /Type /Catalog /OpenAction 2 0 R >>\n"
	             "2 0 obj << /S /JavaScript /JS (app.alert(1)) >>\n%%EOF\n",
	             &r);
	assert_string_equal(r.kind, "pdf");
	assert_non_null(strstr(r.flags, "javascript"));
	assert_non_null(strstr(r.flags, "open action"));
	expect_name(&r, "report.pdf", "report.pdf");
	/* names hidden with #hh escapes are decoded */
	CLASSIFY_LIT("%PDF-1.4\n<< /S /J#61vaScript /L#61unch >> /A#41 <<"
	             "/EmbeddedFiles>>", &r);
	assert_non_null(strstr(r.flags, "javascript"));
	assert_non_null(strstr(r.flags, "launch"));
	assert_non_null(strstr(r.flags, "auto action"));
	assert_non_null(strstr(r.flags, "embedded file"));
	CLASSIFY_LIT("%PDF-1.4\n1 0 obj << /Type /Page /JSX 1 /AAB 2 >>\n", &r);
	assert_string_equal(r.flags, "");
}

static void office_and_archives(void **state)
{
	static const char *const docm[] = { "[Content_Types].xml",
		"word/document.xml", "word/vbaProject.bin" };
	static const char *const docx[] = { "[Content_Types].xml",
		"word/document.xml" };
	static const char *const bomb[] = { "a.txt", "inner.zip", "../../x" };
	static const char *const data[] = { "<Types/>", "<w:document/>",
		"VBA" };
	static const uint32_t big[] = { 2000000000u, 5, 5 };
	unsigned char z[4096];
	classify_result r;
	size_t n;

	(void)state;
	n = make_zip(z, docm, data, NULL, 3);
	classify_bytes(z, n, &r);
	assert_string_equal(r.kind, "office");
	assert_non_null(strstr(r.flags, "macros"));
	expect_name(&r, "letter.docm", "letter.docm");
	expect_name(&r, "letter.pdf", "letter.pdf.bin");
	n = make_zip(z, docx, data, NULL, 2);
	classify_bytes(z, n, &r);
	assert_string_equal(r.kind, "office");
	assert_string_equal(r.flags, "");
	n = make_zip(z, bomb, data, big, 3);
	classify_bytes(z, n, &r);
	assert_string_equal(r.kind, "archive");
	assert_non_null(strstr(r.flags, "nested archive"));
	assert_non_null(strstr(r.flags, "unsafe paths"));
	assert_non_null(strstr(r.flags, "size ratio"));
	/* damaged: a directory pointing past the file, or none at all */
	z[n - 6] = 0xff;
	classify_bytes(z, n, &r);
	assert_non_null(strstr(r.flags, "damaged archive"));
	CLASSIFY_LIT("PK\3\4", &r);
	assert_string_equal(r.kind, "archive");
	assert_non_null(strstr(r.flags, "damaged archive"));
	/* OLE with a VBA project (UTF-16LE directory name) */
	{
		unsigned char ole[1024];

		memset(ole, 0, sizeof ole);
		memcpy(ole, "\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", 8);
		memcpy(ole + 700, "_\0V\0B\0A\0_\0P\0R\0O\0J\0E\0C\0T\0", 24);
		classify_bytes(ole, sizeof ole, &r);
		assert_string_equal(r.kind, "office");
		assert_string_equal(r.flags, "macros");
		expect_name(&r, "old.doc", "old.doc");
	}
}

static void pages(void **state)
{
	classify_result r;

	(void)state;
	CLASSIFY_LIT("<?xml version=\"1.0\"?>\n<svg xmlns=\"http://www.w3.org/"
	             "2000/svg\"><SCRIPT>alert(1)</SCRIPT></svg>", &r);
	assert_string_equal(r.kind, "svg");
	assert_non_null(strstr(r.flags, "script"));
	expect_name(&r, "map.svg", "map.svg");
	expect_name(&r, "map.png", "map.png.bin");
	CLASSIFY_LIT("<svg><rect width=\"1\"/></svg>", &r);
	assert_string_equal(r.kind, "svg");
	assert_string_equal(r.flags, "");
	CLASSIFY_LIT("\xef\xbb\xbf  <!DOCTYPE html><body OnLoad=\"x()\">"
	             "<img src=\"https://t.example/p.gif\">", &r);
	assert_string_equal(r.kind, "html");
	assert_non_null(strstr(r.flags, "script"));
	assert_non_null(strstr(r.flags, "remote content"));
}

/* A browser renders XML in the XHTML or SVG namespace as a page and runs
 * its script, whatever the prefix, so "notes.xml" (kept as text) must
 * still be flagged; also when the markup starts after the first 4 KiB. */
static void xml_pages(void **state)
{
	static const char page[] =
		"<x:p xmlns:x=\"http://www.w3.org/1999/xhtml\">"
		"<x:script>alert(1)</x:script></x:p>";
	char buf[8192];
	classify_result r;
	int n;

	(void)state;
	CLASSIFY_LIT("<?xml version=\"1.0\"?>\n<x:p xmlns:x=\"http://www.w3.org/"
	             "1999/xhtml\"><x:script>alert(1)</x:script></x:p>", &r);
	assert_string_equal(r.kind, "text");
	assert_true(classify_risky(&r));
	n = snprintf(buf, sizeof buf, "<?xml version=\"1.0\"?>\n<!-- %05000d -->%s",
	             0, page);
	classify_bytes(buf, (size_t)n, &r);
	assert_true(classify_risky(&r));
	CLASSIFY_LIT("<?xml version=\"1.0\"?>\n<s:svg xmlns:s=\"http://www.w3.org/"
	             "2000/svg\" onload=\"alert(1)\"/>", &r);
	assert_true(classify_risky(&r));
	CLASSIFY_LIT("<?xml version=\"1.0\"?>\n<?xml-stylesheet href=\"t.xsl\" "
	             "type=\"text/xsl\"?><doc/>", &r);
	assert_true(classify_risky(&r));
	/* plain data XML stays plain */
	CLASSIFY_LIT("<?xml version=\"1.0\"?>\n<list><item>1</item></list>", &r);
	assert_string_equal(r.kind, "text");
	assert_false(classify_risky(&r));
}

static void random_input(void **state)
{
	unsigned char buf[8192];
	classify_result r;
	char name[64];
	size_t i, n;

	(void)state;
	for (i = 0; i < 300; i++) {
		n = randombytes_uniform(sizeof buf);
		randombytes_buf(buf, n);
		if (i % 3 == 0 && n > 8)
			memcpy(buf, (const char *const[]){ "PK\3\4", "%PDF",
			       "\xd0\xcf\x11\xe0", "<svg" }[i % 4], 4);
		if (i % 5 == 0 && n > 30)
			memcpy(buf + n - 22, "PK\5\6", 4);
		classify_bytes(buf, n, &r);
		assert_non_null(r.kind);
		assert_true(strlen(r.flags) < CLASSIFY_FLAGS_MAX);
		classify_name(&r, "a.jpg", name, sizeof name);
		assert_true(strncmp(name, "a.jpg", 5) == 0);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(executables),
		cmocka_unit_test(media_and_names),
		cmocka_unit_test(pdfs),
		cmocka_unit_test(office_and_archives),
		cmocka_unit_test(pages),
		cmocka_unit_test(xml_pages),
		cmocka_unit_test(random_input),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
