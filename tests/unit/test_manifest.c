/* test_manifest.c: manifest JSON round trip and its exact bytes, hostile
 * JSON (each rule of docs/FORMAT.md 3.1), and the name sanitizer against
 * traversal, absolute paths, NUL, controls, bidi overrides, invalid UTF-8
 * and over-long names. */
#include "testutil.h"
#include "jmem.h"

static void safe(const char *in, size_t len, const char *want)
{
	char out[MANIFEST_NAME_MAX + 1];

	manifest_safe_name(in, len, out);
	assert_string_equal(out, want);
}

static void names(void **state)
{
	(void)state;
	safe("photo.jpg", 9, "photo.jpg");
	safe("../../etc/passwd", 16, "passwd");
	safe("/abs", 4, "abs");
	safe("/", 1, "file");
	safe("..", 2, "file");
	safe(".hidden", 7, "hidden");
	safe("a\nb", 3, "a_b");
	safe("a\0b", 3, "a_b");
	safe("C:\\Users\\x.doc", 14, "x.doc");
	safe("trailing. . ", 12, "trailing");
	safe("evil\xe2\x80\xaegpj.exe", 14, "evil_gpj.exe"); /* U+202E */
	safe("\xd0\x9f\xd0\xb8\xd1\x81\xd1\x8c\xd0\xbc\xd0\xbe.txt", 16,
	     "\xd0\x9f\xd0\xb8\xd1\x81\xd1\x8c\xd0\xbc\xd0\xbe.txt"); /* Письмо */
	safe("bad\xff\xfeutf8", 9, "bad__utf8");
	safe("\xc0\xafoverlong", 10, "__overlong");
	safe("\xed\xa0\x80surrogate", 12, "___surrogate");
	safe("tab\there\x7f\xc2\x85", 11, "tab_here__");
	safe("", 0, "file");
}

static void long_names_cut_on_char_boundary(void **state)
{
	char in[400], out[MANIFEST_NAME_MAX + 1];

	(void)state;
	/* 'я' is two bytes: 200 of them must cut to 60 whole letters */
	for (int i = 0; i < 200; i++)
		memcpy(in + 2 * i, "\xd1\x8f", 2);
	manifest_safe_name(in, 400, out);
	assert_int_equal(strlen(out), MANIFEST_NAME_MAX);
	memset(in, 'a', sizeof in);
	in[0] = 'x';
	manifest_safe_name(in, 1 + MANIFEST_NAME_MAX, out);
	assert_int_equal(strlen(out), MANIFEST_NAME_MAX);
	/* a three-byte letter straddling the limit is dropped whole */
	memset(in, 'a', MANIFEST_NAME_MAX - 1);
	memcpy(in + MANIFEST_NAME_MAX - 1, "\xe2\x82\xac", 3);
	manifest_safe_name(in, MANIFEST_NAME_MAX + 2, out);
	assert_int_equal(strlen(out), MANIFEST_NAME_MAX - 1);
}

static void round_trip(void **state)
{
	manifest m, d;
	char *json = NULL;
	size_t len;

	(void)state;
	memset(&m, 0, sizeof m);
	m.text_size = 42;
	m.has_reply = 1;
	memset(m.reply_pk, 7, 32);
	memset(m.mailbox, 9, 16);
	memcpy(m.date, "2026-11", 8);
	assert_int_equal(manifest_add_file(&m, "../x/\xd0\xb2\xd0\xb8\xd0\xb4\xd0\xb5\xd0\xbe.mp4", 1ULL << 40, "video/mp4"), ST_OK);
	assert_int_equal(manifest_add_file(&m, "a\"b\\c\"d.txt", 0, ""), ST_OK);
	assert_int_equal(manifest_add_file(&m, "x", 1, "bad type;"), ST_BADDATA);
	assert_int_equal(manifest_encode(&m, &json, &len), ST_OK);
	assert_int_equal(manifest_decode(json, len, &d), ST_OK);
	assert_true(d.text_size == 42);
	assert_int_equal(d.nfiles, 2);
	assert_string_equal(d.files[0].name, "\xd0\xb2\xd0\xb8\xd0\xb4\xd0\xb5\xd0\xbe.mp4");
	assert_true(d.files[0].size == 1ULL << 40);
	assert_string_equal(d.files[1].name, "c\"d.txt"); /* after the backslash */
	assert_int_equal(d.has_reply, 1);
	assert_memory_equal(d.reply_pk, m.reply_pk, 32);
	assert_memory_equal(d.mailbox, m.mailbox, 16);
	assert_string_equal(d.date, "2026-11");
	jmem_free(json);
	manifest_clear(&m);
	manifest_clear(&d);
}

