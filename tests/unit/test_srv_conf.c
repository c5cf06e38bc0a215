/* test_srv_conf.c: intake-server configuration: sizes and durations, flag
 * parsing, the config file and its override by flags, officer key files,
 * and the coarse dates that the granularity setting produces. */
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
#include "../../server/conf.h"
#include "../../server/upload.h"

static char tmpdir[] = "/tmp/test_srv_conf.XXXXXX";

static void write_text(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	assert_non_null(f);
	fputs(text, f);
	fclose(f);
}

static void sizes(void **state)
{
	uint64_t v;

	(void)state;
	assert_int_equal(conf_parse_size("10", &v), ST_OK);
	assert_int_equal(v, 10);
	assert_int_equal(conf_parse_size("4K", &v), ST_OK);
	assert_int_equal(v, 4096);
	assert_int_equal(conf_parse_size("3g", &v), ST_OK);
	assert_int_equal(v, 3ULL << 30);
	assert_int_equal(conf_parse_size("2T", &v), ST_OK);
	assert_int_equal(v, 2ULL << 40);
	assert_int_equal(conf_parse_size("", &v), ST_CONFIG);
	assert_int_equal(conf_parse_size("-1", &v), ST_CONFIG);
	assert_int_equal(conf_parse_size(" 1", &v), ST_CONFIG);
	assert_int_equal(conf_parse_size("1KB", &v), ST_CONFIG);
	assert_int_equal(conf_parse_size("10Q", &v), ST_CONFIG);
	assert_int_equal(conf_parse_size("99999999999T", &v), ST_CONFIG);
	assert_int_equal(conf_parse_size("99999999999999999999999", &v), ST_CONFIG);
	assert_int_equal(conf_parse_duration("90", &v), ST_OK);
	assert_int_equal(v, 90);
	assert_int_equal(conf_parse_duration("3m", &v), ST_OK);
	assert_int_equal(v, 180);
	assert_int_equal(conf_parse_duration("2h", &v), ST_OK);
	assert_int_equal(v, 7200);
	assert_int_equal(conf_parse_duration("7d", &v), ST_OK);
	assert_int_equal(v, 7 * 86400);
	assert_int_equal(conf_parse_duration("1w", &v), ST_CONFIG);
}

static st_t parse(conf *c, int *help, const char *a0, ...)
{
	char *argv[32];
	int argc = 0;
	va_list ap;
	const char *a;

	argv[argc++] = (char *)"intake-server";
	va_start(ap, a0);
	for (a = a0; a != NULL && argc < 31; a = va_arg(ap, const char *))
		argv[argc++] = (char *)a;
	va_end(ap);
	argv[argc] = NULL;
	return conf_parse_args(c, argc, argv, help);
}

static void flags(void **state)
{
	conf c;
	int help;

	(void)state;
	assert_int_equal(conf_init(&c), ST_OK);
	assert_string_equal(c.listen_host, "127.0.0.1");
	assert_int_equal(c.port, 8080);
	assert_int_equal(parse(&c, &help, "--data-dir", "/x", "--listen", "[::1]:9000",
	                       "--max-size", "1M", "--quota", "0", "--expire", "1h",
	                       "--date-granularity", "week", "--retention", "keep",
	                       "--officer-key", "a", "--officer-key", "b", NULL),
	                 ST_OK);
	assert_int_equal(help, 0);
	assert_string_equal(c.data_dir, "/x");
	assert_string_equal(c.listen_host, "::1");
	assert_int_equal(c.port, 9000);
	assert_int_equal(c.max_size, 1 << 20);
	assert_int_equal(c.expire, 3600);
	assert_int_equal(c.granularity, CONF_GRAN_WEEK);
	assert_int_equal(c.retention, CONF_RET_KEEP);
	assert_int_equal(c.n_officer_key_files, 2);
	assert_string_equal(c.officer_key_files[1], "b");
	conf_free(&c);

	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--help", "--bogus-later-is-ignored-not", NULL), ST_USAGE);
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--help", NULL), ST_OK);
	assert_int_equal(help, 1);
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--data-dir", "/x", "--bogus", NULL), ST_USAGE);
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--listen", "127.0.0.1:1", NULL), ST_USAGE);
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--data-dir", "/x", "stray", NULL), ST_USAGE);
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--data-dir", "/x", "--listen", "nocolon", NULL), ST_CONFIG);
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--data-dir", "/x", "--listen", "1.2.3.4:70000", NULL), ST_CONFIG);
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--data-dir", "/x", "--tls-cert", "c", NULL), ST_USAGE);
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--data-dir", "/x", "--max-size", "0", NULL), ST_CONFIG);
	conf_free(&c);
}

