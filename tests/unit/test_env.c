/* test_env.c: envelope round trips and the adversarial cases: truncation
 * at every structural boundary, dropped/swapped/duplicated chunks, flipped
 * bits in each part, unknown versions, absurd lengths, wrong keys, mixed
 * headers and payloads, and recipient tampering. Each must be refused with
 * a status, never a crash. */
#include "testutil.h"
#include "enc.h"
#include "pad.h"

static key_secret *k1, *k2, *k3;
static key_bundle b1, b12;
static uint8_t big[200000];
static uint8_t *e1, *e1b, *e12; /* one and two recipients */
static size_t e1len, e1blen, e12len;

static const char *text = "Мой сын в подвале. My son is held in a basement.";

static int setup(void **state)
{
	tu_file f = { "video.mp4", big, sizeof big };

	(void)state;
	if (key_generate(&k1) || key_generate(&k2) || key_generate(&k3))
		return -1;
	memset(&b1, 0, sizeof b1);
	memset(&b12, 0, sizeof b12);
	key_bundle_add(&b1, k1->pk);
	key_bundle_add(&b12, k1->pk);
	key_bundle_add(&b12, k2->pk);
	randombytes_buf(big, sizeof big);
	if (tu_seal(&b1, text, &f, 1, NULL, &e1, &e1len) != ST_OK ||
	    tu_seal(&b1, "other", &f, 1, NULL, &e1b, &e1blen) != ST_OK ||
	    tu_seal(&b12, text, &f, 1, NULL, &e12, &e12len) != ST_OK)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	free(e1);
	free(e1b);
	free(e12);
	key_secret_free(k1);
	key_secret_free(k2);
	key_secret_free(k3);
	return 0;
}

/* Open a modified copy of env; returns the status. */
static st_t open_copy(const key_secret *k, const uint8_t *env, size_t len)
{
	tu_opened o;
	st_t ret = tu_open(k, env, len, &o, 1);

	tu_opened_clear(&o);
	return ret;
}

static st_t open_flipped(const uint8_t *env, size_t len, size_t at)
{
	uint8_t *c = malloc(len);
	st_t ret;

	assert_non_null(c);
	memcpy(c, env, len);
	c[at] ^= 0x01;
	ret = open_copy(k1, c, len);
	free(c);
	return ret;
}

static void round_trip_one_recipient(void **state)
{
	tu_opened o;
	env_info info;

	(void)state;
	assert_int_equal(env_inspect(e1, e1len, &info), ST_OK);
	assert_int_equal(info.nrecip, 1);
	assert_true(info.total_len == e1len);
	assert_true(info.stream_len == pad_padme(info.stream_len));
	assert_int_equal(tu_open(k1, e1, e1len, &o, 1), ST_OK);
	assert_int_equal(o.lens[0], strlen(text));
	assert_memory_equal(o.parts[0], text, strlen(text));
	assert_int_equal(o.m.nfiles, 1);
	assert_string_equal(o.m.files[0].name, "video.mp4");
	assert_string_equal(o.m.files[0].type, "video/mp4");
	assert_int_equal(o.lens[1], sizeof big);
	assert_memory_equal(o.parts[1], big, sizeof big);
	assert_int_equal(o.ends, 2);
	tu_opened_clear(&o);
}

static void either_recipient_opens(void **state)
{
	tu_opened o;
	env_keys *ek = NULL;
	unsigned which = 9;

	(void)state;
	assert_int_equal(env_open_header(e12, e12len, k2, &ek, &which), ST_OK);
	assert_int_equal(which, 1);
	env_keys_free(ek);
	assert_int_equal(tu_open(k1, e12, e12len, &o, 2), ST_OK);
	assert_memory_equal(o.parts[1], big, sizeof big);
	tu_opened_clear(&o);
	assert_int_equal(tu_open(k2, e12, e12len, &o, 1), ST_OK);
	assert_memory_equal(o.parts[0], text, strlen(text));
	tu_opened_clear(&o);
}

static void wrong_key_refused(void **state)
{
	(void)state;
	assert_int_equal(open_copy(k3, e12, e12len), ST_NOKEY);
	assert_int_equal(open_copy(k2, e1, e1len), ST_NOKEY);
}

