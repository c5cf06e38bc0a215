/* test_keyset.c: the root key, fingerprints and pins, officer entries, and
 * signed keysets: known-answer vectors (tests/vectors/keyset-v*.bin, remade
 * by `test_keyset --write DIR`) and every way a keyset is refused. */
#include "testutil.h"
#include "enc.h"
#include "fsio.h"
#include "keyset_vec.h"
#include "words.h"

static const char *vdir = "tests/vectors";

static uint8_t *load(const char *name, size_t *len)
{
	char path[512];
	uint8_t *buf = NULL;

	snprintf(path, sizeof path, "%s/%s", vdir, name);
	assert_int_equal(fsio_read_file(path, 1 << 20, &buf, len), ST_OK);
	return buf;
}

static void make(int version, const char *rootlabel, uint8_t **out, size_t *len)
{
	keyset_root *root = kv_root(rootlabel);
	keyset ks;

	kv_keyset(version, &ks);
	assert_int_equal(keyset_sign(&ks, root, out, len), ST_OK);
	keyset_root_free(root);
}

static void vec_pin(keyset_pin *pin)
{
	keyset_root *root = kv_root("intake test vector root");
	char fp[KEYSET_FP_TEXT_MAX];

	keyset_fingerprint(root->pk, fp);
	assert_int_equal(keyset_pin_parse(fp, pin), ST_OK);
	keyset_root_free(root);
}

/* Sign raw bytes as the root would: independent of keyset_sign, so this
 * also checks the signed message ("intake-keyset-v1" || body). */
static void resign(const char *rootlabel, uint8_t *b, size_t len)
{
	keyset_root *root = kv_root(rootlabel);
	uint8_t *m = malloc(16 + len);

	memcpy(m, "intake-keyset-v1", 16);
	memcpy(m + 16, b, len - 64);
	crypto_sign_detached(b + len - 64, NULL, m, 16 + len - 64, root->sk);
	free(m);
	keyset_root_free(root);
}

static void vectors_are_byte_identical(void **state)
{
	keyset_pin pin;
	keyset ks;

	(void)state;
	vec_pin(&pin);
	for (int v = 1; v <= 2; v++) {
		uint8_t *b, *want;
		size_t len, wlen;
		char name[32];

		make(v, "intake test vector root", &b, &len);
		snprintf(name, sizeof name, "keyset-v%d.bin", v);
		want = load(name, &wlen);
		assert_int_equal(wlen, len);
		assert_memory_equal(want, b, len);
		assert_int_equal(keyset_verify(want, wlen, &pin, KV_NOW, &ks), ST_OK);
		assert_int_equal(ks.serial, (uint64_t)v);
		assert_int_equal(ks.n, v == 1 ? 2 : 1);
		assert_int_equal(ks.r, v == 1 ? 0 : 1);
		free(b);
		free(want);
	}
	assert_int_equal(ks.rev[0].reason, KEYSET_LEFT);
	assert_int_equal(ks.rev[0].day, KV_DAY);
}

static void root_files(void **state)
{
	keyset_root *r = NULL, *back = NULL;
	key_secret *off = NULL;
	uint8_t sealed[KEY_SECFILE_LEN], pk[32];
	char line[128], fp[KEYSET_FP_TEXT_MAX];

	(void)state;
	assert_int_equal(keyset_root_generate(&r), ST_OK);
	assert_int_equal(keyset_root_seal(r, "pass", 4, sealed), ST_OK);
	assert_memory_equal(sealed, "intakerk", 8);
	assert_int_equal(keyset_root_open(sealed, sizeof sealed, "pass", 4, &back), ST_OK);
	assert_memory_equal(back->pk, r->pk, 32);
	assert_memory_equal(back->sk, r->sk, 64);
	keyset_root_free(back);
	assert_int_equal(keyset_root_open(sealed, sizeof sealed, "pasS", 4, &back), ST_DECRYPT);
	/* a root file is no officer key, and the other way round */
	assert_int_equal(key_secret_open(sealed, sizeof sealed, "pass", 4, &off), ST_BADDATA);
	key_generate(&off);
	assert_int_equal(key_secret_seal(off, "pass", 4, sealed), ST_OK);
	assert_int_equal(keyset_root_open(sealed, sizeof sealed, "pass", 4, &back), ST_BADDATA);
	key_secret_free(off);
	/* public file */
	assert_int_equal(keyset_root_pub_format(r->pk, line, sizeof line), ST_OK);
	assert_int_equal(strncmp(line, "intake-root-public-1 ", 21), 0);
	assert_int_equal(keyset_root_pub_parse(line, strlen(line), pk), ST_OK);
	assert_memory_equal(pk, r->pk, 32);
	assert_int_equal(keyset_root_pub_parse(line, strlen(line) - 3, pk), ST_BADDATA);
	assert_int_equal(keyset_root_pub_parse("intake-public-key-1 AAAA", 24, pk), ST_BADDATA);
	assert_int_equal(keyset_root_pub_format(r->pk, line, 20), ST_TOOBIG);
	keyset_fingerprint(r->pk, fp);
	assert_int_equal(strlen(fp), 39);
	keyset_root_free(r);
}