static void config_file(void **state)
{
	char path[256], bad[256];
	conf c;
	int help;

	(void)state;
	snprintf(path, sizeof path, "%s/good.conf", tmpdir);
	write_text(path, "# comment\n\n  data-dir = /from-file  \nmax-size=2K\n"
	                 "officer-key = k1\nretention = delete-on-fetch\n");
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--config", path, "--max-size", "3K", "--officer-key", "k2", NULL), ST_OK);
	assert_string_equal(c.data_dir, "/from-file");
	assert_int_equal(c.max_size, 3072); /* the flag wins */
	assert_int_equal(c.n_officer_key_files, 2);
	assert_string_equal(c.officer_key_files[0], "k1");
	conf_free(&c);

	snprintf(bad, sizeof bad, "%s/bad.conf", tmpdir);
	write_text(bad, "data-dir = /x\nno equals sign here\n");
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--config", bad, NULL), ST_CONFIG);
	conf_free(&c);
	write_text(bad, "unknown-key = 1\n");
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--config", bad, NULL), ST_CONFIG);
	conf_free(&c);
	write_text(bad, "config = /etc/other\n");
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--config", bad, NULL), ST_CONFIG);
	conf_free(&c);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--config", "/nonexistent/intake.conf", NULL), ST_NOINPUT);
	conf_free(&c);
}

static void officer_keys(void **state)
{
	uint8_t pk1[AUTH_PK_LEN], pk2[AUTH_PK_LEN];
	uint8_t *sk = sodium_malloc(AUTH_SK_LEN);
	char l1[128], l2[128], text[512], path[256];
	conf c;
	int help;

	(void)state;
	assert_non_null(sk);
	auth_keygen(pk1, sk);
	auth_keygen(pk2, sk);
	sodium_free(sk);
	assert_int_equal(auth_pub_format(pk1, l1, sizeof l1), ST_OK);
	assert_int_equal(auth_pub_format(pk2, l2, sizeof l2), ST_OK);
	snprintf(text, sizeof text, "# two officers\n%s\n\n%s\n", l1, l2);
	snprintf(path, sizeof path, "%s/officers.pub", tmpdir);
	write_text(path, text);
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--data-dir", "/x", "--officer-key", path, NULL), ST_OK);
	assert_int_equal(conf_load_officers(&c), ST_OK);
	assert_int_equal(c.n_officers, 2);
	assert_memory_equal(c.officer_pk[0], pk1, AUTH_PK_LEN);
	assert_memory_equal(c.officer_pk[1], pk2, AUTH_PK_LEN);
	conf_free(&c);

	write_text(path, "intake-public-key-1 AAAA\n");
	conf_init(&c);
	assert_int_equal(parse(&c, &help, "--data-dir", "/x", "--officer-key", path, NULL), ST_OK);
	assert_int_equal(conf_load_officers(&c), ST_CONFIG);
	conf_free(&c);
}

static void coarse_dates(void **state)
{
	char date[STORE_DATE_LEN + 1];
	time_t start;

	(void)state;
	/* Thursday 2026-11-26 15:00 UTC. */
	upload_coarse_date(CONF_GRAN_DAY, 1795705200, date, &start);
	assert_string_equal(date, "2026-11-26");
	assert_int_equal(start, 1795705200 - 15 * 3600);
	upload_coarse_date(CONF_GRAN_WEEK, 1795705200, date, &start);
	assert_string_equal(date, "2026-11-23");
	assert_int_equal(start, 1795705200 - 15 * 3600 - 3 * 86400);
	upload_coarse_date(CONF_GRAN_MONTH, 1795705200, date, &start);
	assert_string_equal(date, "2026-11-01");
	/* Sunday 2026-03-01: its week began in February. */
	upload_coarse_date(CONF_GRAN_WEEK, 1772366400, date, &start);
	assert_string_equal(date, "2026-02-23");
}

static int setup(void **state)
{
	(void)state;
	return mkdtemp(tmpdir) == NULL || sodium_init() < 0;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) != 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sizes),
		cmocka_unit_test(flags),
		cmocka_unit_test(config_file),
		cmocka_unit_test(officer_keys),
		cmocka_unit_test(coarse_dates),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
