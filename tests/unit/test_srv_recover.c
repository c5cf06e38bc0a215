/* test_srv_recover.c: the start-up recovery pass, one data directory
 * holding each state a crash can leave behind (docs/SERVER.md, write
 * order), and the exact repair of each; then the envelope check that
 * decides whether an upload may land. */
#include <fcntl.h>
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
#include "../../server/recover.h"
#include "srv_testenv.h"

#define U_TRUNC "a0000000000000000000000000000001"
#define U_NOFILE "a0000000000000000000000000000002"
#define U_EXPIRED "a0000000000000000000000000000003"
#define U_LAND1 "a0000000000000000000000000000004"
#define U_LAND2 "a0000000000000000000000000000005"
#define U_BADLAND "a0000000000000000000000000000006"
#define U_DONE_OLD "a0000000000000000000000000000007"
#define U_LOST "a0000000000000000000000000000008"
#define S_LAND1 "b0000000000000000000000000000004"
#define S_LAND2 "b0000000000000000000000000000005"
#define S_BADLAND "b0000000000000000000000000000006"
#define S_LOST "b0000000000000000000000000000008"
#define U_HELD "a000000000000000000000000000000a"
#define U_HELDCOPY "a000000000000000000000000000000b"
#define S_HELDCOPY "b000000000000000000000000000000b"
#define ORPHAN "c0000000000000000000000000000009"
#define NOW 1000000

static char tmpdir[] = "/tmp/test_srv_recover.XXXXXX";
static uint8_t *envbuf;
static size_t envlen;