static void threads_give_identical_output(void **state)
{
	uint8_t hdr[ENV_MAX_HEADER];
	uint8_t *a = malloc(8 * ENV_SLOT), *b = malloc(8 * ENV_SLOT);
	env_keys *ek = NULL;
	uint64_t stream = pad_padme(8 * ENV_CHUNK - 100);

	(void)state;
	assert_int_equal(env_seal_begin(&b1, stream, hdr, sizeof hdr, &ek), ST_OK);
	assert_true(env_keys_nchunks(ek) == 8);
	randombytes_buf(a, 8 * ENV_SLOT);
	memcpy(b, a, 8 * ENV_SLOT);
	assert_int_equal(env_seal_chunks(ek, 0, a, 8, 1), ST_OK);
	assert_int_equal(env_seal_chunks(ek, 0, b, 8, 3), ST_OK);
	assert_memory_equal(a, b, 7 * ENV_SLOT + env_chunk_plain_len(ek, 7) + ENV_TAG);
	assert_int_equal(env_open_chunks(ek, 0, b, 8, 2), ST_OK);
	/* out-of-range batches are a programming error, not a crash */
	assert_int_equal(env_seal_chunks(ek, 7, a, 2, 1), ST_INTERNAL);
	env_keys_free(ek);
	free(a);
	free(b);
}

static void seal_refuses_bad_arguments(void **state)
{
	uint8_t hdr[ENV_MAX_HEADER];
	env_keys *ek = NULL;
	key_bundle none;

	(void)state;
	memset(&none, 0, sizeof none);
	assert_int_equal(env_seal_begin(&none, PAD_MIN_STREAM, hdr, sizeof hdr, &ek), ST_BADDATA);
	assert_int_equal(env_seal_begin(&b1, 1000, hdr, sizeof hdr, &ek), ST_BADDATA);
	assert_int_equal(env_seal_begin(&b1, PAD_MIN_STREAM + 1, hdr, sizeof hdr, &ek), ST_BADDATA);
	assert_int_equal(env_seal_begin(&b1, PAD_MIN_STREAM, hdr, 10, &ek), ST_TOOBIG);
}

/* Truncation at every structural boundary of the header and payload. */
static void truncations(void **state)
{
	env_info info;
	size_t h, cuts[16], n = 0;

	(void)state;
	assert_int_equal(env_inspect(e1, e1len, &info), ST_OK);
	h = info.header_len;
	cuts[n++] = 0;
	cuts[n++] = 3;                 /* inside the magic */
	cuts[n++] = 6;                 /* after the magic */
	cuts[n++] = 7;                 /* after the version */
	cuts[n++] = 8;                 /* after the recipient count */
	cuts[n++] = 16;                /* after the stream length */
	cuts[n++] = 32;                /* after the nonce */
	cuts[n++] = 64;                /* after the ephemeral key */
	cuts[n++] = 64 + 20;           /* inside the stanza */
	cuts[n++] = h - ENV_MAC_LEN;   /* before the MAC */
	cuts[n++] = h;                 /* header only */
	cuts[n++] = h + 100;           /* inside chunk 0 */
	cuts[n++] = h + ENV_SLOT;      /* after chunk 0 */
	cuts[n++] = e1len - 1;         /* inside the final tag */
	cuts[n++] = e1len - (size_t)(info.stream_len - (env_nchunks(info.stream_len) - 1) * ENV_CHUNK) - ENV_TAG; /* final chunk dropped */
	for (size_t i = 0; i < n; i++) {
		st_t r = open_copy(k1, e1, cuts[i]);

		assert_true(r == ST_BADDATA);
	}
}

static void trailing_garbage(void **state)
{
	uint8_t *c = malloc(e1len + 1);

	(void)state;
	memcpy(c, e1, e1len);
	c[e1len] = 0;
	assert_int_equal(open_copy(k1, c, e1len + 1), ST_BADDATA);
	free(c);
}

/* A chunk opened at another index, or as last when it is not, fails: the
 * STREAM nonce binds position and finality. */
