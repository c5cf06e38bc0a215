/* test_key.c: key files, bundles, fingerprints and sealed secret keys. */
#include "testutil.h"
#include "enc.h"

static void pub_format_parse(void **state)
{
	key_secret *k = NULL;
	key_bundle b;
	char line[128];

	(void)state;
	assert_int_equal(key_generate(&k), ST_OK);
	assert_int_equal(key_pub_format(k->pk, line, sizeof line), ST_OK);
	assert_int_equal(strncmp(line, KEY_PUB_PREFIX, strlen(KEY_PUB_PREFIX)), 0);
	assert_int_equal(key_bundle_parse(line, strlen(line), &b), ST_OK);
	assert_int_equal(b.n, 1);
	assert_memory_equal(b.pk[0], k->pk, 32);
	assert_int_equal(key_pub_format(k->pk, line, 20), ST_TOOBIG);
	key_secret_free(k);
}

static void bundle_round_trip_and_fingerprint(void **state)
{
	key_secret *a = NULL, *c = NULL;
	key_bundle b, r, rev;
	char *text = NULL, fp1[KEY_FP_TEXT_MAX], fp2[KEY_FP_TEXT_MAX];

	(void)state;
	key_generate(&a);
	key_generate(&c);
	memset(&b, 0, sizeof b);
	memset(&rev, 0, sizeof rev);
	assert_int_equal(key_bundle_add(&b, a->pk), ST_OK);
	assert_int_equal(key_bundle_add(&b, c->pk), ST_OK);
	assert_int_equal(key_bundle_add(&b, c->pk), ST_CONFLICT);
	key_bundle_add(&rev, c->pk);
	key_bundle_add(&rev, a->pk);
	assert_int_equal(key_bundle_format(&b, &text), ST_OK);
	assert_int_equal(key_bundle_parse(text, strlen(text), &r), ST_OK);
	assert_int_equal(r.n, 2);
	key_bundle_fingerprint(&b, fp1);
	key_bundle_fingerprint(&rev, fp2);
	assert_string_equal(fp1, fp2); /* order does not matter */
	assert_int_equal(strlen(fp1), 39);
	assert_int_equal(key_fingerprint_check(&b, fp1), ST_OK);
	for (char *p = fp2; *p; p++)
		if (*p >= 'A' && *p <= 'Z')
			*p = (char)(*p - 'A' + 'a');
	assert_int_equal(key_fingerprint_check(&b, fp2), ST_OK); /* case */
	fp2[0] = fp2[0] == '0' ? '1' : '0';
	assert_int_equal(key_fingerprint_check(&b, fp2), ST_MISMATCH);
	assert_int_equal(key_fingerprint_check(&b, "not a fingerprint"), ST_BADDATA);
	assert_int_equal(key_fingerprint_check(&b, ""), ST_BADDATA);
	rev.n = 1; /* a subset has another fingerprint */
	key_bundle_fingerprint(&rev, fp2);
	assert_string_not_equal(fp1, fp2);
	free(text);
	key_secret_free(a);
	key_secret_free(c);
}

static void bundle_parse_refuses(void **state)
{
	key_bundle b;
	const char *bad[] = {
		"",
		"# only a comment\n",
		"intake-public-key-1 \n",
		"intake-public-key-1 AAAA\n",
		"intake-public-key-2 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"intake-public-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA= extra\n",
		"intake-public-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
		"intake-public-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"garbage\n",
		/* the header is the first line or nothing (FORMAT.md 1.2) */
		"# comment\nintake-bundle-1\n"
		"intake-public-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"\nintake-bundle-1\n"
		"intake-public-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"intake-public-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n"
		"intake-bundle-1\n",
		"\xef\xbb\xbfintake-bundle-1\n" /* a byte order mark */
		"intake-public-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
		"intake-bundle-1 \n"
		"intake-public-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\n",
	};
	char big[KEY_FILE_MAX + 2];

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(key_bundle_parse(bad[i], strlen(bad[i]), &b), ST_BADDATA);
	/* a NUL hidden in the middle of a line */
	assert_int_equal(key_bundle_parse("intake-public-key-1 A\0AAA\n", 26, &b), ST_BADDATA);
	memset(big, '#', sizeof big);
	assert_int_equal(key_bundle_parse(big, sizeof big, &b), ST_TOOBIG);
	/* 17 distinct keys are too many */
	{
		size_t cap = 17 * 80 + 1, used = 0;
		char *t = malloc(cap);
		uint8_t pk[32];

		t[0] = 0;
		for (int i = 0; i < 17; i++) {
			randombytes_buf(pk, sizeof pk);
			assert_int_equal(key_pub_format(pk, t + used, cap - used), ST_OK);
			used += strlen(t + used);
		}
		assert_int_equal(key_bundle_parse(t, strlen(t), &b), ST_TOOBIG);
		free(t);
	}
}

