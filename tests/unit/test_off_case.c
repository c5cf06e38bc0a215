/* test_off_case.c: the officer's open pipeline end to end in-process:
 * envelopes sealed with the real common/ code are opened into case
 * folders (files and SHA-256 checked), by either recipient's key, across
 * several batches; reopening does nothing; tampered, truncated, foreign
 * and garbage envelopes go to quarantine with a reason while the rest
 * open; planted symlinks in CASES are never followed. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>
#include "../../officer/case.h"
#include "enc.h"
#include "fsio.h"
#include "manifest.h"
#include "payload.h"
#include "seal.h"

typedef struct {
	char dir[64], in[96], cases[96], out[96];
	key_secret *k1, *k2, *k3;
	key_bundle to;
	case_store *cs;
	int infd;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);
	char cmd[256];

	if (f == NULL || sodium_init() < 0)
		return -1;
	snprintf(f->dir, sizeof f->dir, "/tmp/test_off_case.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->in, sizeof f->in, "%s/in", f->dir);
	snprintf(f->cases, sizeof f->cases, "%s/cases", f->dir);
	snprintf(f->out, sizeof f->out, "%s/outside", f->dir);
	snprintf(cmd, sizeof cmd, "mkdir -p '%s' '%s'", f->in, f->out);
	if (system(cmd) != 0)
		return -1;
	if (key_generate(&f->k1) != ST_OK || key_generate(&f->k2) != ST_OK ||
	    key_generate(&f->k3) != ST_OK)
		return -1;
	memcpy(f->to.pk[0], f->k1->pk, KEY_PUB_LEN);
	memcpy(f->to.pk[1], f->k2->pk, KEY_PUB_LEN);
	f->to.n = 2;
	f->infd = open(f->in, O_RDONLY | O_DIRECTORY);
	*state = f;
	return f->infd < 0 ? -1 : 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[128];

	case_store_close(f->cs);
	close(f->infd);
	key_secret_free(f->k1);
	key_secret_free(f->k2);
	key_secret_free(f->k3);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Seal text and attachments (name i -> data i, len i) for `to` into
 * IN/name. */
static void mkenv(fx *f, const char *name, const key_bundle *to,
                  const char *text, size_t nf, const char **names,
                  const uint8_t **data, const size_t *lens)
{
	char path[160];
	manifest m;
	payload_src *src = NULL;
	seal *s = NULL;
	int fds[8], fd;
	uint8_t buf[65536];
	uint64_t off = 0;
	size_t got, i;

	memset(&m, 0, sizeof m);
	m.text_size = strlen(text);
	for (i = 0; i < nf; i++) {
		fds[i] = memfd_create("att", 0);
		assert_true(fds[i] >= 0);
		assert_int_equal(fsio_write_all(fds[i], data[i], lens[i]), ST_OK);
		assert_int_equal(manifest_add_file(&m, names[i], lens[i], ""),
		                 ST_OK);
	}
	m.has_reply = 1;
	memset(m.reply_pk, 7, sizeof m.reply_pk);
	memset(m.mailbox, 9, sizeof m.mailbox);
	assert_int_equal(payload_src_new(&m, (const uint8_t *)text, fds, &src),
	                 ST_OK);
	assert_int_equal(seal_new(to, payload_src_stream_len(src),
	                          payload_src_read, src, 2, &s), ST_OK);
	snprintf(path, sizeof path, "%s/%s", f->in, name);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	assert_true(fd >= 0);
	for (;;) {
		assert_int_equal(seal_read(s, off, buf, sizeof buf, &got), ST_OK);
		if (got == 0)
			break;
		assert_int_equal(fsio_write_all(fd, buf, got), ST_OK);
		off += got;
	}
	close(fd);
	seal_free(s);
	payload_src_free(src);
	manifest_clear(&m);
	for (i = 0; i < nf; i++)
		close(fds[i]);
}

static void mktext(fx *f, const char *name, const char *text)
{
	mkenv(f, name, &f->to, text, 0, NULL, NULL, NULL);
}

static st_t open_one(fx *f, const key_secret *k, const char *name,
                     case_outcome *out, long long *id)
{
	if (f->cs == NULL)
		assert_int_equal(case_store_open(f->cases, &f->cs), ST_OK);
	return case_open_envelope(f->cs, k, f->infd, name, NULL, out, id);
}

/* Read CASES/rel into a malloc'd buffer. */
static uint8_t *slurp(fx *f, const char *rel, size_t *len)
{
	char path[256];
	uint8_t *p = NULL;

	snprintf(path, sizeof path, "%s/%s", f->cases, rel);
	if (fsio_read_file(path, 64 << 20, &p, len) != ST_OK)
		return NULL;
	return p;
}

