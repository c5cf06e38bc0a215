/* test_cli_ui.c: the client's terminal helpers without a terminal: size
 * and progress formatting, and line reading from a pipe (newline kept
 * out, nothing past it consumed, overlong lines refused and wiped). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../client/ui.h"

static void sizes(void **state)
{
	char b[32];

	(void)state;
	ui_format_size(b, sizeof(b), 0);
	assert_string_equal(b, "0 B");
	ui_format_size(b, sizeof(b), 1023);
	assert_string_equal(b, "1023 B");
	ui_format_size(b, sizeof(b), 1536);
	assert_string_equal(b, "1.5 KiB");
	ui_format_size(b, sizeof(b), (uint64_t)200 << 20);
	assert_string_equal(b, "200.0 MiB");
	ui_format_size(b, sizeof(b), (uint64_t)3 << 30);
	assert_string_equal(b, "3.0 GiB");
}

static void progress_lines(void **state)
{
	char b[160];

	(void)state;
	ui_progress_line(b, sizeof(b), (uint64_t)50 << 20, (uint64_t)100 << 20, 10.0);
	assert_string_equal(b, "sending 50.0 MiB of 100.0 MiB   50%  5.0 MiB/s  0:10 left");
	ui_progress_line(b, sizeof(b), 0, 1000, 0.0);
	assert_string_equal(b, "sending 0 B of 1000 B    0%  0 B/s  --:-- left");
	ui_progress_line(b, sizeof(b), (uint64_t)1 << 30, (uint64_t)2 << 30, 2.0);
	assert_string_equal(b, "sending 1.0 GiB of 2.0 GiB   50%  512.0 MiB/s  0:02 left");
	ui_progress_line(b, sizeof(b), 10, 20, 7200.0);
	assert_string_equal(b, "sending 10 B of 20 B   50%  0 B/s  2:00:00 left");
}

static int pipe_with(const char *s)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], s, strlen(s)), (ssize_t)strlen(s));
	close(p[1]);
	return p[0];
}

static void read_lines(void **state)
{
	char b[16];
	int fd;

	(void)state;
	fd = pipe_with("first\r\nsecond\nlast");
	assert_int_equal(ui_read_line(fd, b, sizeof(b), 1), ST_OK);
	assert_string_equal(b, "first");
	assert_int_equal(ui_read_line(fd, b, sizeof(b), 0), ST_OK);
	assert_string_equal(b, "second");
	assert_int_equal(ui_read_line(fd, b, sizeof(b), 1), ST_OK);
	assert_string_equal(b, "last");
	assert_int_equal(ui_read_line(fd, b, sizeof(b), 1), ST_NOINPUT);
	close(fd);

	fd = pipe_with("0123456789abcdefXYZ\nnext\n");
	assert_int_equal(ui_read_line(fd, b, sizeof(b), 1), ST_TOOBIG);
	assert_int_equal(b[0], 0); /* wiped */
	assert_int_equal(ui_read_line(fd, b, sizeof(b), 1), ST_OK);
	assert_string_equal(b, "next");
	close(fd);
}

static void answers(void **state)
{
	static const char *const yes[] = { "y", "Y", "yes", "д", "Д", "да",
	                                   "Да", "ДА", " да ", "lf" };
	static const char *const no[] = { "n", "no", "нет", "Нет", "т", "Т",
	                                  "ytn" };
	static const char *const unclear[] = { "", "н", "Н", "maybe", "дa",
	                                       "yess", "д а" };
	size_t i;

	(void)state;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		assert_int_equal(ui_answer(yes[i]), 1);
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		assert_int_equal(ui_answer(no[i]), 0);
	for (i = 0; i < sizeof(unclear) / sizeof(unclear[0]); i++)
		assert_int_equal(ui_answer(unclear[i]), -1);
}

static void confirm(void **state)
{
	int yes = -1, fd, saved, null;

	(void)state;
	/* The questions go to stderr; keep them out of the TAP output. */
	saved = dup(STDERR_FILENO);
	null = open("/dev/null", O_WRONLY);
	assert_true(saved >= 0 && null >= 0);
	dup2(null, STDERR_FILENO);
	close(null);
	/* Unclear answers (empty, "н", "maybe") are asked again. */
	fd = pipe_with("y\nno\n\nн\nmaybe\n д \nт\n\n");
	assert_int_equal(ui_confirm(fd, "send?", &yes), ST_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(ui_confirm(fd, "send?", &yes), ST_OK);
	assert_int_equal(yes, 0);
	assert_int_equal(ui_confirm(fd, "send?", &yes), ST_OK);
	assert_int_equal(yes, 1);
	assert_int_equal(ui_confirm(fd, "send?", &yes), ST_OK);
	assert_int_equal(yes, 0);
	assert_int_equal(ui_confirm(fd, "send?", &yes), ST_NOINPUT);
	assert_int_equal(yes, 0);
	close(fd);
	dup2(saved, STDERR_FILENO);
	close(saved);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes),
		cmocka_unit_test(progress_lines),
		cmocka_unit_test(read_lines),
		cmocka_unit_test(confirm),
		cmocka_unit_test(answers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
