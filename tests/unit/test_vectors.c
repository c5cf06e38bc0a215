/* test_vectors.c: known-answer vectors in tests/vectors/, checked byte for
 * byte. The randomness here is a deterministic test-only source (testutil.h)
 * that release builds never contain. `test_vectors --write DIR` remakes the
 * files after a deliberate format change; the suite only compares.
 * Also checks every malformed envelope in tests/vectors/bad/ is refused with
 * the status its name gives (NAME.STATUS.env). */
#include "testutil.h"
#include "enc.h"
#include "fsio.h"

#include <dirent.h>
#include <stdio.h>

static const char *vdir = "tests/vectors";
static const char *text = "Здравствуйте. Это тестовый вектор intake.\n";

/* Test-only key pairs from a label: officer N, and the submitter's reply
 * key (fixed here, so the envelope vectors do not depend on the receipt
 * derivation, section 4). */
static key_secret *labelled_key(const char *label)
{
	key_secret *k = sodium_malloc(sizeof *k);
	uint8_t seed[32];

	crypto_generichash(seed, sizeof seed, (const uint8_t *)label, strlen(label), NULL, 0);
	crypto_box_seed_keypair(k->pk, k->sk, seed);
	return k;
}

static key_secret *officer(int n)
{
	char label[64];

	snprintf(label, sizeof label, "intake test vector officer %d", n);
	return labelled_key(label);
}

static void attachment(uint8_t *d, size_t n)
{
	for (size_t i = 0; i < n; i++)
		d[i] = (uint8_t)(i * 7 % 251);
}

/* The vector envelope of `suite` (to officers 1 and 2), from a fresh
 * deterministic stream. */