static void bundle_accepts_crlf_and_header(void **state)
{
	key_bundle b;
	const char *t = "intake-bundle-1\r\n# c\r\n\r\n"
	                "intake-public-key-1 AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=\r\n";

	(void)state;
	assert_int_equal(key_bundle_parse(t, strlen(t), &b), ST_OK);
	assert_int_equal(b.n, 1);
}

static void key_ids_differ(void **state)
{
	uint8_t a[32] = { 1 }, c[32] = { 2 }, ia[8], ic[8];

	(void)state;
	key_id(a, ia);
	key_id(c, ic);
	assert_memory_not_equal(ia, ic, 8);
}

static void secret_file_round_trip(void **state)
{
	key_secret *k = NULL, *o = NULL;
	uint8_t file[KEY_SECFILE_LEN];

	(void)state;
	key_generate(&k);
	assert_int_equal(key_secret_seal(k, "correct horse", 13, file), ST_OK);
	assert_int_equal(key_secret_open(file, sizeof file, "correct horse", 13, &o), ST_OK);
	assert_memory_equal(o->sk, k->sk, 32);
	assert_memory_equal(o->pk, k->pk, 32);
	key_secret_free(o);
	o = NULL;
	assert_int_equal(key_secret_open(file, sizeof file, "correct horsE", 13, &o), ST_DECRYPT);
	assert_null(o);
	/* tampering with the stated cost (authenticated as AD) is caught */
	file[16] ^= 1;
	assert_int_equal(key_secret_open(file, sizeof file, "correct horse", 13, &o), ST_DECRYPT);
	file[16] ^= 1;
	/* costs below the minimum (ops 3, 64 MiB) are refused before any
	 * work: a cheap KDF would make the passphrase quick to guess */
	enc_put_u32le(file + 12, 2);
	assert_int_equal(key_secret_open(file, sizeof file, "correct horse", 13, &o), ST_BADDATA);
	enc_put_u32le(file + 12, 3);
	enc_put_u64le(file + 16, 64ULL * 1024 * 1024 - 1024);
	assert_int_equal(key_secret_open(file, sizeof file, "correct horse", 13, &o), ST_BADDATA);
	enc_put_u64le(file + 16, KEY_KDF_MEMLIMIT);
	/* ops above 64 too */
	enc_put_u32le(file + 12, 65);
	assert_int_equal(key_secret_open(file, sizeof file, "correct horse", 13, &o), ST_BADDATA);
	enc_put_u32le(file + 12, 3);
	file[100] ^= 1;
	assert_int_equal(key_secret_open(file, sizeof file, "correct horse", 13, &o), ST_DECRYPT);
	file[100] ^= 1;
	file[8] = 2;
	assert_int_equal(key_secret_open(file, sizeof file, "correct horse", 13, &o), ST_VERSION);
	file[8] = 1;
	file[0] = 'X';
	assert_int_equal(key_secret_open(file, sizeof file, "x", 1, &o), ST_BADDATA);
	file[0] = 'i';
	assert_int_equal(key_secret_open(file, sizeof file - 1, "x", 1, &o), ST_BADDATA);
	/* a hostile cost (4 TiB of memory) is refused before any work */
	enc_put_u64le(file + 16, 1ULL << 42);
	assert_int_equal(key_secret_open(file, sizeof file, "x", 1, &o), ST_BADDATA);
	/* a passphrase is a typed line: no terminator, no NUL inside, not empty */
	assert_int_equal(key_secret_seal(k, "pass\n", 5, file), ST_BADDATA);
	assert_int_equal(key_secret_seal(k, "pass\r", 5, file), ST_BADDATA);
	assert_int_equal(key_secret_seal(k, "pa\0ss", 5, file), ST_BADDATA);
	assert_int_equal(key_secret_seal(k, "", 0, file), ST_BADDATA);
	key_secret_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pub_format_parse),
		cmocka_unit_test(bundle_round_trip_and_fingerprint),
		cmocka_unit_test(bundle_parse_refuses),
		cmocka_unit_test(bundle_accepts_crlf_and_header),
		cmocka_unit_test(key_ids_differ),
		cmocka_unit_test(secret_file_round_trip),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