static void pins(void **state)
{
	keyset_root *a = kv_root("intake test vector root"), *b = kv_root("another root");
	keyset_pin pin;
	char fp[KEYSET_FP_TEXT_MAX];

	(void)state;
	keyset_fingerprint(a->pk, fp);
	assert_int_equal(keyset_pin_parse(fp, &pin), ST_OK);
	assert_int_equal(pin.bits, 160);
	assert_int_equal(keyset_pin_check(&pin, a->pk), ST_OK);
	assert_int_equal(keyset_pin_check(&pin, b->pk), ST_MISMATCH);
	for (char *p = fp; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	assert_int_equal(keyset_pin_parse(fp, &pin), ST_OK);
	assert_int_equal(keyset_pin_check(&pin, a->pk), ST_OK);
	fp[3] = fp[3] == '0' ? '1' : '0';
	assert_int_equal(keyset_pin_parse(fp, &pin), ST_OK);
	assert_int_equal(keyset_pin_check(&pin, a->pk), ST_MISMATCH);
	/* the word form, either list, and a changed word */
	for (int lang = 0; lang < 2; lang++) {
		char words[512], *sp;

		assert_int_equal(keyset_fingerprint_words(a->pk, lang, words, sizeof words), ST_OK);
		assert_int_equal(keyset_pin_parse(words, &pin), ST_OK);
		assert_int_equal(pin.bits, 165);
		assert_int_equal(keyset_pin_check(&pin, a->pk), ST_OK);
		assert_int_equal(keyset_pin_check(&pin, b->pk), ST_MISMATCH);
		assert_int_equal(keyset_fingerprint_words(a->pk, lang, words, 20), ST_TOOBIG);
		/* 14 words are no pin */
		keyset_fingerprint_words(a->pk, lang, words, sizeof words);
		sp = strrchr(words, ' ');
		*sp = '\0';
		assert_int_equal(keyset_pin_parse(words, &pin), ST_BADDATA);
	}
	{
		char ru[512], en[512], mixed[1024];
		const char *w;

		/* the last word swapped for another list word: another pin */
		keyset_fingerprint_words(a->pk, 0, ru, sizeof ru);
		w = strrchr(ru, ' ') + 1;
		snprintf(mixed, sizeof mixed, "%.*s %s", (int)(w - ru - 1), ru,
		         strcmp(w, words_get(WORDS_RU, 0)) == 0 ? words_get(WORDS_RU, 1)
		                                                : words_get(WORDS_RU, 0));
		assert_int_equal(keyset_pin_parse(mixed, &pin), ST_OK);
		assert_int_equal(keyset_pin_check(&pin, a->pk), ST_MISMATCH);
		/* both lists mixed in one pin */
		keyset_fingerprint_words(a->pk, 1, en, sizeof en);
		snprintf(mixed, sizeof mixed, "%.*s %s", (int)(strchr(ru, ' ') - ru), ru,
		         strchr(en, ' ') + 1);
		assert_int_equal(keyset_pin_parse(mixed, &pin), ST_OK);
		assert_int_equal(keyset_pin_check(&pin, a->pk), ST_OK);
	}
	assert_int_equal(keyset_pin_parse("", &pin), ST_BADDATA);
	assert_int_equal(keyset_pin_parse("ABCD-EFGH", &pin), ST_BADDATA);
	assert_int_equal(keyset_pin_parse("not a pin at all, not at all!!!!!", &pin), ST_BADDATA);
	keyset_root_free(a);
	keyset_root_free(b);
}

static void entries(void **state)
{
	key_secret *k = kv_officer(1);
	keyset_officer e, back;
	uint8_t pk[32], *sk = sodium_malloc(64);
	char line[160];

	(void)state;
	keyset_officer_entry(k, &e);
	keyset_sign_keypair(k, pk, sk);
	assert_memory_equal(pk, e.sign_pk, 32);
	assert_memory_equal(e.box_pk, k->pk, 32);
	assert_int_equal(keyset_entry_format(&e, line, sizeof line), ST_OK);
	assert_int_equal(keyset_entry_parse(line, strlen(line), &back), ST_OK);
	assert_memory_equal(&back, &e, sizeof e);
	line[strlen(line) - 2] ^= 1;
	assert_int_equal(keyset_entry_parse(line, strlen(line), &back), ST_BADDATA);
	assert_int_equal(keyset_entry_parse(line, 10, &back), ST_BADDATA);
	assert_int_equal(keyset_entry_format(&e, line, 40), ST_TOOBIG);
	sodium_free(sk);
	key_secret_free(k);
}

static void expiry_and_clock(void **state)
{
	keyset_pin pin;
	keyset ks;
	uint8_t *b;
	size_t len;

	(void)state;
	vec_pin(&pin);
	make(1, "intake test vector root", &b, &len);
	assert_int_equal(keyset_verify(b, len, &pin, KV_EXPIRES - 1, &ks), ST_OK);
	assert_int_equal(keyset_verify(b, len, &pin, KV_EXPIRES, &ks), ST_EXPIRED);
	assert_int_equal(ks.expires, KV_EXPIRES); /* for the message */
	assert_int_equal(keyset_verify(b, len, &pin, KV_CREATED - 86400, &ks), ST_OK);
	assert_int_equal(keyset_verify(b, len, &pin, KV_CREATED - 86401, &ks), ST_EXPIRED);
	assert_int_equal(keyset_verify(b, len, &pin, 0, &ks), ST_OK);
	free(b);
}

static void other_root_and_forgery(void **state)
{
	keyset_pin pin;
	keyset ks;
	uint8_t *b, *a;
	size_t len, alen;

	(void)state;
	vec_pin(&pin);
	/* a keyset signed by another root, correctly */
	make(1, "another root", &b, &len);
	assert_int_equal(keyset_verify(b, len, NULL, KV_NOW, &ks), ST_OK);
	assert_int_equal(keyset_verify(b, len, &pin, KV_NOW, &ks), ST_MISMATCH);
	/* naming the pinned root but signed by another */
	make(1, "intake test vector root", &a, &alen);
	memcpy(b + 36, a + 36, 32);
	assert_int_equal(keyset_verify(b, len, &pin, KV_NOW, &ks), ST_DECRYPT);
	/* every changed byte is refused */
	for (size_t i = 0; i < alen; i++) {
		st_t ret;

		a[i] ^= 0x01;
		ret = keyset_verify(a, alen, &pin, KV_NOW, &ks);
		assert_int_not_equal(ret, ST_OK);
		a[i] ^= 0x01;
	}
	assert_int_equal(keyset_verify(a, alen, &pin, KV_NOW, &ks), ST_OK);
	free(a);
	free(b);
}

static void structure_refused(void **state)
{
	const char *rl = "intake test vector root";
	keyset_pin pin;
	keyset ks;
	uint8_t *b, *c;
	size_t len;

	(void)state;
	vec_pin(&pin);
	make(1, rl, &b, &len);
	c = malloc(len + 80);
	/* truncated, trailing byte, short of the header */
	assert_int_equal(keyset_verify(b, len - 1, &pin, KV_NOW, &ks), ST_BADDATA);
	memcpy(c, b, len);
	c[len] = 0;
	assert_int_equal(keyset_verify(c, len + 1, &pin, KV_NOW, &ks), ST_BADDATA);
	assert_int_equal(keyset_verify(b, 60, &pin, KV_NOW, &ks), ST_BADDATA);
	assert_int_equal(keyset_verify(b, 0, &pin, KV_NOW, &ks), ST_BADDATA);
	/* each structural rule, with a valid root signature over the change */
#define REFUSED(what, want)                                                  \
	do {                                                                 \
		memcpy(c, b, len);                                           \
		what;                                                        \
		resign(rl, c, len);                                          \
		assert_int_equal(keyset_verify(c, len, &pin, KV_NOW, &ks), want); \
	} while (0)
	REFUSED((void)0, ST_OK);
	REFUSED(c[8] = 2, ST_VERSION);
	REFUSED(c[11] = 1, ST_BADDATA);
	REFUSED(enc_put_u64le(c + 12, 0), ST_BADDATA);                   /* serial 0 */
	REFUSED(enc_put_u64le(c + 28, KV_CREATED), ST_BADDATA);          /* expires = created */
	REFUSED(enc_put_u64le(c + 28, KV_CREATED + 401ULL * 86400), ST_BADDATA);
	REFUSED(c[68] ^= 1, ST_BADDATA);                                 /* key id */
	REFUSED(memcpy(c + 68 + 72, c + 68, 72), ST_BADDATA);            /* duplicate */
	REFUSED(memset(c + 68 + 40, 0, 32), ST_BADDATA);                 /* no signing key */
	REFUSED(c[9] = 17, ST_BADDATA);
	free(c);
	/* the empty keyset: no officer to seal to */
	{
		size_t elen = 68 + 64;

		c = calloc(1, elen);
		memcpy(c, b, 68);
		c[9] = 0;
		resign(rl, c, elen);
		assert_int_equal(keyset_verify(c, elen, &pin, KV_NOW, &ks), ST_BADDATA);
		free(c);
	}
	/* a revoked entry: reason and zero bytes */
	free(b);
	make(2, rl, &b, &len);
	c = malloc(len);
	REFUSED((void)0, ST_OK);
	REFUSED(c[68 + 72 + 76] = 3, ST_BADDATA);
	REFUSED(c[68 + 72 + 79] = 1, ST_BADDATA);
	REFUSED(memcpy(c + 68 + 72, c + 68, 72), ST_BADDATA); /* current and revoked */
#undef REFUSED
	free(c);
	free(b);
}

static void writer_refuses_what_readers_refuse(void **state)
{
	keyset_root *root = kv_root("intake test vector root");
	keyset ks;
	uint8_t *b = NULL;
	size_t len;

	(void)state;
	kv_keyset(1, &ks);
	ks.n = 0;
	assert_int_equal(keyset_sign(&ks, root, &b, &len), ST_BADDATA);
	kv_keyset(1, &ks);
	ks.off[1] = ks.off[0];
	assert_int_equal(keyset_sign(&ks, root, &b, &len), ST_BADDATA);
	kv_keyset(1, &ks);
	ks.expires = ks.created;
	assert_int_equal(keyset_sign(&ks, root, &b, &len), ST_BADDATA);
	kv_keyset(2, &ks);
	ks.rev[0].reason = 0;
	assert_int_equal(keyset_sign(&ks, root, &b, &len), ST_BADDATA);
	/* the largest keyset fits the cap */
	kv_keyset(1, &ks);
	ks.n = KEYSET_MAX_OFFICERS;
	ks.r = KEYSET_MAX_REVOKED;
	for (size_t i = 0; i < ks.n + ks.r; i++) {
		key_secret *k = NULL;

		key_generate(&k);
		keyset_officer_entry(k, i < ks.n ? &ks.off[i] : &ks.rev[i - ks.n].k);
		if (i >= ks.n)
			ks.rev[i - ks.n].reason = KEYSET_COMPROMISED;
		key_secret_free(k);
	}
	assert_int_equal(keyset_sign(&ks, root, &b, &len), ST_OK);
	assert_true(len <= KEYSET_MAX_LEN);
	assert_int_equal(keyset_verify(b, len, NULL, KV_NOW, &ks), ST_OK);
	free(b);
	keyset_root_free(root);
}

static void serial_rollback_is_accepted(void **state)
{
	/* The client stores nothing: an older keyset that has not expired
	 * verifies (SECURITY.md states the bound); the server refuses to
	 * store a lower serial. */
	keyset_pin pin;
	keyset ks;
	uint8_t *b;
	size_t len;

	(void)state;
	vec_pin(&pin);
	make(1, "intake test vector root", &b, &len);
	assert_int_equal(keyset_verify(b, len, &pin, KV_NOW, &ks), ST_OK);
	assert_int_equal(ks.serial, 1);
	free(b);
}

static void lookups(void **state)
{
	key_secret *a = kv_officer(1), *b2 = kv_officer(2), *c = kv_officer(3);
	keyset ks;
	key_bundle bundle;
	uint8_t id[KEY_ID_LEN], reason = 9;

	(void)state;
	kv_keyset(2, &ks);
	key_id(a->pk, id);
	assert_non_null(keyset_find(&ks, id, &reason));
	assert_int_equal(reason, 0);
	key_id(b2->pk, id);
	assert_non_null(keyset_find(&ks, id, &reason));
	assert_int_equal(reason, KEYSET_LEFT);
	key_id(c->pk, id);
	assert_null(keyset_find(&ks, id, &reason));
	keyset_bundle(&ks, &bundle);
	assert_int_equal(bundle.n, 1);
	assert_memory_equal(bundle.pk[0], a->pk, 32);
	key_secret_free(a);
	key_secret_free(b2);
	key_secret_free(c);
}

static int write_vectors(const char *dir)
{
	for (int v = 1; v <= 2; v++) {
		uint8_t *b;
		size_t len;
		char path[512];

		make(v, "intake test vector root", &b, &len);
		snprintf(path, sizeof path, "%s/keyset-v%d.bin", dir, v);
		if (fsio_write_file_atomic(path, b, len, 0644, 1) != ST_OK)
			return 1;
		free(b);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors_are_byte_identical),
		cmocka_unit_test(root_files),
		cmocka_unit_test(pins),
		cmocka_unit_test(entries),
		cmocka_unit_test(expiry_and_clock),
		cmocka_unit_test(other_root_and_forgery),
		cmocka_unit_test(structure_refused),
		cmocka_unit_test(writer_refuses_what_readers_refuse),
		cmocka_unit_test(serial_rollback_is_accepted),
		cmocka_unit_test(lookups),
	};
	int rc;

	if (sodium_init() < 0)
		return 1;
	rc = tu_vectors_args(argc, argv, &vdir, write_vectors);
	if (rc >= 0)
		return rc;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