static void hostile_json(void **state)
{
	static const char *bad[] = {
		"",
		"[]",
		"{",
		"{\"v\":1}",
		"{\"v\":1,\"text_size\":-1,\"files\":[]}",
		"{\"v\":1,\"text_size\":18446744073709551615,\"files\":[]}",
		"{\"v\":1,\"text_size\":9007199254740993,\"files\":[]}",
		"{\"v\":1,\"text_size\":1.5,\"files\":[]}",
		"{\"v\":1,\"text_size\":\"1\",\"files\":[]}",
		"{\"v\":1,\"text_size\":1,\"files\":{}}",
		"{\"v\":1,\"text_size\":1,\"files\":[1]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":1,\"size\":1,\"type\":\"\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":-5,\"type\":\"\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"x\\u0000/y\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"reply\":{\"pk\":\"AAAA\",\"mailbox\":\"00\"}}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"2026-1x\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":5}",
		"{\"v\":1,\"v\":1,\"text_size\":1,\"files\":[]}",
		"{\"v\":\"1\",\"text_size\":1,\"files\":[]}",
		/* 7: required members */
		"{\"text_size\":1,\"files\":[]}",
		"{\"v\":1,\"files\":[]}",
		"{\"v\":1,\"text_size\":1}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"size\":1,\"type\":\"\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"reply\":{\"pk\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\"}}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"reply\":5}",
		/* 2: NUL in any string, nesting depth */
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\\u0000b\",\"size\":1,\"type\":\"\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"x\":\"\\u0000\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"x\":[[[]]]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"\",\"x\":{}}]}",
		/* 3: type grammar */
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"/\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"image/\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"/jpeg\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"image\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"a/b/c\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\".x/y\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"text/plain; charset=utf-8\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":null}]}",
		/* 4: date */
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"2026-13\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"2026-00\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"0000-00\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"1999-12\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"2026-11-29\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"2026-1\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"2026/11\"}",
		/* 5: mailbox in lowercase hex only */
		"{\"v\":1,\"text_size\":1,\"files\":[],\"reply\":{\"pk\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"mailbox\":\"ABABABABABABABABABABABABABABABAB\"}}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"reply\":{\"pk\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"mailbox\":\"abababababababababababababababaB\"}}",
		/* pk: 32 bytes, canonical padded base64 */
		"{\"v\":1,\"text_size\":1,\"files\":[],\"reply\":{\"pk\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAB=\",\"mailbox\":\"abababababababababababababababab\"}}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"reply\":{\"pk\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\",\"mailbox\":\"abababababababababababababababab\"}}",
	};
	static const char *good[] = {
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"application/vnd.oasis.opendocument.text\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":\"Image/X-Foo+Bar\"}]}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"2000-01\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"date\":\"9999-12\"}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"x\":[[1]],\"y\":{\"z\":null}}",
		"{\"v\":1,\"text_size\":1,\"files\":[],\"reply\":{\"pk\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"mailbox\":\"abababababababababababababababab\"}}",
	};
	manifest m;

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		if (manifest_decode(bad[i], strlen(bad[i]), &m) != ST_BADDATA)
			fail_msg("accepted: %s", bad[i]);
	for (size_t i = 0; i < sizeof good / sizeof good[0]; i++) {
		if (manifest_decode(good[i], strlen(good[i]), &m) != ST_OK)
			fail_msg("refused: %s", good[i]);
		manifest_clear(&m);
	}
	/* 6: v an integer other than 1 is another version, whatever follows */
	assert_int_equal(manifest_decode("{\"v\":2}", 7, &m), ST_VERSION);
	assert_int_equal(manifest_decode("{\"v\":0,\"x\":1}", 13, &m), ST_VERSION);
	/* a later version may nest deeper than 3: still "unsupported version" */
	assert_int_equal(manifest_decode("{\"v\":2,\"x\":[[[[1]]]]}", 21, &m),
	                 ST_VERSION);
}

/* docs/FORMAT.md 3.1 fixes the bytes, so that a writer in another
 * language makes envelopes of the same length. */
