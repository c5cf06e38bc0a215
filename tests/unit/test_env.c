/* test_env.c: envelope round trips and the adversarial cases: truncation
 * at every structural boundary, dropped/swapped/duplicated chunks, flipped
 * bits in each part, unknown versions, absurd lengths, wrong keys, mixed
 * headers and payloads, and recipient tampering. Each must be refused with
 * a status, never a crash. */
#include "testutil.h"
#include "enc.h"
#include "pad.h"

#include <openssl/evp.h>

/* Header offsets, from docs/FORMAT.md section 2.1. */
#define H_SUITE 8
#define H_RESERVED 9
#define H_LEN 16
#define H_NONCE 24
#define H_EPK 40
#define H_STANZA ENV_FIXED_LEN

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
	assert_int_equal(env_seal_begin(&b1, ENV_SUITE_CHACHA, stream, hdr, sizeof hdr, &ek), ST_OK);
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
	assert_int_equal(env_seal_begin(&none, 1, PAD_MIN_STREAM, hdr, sizeof hdr, &ek), ST_BADDATA);
	assert_int_equal(env_seal_begin(&b1, 1, 1000, hdr, sizeof hdr, &ek), ST_BADDATA);
	assert_int_equal(env_seal_begin(&b1, 1, PAD_MIN_STREAM + 1, hdr, sizeof hdr, &ek), ST_BADDATA);
	assert_int_equal(env_seal_begin(&b1, 1, PAD_MIN_STREAM, hdr, 10, &ek), ST_TOOBIG);
	assert_int_equal(env_seal_begin(&b1, 0, PAD_MIN_STREAM, hdr, sizeof hdr, &ek), ST_BADDATA);
	assert_int_equal(env_seal_begin(&b1, 3, PAD_MIN_STREAM, hdr, sizeof hdr, &ek), ST_BADDATA);
	/* two stanzas with one key id are never written (FORMAT.md 2.1) */
	memcpy(&none, &b1, sizeof none);
	memcpy(none.pk[1], b1.pk[0], KEY_PUB_LEN);
	none.n = 2;
	assert_int_equal(env_seal_begin(&none, 1, PAD_MIN_STREAM, hdr, sizeof hdr, &ek), ST_BADDATA);
}