static void make_env(unsigned suite, uint8_t **env, size_t *envlen)
{
	key_secret *a = officer(1), *b = officer(2);
	key_secret *rk = labelled_key("intake test vector reply key");
	key_bundle bundle;
	uint8_t data[1000];
	tu_file f = { "фото.jpg", data, sizeof data };
	char label[32];

	attachment(data, sizeof data);
	memset(&bundle, 0, sizeof bundle);
	key_bundle_add(&bundle, a->pk);
	key_bundle_add(&bundle, b->pk);
	snprintf(label, sizeof label, "intake-vector-v1-suite%u", suite);
	tu_rand_reset(label);
	assert_int_equal(tu_seal_suite(&bundle, suite, text, &f, 1, rk->pk, env, envlen), ST_OK);
	key_secret_free(rk);
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

static void same_bytes(const char *name, const uint8_t *b, size_t n)
{
	size_t wlen;
	uint8_t *want = load(name, &wlen);

	if (wlen != n || memcmp(want, b, n) != 0)
		fail_msg("%s differs from what the code makes now", name);
	free(want);
}

static void vectors_are_byte_identical(void **state)
{
	uint8_t *b;
	size_t n;

	(void)state;
	make_env(ENV_SUITE_CHACHA, &b, &n);
	same_bytes("v1-two-recipients.env", b, n);
	free(b);
	make_env(ENV_SUITE_AESGCM, &b, &n);
	same_bytes("v1-suite2.env", b, n);
	free(b);
	/* The reply vectors are test_reply.c's. */
}

static void stored_vectors_open_with_either_key(void **state)
{
	static const char *files[] = { "v1-two-recipients.env", "v1-suite2.env" };
	key_secret *rk = labelled_key("intake test vector reply key");
	uint8_t *env, data[1000];
	size_t len;
	tu_opened o;

	(void)state;
	attachment(data, sizeof data);
	for (size_t v = 0; v < 2; v++) {
		env = load(files[v], &len);
		assert_int_equal(env[8], v + 1); /* the suite byte */
		for (int n = 1; n <= 2; n++) {
			key_secret *k = officer(n);

			assert_int_equal(tu_open(k, env, len, &o, 1), ST_OK);
			assert_int_equal(o.lens[0], strlen(text));
			assert_memory_equal(o.parts[0], text, strlen(text));
			assert_string_equal(o.m.files[0].name, "фото.jpg");
			assert_string_equal(o.m.files[0].type, "image/jpeg");
			assert_memory_equal(o.parts[1], data, sizeof data);
			assert_int_equal(o.m.has_reply, 1);
			assert_memory_equal(o.m.reply_pk, rk->pk, 32);
			tu_opened_clear(&o);
			key_secret_free(k);
		}
		free(env);
	}
	key_secret_free(rk);
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

/* A correctly sealed envelope (to officer 1, suite 1) around a chosen
 * stream: u32le(len(json)) || json || body, zeros up to L. For the
 * malformed-content cases, which only a reader of the plaintext sees. */
typedef struct {
	const uint8_t *p;
	size_t n;
} mem_stream;

static st_t mem_stream_read(void *ctx, uint64_t off, uint8_t *buf, size_t len)
{
	const mem_stream *m = ctx;

	memset(buf, 0, len);
	if (off < m->n)
		memcpy(buf, m->p + off, m->n - off < len ? (size_t)(m->n - off) : len);
	return ST_OK;
}

static void put_stream(const char *dir, const char *name, const char *json,
                       const char *body, uint64_t L)
{
	key_secret *a = officer(1);
	key_bundle b;
	mem_stream ms;
	uint8_t *st, *env;
	size_t jl = strlen(json), bl = strlen(body), got;
	seal *s = NULL;

	memset(&b, 0, sizeof b);
	key_bundle_add(&b, a->pk);
	st = malloc(4 + jl + bl);
	enc_put_u32le(st, (uint32_t)jl);
	memcpy(st + 4, json, jl);
	memcpy(st + 4 + jl, body, bl);
	ms = (mem_stream){ st, 4 + jl + bl };
	tu_rand_reset(name);
	assert_int_equal(seal_new(&b, L, mem_stream_read, &ms, 1, &s), ST_OK);
	env = malloc((size_t)seal_total_len(s));
	assert_int_equal(seal_read(s, 0, env, (size_t)seal_total_len(s), &got), ST_OK);
	put(dir, name, env, got);
	seal_free(s);
	free(env);
	free(st);
	key_secret_free(a);
}

#define MAN_HEAD "{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1,\"type\":"
#define MAILBOX "\"reply\":{\"pk\":\"AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\",\"mailbox\":"

static int write_vectors(const char *dir)
{
	static const struct {
		const char *name, *json, *body;
		uint64_t L;
	} content[] = {
		/* the manifest of FORMAT.md 3.1 with one rule broken each */
		{ "manifest-v2.VERSION.env", "{\"v\":2,\"text_size\":0,\"files\":[]}", "", 65536 },
		{ "manifest-v-string.BADDATA.env", "{\"v\":\"1\",\"text_size\":0,\"files\":[]}", "", 65536 },
		{ "manifest-no-v.BADDATA.env", "{\"text_size\":0,\"files\":[]}", "", 65536 },
		{ "manifest-no-text-size.BADDATA.env", "{\"v\":1,\"files\":[]}", "", 65536 },
		{ "manifest-no-files.BADDATA.env", "{\"v\":1,\"text_size\":0}", "", 65536 },
		{ "manifest-no-type.BADDATA.env", "{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":1}]}", "xy", 65536 },
		{ "manifest-size-real.BADDATA.env", "{\"v\":1,\"text_size\":1.0,\"files\":[]}", "x", 65536 },
		{ "manifest-duplicate-key.BADDATA.env", "{\"v\":1,\"v\":1,\"text_size\":0,\"files\":[]}", "", 65536 },
		{ "manifest-nul-in-name.BADDATA.env", "{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\\u0000b\",\"size\":1,\"type\":\"\"}]}", "xy", 65536 },
		{ "manifest-too-deep.BADDATA.env", "{\"v\":1,\"text_size\":0,\"files\":[],\"x\":[[[]]]}", "", 65536 },
		{ "manifest-type-slash.BADDATA.env", MAN_HEAD "\"/\"}]}", "xy", 65536 },
		{ "manifest-type-no-subtype.BADDATA.env", MAN_HEAD "\"image/\"}]}", "xy", 65536 },
		{ "manifest-type-no-slash.BADDATA.env", MAN_HEAD "\"image\"}]}", "xy", 65536 },
		{ "manifest-type-parameter.BADDATA.env", MAN_HEAD "\"text/plain;charset=utf-8\"}]}", "xy", 65536 },
		{ "manifest-date-empty.BADDATA.env", "{\"v\":1,\"text_size\":0,\"files\":[],\"date\":\"\"}", "", 65536 },
		{ "manifest-date-month-13.BADDATA.env", "{\"v\":1,\"text_size\":0,\"files\":[],\"date\":\"2026-13\"}", "", 65536 },
		{ "manifest-date-zero.BADDATA.env", "{\"v\":1,\"text_size\":0,\"files\":[],\"date\":\"0000-00\"}", "", 65536 },
		{ "manifest-date-day.BADDATA.env", "{\"v\":1,\"text_size\":0,\"files\":[],\"date\":\"2026-11-29\"}", "", 65536 },
		{ "manifest-mailbox-upper.BADDATA.env", "{\"v\":1,\"text_size\":0,\"files\":[]," MAILBOX "\"ABABABABABABABABABABABABABABABAB\"}}", "", 65536 },
		{ "manifest-sizes-past-stream.BADDATA.env", "{\"v\":1,\"text_size\":70000,\"files\":[]}", "", 65536 },
		/* a valid manifest in a stream one size class too long */
		{ "padding-too-long.BADDATA.env", "{\"v\":1,\"text_size\":2,\"files\":[]}", "hi", 131072 },
		{ "padding-nonzero.BADDATA.env", "{\"v\":1,\"text_size\":2,\"files\":[]}", "hi!", 65536 },
	};
	uint8_t *env;
	size_t len, h;
	char bad[512];

	make_env(ENV_SUITE_CHACHA, &env, &len);
	put(dir, "v1-two-recipients.env", env, len);
	free(env);
	make_env(ENV_SUITE_AESGCM, &env, &len);
	put(dir, "v1-suite2.env", env, len);
	free(env);
	make_env(ENV_SUITE_CHACHA, &env, &len);
	h = env_header_len(2);
	snprintf(bad, sizeof bad, "%s/bad", dir);
	put_variant(bad, "empty.BADDATA.env", env, len, 0, 0, 0);
	put_variant(bad, "cut-in-magic.BADDATA.env", env, len, 4, 0, 0);
	put_variant(bad, "cut-in-reserved.BADDATA.env", env, len, 12, 0, 0);
	put_variant(bad, "cut-after-fixed.BADDATA.env", env, len, ENV_FIXED_LEN, 0, 0);
	put_variant(bad, "cut-in-stanza.BADDATA.env", env, len, ENV_FIXED_LEN + 36, 0, 0);
	put_variant(bad, "cut-before-mac.BADDATA.env", env, len, h - 32, 0, 0);
	put_variant(bad, "header-only.BADDATA.env", env, len, h, 0, 0);
	put_variant(bad, "final-chunk-cut.BADDATA.env", env, len, len - 1, 0, 0);
	put_variant(bad, "trailing-byte.BADDATA.env", env, len, len + 1, 0, 0);
	put_variant(bad, "magic.BADDATA.env", env, len, len, 1, 0x20);
	put_variant(bad, "version-2.VERSION.env", env, len, len, 6, 0x03);
	put_variant(bad, "no-recipients.BADDATA.env", env, len, len, 7, 0x02);
	put_variant(bad, "suite-0.VERSION.env", env, len, len, 8, 0x01);
	put_variant(bad, "suite-3.VERSION.env", env, len, len, 8, 0x02);
	put_variant(bad, "suite-swapped.DECRYPT.env", env, len, len, 8, 0x03);
	put_variant(bad, "reserved-nonzero.BADDATA.env", env, len, len, 15, 0x01);
	put_variant(bad, "stream-len.BADDATA.env", env, len, len, 17, 0x40);
	put_variant(bad, "stream-len-max.BADDATA.env", env, len, len, 23, 0xff);
	put_variant(bad, "nonce.DECRYPT.env", env, len, len, 28, 0x01);
	put_variant(bad, "ephemeral.DECRYPT.env", env, len, len, 48, 0x01);
	put_variant(bad, "key-id.NOKEY.env", env, len, len, ENV_FIXED_LEN, 0x01);
	put_variant(bad, "wrapped-key.DECRYPT.env", env, len, len, ENV_FIXED_LEN + 20, 0x01);
	put_variant(bad, "mac.DECRYPT.env", env, len, len, h - 1, 0x80);
	put_variant(bad, "manifest.DECRYPT.env", env, len, len, h + 3, 0x01);
	put_variant(bad, "payload.DECRYPT.env", env, len, len, h + 2000, 0x01);
	put_variant(bad, "final-tag.DECRYPT.env", env, len, len, len - 1, 0x01);
	{
		/* officer 1's key id on both stanzas: stanza 1 (officer 2's
		 * wrap) cannot unwrap for officer 1 and stanza 0 no longer
		 * matches the MAC: "decryption failed", not "no key" */
		key_secret *a = officer(1);

		key_id(a->pk, env + ENV_FIXED_LEN + ENV_STANZA_LEN);
		put(bad, "duplicate-key-id.DECRYPT.env", env, len);
		key_secret_free(a);
	}
	free(env);
	for (size_t i = 0; i < sizeof content / sizeof content[0]; i++)
		put_stream(bad, content[i].name, content[i].json, content[i].body,
		           content[i].L);
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_are_byte_identical),
		cmocka_unit_test(stored_vectors_open_with_either_key),
		cmocka_unit_test(malformed_corpus_is_refused),
	};
	int rc;

	tu_use_deterministic_random("unused");
	rc = tu_vectors_args(argc, argv, &vdir, write_vectors);
	if (rc >= 0)
		return rc;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
