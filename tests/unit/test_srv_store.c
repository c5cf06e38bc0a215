/* test_srv_store.c: the server's sqlite layer: uploads with quota and
 * limits, offsets, the two-step landing, listing with a cursor, fetched
 * and deleted submissions, mailbox replies, expiry, durability across a
 * reopen, and the database file's mode. */
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
#include "../../server/store.h"

#define ID_A "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
#define ID_B "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
#define ID_C "cccccccccccccccccccccccccccccccc"
#define SUB_1 "11111111111111111111111111111111"
#define SUB_2 "22222222222222222222222222222222"
#define MBOX "0123456789abcdef0123456789abcdef"

static char tmpdir[] = "/tmp/test_srv_store.XXXXXX";
static char dbpath[256];

static store *fresh(void)
{
	store *s = NULL;
	char p[300];

	unlink(dbpath);
	snprintf(p, sizeof p, "%s-wal", dbpath);
	unlink(p);
	snprintf(p, sizeof p, "%s-shm", dbpath);
	unlink(p);
	assert_int_equal(store_open(dbpath, &s), ST_OK);
	return s;
}

static void uploads_and_limits(void **state)
{
	store *s = fresh();
	store_upload u;
	struct stat sb;

	(void)state;
	assert_int_equal(stat(dbpath, &sb), 0);
	assert_int_equal(sb.st_mode & 077, 0);
	assert_int_equal(store_upload_add(s, ID_A, 600, 100, 1000, 2), ST_OK);
	/* A declared length is not reserved: only received bytes count. */
	assert_int_equal(store_upload_add(s, ID_B, 1000, 100, 1000, 3), ST_OK);
	assert_int_equal(store_upload_del(s, ID_B), ST_OK);
	assert_int_equal(store_upload_set_offset(s, ID_A, 600, 100), ST_OK);
	/* 600 received of 1000: 500 more does not fit, 400 does. */
	assert_int_equal(store_upload_add(s, ID_B, 500, 100, 1000, 2), ST_NOSPACE);
	assert_int_equal(store_upload_add(s, ID_B, 400, 100, 1000, 2), ST_OK);
	/* Two unfinished: the limit. */
	assert_int_equal(store_upload_add(s, ID_C, 1, 100, 0, 2), ST_TEMPFAIL);
	assert_int_equal(store_upload_add(s, ID_A, 1, 100, 0, 5), ST_CONFLICT);
	assert_int_equal(store_upload_get(s, ID_A, &u), ST_OK);
	assert_string_equal(u.id, ID_A);
	assert_int_equal(u.length, 600);
	assert_int_equal(u.offset, 600);
	assert_int_equal(u.expires, 100);
	assert_int_equal(u.done, 0);
	assert_string_equal(u.sub_id, "");
	assert_int_equal(store_upload_set_offset(s, ID_A, 250, 200), ST_OK);
	assert_int_equal(store_upload_get(s, ID_A, &u), ST_OK);
	assert_int_equal(u.offset, 250);
	assert_int_equal(u.expires, 200);
	assert_int_equal(store_upload_set_offset(s, ID_C, 1, 1), ST_NOTFOUND);
	assert_int_equal(store_upload_get(s, ID_C, &u), ST_NOTFOUND);
	assert_int_equal(store_upload_del(s, ID_B), ST_OK);
	assert_int_equal(store_upload_del(s, ID_B), ST_NOTFOUND);
	assert_int_equal(store_upload_add(s, ID_C, 400, 100, 1000, 2), ST_OK);
	store_close(s);
}

static void landing(void **state)
{
	store *s = fresh();
	uint64_t used;
	store_upload u;
	store_sub m, *v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(store_upload_add(s, ID_A, 600, 100, 1000, 5), ST_OK);
	assert_int_equal(store_upload_mark_landing(s, ID_A, SUB_1), ST_OK);
	assert_int_equal(store_upload_get(s, ID_A, &u), ST_OK);
	assert_string_equal(u.sub_id, SUB_1);
	/* Not listed before the landing commits. */
	assert_int_equal(store_sub_get(s, SUB_1, &m), ST_NOTFOUND);
	assert_int_equal(store_upload_land(s, ID_A, SUB_1, 600, "2026-11-23", 300), ST_OK);
	assert_int_equal(store_upload_get(s, ID_A, &u), ST_OK);
	assert_int_equal(u.done, 1);
	assert_int_equal(u.offset, 600);
	assert_int_equal(u.expires, 300);
	assert_string_equal(u.sub_id, ""); /* the link is forgotten */
	assert_int_equal(store_sub_get(s, SUB_1, &m), ST_OK);
	assert_int_equal(m.size, 600);
	assert_string_equal(m.date, "2026-11-23");
	assert_int_equal(m.fetched, 0);
	/* Landing twice fails as a whole and changes nothing. */
	assert_int_equal(store_upload_land(s, ID_A, SUB_2, 600, "2026-11-23", 300), ST_NOTFOUND);
	assert_int_equal(store_sub_get(s, SUB_2, &m), ST_NOTFOUND);
	/* A done upload no longer counts against the quota twice. */
	assert_int_equal(store_upload_add(s, ID_B, 400, 100, 1000, 5), ST_OK);
	assert_int_equal(store_upload_add(s, ID_C, 1, 100, 1000, 5), ST_OK);
	assert_int_equal(store_upload_del(s, ID_C), ST_OK);
	assert_int_equal(store_upload_set_offset(s, ID_B, 400, 100), ST_OK);
	assert_int_equal(store_upload_add(s, ID_C, 1, 100, 1000, 5), ST_NOSPACE);
	assert_int_equal(store_usage(s, &used), ST_OK);
	assert_int_equal(used, 1000);
	assert_int_equal(store_sub_list(s, 0, 10, &v, &n), ST_OK);
	assert_int_equal(n, 1);
	free(v);
	store_close(s);
}