/* Truncation at every structural boundary of the header and payload. */
static void truncations(void **state)
{
	env_info info;
	size_t h, cuts[20], n = 0;

	(void)state;
	assert_int_equal(env_inspect(e1, e1len, &info), ST_OK);
	h = info.header_len;
	cuts[n++] = 0;
	cuts[n++] = 3;                 /* inside the magic */
	cuts[n++] = 6;                 /* after the magic */
	cuts[n++] = 7;                 /* after the version */
	cuts[n++] = 8;                 /* after the recipient count */
	cuts[n++] = 12;                /* inside the reserved bytes */
	cuts[n++] = H_LEN;             /* before the stream length */
	cuts[n++] = H_NONCE;           /* before the nonce */
	cuts[n++] = H_EPK + 10;        /* inside the ephemeral key */
	cuts[n++] = H_STANZA;          /* after the ephemeral key */
	cuts[n++] = H_STANZA + 20;     /* inside the stanza */
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
	assert_int_equal(open_flipped(e1, e1len, H_NONCE + 4), ST_DECRYPT); /* nonce */
	assert_int_equal(open_flipped(e1, e1len, H_EPK + 8), ST_DECRYPT); /* eph key */
	assert_int_equal(open_flipped(e1, e1len, H_STANZA), ST_NOKEY);  /* key id */
	assert_int_equal(open_flipped(e1, e1len, H_STANZA + 8), ST_DECRYPT); /* wrapped */
	assert_int_equal(open_flipped(e1, e1len, H_STANZA + 50), ST_DECRYPT); /* wrap tag */
	assert_int_equal(open_flipped(e1, e1len, H_SUITE), ST_VERSION); /* 1 -> 0 */
	assert_int_equal(open_flipped(e1, e1len, H_RESERVED + 3), ST_BADDATA);
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
	assert_int_equal(env_inspect(c, H_STANZA + 56, &info), ST_BADDATA);
	memcpy(c, e1, e1len);
	c[H_SUITE] = 0;
	assert_int_equal(env_inspect(c, e1len, &info), ST_VERSION);
	c[H_SUITE] = 3;
	assert_int_equal(env_inspect(c, e1len, &info), ST_VERSION);
	c[H_SUITE] = 2;
	assert_int_equal(env_inspect(c, e1len, &info), ST_OK);
	assert_int_equal(info.suite, 2);
	/* another suite named is bound by the stanza AD and the MAC */
	assert_int_equal(open_copy(k1, c, e1len), ST_DECRYPT);
	memcpy(c, e1, e1len);
	for (int i = 0; i < 7; i++) {
		c[H_RESERVED + i] = 0x80;
		assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
		c[H_RESERVED + i] = 0;
	}
	enc_put_u64le(c + H_LEN, UINT64_MAX);
	assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
	enc_put_u64le(c + H_LEN, 0);
	assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
	enc_put_u64le(c + H_LEN, (uint64_t)INT64_MIN); /* "negative" */
	assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
	enc_put_u64le(c + H_LEN, PAD_MIN_STREAM + 1); /* not a padded length */
	assert_int_equal(env_inspect(c, e1len, &info), ST_BADDATA);
	/* declared over the real size: structurally fine, length mismatch */
	enc_put_u64le(c + H_LEN, pad_padme(e1len * 2));
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
	memcpy(c, e12, H_STANZA + ENV_STANZA_LEN);
	c[7] = 1;
	memcpy(c + H_STANZA + ENV_STANZA_LEN, e12 + h - ENV_MAC_LEN, e12len - (h - ENV_MAC_LEN));
	assert_int_equal(open_copy(k1, c, e12len - ENV_STANZA_LEN), ST_DECRYPT);
	/* swap stanzas */
	memcpy(c, e12, e12len);
	memcpy(c + H_STANZA, e12 + H_STANZA + ENV_STANZA_LEN, ENV_STANZA_LEN);
	memcpy(c + H_STANZA + ENV_STANZA_LEN, e12 + H_STANZA, ENV_STANZA_LEN);
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
	memset(c + H_EPK, 0, 32);
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
		if (i % 2 == 0 && n >= H_LEN) {
			memcpy(buf, ENV_MAGIC, 6);
			buf[6] = 1;
			buf[7] = (uint8_t)(1 + i % 3);
			buf[H_SUITE] = (uint8_t)(1 + i % 4 / 2);
			memset(buf + H_RESERVED, 0, 7);
		}
		if (env_inspect(buf, n, &info) == ST_OK)
			assert_true(env_open_header(buf, n, k1, &ek, NULL) != ST_OK);
	}
}

/* An independent reading of a header, written from docs/FORMAT.md with
 * libsodium primitives only (no common/env.c): the file key from stanza
 * `st` for k, and the header MAC recomputed over the first h-32 bytes. */
static int indep_file_key(const key_secret *k, const uint8_t *env, unsigned st,
                          uint8_t file_key[32])
{
	static const uint8_t zero12[12];
	uint8_t shared[32], wk[32], personal[16] = "intake-wrap-v1";
	crypto_generichash_blake2b_state hs;

	if (crypto_scalarmult(shared, k->sk, env + H_EPK) != 0)
		return 0;
	crypto_generichash_blake2b_init_salt_personal(&hs, NULL, 0, 32, NULL, personal);
	crypto_generichash_blake2b_update(&hs, shared, 32);
	crypto_generichash_blake2b_update(&hs, env + H_EPK, 32);
	crypto_generichash_blake2b_update(&hs, k->pk, 32);
	crypto_generichash_blake2b_final(&hs, wk, 32);
	return crypto_aead_chacha20poly1305_ietf_decrypt(
	           file_key, NULL, NULL, env + H_STANZA + st * ENV_STANZA_LEN + KEY_ID_LEN,
	           48, env, ENV_FIXED_LEN, zero12, wk) == 0;
}

static void indep_derive(const uint8_t file_key[32], const uint8_t *env,
                         size_t h, unsigned suite, uint8_t mac[32],
                         uint8_t payload_key[32])
{
	uint8_t mac_key[32], p_hmac[16] = "intake-hmac-v1", p_pay[16] = "intake-payload1";

	p_pay[14] = (uint8_t)('0' + suite);
	crypto_generichash_blake2b_salt_personal(mac_key, 32, NULL, 0, file_key, 32,
	                                         env + H_NONCE, p_hmac);
	crypto_generichash_blake2b_salt_personal(payload_key, 32, NULL, 0, file_key,
	                                         32, env + H_NONCE, p_pay);
	crypto_generichash_blake2b(mac, 32, env, h - 32, mac_key, 32);
}