static void chunk_order_and_finality(void **state)
{
	env_info info;
	env_keys *ek = NULL;
	uint64_t nch;
	uint8_t *c = malloc(e1len);
	size_t h;

	(void)state;
	assert_int_equal(env_inspect(e1, e1len, &info), ST_OK);
	assert_int_equal(env_open_header(e1, e1len, k1, &ek, NULL), ST_OK);
	nch = env_keys_nchunks(ek);
	assert_true(nch >= 3);
	h = info.header_len;
	/* swapped chunks 0 and 1 */
	memcpy(c, e1, e1len);
	memcpy(c + h, e1 + h + ENV_SLOT, ENV_SLOT);
	memcpy(c + h + ENV_SLOT, e1 + h, ENV_SLOT);
	assert_int_equal(open_copy(k1, c, e1len), ST_DECRYPT);
	/* chunk 0 duplicated over chunk 1 */
	memcpy(c, e1, e1len);
	memcpy(c + h + ENV_SLOT, e1 + h, ENV_SLOT);
	assert_int_equal(open_copy(k1, c, e1len), ST_DECRYPT);
	/* rotated: 1, 2, 0 */
	memcpy(c, e1, e1len);
	memcpy(c + h, e1 + h + ENV_SLOT, 2 * ENV_SLOT);
	memcpy(c + h + 2 * ENV_SLOT, e1 + h, ENV_SLOT);
	assert_int_equal(open_copy(k1, c, e1len), ST_DECRYPT);
	/* a full chunk presented as the final one fails */
	{
		uint8_t *slot = malloc(ENV_SLOT);

		memcpy(slot, e1 + h, ENV_SLOT);
		assert_int_equal(env_open_chunks(ek, nch - 1, slot, 1, 1), ST_DECRYPT);
		free(slot);
	}
	env_keys_free(ek);
	free(c);
}

static void flipped_bits(void **state)
{
	env_info info;
	size_t h;

	(void)state;
	assert_int_equal(env_inspect(e1, e1len, &info), ST_OK);
	h = info.header_len;
	assert_int_equal(open_flipped(e1, e1len, 0), ST_BADDATA);    /* magic */
	assert_int_equal(open_flipped(e1, e1len, 20), ST_DECRYPT);   /* nonce */
	assert_int_equal(open_flipped(e1, e1len, 40), ST_DECRYPT);   /* eph key */
	assert_int_equal(open_flipped(e1, e1len, 64), ST_NOKEY);     /* key id */
	assert_int_equal(open_flipped(e1, e1len, 64 + 8), ST_DECRYPT); /* wrapped */
	assert_int_equal(open_flipped(e1, e1len, 64 + 50), ST_DECRYPT); /* wrap tag */
	assert_int_equal(open_flipped(e1, e1len, h - 1), ST_DECRYPT); /* MAC */
	assert_int_equal(open_flipped(e1, e1len, h + 10), ST_DECRYPT); /* manifest */
	assert_int_equal(open_flipped(e1, e1len, h + ENV_SLOT + 7), ST_DECRYPT); /* data */
	assert_int_equal(open_flipped(e1, e1len, e1len - 1), ST_DECRYPT); /* last tag */
	/* stream length change: still a valid size class, but not ours */
	assert_int_equal(open_flipped(e1, e1len, 7), ST_BADDATA); /* nrecip 1->0 */
}

static void versions_and_lengths(void **state)
{
	uint8_t *c = malloc(e1len);
	env_info info;

	(void)state;
	memcpy(c, e1, e1len);
	c[6] = 2;
	assert_int_equal(env_inspect(c, e1len, &info), ST_VERSION);
	c[6] = 0;
	assert_int_equal(env_inspect(c, e1len, &info), ST_VERSION);
	memcpy(c, e1, e1len);
	c[7] = 17;
	assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
	c[7] = 2; /* more stanzas claimed than the bytes hold in a short buf */
	assert_int_equal(env_inspect(c, 64 + 56, &info), ST_BADDATA);
	memcpy(c, e1, e1len);
	enc_put_u64le(c + 8, UINT64_MAX);
	assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
	enc_put_u64le(c + 8, 0);
	assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
	enc_put_u64le(c + 8, (uint64_t)INT64_MIN); /* "negative" */
	assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
	enc_put_u64le(c + 8, PAD_MIN_STREAM + 1); /* not a padded length */
	assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
	/* declared over the real size: structurally fine, length mismatch */
	enc_put_u64le(c + 8, pad_padme(e1len * 2));
	assert_int_equal(env_inspect(c, e1len, &info), ST_OK);
	assert_true(info.total_len != e1len);
	assert_int_equal(open_copy(k1, c, e1len), ST_BADDATA);
	free(c);
}

