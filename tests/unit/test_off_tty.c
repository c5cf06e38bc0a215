/* test_off_tty.c: passphrases from a file: the first line only (LF or
 * CRLF), refused when others may read the file, when empty, or when
 * longer than TTY_PASS_MAX. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
#include "../../officer/tty.h"
#include "fsio.h"

static char path[64];

static void put(const char *text, size_t len, mode_t mode)
{
	unlink(path);
	assert_int_equal(fsio_write_file_atomic(path, text, len, mode, 1), ST_OK);
	assert_int_equal(chmod(path, mode), 0);
}

static st_t get(char **p, size_t *n)
{
	return tty_passphrase(path, "x", 0, p, n);
}

static void first_line_only(void **state)
{
	char *p = NULL;
	size_t n = 0;

	(void)state;
	put("correct horse\nsecond line\n", 26, 0600);
	assert_int_equal(get(&p, &n), ST_OK);
	assert_int_equal(n, 13);
	assert_string_equal(p, "correct horse");
	tty_pass_free(p);
	put("crlf pass\r\n", 11, 0600);
	assert_int_equal(get(&p, &n), ST_OK);
	assert_string_equal(p, "crlf pass");
	tty_pass_free(p);
	put("no newline", 10, 0400);
	assert_int_equal(get(&p, &n), ST_OK);
	assert_string_equal(p, "no newline");
	tty_pass_free(p);
}

static void refusals(void **state)
{
	char *p = NULL, *big;
	size_t n = 0;

	(void)state;
	put("readable\n", 9, 0644);
	assert_int_equal(get(&p, &n), ST_PERM);
	put("\nsecond\n", 8, 0600);
	assert_int_equal(get(&p, &n), ST_USAGE);
	big = malloc(TTY_PASS_MAX + 10);
	assert_non_null(big);
	memset(big, 'a', TTY_PASS_MAX + 10);
	put(big, TTY_PASS_MAX + 10, 0600);
	free(big);
	assert_int_equal(get(&p, &n), ST_TOOBIG);
	unlink(path);
	assert_int_equal(get(&p, &n), ST_NOINPUT);
	assert_null(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(first_line_only),
		cmocka_unit_test(refusals),
	};
	int rc;

	if (sodium_init() < 0)
		return 1;
	snprintf(path, sizeof path, "/tmp/test_off_tty.%ld", (long)getpid());
	rc = cmocka_run_group_tests(tests, NULL, NULL);
	unlink(path);
	return rc;
}