/* AES-256-GCM through EVP's one-shot-per-chunk path (a fresh context,
 * the IV length set explicitly), not env.c's reused context. */
static int indep_gcm(int enc, const uint8_t key[32], uint64_t idx, int last,
                     const uint8_t ad[32], const uint8_t *in, size_t n,
                     uint8_t *out, uint8_t tag[16])
{
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();
	uint8_t iv[12] = { 0 };
	int len, ok;

	for (int i = 0; i < 8; i++)
		iv[3 + i] = (uint8_t)(idx >> (56 - 8 * i));
	iv[11] = (uint8_t)last;
	ok = c != NULL && EVP_CipherInit_ex(c, EVP_aes_256_gcm(), NULL, NULL, NULL, enc) == 1 &&
	     EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_IVLEN, 12, NULL) == 1 &&
	     EVP_CipherInit_ex(c, NULL, NULL, key, iv, enc) == 1 &&
	     EVP_CipherUpdate(c, NULL, &len, ad, 32) == 1 &&
	     EVP_CipherUpdate(c, out, &len, in, (int)n) == 1 && (size_t)len == n &&
	     (enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_SET_TAG, 16, tag) == 1) &&
	     EVP_CipherFinal_ex(c, out + n, &len) == 1 &&
	     (!enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_GCM_GET_TAG, 16, tag) == 1);
	EVP_CIPHER_CTX_free(c);
	return ok;
}

/* Suite 2 opens through common/ and, chunk by chunk, through the
 * independent reading above: same plaintext, and re-encrypting gives the
 * envelope's own bytes. */
static void suite2_matches_independent_gcm(void **state)
{
	tu_file f = { "video.mp4", big, sizeof big };
	uint8_t *env, *plain, file_key[32], mac[32], pk[32], tag[16];
	size_t len, off;
	env_info info;
	tu_opened o;
	uint32_t m;

	(void)state;
	assert_int_equal(tu_seal_suite(&b12, ENV_SUITE_AESGCM, text, &f, 1, NULL,
	                               &env, &len), ST_OK);
	assert_int_equal(env_inspect(env, len, &info), ST_OK);
	assert_int_equal(info.suite, ENV_SUITE_AESGCM);
	assert_int_equal(env[H_SUITE], 2);
	for (unsigned t = 1; t <= 3; t += 2) {
		assert_int_equal(tu_open(k2, env, len, &o, t), ST_OK);
		assert_memory_equal(o.parts[0], text, strlen(text));
		assert_memory_equal(o.parts[1], big, sizeof big);
		tu_opened_clear(&o);
	}
	assert_true(indep_file_key(k2, env, 1, file_key));
	indep_derive(file_key, env, info.header_len, 2, mac, pk);
	assert_memory_equal(mac, env + info.header_len - 32, 32);
	plain = malloc((size_t)info.stream_len + 16);
	off = info.header_len;
	for (uint64_t i = 0, n = env_nchunks(info.stream_len); i < n; i++) {
		size_t pl = i + 1 < n ? ENV_CHUNK
		                      : (size_t)(info.stream_len - (n - 1) * ENV_CHUNK);
		uint8_t *p = plain + i * ENV_CHUNK, *ct = malloc(pl + 16);

		memcpy(tag, env + off + pl, 16);
		assert_true(indep_gcm(0, pk, i, i + 1 == n, mac, env + off, pl, p, tag));
		assert_true(indep_gcm(1, pk, i, i + 1 == n, mac, p, pl, ct, tag));
		assert_memory_equal(ct, env + off, pl);
		assert_memory_equal(tag, env + off + pl, 16);
		/* the wrong chunk index does not authenticate */
		memcpy(tag, env + off + pl, 16);
		assert_false(indep_gcm(0, pk, i + 1, i + 1 == n, mac, env + off, pl, ct, tag));
		free(ct);
		off += pl + 16;
	}
	assert_true(off == len);
	m = enc_get_u32le(plain);
	assert_memory_equal(plain + 4 + m, text, strlen(text));
	assert_memory_equal(plain + 4 + m + strlen(text), big, sizeof big);
	/* and suite 1 under the same reading is not suite 2 */
	assert_true(indep_file_key(k1, e1, 0, file_key));
	indep_derive(file_key, e1, env_header_len(1), 1, mac, pk);
	assert_memory_equal(mac, e1 + env_header_len(1) - 32, 32);
	free(plain);
	free(env);
}