static void exact_bytes(void **state)
{
	manifest m;
	char *json = NULL;
	size_t len;
	const char *want =
	    "{\"v\":1,\"text_size\":12,\"files\":[{\"name\":\"\\u0444\\u043E\\u0442\\u043E "
	    "\\\"1\\\"\\uD83D\\uDE00.jpg\",\"size\":1000,\"type\":\"image/jpeg\"},"
	    "{\"name\":\"a\",\"size\":0,\"type\":\"\"}],"
	    "\"reply\":{\"pk\":\"BwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwcHBwc=\","
	    "\"mailbox\":\"09090909090909090909090909090909\"},\"date\":\"2026-11\"}";

	(void)state;
	memset(&m, 0, sizeof m);
	m.text_size = 12;
	m.has_reply = 1;
	memset(m.reply_pk, 7, 32);
	memset(m.mailbox, 9, 16);
	memcpy(m.date, "2026-11", 8);
	assert_int_equal(manifest_add_file(&m, "\xd1\x84\xd0\xbe\xd1\x82\xd0\xbe \"1\"\xf0\x9f\x98\x80.jpg", 1000, "image/jpeg"), ST_OK);
	assert_int_equal(manifest_add_file(&m, "a", 0, ""), ST_OK);
	assert_int_equal(manifest_encode(&m, &json, &len), ST_OK);
	assert_string_equal(json, want);
	jmem_free(json);
	/* no date, no reply: the members are left out */
	m.has_reply = 0;
	m.date[0] = '\0';
	assert_int_equal(manifest_encode(&m, &json, &len), ST_OK);
	assert_null(strstr(json, "reply"));
	assert_null(strstr(json, "date"));
	jmem_free(json);
	memcpy(m.date, "2026-13", 8);
	assert_int_equal(manifest_encode(&m, &json, &len), ST_BADDATA);
	manifest_clear(&m);
}

static void hostile_names_in_json_are_sanitized(void **state)
{
	const char *j = "{\"v\":1,\"text_size\":0,\"files\":["
	                "{\"name\":\"../../etc/passwd\",\"size\":1,\"type\":\"\"},"
	                "{\"name\":\"/abs\",\"size\":1,\"type\":\"\"},"
	                "{\"name\":\"a\\nb\",\"size\":1,\"type\":\"\"},"
	                "{\"name\":\"bell\\u0007.sh\",\"size\":1,\"type\":\"\"},"
	                "{\"name\":\"..\",\"size\":1,\"type\":\"\"}]}";
	manifest m;

	(void)state;
	assert_int_equal(manifest_decode(j, strlen(j), &m), ST_OK);
	assert_string_equal(m.files[0].name, "passwd");
	assert_string_equal(m.files[1].name, "abs");
	assert_string_equal(m.files[2].name, "a_b");
	assert_string_equal(m.files[3].name, "bell_.sh");
	assert_string_equal(m.files[4].name, "file");
	manifest_clear(&m);
}

static void too_many_files(void **state)
{
	manifest m;
	size_t cap = 64 + (MANIFEST_MAX_FILES + 1) * 40, n;
	char *j = malloc(cap);

	(void)state;
	n = (size_t)snprintf(j, cap, "{\"v\":1,\"text_size\":0,\"files\":[");
	for (int i = 0; i <= MANIFEST_MAX_FILES; i++)
		n += (size_t)snprintf(j + n, cap - n, "%s{\"name\":\"f\",\"size\":0,\"type\":\"\"}", i ? "," : "");
	n += (size_t)snprintf(j + n, cap - n, "]}");
	assert_int_equal(manifest_decode(j, n, &m), ST_BADDATA);
	free(j);
}

static void types(void **state)
{
	(void)state;
	assert_string_equal(manifest_guess_type("a.JPG"), "image/jpeg");
	assert_string_equal(manifest_guess_type("clip.mov"), "video/quicktime");
	assert_string_equal(manifest_guess_type("noext"), "");
	assert_string_equal(manifest_guess_type("dir.d/noext"), "");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(names),
		cmocka_unit_test(long_names_cut_on_char_boundary),
		cmocka_unit_test(round_trip),
		cmocka_unit_test(exact_bytes),
		cmocka_unit_test(hostile_json),
		cmocka_unit_test(hostile_names_in_json_are_sanitized),
		cmocka_unit_test(too_many_files),
		cmocka_unit_test(types),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