static void header_of_one_payload_of_another(void **state)
{
	env_info ia, ib;
	uint8_t *c;

	(void)state;
	assert_int_equal(env_inspect(e1, e1len, &ia), ST_OK);
	assert_int_equal(env_inspect(e1b, e1blen, &ib), ST_OK);
	assert_true(ia.total_len == ib.total_len);
	c = malloc(e1len);
	memcpy(c, e1, ia.header_len);
	memcpy(c + ia.header_len, e1b + ib.header_len, e1len - ia.header_len);
	assert_int_equal(open_copy(k1, c, e1len), ST_DECRYPT);
	free(c);
}

/* Removing, swapping or adding a recipient breaks the header MAC. */
static void recipient_tampering(void **state)
{
	env_info info;
	uint8_t *c = malloc(e12len + ENV_STANZA_LEN);
	size_t h;

	(void)state;
	assert_int_equal(env_inspect(e12, e12len, &info), ST_OK);
	h = info.header_len;
	/* remove stanza 2 */
	memcpy(c, e12, 64 + ENV_STANZA_LEN);
	c[7] = 1;
	memcpy(c + 64 + ENV_STANZA_LEN, e12 + h - ENV_MAC_LEN, e12len - (h - ENV_MAC_LEN));
	assert_int_equal(open_copy(k1, c, e12len - ENV_STANZA_LEN), ST_DECRYPT);
	/* swap stanzas */
	memcpy(c, e12, e12len);
	memcpy(c + 64, e12 + 64 + ENV_STANZA_LEN, ENV_STANZA_LEN);
	memcpy(c + 64 + ENV_STANZA_LEN, e12 + 64, ENV_STANZA_LEN);
	assert_int_equal(open_copy(k1, c, e12len), ST_DECRYPT);
	assert_int_equal(open_copy(k2, c, e12len), ST_DECRYPT);
	/* add a third stanza for k3 (copied from nowhere: it cannot be valid,
	 * but the MAC must fail first for k1) */
	memcpy(c, e12, h - ENV_MAC_LEN);
	c[7] = 3;
	key_id(k3->pk, c + h - ENV_MAC_LEN);
	memset(c + h - ENV_MAC_LEN + KEY_ID_LEN, 0x55, ENV_STANZA_LEN - KEY_ID_LEN);
	memcpy(c + h - ENV_MAC_LEN + ENV_STANZA_LEN, e12 + h - ENV_MAC_LEN,
	       e12len - (h - ENV_MAC_LEN));
	assert_int_equal(open_copy(k1, c, e12len + ENV_STANZA_LEN), ST_DECRYPT);
	assert_int_equal(open_copy(k3, c, e12len + ENV_STANZA_LEN), ST_DECRYPT);
	free(c);
}

static void low_order_ephemeral_key(void **state)
{
	uint8_t *c = malloc(e1len);

	(void)state;
	memcpy(c, e1, e1len);
	memset(c + 32, 0, 32);
	assert_int_equal(open_copy(k1, c, e1len), ST_DECRYPT);
	free(c);
}

static void random_garbage_never_crashes(void **state)
{
	uint8_t buf[512];
	env_info info;
	env_keys *ek = NULL;

	(void)state;
	for (int i = 0; i < 2000; i++) {
		size_t n = (size_t)randombytes_uniform(sizeof buf);

		randombytes_buf(buf, n);
		if (i % 2 == 0 && n >= 8) {
			memcpy(buf, ENV_MAGIC, 6);
			buf[6] = 1;
			buf[7] = (uint8_t)(1 + i % 3);
		}
		if (env_inspect(buf, n, &info) == ST_OK)
			assert_true(env_open_header(buf, n, k1, &ek, NULL) != ST_OK);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_one_recipient),
		cmocka_unit_test(either_recipient_opens),
		cmocka_unit_test(wrong_key_refused),
		cmocka_unit_test(threads_give_identical_output),
		cmocka_unit_test(seal_refuses_bad_arguments),
		cmocka_unit_test(truncations),
		cmocka_unit_test(trailing_garbage),
		cmocka_unit_test(chunk_order_and_finality),
		cmocka_unit_test(flipped_bits),
		cmocka_unit_test(versions_and_lengths),
		cmocka_unit_test(header_of_one_payload_of_another),
		cmocka_unit_test(recipient_tampering),
		cmocka_unit_test(low_order_ephemeral_key),
		cmocka_unit_test(random_garbage_never_crashes),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