/* GCM decrypts in place before it checks the tag, so a batch with one
 * forged chunk holds unauthenticated plaintext (and its good chunks'
 * plaintext) until env_open_chunks wipes it: all of it, in both suites,
 * alone and with threads. */
static void failed_batch_wiped(void **state)
{
	tu_file f = { "video.mp4", big, sizeof big };
	static const uint8_t zero[ENV_SLOT];
	uint8_t *env, *buf = malloc(3 * ENV_SLOT);
	env_keys *ek;
	env_info info;
	size_t len;

	(void)state;
	for (unsigned suite = ENV_SUITE_CHACHA; suite <= ENV_SUITE_AESGCM; suite++)
		for (unsigned t = 1; t <= 3; t += 2) {
			assert_int_equal(tu_seal_suite(&b12, suite, text, &f, 1, NULL,
			                               &env, &len), ST_OK);
			assert_int_equal(env_inspect(env, len, &info), ST_OK);
			assert_true(env_nchunks(info.stream_len) > 3);
			assert_int_equal(env_open_header(env, len, k2, &ek, NULL), ST_OK);
			memcpy(buf, env + info.header_len, 3 * ENV_SLOT);
			buf[ENV_SLOT + 100] ^= 1; /* the second chunk's text */
			assert_int_equal(env_open_chunks(ek, 0, buf, 3, t), ST_DECRYPT);
			for (int j = 0; j < 3; j++)
				assert_memory_equal(buf + j * ENV_SLOT, zero, ENV_SLOT);
			env_keys_free(ek);
			free(env);
		}
	free(buf);
}

/* FORMAT.md: several stanzas may carry the reader's key id; they are
 * tried in order and the first that unwraps gives the file key. Made
 * here by renaming k2's stanza to k1's id and re-MACing with the file key
 * (what a recipient could do; the MAC still binds the result). Only the
 * header is opened: the chunks are bound to the original MAC. */
static void duplicate_key_ids_tried_in_order(void **state)
{
	uint8_t *c = malloc(e12len), file_key[32], mac[32], pk[32], id[KEY_ID_LEN];
	size_t h = env_header_len(2);
	env_keys *ek = NULL;
	unsigned which = 9;

	(void)state;
	assert_true(indep_file_key(k1, e12, 0, file_key));
	key_id(k1->pk, id);
	/* [k1 (valid), k1 id over k2's wrap]: the first wins */
	memcpy(c, e12, e12len);
	memcpy(c + H_STANZA + ENV_STANZA_LEN, id, KEY_ID_LEN);
	indep_derive(file_key, c, h, 1, mac, pk);
	memcpy(c + h - 32, mac, 32);
	assert_int_equal(env_open_header(c, e12len, k1, &ek, &which), ST_OK);
	assert_int_equal(which, 0);
	env_keys_free(ek);
	assert_int_equal(open_copy(k2, c, e12len), ST_NOKEY);
	/* [k1 id over k2's wrap, k1 (valid)]: the second unwraps and opens */
	memcpy(c + H_STANZA, e12 + H_STANZA + ENV_STANZA_LEN, ENV_STANZA_LEN);
	memcpy(c + H_STANZA, id, KEY_ID_LEN);
	memcpy(c + H_STANZA + ENV_STANZA_LEN, e12 + H_STANZA, ENV_STANZA_LEN);
	indep_derive(file_key, c, h, 1, mac, pk);
	memcpy(c + h - 32, mac, 32);
	assert_int_equal(env_open_header(c, e12len, k1, &ek, &which), ST_OK);
	assert_int_equal(which, 1);
	env_keys_free(ek);
	/* both garbage for k1: decryption failed, not "no key" */
	memcpy(c + H_STANZA + ENV_STANZA_LEN, e12 + H_STANZA + ENV_STANZA_LEN, ENV_STANZA_LEN);
	memcpy(c + H_STANZA + ENV_STANZA_LEN, id, KEY_ID_LEN);
	assert_int_equal(open_copy(k1, c, e12len), ST_DECRYPT);
	sodium_memzero(file_key, sizeof file_key);
	free(c);
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
		cmocka_unit_test(suite2_matches_independent_gcm),
		cmocka_unit_test(failed_batch_wiped),
		cmocka_unit_test(duplicate_key_ids_tried_in_order),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, setup, teardown);
}
