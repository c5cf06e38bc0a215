/* test_srv_upload.c: the tus state machine without HTTP: creation limits,
 * one PATCH at a time, durable offsets, an oversize PATCH discarded whole,
 * landing of a valid envelope (listed, moved, coarse mtime), refusal of an
 * invalid one, termination and expiry. */
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
#include "../../server/upload.h"
#include "srv_testenv.h"

#define NOW 1795705200 /* Thursday 2026-11-26 15:00 UTC */

static char tmpdir[] = "/tmp/test_srv_upload.XXXXXX";
static uint8_t *envbuf;
static size_t envlen;
static conf cf;
static blob *bl;
static store *st;
static upload_svc up;

static off_t area_size(const char *area, const char *id, time_t *mtime)
{
	char p[300];
	struct stat sb;

	snprintf(p, sizeof p, "%s/%s/%s", tmpdir, area, id);
	if (stat(p, &sb) != 0)
		return -1;
	if (mtime != NULL)
		*mtime = sb.st_mtime;
	return sb.st_size;
}

static void patch_all(const char *id, uint64_t off, const uint8_t *buf, size_t len,
                 st_t want, uint64_t want_off)
{
	upload_patch p;
	uint64_t got;

	assert_int_equal(upload_patch_begin(&up, id, off, len, NOW, &p), ST_OK);
	upload_patch_write(&p, buf, len);
	assert_int_equal(upload_patch_end(&p, NOW, &got), want);
	assert_int_equal(got, want_off);
}

static void creation(void **state)
{
	char id[BLOB_ID_HEX + 1];
	int64_t exp;

	(void)state;
	assert_int_equal(upload_create(&up, 0, NOW, id, &exp), ST_BADDATA);
	assert_int_equal(upload_create(&up, cf.max_size + 1, NOW, id, &exp), ST_TOOBIG);
	assert_int_equal(upload_create(&up, 1000, NOW, id, &exp), ST_OK);
	assert_true(blob_id_valid(id));
	/* No byte yet: minutes, rounded to the tick. */
	assert_int_equal(exp, upload_tick(NOW, cf.empty_expire));
	assert_int_equal(exp % UPLOAD_TICK, 0);
	assert_int_equal(area_size("partial", id, NULL), 0);
	assert_int_equal(upload_delete(&up, id), ST_OK);
	assert_int_equal(area_size("partial", id, NULL), -1);
	assert_int_equal(upload_delete(&up, id), ST_NOTFOUND);
}

static void offsets_and_exclusion(void **state)
{
	char id[BLOB_ID_HEX + 1];
	upload_patch p, q;
	store_upload u;
	int64_t exp;
	uint64_t got;

	(void)state;
	assert_int_equal(upload_create(&up, envlen, NOW, id, &exp), ST_OK);
	assert_int_equal(upload_patch_begin(&up, id, 5, 10, NOW, &p), ST_CONFLICT);
	assert_int_equal(upload_patch_begin(&up, id, 0, envlen + 1, NOW, &p), ST_TOOBIG);
	assert_int_equal(upload_patch_begin(&up, id, 0, UINT64_MAX, NOW, &p), ST_OK);
	/* One PATCH at a time; termination and the reaper wait too. */
	assert_int_equal(upload_patch_begin(&up, id, 0, 10, NOW, &q), ST_CONFLICT);
	assert_int_equal(upload_delete(&up, id), ST_CONFLICT);
	assert_int_equal(upload_reap(&up, NOW + (int64_t)cf.expire + 10), ST_OK);
	assert_int_equal(upload_patch_write(&p, envbuf, 1000), ST_OK);
	/* HEAD sees only the durable offset while the PATCH runs. */
	assert_int_equal(upload_head(&up, id, NOW, &u), ST_OK);
	assert_int_equal(u.offset, 0);
	assert_int_equal(upload_patch_end(&p, NOW, &got), ST_OK);
	assert_int_equal(got, 1000);
	assert_int_equal(upload_head(&up, id, NOW, &u), ST_OK);
	assert_int_equal(u.offset, 1000);
	assert_int_equal(area_size("partial", id, NULL), 1000);

	/* A body running past Upload-Length is dropped whole. */
	assert_int_equal(upload_patch_begin(&up, id, 1000, UINT64_MAX, NOW, &p), ST_OK);
	assert_int_equal(upload_patch_write(&p, envbuf + 1000, 500), ST_OK);
	assert_int_equal(upload_patch_write(&p, envbuf, envlen), ST_TOOBIG);
	assert_int_equal(upload_patch_end(&p, NOW, &got), ST_TOOBIG);
	assert_int_equal(got, 1000);
	assert_int_equal(upload_head(&up, id, NOW, &u), ST_OK);
	assert_int_equal(u.offset, 1000);
	/* The next PATCH starts from the durable offset, file cut back. */
	assert_int_equal(upload_patch_begin(&up, id, 1000, 0, NOW, &p), ST_OK);
	assert_int_equal(area_size("partial", id, NULL), 1000);
	assert_int_equal(upload_patch_end(&p, NOW, &got), ST_OK);
	assert_int_equal(got, 1000);
	assert_int_equal(upload_delete(&up, id), ST_OK);
}