static int exists(const char *dir, const char *rel)
{
	char path[256];
	struct stat sb;

	snprintf(path, sizeof path, "%s/%s", dir, rel);
	return lstat(path, &sb) == 0;
}

static void sha_hex(const uint8_t *p, size_t n, char out[65])
{
	uint8_t h[32];

	crypto_hash_sha256(h, p, n);
	enc_hex_encode(out, h, 32);
}

static void opens_files_and_hashes(void **state)
{
	fx *f = *state;
	const char *names[] = { "photo.jpg", "../../etc/passwd", "photo.jpg" };
	/* several batches: the pipeline wraps around its buffers */
	const size_t bigsz = (size_t)5 << 20;
	uint8_t *big = malloc(bigsz);
	const uint8_t *data[] = { (const uint8_t *)"\xff\xd8\xff" "JPEGDATA", big,
	                          (const uint8_t *)"" };
	size_t lens[] = { 11, bigsz, 0 }, len;
	char hex[65];
	uint8_t *got;
	json_t *doc, *files;
	case_outcome out;
	long long id;

	assert_non_null(big);
	randombytes_buf(big, bigsz);
	mkenv(f, "a.env", &f->to, "They came at night.", 3, names, data, lens);
	assert_int_equal(open_one(f, f->k2, "a.env", &out, &id), ST_OK);
	assert_int_equal(out, CASE_OPENED);
	assert_int_equal(id, 1);
	got = slurp(f, "case-000001/testimony.txt", &len);
	assert_non_null(got);
	assert_int_equal(len, 19);
	assert_memory_equal(got, "They came at night.", 19);
	free(got);
	got = slurp(f, "case-000001/files/passwd", &len);
	assert_non_null(got);
	assert_int_equal(len, bigsz);
	assert_memory_equal(got, big, bigsz);
	free(got);
	/* same name twice: the second gets a suffix, nothing overwritten */
	got = slurp(f, "case-000001/files/photo (2).jpg", &len);
	assert_non_null(got);
	assert_int_equal(len, 0);
	free(got);
	got = slurp(f, "case-000001/manifest.json", &len);
	assert_non_null(got);
	doc = json_loadb((const char *)got, len, 0, NULL);
	free(got);
	assert_non_null(doc);
	files = json_object_get(doc, "files");
	assert_int_equal(json_array_size(files), 3);
	sha_hex(big, bigsz, hex);
	free(big);
	assert_string_equal(json_string_value(json_object_get(
	                    json_array_get(files, 1), "sha256")), hex);
	assert_string_equal(json_string_value(json_object_get(
	                    json_array_get(files, 1), "path")), "files/passwd");
	sha_hex((const uint8_t *)"They came at night.", 19, hex);
	assert_string_equal(json_string_value(json_object_get(
	                    json_object_get(doc, "text"), "sha256")), hex);
	assert_string_equal(json_string_value(json_object_get(
	                    json_object_get(doc, "reply"), "mailbox")),
	                    "09090909090909090909090909090909");
	json_decref(doc);
	assert_false(exists(f->dir, "etc"));
}

static void either_key_and_idempotent(void **state)
{
	fx *f = *state;
	char cmd[256];
	case_outcome out;
	long long id;

	mktext(f, "a.env", "one");
	assert_int_equal(open_one(f, f->k1, "a.env", &out, &id), ST_OK);
	assert_int_equal(out, CASE_OPENED);
	assert_int_equal(open_one(f, f->k1, "a.env", &out, &id), ST_OK);
	assert_int_equal(out, CASE_KNOWN);
	assert_int_equal(id, 1);
	/* the same bytes under another name are the same case */
	snprintf(cmd, sizeof cmd, "cp '%s/a.env' '%s/copy.env'", f->in, f->in);
	assert_int_equal(system(cmd), 0);
	assert_int_equal(open_one(f, f->k2, "copy.env", &out, &id), ST_OK);
	assert_int_equal(out, CASE_KNOWN);
	assert_int_equal(id, 1);
	assert_false(exists(f->cases, "case-000002"));
}

/* Flip one byte of IN/name at off (negative: from the end). */
static void flip(fx *f, const char *name, long off)
{
	char path[160];
	uint8_t b;
	int fd;
	struct stat sb;

	snprintf(path, sizeof path, "%s/%s", f->in, name);
	fd = open(path, O_RDWR);
	assert_true(fd >= 0 && fstat(fd, &sb) == 0);
	if (off < 0)
		off += sb.st_size;
	assert_int_equal(pread(fd, &b, 1, off), 1);
	b ^= 0x20;
	assert_int_equal(pwrite(fd, &b, 1, off), 1);
	close(fd);
}