static void listing_and_retention(void **state)
{
	store *s = fresh();
	store_sub *v = NULL, m;
	size_t n = 0;
	char id[33], sub[33];
	int64_t cur;
	int i;

	(void)state;
	for (i = 0; i < 5; i++) {
		snprintf(id, sizeof id, "%032x", i + 1);
		snprintf(sub, sizeof sub, "%031x%x", 0xabc, i + 1);
		assert_int_equal(store_upload_add(s, id, 10, 100, 0, 10), ST_OK);
		assert_int_equal(store_upload_land(s, id, sub, 10 + (uint64_t)i, "2026-11-23", 100), ST_OK);
	}
	assert_int_equal(store_sub_list(s, 0, 2, &v, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_int_equal(v[0].size, 10);
	assert_int_equal(v[1].size, 11);
	assert_true(v[0].seq < v[1].seq);
	cur = v[1].seq;
	free(v);
	assert_int_equal(store_sub_list(s, cur, 1000, &v, &n), ST_OK);
	assert_int_equal(n, 3);
	assert_int_equal(v[0].size, 12);
	snprintf(id, sizeof id, "%s", v[0].id);
	free(v);
	assert_int_equal(store_sub_set_fetched(s, id), ST_OK);
	assert_int_equal(store_sub_get(s, id, &m), ST_OK);
	assert_int_equal(m.fetched, 1);
	assert_int_equal(store_sub_del(s, id), ST_OK);
	assert_int_equal(store_sub_get(s, id, &m), ST_NOTFOUND);
	assert_int_equal(store_sub_del(s, id), ST_NOTFOUND);
	assert_int_equal(store_sub_set_fetched(s, id), ST_NOTFOUND);
	assert_int_equal(store_sub_list(s, 0, 1000, &v, &n), ST_OK);
	assert_int_equal(n, 4);
	free(v);
	store_close(s);

	/* Durable across a reopen. */
	assert_int_equal(store_open(dbpath, &s), ST_OK);
	assert_int_equal(store_sub_list(s, 0, 1000, &v, &n), ST_OK);
	assert_int_equal(n, 4);
	free(v);
	store_close(s);
}

static void replies(void **state)
{
	store *s = fresh();
	store_reply *r = NULL;
	size_t n = 99;
	uint8_t a[3] = { 1, 2, 3 }, b[5] = { 9, 8, 7, 6, 5 };

	(void)state;
	assert_int_equal(store_reply_list(s, MBOX, &r, &n), ST_OK);
	assert_int_equal(n, 0);
	store_replies_free(r, n);
	assert_int_equal(store_reply_add(s, MBOX, a, sizeof a, 100, 2), ST_OK);
	assert_int_equal(store_reply_add(s, MBOX, b, sizeof b, 200, 2), ST_OK);
	assert_int_equal(store_reply_add(s, MBOX, b, sizeof b, 200, 2), ST_NOSPACE);
	assert_int_equal(store_reply_add(s, "ffffffffffffffffffffffffffffffff", b, sizeof b, 200, 2), ST_OK);
	assert_int_equal(store_reply_list(s, MBOX, &r, &n), ST_OK);
	assert_int_equal(n, 2);
	assert_int_equal(r[0].len, 3);
	assert_memory_equal(r[0].data, a, 3);
	assert_int_equal(r[1].len, 5);
	assert_memory_equal(r[1].data, b, 5);
	store_replies_free(r, n);
	assert_int_equal(store_reply_expire(s, 150), ST_OK);
	assert_int_equal(store_reply_list(s, MBOX, &r, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_memory_equal(r[0].data, b, 5);
	store_replies_free(r, n);
	store_close(s);
}

static void expiry(void **state)
{
	store *s = fresh();
	store_upload *v = NULL;
	size_t n = 0;

	(void)state;
	assert_int_equal(store_upload_add(s, ID_A, 10, 100, 0, 10), ST_OK);
	assert_int_equal(store_upload_add(s, ID_B, 10, 300, 0, 10), ST_OK);
	assert_int_equal(store_upload_expired(s, 100, 10, &v, &n), ST_OK);
	assert_int_equal(n, 0);
	free(v);
	assert_int_equal(store_upload_expired(s, 101, 10, &v, &n), ST_OK);
	assert_int_equal(n, 1);
	assert_string_equal(v[0].id, ID_A);
	free(v);
	assert_int_equal(store_upload_expired(s, 1000, 1, &v, &n), ST_OK);
	assert_int_equal(n, 1);
	free(v);
	assert_int_equal(store_upload_all(s, &v, &n), ST_OK);
	assert_int_equal(n, 2);
	free(v);
	store_close(s);
}

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL)
		return 1;
	snprintf(dbpath, sizeof dbpath, "%s/intake.db", tmpdir);
	return 0;
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
		cmocka_unit_test(uploads_and_limits),
		cmocka_unit_test(landing),
		cmocka_unit_test(listing_and_retention),
		cmocka_unit_test(replies),
		cmocka_unit_test(expiry),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