static void landing(void **state)
{
	char id[BLOB_ID_HEX + 1];
	store_upload u;
	store_sub *v = NULL;
	size_t n = 0;
	int64_t exp;
	time_t mtime = 0;
	upload_patch p;

	(void)state;
	assert_int_equal(upload_create(&up, envlen, NOW, id, &exp), ST_OK);
	patch_all(id, 0, envbuf, 4096, ST_OK, 4096);
	patch_all(id, 4096, envbuf + 4096, envlen - 4096, ST_OK, envlen);
	/* Complete: held for the landing batch, already answered as whole,
	 * its file dated by the day only. */
	assert_int_equal(upload_head(&up, id, NOW, &u), ST_OK);
	assert_int_equal(u.done, 2);
	assert_int_equal(u.offset, envlen);
	assert_int_equal(u.expires % 86400, 0);
	assert_int_equal(area_size("partial", id, &mtime), (off_t)envlen);
	assert_int_equal(mtime, NOW - 15 * 3600);
	assert_int_equal(store_sub_list(st, 0, 100, &v, &n), ST_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(upload_patch_begin(&up, id, envlen, 0, NOW, &p), ST_CONFLICT);
	/* The batch lands it. */
	assert_int_equal(upload_land_batch(&up, NOW), ST_OK);
	assert_int_equal(upload_head(&up, id, NOW, &u), ST_OK);
	assert_int_equal(u.done, 1);
	assert_int_equal(u.offset, envlen);
	assert_int_equal(upload_patch_begin(&up, id, envlen, 0, NOW, &p), ST_CONFLICT);
	assert_int_equal(area_size("partial", id, NULL), -1);
	assert_int_equal(store_sub_list(st, 0, 100, &v, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_int_equal(v[0].size, envlen);
	assert_string_equal(v[0].date, "2026-11-26");
	assert_string_not_equal(v[0].id, id); /* a fresh id, not the upload's */
	assert_int_equal(area_size("store", v[0].id, &mtime), (off_t)envlen);
	assert_int_equal(mtime, NOW - 15 * 3600);
	free(v);
	/* Its row keeps no exact time: the expiry is a day's start, at least
	 * --expire from now and at most a day more. */
	assert_int_equal(store_upload_get(st, id, &u), ST_OK);
	assert_int_equal(u.expires % 86400, 0);
	assert_true(u.expires >= NOW + (int64_t)cf.expire);
	assert_true(u.expires <= NOW + (int64_t)cf.expire + 86400);
	/* The finished upload answers HEAD until it expires, then goes. */
	assert_int_equal(upload_head(&up, id, u.expires - 1, &u), ST_OK);
	assert_int_equal(upload_head(&up, id, u.expires + 1, &u), ST_NOTFOUND);
	assert_int_equal(upload_reap(&up, u.expires + 1), ST_OK);
	assert_int_equal(store_upload_get(st, id, &u), ST_NOTFOUND);
	assert_int_equal(store_sub_list(st, 0, 100, &v, &n), ST_OK);
	assert_int_equal(n, 1); /* the submission stays */
	free(v);
}

static void coarse_expiry(void **state)
{
	static const int64_t period[] = { 86400, 7 * 86400, 31 * 86400 };
	char date[STORE_DATE_LEN + 1];
	time_t start;

	(void)state;
	for (int g = CONF_GRAN_DAY; g <= CONF_GRAN_MONTH; g++) {
		for (int64_t t = NOW - 40 * 86400; t < NOW + 40 * 86400; t += 3 * 3600 + 17) {
			int64_t e = upload_coarse_expiry((conf_gran)g, t);

			assert_true(e > t);
			assert_true(e <= t + period[g]);
			/* it is the start of its own period */
			upload_coarse_date((conf_gran)g, (time_t)e, date, &start);
			assert_int_equal((int64_t)start, e);
		}
	}
}

static void invalid_envelope(void **state)
{
	char id[BLOB_ID_HEX + 1];
	store_upload u;
	uint8_t *bad;
	int64_t exp;

	(void)state;
	bad = malloc(envlen);
	assert_non_null(bad);
	memcpy(bad, envbuf, envlen);
	memcpy(bad, "OUTAKE", 6);
	assert_int_equal(upload_create(&up, envlen, NOW, id, &exp), ST_OK);
	patch_all(id, 0, bad, envlen, ST_MISMATCH, 0);
	assert_int_equal(upload_head(&up, id, NOW, &u), ST_NOTFOUND);
	assert_int_equal(area_size("partial", id, NULL), -1);
	/* A well-formed envelope of another length than declared. */
	assert_int_equal(upload_create(&up, envlen - 16, NOW, id, &exp), ST_OK);
	patch_all(id, 0, envbuf, envlen - 16, ST_MISMATCH, 0);
	assert_int_equal(area_size("partial", id, NULL), -1);
	free(bad);
}

static void expiry(void **state)
{
	char id[BLOB_ID_HEX + 1];
	store_upload u;
	upload_patch p;
	int64_t exp;

	(void)state;
	assert_int_equal(upload_create(&up, 1000, NOW, id, &exp), ST_OK);
	patch_all(id, 0, envbuf, 10, ST_OK, 10);
	/* Bytes arrived: --expire from now, rounded to the tick. */
	assert_int_equal(upload_head(&up, id, NOW, &u), ST_OK);
	assert_int_equal(u.expires, upload_tick(NOW, cf.expire));
	exp = u.expires;
	assert_int_equal(upload_head(&up, id, exp + 1, &u), ST_NOTFOUND);
	assert_int_equal(upload_patch_begin(&up, id, 10, 1, exp + 1, &p), ST_NOTFOUND);
	assert_int_equal(upload_reap(&up, exp + 1), ST_OK);
	assert_int_equal(store_upload_get(st, id, &u), ST_NOTFOUND);
	assert_int_equal(area_size("partial", id, NULL), -1);
}

static int setup(void **state)
{
	char db[300];

	(void)state;
	if (mkdtemp(tmpdir) == NULL || sodium_init() < 0 || conf_init(&cf) != ST_OK)
		return 1;
	cf.max_size = 1 << 20;
	envbuf = srv_testenv_make(&envlen);
	snprintf(db, sizeof db, "%s/intake.db", tmpdir);
	if (envbuf == NULL || blob_open(tmpdir, &bl) != ST_OK || store_open(db, &st) != ST_OK)
		return 1;
	return upload_init(&up, st, bl, &cf) != ST_OK;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	upload_fini(&up);
	store_close(st);
	blob_close(bl);
	conf_free(&cf);
	free(envbuf);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) != 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(creation),
		cmocka_unit_test(offsets_and_exclusion),
		cmocka_unit_test(landing),
		cmocka_unit_test(coarse_expiry),
		cmocka_unit_test(invalid_envelope),
		cmocka_unit_test(expiry),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
