/* test_vectors.c: known-answer vectors in tests/vectors/, checked byte for
 * byte. The randomness here is a deterministic test-only source (testutil.h)
 * that release builds never contain. `test_vectors --write DIR` remakes the
 * files after a deliberate format change; the suite only compares.
 * Also checks every malformed envelope in tests/vectors/bad/ is refused with
 * the status its name gives (NAME.STATUS.env). */
#include "testutil.h"
#include "fsio.h"
#include "receipt.h"

#include <dirent.h>
#include <stdio.h>

static const char *vdir = "tests/vectors";
static const char *text = "Здравствуйте. Это тестовый вектор intake.\n";

static key_secret *officer(int n)
{
	key_secret *k = sodium_malloc(sizeof *k);
	uint8_t seed[32];
	char label[64];

	snprintf(label, sizeof label, "intake test vector officer %d", n);
	crypto_generichash(seed, sizeof seed, (const uint8_t *)label, strlen(label), NULL, 0);
	crypto_box_seed_keypair(k->pk, k->sk, seed);
	return k;
}

static void attachment(uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 7 % 251);
}

/* The vector envelope, from a fresh deterministic stream. The reply
 * vectors are test_reply.c's. */
static void make(uint8_t **env, size_t *envlen)
{
	key_secret *a = officer(1), *b = officer(2);
	key_bundle bundle;
	receipt *r = NULL;
	uint8_t data[1000];
	tu_file f = { "фото.jpg", data, sizeof data };

	attachment(data, sizeof data);
	memset(&bundle, 0, sizeof bundle);
	key_bundle_add(&bundle, a->pk);
	key_bundle_add(&bundle, b->pk);
	tu_rand_reset("intake-vector-v1");
	assert_int_equal(receipt_generate(&r), ST_OK);
	assert_int_equal(tu_seal(&bundle, text, &f, 1, r->reply_pk, env, envlen), ST_OK);
	receipt_free(r);
	key_secret_free(a);
	key_secret_free(b);
}

static uint8_t *load(const char *name, size_t *len)
{
	char path[512];
	uint8_t *buf = NULL;

	snprintf(path, sizeof path, "%s/%s", vdir, name);
	assert_int_equal(fsio_read_file(path, 64 << 20, &buf, len), ST_OK);
	return buf;
}

static void envelope_is_byte_identical(void **state)
{
	uint8_t *env, *want;
	size_t envlen, wlen;

	(void)state;
	make(&env, &envlen);
	want = load("v1-two-recipients.env", &wlen);
	assert_int_equal(wlen, envlen);
	assert_memory_equal(want, env, envlen);
	free(want);
	free(env);
}

static void stored_vector_opens_with_either_key(void **state)
{
	uint8_t *env, data[1000];
	size_t len;
	tu_opened o;

	(void)state;
	attachment(data, sizeof data);
	env = load("v1-two-recipients.env", &len);
	for (int n = 1; n <= 2; n++) {
		key_secret *k = officer(n);

		assert_int_equal(tu_open(k, env, len, &o, 1), ST_OK);
		assert_int_equal(o.lens[0], strlen(text));
		assert_memory_equal(o.parts[0], text, strlen(text));
		assert_string_equal(o.m.files[0].name, "фото.jpg");
		assert_string_equal(o.m.files[0].type, "image/jpeg");
		assert_memory_equal(o.parts[1], data, sizeof data);
		assert_int_equal(o.m.has_reply, 1);
		tu_opened_clear(&o);
		key_secret_free(k);
	}
	free(env);
}

static st_t status_named(const char *s)
{
	static const struct { const char *n; st_t st; } t[] = {
		{ "BADDATA", ST_BADDATA }, { "VERSION", ST_VERSION },
		{ "DECRYPT", ST_DECRYPT }, { "NOKEY", ST_NOKEY },
	};

	for (size_t i = 0; i < sizeof t / sizeof t[0]; i++)
		if (strncmp(s, t[i].n, strlen(t[i].n)) == 0 && s[strlen(t[i].n)] == '.')
			return t[i].st;
	return ST_INTERNAL;
}

