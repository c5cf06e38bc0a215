/* test_cli_guide.c: paths as people paste or drag them into a terminal
 * (guide_path): quotes, a trailing space, backslash-escaped spaces,
 * file:// URLs with %XX escapes, ~/, Cyrillic; empty and oversized lines. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../client/guide.h"

static void paths(void **state)
{
	static const struct {
		const char *in, *want;
	} cases[] = {
		{ "/tmp/a.jpg", "/tmp/a.jpg" },
		{ "  /tmp/a.jpg  ", "/tmp/a.jpg" },
		{ "'/tmp/мои фото/снимок 1.jpg' ", "/tmp/мои фото/снимок 1.jpg" },
		{ "\"/tmp/my file.pdf\"", "/tmp/my file.pdf" },
		{ "/tmp/my\\ file\\ (2).pdf", "/tmp/my file (2).pdf" },
		{ "'/tmp/it'\\''s.txt'", "/tmp/it's.txt" },
		{ "file:///tmp/%D1%84%20x.jpg", "/tmp/ф x.jpg" },
		{ "'file:///tmp/a%2"
		  "0b'", "/tmp/a b" },
		{ "~/x.txt", "/home/test/x.txt" },
		{ "'/tmp/\"q\".txt'", "/tmp/\"q\".txt" },
		{ "/tmp/end\\", "/tmp/end\\" },
	};
	char out[GUIDE_PATH_MAX];
	size_t i;

	(void)state;
	setenv("HOME", "/home/test", 1);
	for (i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		assert_int_equal(guide_path(cases[i].in, out, sizeof(out)), ST_OK);
		assert_string_equal(out, cases[i].want);
	}
}

static void refused(void **state)
{
	char out[8];

	(void)state;
	assert_int_equal(guide_path("", out, sizeof(out)), ST_USAGE);
	assert_int_equal(guide_path("   ", out, sizeof(out)), ST_USAGE);
	assert_int_equal(guide_path("''", out, sizeof(out)), ST_USAGE);
	assert_int_equal(guide_path("/tmp/longer", out, sizeof(out)), ST_TOOBIG);
	assert_int_equal(guide_path("/tmp/ab", out, sizeof(out)), ST_OK);
	assert_string_equal(out, "/tmp/ab");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(paths),
		cmocka_unit_test(refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
