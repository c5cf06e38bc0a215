/* test_cli_conf.c: the client's configuration file: keys, comments,
 * relative paths, booleans, and refusal of unknown, repeated or broken
 * lines with the right line number. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "../../client/conf.h"

static void parse_all_keys(void **state)
{
	static const char text[] =
		"# intake client\n"
		"\n"
		"server = https://intake.example.org\n"
		"  keys=bundle.txt  \n"
		"fingerprint = ABCD-EFGH\r\n"
		"proxy = socks5h://127.0.0.1:9050\n"
		"tor = yes\n"
		"cacert = /etc/ca.pem\n"
		"pin = sha256//AAAA\n";
	conf c;
	size_t line = 99;

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_parse(&c, text, sizeof(text) - 1, "/home/u/.config/intake",
	                            &line), ST_OK);
	assert_int_equal(line, 0);
	assert_string_equal(c.server, "https://intake.example.org");
	assert_string_equal(c.keys, "/home/u/.config/intake/bundle.txt");
	assert_string_equal(c.fingerprint, "ABCD-EFGH");
	assert_string_equal(c.proxy, "socks5h://127.0.0.1:9050");
	assert_int_equal(c.tor, 1);
	assert_string_equal(c.cacert, "/etc/ca.pem");
	assert_string_equal(c.pin, "sha256//AAAA");
	conf_release(&c);
	assert_null(c.server);
	assert_int_equal(c.tor, -1);
}

static void parse_bools_and_no_dir(void **state)
{
	conf c;
	size_t line;

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_parse(&c, "tor = off\nkeys = k.txt", 22, NULL, &line),
	                 ST_OK);
	assert_int_equal(c.tor, 0);
	assert_string_equal(c.keys, "k.txt");
	conf_release(&c);
}

static void expect_bad(const char *text, size_t want_line)
{
	conf c;
	size_t line = 0;

	conf_init(&c);
	assert_int_equal(conf_parse(&c, text, strlen(text), NULL, &line), ST_CONFIG);
	assert_int_equal(line, want_line);
	conf_release(&c);
}

static void refuse_bad_lines(void **state)
{
	(void)state;
	expect_bad("colour = blue\n", 1);
	expect_bad("server = a\n# ok\nserver = b\n", 3);
	expect_bad("server\n", 1);
	expect_bad("server =\n", 1);
	expect_bad("= x\n", 1);
	expect_bad("tor = maybe\n", 1);
	expect_bad("tor = yes\ntor = no\n", 2);
	expect_bad("\n\nserver = a\x01b\n", 3);
}

static void refuse_nul_and_long(void **state)
{
	conf c;
	size_t line = 0;
	char *big;

	(void)state;
	conf_init(&c);
	assert_int_equal(conf_parse(&c, "server = a\0b\n", 13, NULL, &line),
	                 ST_CONFIG);
	assert_int_equal(line, 1);
	conf_release(&c);
	big = malloc(CONF_LINE_MAX + 20);
	assert_non_null(big);
	memcpy(big, "server = ", 9);
	memset(big + 9, 'a', CONF_LINE_MAX + 10);
	big[CONF_LINE_MAX + 19] = '\0';
	expect_bad(big, 1);
	free(big);
}

static void default_path_and_sibling(void **state)
{
	char *p = NULL;

	(void)state;
	setenv("XDG_CONFIG_HOME", "/x/cfg", 1);
	assert_int_equal(conf_default_path(&p), ST_OK);
	assert_string_equal(p, "/x/cfg/intake/submit.conf");
	free(p);
	setenv("XDG_CONFIG_HOME", "relative", 1); /* ignored: not absolute */
	setenv("HOME", "/home/u", 1);
	assert_int_equal(conf_default_path(&p), ST_OK);
	assert_string_equal(p, "/home/u/.config/intake/submit.conf");
	free(p);
	unsetenv("XDG_CONFIG_HOME");
	unsetenv("HOME");
	assert_int_equal(conf_default_path(&p), ST_NOTFOUND);
	assert_int_equal(conf_sibling("/a/b/submit.conf", "bundle.txt", &p), ST_OK);
	assert_string_equal(p, "/a/b/bundle.txt");
	free(p);
	assert_int_equal(conf_sibling("submit.conf", "bundle.txt", &p), ST_OK);
	assert_string_equal(p, "./bundle.txt");
	free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(parse_all_keys),
		cmocka_unit_test(parse_bools_and_no_dir),
		cmocka_unit_test(refuse_bad_lines),
		cmocka_unit_test(refuse_nul_and_long),
		cmocka_unit_test(default_path_and_sibling),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