static void malformed_corpus_is_refused(void **state)
{
	char dir[512];
	DIR *d;
	struct dirent *e;
	key_secret *k = officer(1);
	int seen = 0;

	(void)state;
	snprintf(dir, sizeof dir, "%s/bad", vdir);
	d = opendir(dir);
	assert_non_null(d);
	while ((e = readdir(d)) != NULL) {
		const char *dot = strchr(e->d_name, '.');
		char name[300];
		uint8_t *env;
		size_t len;
		tu_opened o;
		st_t want, got;

		if (e->d_name[0] == '.' || dot == NULL)
			continue;
		want = status_named(dot + 1);
		assert_int_not_equal(want, ST_INTERNAL);
		snprintf(name, sizeof name, "bad/%s", e->d_name);
		env = load(name, &len);
		got = tu_open(k, env, len, &o, 1);
		if (got != want)
			fail_msg("%s: got %s, want %s", e->d_name, st_str(got), st_str(want));
		free(env);
		seen++;
	}
	closedir(d);
	assert_true(seen >= 10);
	key_secret_free(k);
}

/* --write: remake the vectors and the malformed corpus. */
static void put(const char *dir, const char *name, const uint8_t *b, size_t n)
{
	char path[512];

	snprintf(path, sizeof path, "%s/%s", dir, name);
	if (fsio_write_file_atomic(path, b, n, 0644, 1) != ST_OK) {
		fprintf(stderr, "cannot write %s\n", path);
		exit(1);
	}
}

static void put_variant(const char *dir, const char *name, const uint8_t *env,
                        size_t len, size_t newlen, size_t at, uint8_t xor_)
{
	uint8_t *c = calloc(1, newlen > len ? newlen : len);

	memcpy(c, env, len);
	if (at < newlen)
		c[at] ^= xor_;
	put(dir, name, c, newlen);
	free(c);
}

static int write_vectors(const char *dir)
{
	uint8_t *env;
	size_t len, h;
	env_info info;
	char bad[512];

	make(&env, &len);
	put(dir, "v1-two-recipients.env", env, len);
	assert_int_equal(env_inspect(env, len, &info), ST_OK);
	h = info.header_len;
	snprintf(bad, sizeof bad, "%s/bad", dir);
	put_variant(bad, "empty.BADDATA.env", env, len, 0, 0, 0);
	put_variant(bad, "cut-in-magic.BADDATA.env", env, len, 4, 0, 0);
	put_variant(bad, "cut-after-fixed.BADDATA.env", env, len, 64, 0, 0);
	put_variant(bad, "cut-in-stanza.BADDATA.env", env, len, 100, 0, 0);
	put_variant(bad, "cut-before-mac.BADDATA.env", env, len, h - 32, 0, 0);
	put_variant(bad, "header-only.BADDATA.env", env, len, h, 0, 0);
	put_variant(bad, "final-chunk-cut.BADDATA.env", env, len, len - 1, 0, 0);
	put_variant(bad, "trailing-byte.BADDATA.env", env, len, len + 1, 0, 0);
	put_variant(bad, "magic.BADDATA.env", env, len, len, 1, 0x20);
	put_variant(bad, "version-2.VERSION.env", env, len, len, 6, 0x03);
	put_variant(bad, "no-recipients.BADDATA.env", env, len, len, 7, 0x02);
	put_variant(bad, "stream-len.BADDATA.env", env, len, len, 9, 0x40);
	put_variant(bad, "stream-len-max.BADDATA.env", env, len, len, 15, 0xff);
	put_variant(bad, "nonce.DECRYPT.env", env, len, len, 20, 0x01);
	put_variant(bad, "ephemeral.DECRYPT.env", env, len, len, 40, 0x01);
	put_variant(bad, "key-id.NOKEY.env", env, len, len, 64, 0x01);
	put_variant(bad, "wrapped-key.DECRYPT.env", env, len, len, 64 + 20, 0x01);
	put_variant(bad, "mac.DECRYPT.env", env, len, len, h - 1, 0x80);
	put_variant(bad, "manifest.DECRYPT.env", env, len, len, h + 3, 0x01);
	put_variant(bad, "payload.DECRYPT.env", env, len, len, h + 2000, 0x01);
	put_variant(bad, "final-tag.DECRYPT.env", env, len, len, len - 1, 0x01);
	free(env);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(envelope_is_byte_identical),
		cmocka_unit_test(stored_vector_opens_with_either_key),
		cmocka_unit_test(malformed_corpus_is_refused),
	};

	tu_use_deterministic_random("unused");
	if (getenv("INTAKE_TOP") != NULL) {
		static char path[512];

		snprintf(path, sizeof path, "%s/tests/vectors", getenv("INTAKE_TOP"));
		vdir = path;
	}
	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return write_vectors(argv[2]);
	return cmocka_run_group_tests(tests, NULL, NULL);
}