static void bad_envelopes_quarantined(void **state)
{
	fx *f = *state;
	key_bundle other = { .n = 1 };
	char path[160];
	uint8_t *reason;
	size_t len;
	case_outcome out;
	long long id;
	int fd;

	mktext(f, "1tampered.env", "secret");
	flip(f, "1tampered.env", 1000);
	mktext(f, "2lastchunk.env", "secret");
	flip(f, "2lastchunk.env", -3);
	mktext(f, "3truncated.env", "secret");
	snprintf(path, sizeof path, "%s/3truncated.env", f->in);
	assert_int_equal(truncate(path, 5000), 0);
	memcpy(other.pk[0], f->k3->pk, KEY_PUB_LEN);
	mkenv(f, "4foreign.env", &other, "not for us", 0, NULL, NULL, NULL);
	snprintf(path, sizeof path, "%s/5garbage.env", f->in);
	fd = open(path, O_WRONLY | O_CREAT, 0600);
	assert_int_equal(write(fd, "hello, world", 12), 12);
	close(fd);
	mktext(f, "6good.env", "fine");

	assert_int_equal(open_one(f, f->k1, "1tampered.env", &out, &id),
	                 ST_DECRYPT);
	assert_int_equal(out, CASE_QUARANTINED);
	assert_int_equal(open_one(f, f->k1, "2lastchunk.env", &out, &id),
	                 ST_DECRYPT);
	assert_int_equal(out, CASE_QUARANTINED);
	assert_int_equal(open_one(f, f->k1, "3truncated.env", &out, &id),
	                 ST_MISMATCH);
	assert_int_equal(out, CASE_QUARANTINED);
	assert_int_equal(open_one(f, f->k1, "4foreign.env", &out, &id),
	                 ST_NOKEY);
	assert_int_equal(out, CASE_NOT_MINE); /* not damage: left alone */
	assert_true(exists(f->in, "4foreign.env"));
	assert_false(exists(f->cases, "quarantine/4foreign.env"));
	assert_int_not_equal(open_one(f, f->k1, "5garbage.env", &out, &id),
	                     ST_OK);
	assert_int_equal(out, CASE_QUARANTINED);
	assert_int_equal(open_one(f, f->k1, "6good.env", &out, &id), ST_OK);
	assert_int_equal(out, CASE_OPENED);
	assert_int_equal(id, 1);

	assert_true(exists(f->cases, "quarantine/1tampered.env"));
	assert_true(exists(f->cases, "quarantine/5garbage.env"));
	assert_false(exists(f->in, "1tampered.env"));
	reason = slurp(f, "quarantine/1tampered.env.reason", &len);
	assert_non_null(reason);
	assert_non_null(strstr((char *)reason, "does not authenticate"));
	free(reason);
	assert_false(exists(f->cases, "quarantine/4foreign.env.reason"));
	/* nothing of the failed attempts is left in staging */
	assert_false(exists(f->cases, "case-000002"));
	case_store_close(f->cs);
	f->cs = NULL;
	snprintf(path, sizeof path, "%s/.staging", f->cases);
	assert_int_equal(rmdir(path), 0);
}

static void symlinks_not_followed(void **state)
{
	fx *f = *state;
	char link[160];
	case_outcome out;
	long long id;

	assert_int_equal(mkdir(f->cases, 0700), 0);
	/* a planted case folder that points outside */
	snprintf(link, sizeof link, "%s/case-000001", f->cases);
	assert_int_equal(symlink(f->out, link), 0);
	mktext(f, "a.env", "text");
	assert_int_equal(open_one(f, f->k1, "a.env", &out, &id), ST_OK);
	assert_int_equal(out, CASE_OPENED);
	assert_int_equal(id, 2);
	assert_true(exists(f->cases, "case-000002/testimony.txt"));
	assert_false(exists(f->out, "testimony.txt"));
	case_store_close(f->cs);
	f->cs = NULL;
	/* staging replaced by a link: refused, nothing written there */
	snprintf(link, sizeof link, "%s/.staging", f->cases);
	assert_int_equal(rmdir(link), 0);
	assert_int_equal(symlink(f->out, link), 0);
	assert_int_not_equal(case_store_open(f->cases, &f->cs), ST_OK);
	assert_null(f->cs);
}

static void symlink_envelope_quarantined(void **state)
{
	fx *f = *state;
	char link[160], target[160];
	case_outcome out;
	long long id;

	mktext(f, "real.bin", "text");
	snprintf(link, sizeof link, "%s/link.env", f->in);
	snprintf(target, sizeof target, "%s/real.bin", f->in);
	assert_int_equal(symlink(target, link), 0);
	assert_int_equal(open_one(f, f->k1, "link.env", &out, &id), ST_BADDATA);
	assert_int_equal(out, CASE_QUARANTINED);
	assert_true(exists(f->in, "real.bin"));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(opens_files_and_hashes, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(either_key_and_idempotent, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(bad_envelopes_quarantined, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(symlinks_not_followed, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(symlink_envelope_quarantined, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