static void put_file(const char *area, const char *id, const uint8_t *data, size_t len)
{
	char p[300];
	int fd;

	snprintf(p, sizeof p, "%s/%s/%s", tmpdir, area, id);
	fd = open(p, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

static off_t file_size(const char *area, const char *id)
{
	char p[300];
	struct stat sb;

	snprintf(p, sizeof p, "%s/%s/%s", tmpdir, area, id);
	return stat(p, &sb) == 0 ? sb.st_size : -1;
}

static void every_crash_state(void **state)
{
	conf cf;
	blob *bl = NULL;
	store *st = NULL;
	upload_svc up;
	recover_stats rs;
	store_upload u;
	store_sub m;
	char db[300];
	uint8_t junk[300];

	(void)state;
	memset(junk, 'j', sizeof junk);
	assert_int_equal(conf_init(&cf), ST_OK);
	snprintf(db, sizeof db, "%s/intake.db", tmpdir);
	assert_int_equal(blob_open(tmpdir, &bl), ST_OK);
	assert_int_equal(store_open(db, &st), ST_OK);
	assert_int_equal(upload_init(&up, st, bl, &cf), ST_OK);

	/* A PATCH was writing past its durable offset 100. */
	assert_int_equal(store_upload_add(st, U_TRUNC, 1000, NOW + 50, 0, 100), ST_OK);
	assert_int_equal(store_upload_set_offset(st, U_TRUNC, 100, NOW + 50), ST_OK);
	put_file("partial", U_TRUNC, junk, 300);
	/* Row committed, file never created. */
	assert_int_equal(store_upload_add(st, U_NOFILE, 1000, NOW + 50, 0, 100), ST_OK);
	/* Expired while the server was down. */
	assert_int_equal(store_upload_add(st, U_EXPIRED, 1000, NOW - 1, 0, 100), ST_OK);
	put_file("partial", U_EXPIRED, junk, 10);
	/* Landing: name recorded, crash before the rename. */
	assert_int_equal(store_upload_add(st, U_LAND1, envlen, NOW + 50, 0, 100), ST_OK);
	assert_int_equal(store_upload_mark_landing(st, U_LAND1, S_LAND1), ST_OK);
	put_file("partial", U_LAND1, envbuf, envlen);
	/* Landing: renamed, crash before the commit. */
	assert_int_equal(store_upload_add(st, U_LAND2, envlen, NOW + 50, 0, 100), ST_OK);
	assert_int_equal(store_upload_mark_landing(st, U_LAND2, S_LAND2), ST_OK);
	put_file("store", S_LAND2, envbuf, envlen);
	/* Landing of bytes that are not whole (the disk lost some). */
	assert_int_equal(store_upload_add(st, U_BADLAND, envlen, NOW + 50, 0, 100), ST_OK);
	assert_int_equal(store_upload_mark_landing(st, U_BADLAND, S_BADLAND), ST_OK);
	put_file("partial", U_BADLAND, envbuf, envlen - 1);
	/* A finished upload's row past its expiry. */
	assert_int_equal(store_upload_add(st, U_DONE_OLD, envlen, NOW + 50, 0, 100), ST_OK);
	assert_int_equal(store_upload_land(st, U_DONE_OLD, "d0000000000000000000000000000007",
	                                   envlen, "2026-11-23", NOW - 1), ST_OK);
	put_file("store", "d0000000000000000000000000000007", envbuf, envlen);
	/* A listed submission whose file the storage lost. */
	assert_int_equal(store_upload_add(st, U_LOST, envlen, NOW + 50, 0, 100), ST_OK);
	assert_int_equal(store_upload_land(st, U_LOST, S_LOST, envlen, "2026-11-23", NOW + 50), ST_OK);
	/* Complete and held for the next landing batch. */
	assert_int_equal(store_upload_add(st, U_HELD, envlen, NOW + 50, 0, 100), ST_OK);
	assert_int_equal(store_upload_hold(st, U_HELD, NOW + 86400), ST_OK);
	put_file("partial", U_HELD, envbuf, envlen);
	/* Held, its batch landing began: the copy into the store was cut
	 * short. */
	assert_int_equal(store_upload_add(st, U_HELDCOPY, envlen, NOW + 50, 0, 100), ST_OK);
	assert_int_equal(store_upload_hold(st, U_HELDCOPY, NOW + 86400), ST_OK);
	assert_int_equal(store_upload_mark_landing(st, U_HELDCOPY, S_HELDCOPY), ST_OK);
	put_file("partial", U_HELDCOPY, envbuf, envlen);
	put_file("store", S_HELDCOPY, envbuf, envlen / 2);
	/* Files nobody owns: a delete that unlisted but did not unlink, and
	 * an upload created after a crash lost its row. */
	put_file("store", ORPHAN, junk, 20);
	put_file("partial", ORPHAN, junk, 20);

	assert_int_equal(recover_run(&up, NOW, &rs), ST_OK);
	assert_int_equal(rs.truncated, 1);
	assert_int_equal(rs.landed, 3);
	assert_int_equal(rs.dropped, 3);
	assert_int_equal(rs.orphans, 2);
	assert_int_equal(rs.lost, 1);

	assert_int_equal(file_size("partial", U_TRUNC), 100);
	assert_int_equal(store_upload_get(st, U_TRUNC, &u), ST_OK);
	assert_int_equal(u.offset, 100);
	assert_int_equal(store_upload_get(st, U_NOFILE, &u), ST_NOTFOUND);
	assert_int_equal(store_upload_get(st, U_EXPIRED, &u), ST_NOTFOUND);
	assert_int_equal(file_size("partial", U_EXPIRED), -1);
	assert_int_equal(store_sub_get(st, S_LAND1, &m), ST_OK);
	assert_int_equal(m.size, envlen);
	assert_int_equal(file_size("store", S_LAND1), (off_t)envlen);
	assert_int_equal(file_size("partial", U_LAND1), -1);
	assert_int_equal(store_upload_get(st, U_LAND1, &u), ST_OK);
	assert_int_equal(u.done, 1);
	assert_int_equal(store_sub_get(st, S_LAND2, &m), ST_OK);
	assert_int_equal(file_size("store", S_LAND2), (off_t)envlen);
	assert_int_equal(store_upload_get(st, U_BADLAND, &u), ST_NOTFOUND);
	assert_int_equal(store_sub_get(st, S_BADLAND, &m), ST_NOTFOUND);
	assert_int_equal(file_size("partial", U_BADLAND), -1);
	assert_int_equal(store_upload_get(st, U_DONE_OLD, &u), ST_NOTFOUND);
	assert_int_equal(store_sub_get(st, "d0000000000000000000000000000007", &m), ST_OK);
	assert_int_equal(store_sub_get(st, S_LOST, &m), ST_NOTFOUND);
	/* The held one stays held, its file kept; the interrupted copy is
	 * made again from the whole partial file, and the partial goes. */
	assert_int_equal(store_upload_get(st, U_HELD, &u), ST_OK);
	assert_int_equal(u.done, 2);
	assert_int_equal(u.offset, envlen);
	assert_int_equal(file_size("partial", U_HELD), (off_t)envlen);
	assert_int_equal(store_sub_get(st, S_HELDCOPY, &m), ST_OK);
	assert_int_equal(file_size("store", S_HELDCOPY), (off_t)envlen);
	assert_int_equal(file_size("partial", U_HELDCOPY), -1);
	assert_int_equal(store_upload_get(st, U_HELDCOPY, &u), ST_OK);
	assert_int_equal(u.done, 1);
	assert_int_equal(file_size("store", ORPHAN), -1);
	assert_int_equal(file_size("partial", ORPHAN), -1);

	/* A second pass finds nothing to do. */
	assert_int_equal(recover_run(&up, NOW, &rs), ST_OK);
	assert_int_equal(rs.truncated + rs.landed + rs.dropped + rs.orphans + rs.lost, 0);

	upload_fini(&up);
	store_close(st);
	blob_close(bl);
	conf_free(&cf);
}

static void envelope_check(void **state)
{
	blob *bl = NULL;
	uint8_t *bad;

	(void)state;
	assert_int_equal(blob_open(tmpdir, &bl), ST_OK);
	put_file("partial", ORPHAN, envbuf, envlen);
	assert_int_equal(upload_check_envelope(bl, BLOB_PARTIAL, ORPHAN, envlen), ST_OK);
	/* Declared length other than the header implies. */
	assert_int_equal(upload_check_envelope(bl, BLOB_PARTIAL, ORPHAN, envlen + 1), ST_MISMATCH);
	bad = malloc(envlen);
	assert_non_null(bad);
	memcpy(bad, envbuf, envlen);
	bad[0] ^= 1; /* magic */
	put_file("partial", ORPHAN, bad, envlen);
	assert_int_equal(upload_check_envelope(bl, BLOB_PARTIAL, ORPHAN, envlen), ST_MISMATCH);
	memcpy(bad, envbuf, envlen);
	bad[6] = 99; /* version */
	put_file("partial", ORPHAN, bad, envlen);
	assert_int_equal(upload_check_envelope(bl, BLOB_PARTIAL, ORPHAN, envlen), ST_MISMATCH);
	put_file("partial", ORPHAN, envbuf, 40); /* shorter than a header */
	assert_int_equal(upload_check_envelope(bl, BLOB_PARTIAL, ORPHAN, 40), ST_MISMATCH);
	assert_int_equal(blob_remove(bl, BLOB_PARTIAL, ORPHAN), ST_OK);
	assert_int_equal(file_size("partial", ORPHAN), -1);
	free(bad);
	blob_close(bl);
}

static void ids(void **state)
{
	(void)state;
	assert_true(blob_id_valid("0123456789abcdef0123456789abcdef"));
	assert_false(blob_id_valid("0123456789ABCDEF0123456789abcdef"));
	assert_false(blob_id_valid("0123456789abcdef0123456789abcde"));
	assert_false(blob_id_valid("0123456789abcdef0123456789abcdef0"));
	assert_false(blob_id_valid("../3456789abcdef0123456789abcdef"));
}

static int setup(void **state)
{
	(void)state;
	if (mkdtemp(tmpdir) == NULL || sodium_init() < 0)
		return 1;
	envbuf = srv_testenv_make(&envlen);
	return envbuf == NULL;
}

static int teardown(void **state)
{
	char cmd[128];

	(void)state;
	free(envbuf);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", tmpdir);
	return system(cmd) != 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(every_crash_state),
		cmocka_unit_test(envelope_check),
		cmocka_unit_test(ids),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
