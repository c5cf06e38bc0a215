/* test_reply.c: signed officer replies: known-answer vectors
 * (tests/vectors/v1-reply.bin, v1-reply-retired.bin, remade by
 * `test_reply --write DIR`), the four trust classes, forgery by a receipt
 * holder, tampering with each part, size limits and sequence checks. */
#include "testutil.h"
#include "fsio.h"
#include "keyset_vec.h"
#include "reply.h"

static const char *vdir = "tests/vectors";
static const char *vtext = "Ответ.";

static uint8_t *load(const char *name, size_t *len)
{
	char path[512];
	uint8_t *buf = NULL;

	snprintf(path, sizeof path, "%s/%s", vdir, name);
	assert_int_equal(fsio_read_file(path, 1 << 20, &buf, len), ST_OK);
	return buf;
}

/* Vector replies: officer 1's reply 1 and officer 2's reply 2, from a
 * fresh deterministic stream each (the nonce is the only randomness). */
static void make(int officer, uint8_t **out, size_t *len)
{
	key_secret *k = kv_officer(officer);
	receipt *r = kv_receipt();
	char label[64];

	snprintf(label, sizeof label, "intake-vector-reply-%d", officer);
	tu_rand_reset(label);
	assert_int_equal(reply_seal(k, r->mailbox, r->reply_pk, (uint32_t)officer,
	                            KV_DAY, (const uint8_t *)vtext, strlen(vtext),
	                            out, len), ST_OK);
	sodium_free(r);
	key_secret_free(k);
}

static const char *vname(int officer)
{
	return officer == 1 ? "v1-reply.bin" : "v1-reply-retired.bin";
}

static void vectors(void **state)
{
	receipt *r = kv_receipt();
	keyset v1, v2;
	reply_msg m;

	(void)state;
	kv_keyset(1, &v1);
	kv_keyset(2, &v2);
	for (int o = 1; o <= 2; o++) {
		uint8_t *b, *want;
		size_t len, wlen;

		make(o, &b, &len);
		want = load(vname(o), &wlen);
		assert_int_equal(wlen, len);
		assert_memory_equal(want, b, len);
		assert_int_equal(reply_open(r, &v1, want, wlen, &m), ST_OK);
		assert_int_equal(m.cls, REPLY_VERIFIED);
		assert_int_equal(m.seq, (uint32_t)o);
		assert_int_equal(m.day, KV_DAY);
		assert_string_equal((char *)m.text, vtext);
		reply_msg_clear(&m);
		/* after officer 2 left, her reply is from a since-retired key */
		assert_int_equal(reply_open(r, &v2, want, wlen, &m), ST_OK);
		assert_int_equal(m.cls, o == 1 ? REPLY_VERIFIED : REPLY_VERIFIED_RETIRED);
		reply_msg_clear(&m);
		free(b);
		free(want);
	}
	sodium_free(r);
}

static void classes(void **state)
{
	key_secret *a = kv_officer(1), *b = kv_officer(2), *c = kv_officer(3);
	receipt *r = kv_receipt();
	keyset ks;
	key_bundle bundle;
	reply_msg m;
	uint8_t *ct;
	size_t len;

	(void)state;
	kv_keyset(2, &ks);
	/* a stolen key: revoked as compromised */
	ks.rev[0].reason = KEYSET_COMPROMISED;
	assert_int_equal(reply_seal(b, r->mailbox, r->reply_pk, 1, 1,
	                            (const uint8_t *)"x", 1, &ct, &len), ST_OK);
	assert_int_equal(reply_open(r, &ks, ct, len, &m), ST_OK);
	assert_int_equal(m.cls, REPLY_COMPROMISED);
	reply_msg_clear(&m);
	free(ct);
	/* a key outside the keyset: unverified, nothing opened */
	assert_int_equal(reply_seal(c, r->mailbox, r->reply_pk, 1, 1,
	                            (const uint8_t *)"x", 1, &ct, &len), ST_OK);
	assert_int_equal(reply_open(r, &ks, ct, len, &m), ST_NOKEY);
	assert_int_equal(m.cls, REPLY_UNVERIFIED);
	assert_null(m.text);
	free(ct);
	/* signed for another mailbox: the signature does not verify here */
	{
		uint8_t mb[16];

		memset(mb, 0x11, sizeof mb);
		assert_int_equal(reply_seal(a, mb, r->reply_pk, 1, 1,
		                            (const uint8_t *)"x", 1, &ct, &len), ST_OK);
		assert_int_equal(reply_open(r, &ks, ct, len, &m), ST_OK);
		assert_int_equal(m.cls, REPLY_UNVERIFIED);
		reply_msg_clear(&m);
		free(ct);
	}
	/* bundle mode: opens, never verified */
	memset(&bundle, 0, sizeof bundle);
	key_bundle_add(&bundle, a->pk);
	keyset_from_bundle(&bundle, &ks);
	assert_int_equal(reply_seal(a, r->mailbox, r->reply_pk, 1, 1,
	                            (const uint8_t *)"x", 1, &ct, &len), ST_OK);
	assert_int_equal(reply_open(r, &ks, ct, len, &m), ST_OK);
	assert_int_equal(m.cls, REPLY_UNVERIFIED);
	assert_string_equal((char *)m.text, "x");
	reply_msg_clear(&m);
	free(ct);
	sodium_free(r);
	key_secret_free(a);
	key_secret_free(b);
	key_secret_free(c);
}

/* What a receipt holder with the server can do: the box key is shared
 * (crypto_box_beforenm(officer_pk, reply_sk)), so it can make a reply
 * that opens and names the officer's key id, but not sign it. */
static void receipt_holder_cannot_forge(void **state)
{
	key_secret *a = kv_officer(1);
	receipt *r = kv_receipt();
	keyset ks;
	reply_msg m;
	uint8_t k[32], plain[REPLY_MIN_PAD], ct[REPLY_HEADER_LEN + REPLY_MIN_PAD + 16];
	const char *t = "Приходите завтра.";

	(void)state;
	kv_keyset(1, &ks);
	assert_int_equal(crypto_box_beforenm(k, a->pk, r->reply_sk), 0);
	memset(plain, 0, sizeof plain);
	plain[0] = 1;                      /* seq */
	randombytes_buf(plain + 8, 64);    /* a signature it cannot make */
	plain[72] = (uint8_t)strlen(t);
	memcpy(plain + 76, t, strlen(t));
	memcpy(ct, "INTAKR\1\0", 8);
	key_id(a->pk, ct + 8);
	randombytes_buf(ct + 16, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct + REPLY_HEADER_LEN, NULL, plain,
	                                           sizeof plain, ct, REPLY_HEADER_LEN,
	                                           NULL, ct + 16, k);
	assert_int_equal(reply_open(r, &ks, ct, sizeof ct, &m), ST_OK);
	assert_int_equal(m.cls, REPLY_UNVERIFIED);
	reply_msg_clear(&m);
	sodium_free(r);
	key_secret_free(a);
}

static void tamper_and_limits(void **state)
{
	key_secret *a = kv_officer(1);
	receipt *r = kv_receipt(), *r2 = NULL;
	keyset ks;
	reply_msg m;
	uint8_t *ct, *big, pk[32];
	size_t len;

	(void)state;
	kv_keyset(1, &ks);
	make(1, &ct, &len);
	for (size_t i = 0; i < len; i += (i < REPLY_HEADER_LEN ? 1 : 97)) {
		st_t ret;

		ct[i] ^= 0x20;
		ret = reply_open(r, &ks, ct, len, &m);
		assert_true(ret == ST_BADDATA || ret == ST_VERSION || ret == ST_NOKEY ||
		            ret == ST_DECRYPT);
		ct[i] ^= 0x20;
	}
	assert_int_equal(reply_open(r, &ks, ct, len - 1, &m), ST_BADDATA);
	assert_int_equal(reply_open(r, &ks, ct, 10, &m), ST_BADDATA);
	receipt_generate(&r2);
	assert_int_equal(reply_open(r2, &ks, ct, len, &m), ST_DECRYPT);
	receipt_free(r2);
	free(ct);
	big = calloc(1, REPLY_TEXT_MAX + 1);
	assert_int_equal(reply_seal(a, r->mailbox, r->reply_pk, 1, 1, big,
	                            REPLY_TEXT_MAX + 1, &ct, &len), ST_TOOBIG);
	assert_int_equal(reply_seal(a, r->mailbox, r->reply_pk, 1, 1, big,
	                            REPLY_TEXT_MAX, &ct, &len), ST_OK);
	assert_true(len <= REPLY_MAX_LEN);
	assert_int_equal(reply_open(r, &ks, ct, len - 1, &m), ST_DECRYPT);
	assert_int_equal(reply_open(r, &ks, ct, len, &m), ST_OK);
	assert_int_equal(m.cls, REPLY_VERIFIED);
	reply_msg_clear(&m);
	free(ct);
	assert_int_equal(reply_seal(a, r->mailbox, r->reply_pk, 0, 1, big, 1, &ct, &len), ST_BADDATA);
	memset(pk, 0, sizeof pk); /* a low-order point */
	assert_int_equal(reply_seal(a, r->mailbox, pk, 1, 1, big, 5, &ct, &len), ST_BADDATA);
	free(big);
	sodium_free(r);
	key_secret_free(a);
}

static void sequences(void **state)
{
	reply_seq_issue is[16];
	const uint32_t ok[] = { 1, 2, 3 };
	const uint32_t gap[] = { 1, 3, 6 };
	const uint32_t copy[] = { 1, 2, 2 };
	const uint32_t reord[] = { 2, 1 };
	const uint32_t far[] = { 1, 4000000000u };

	(void)state;
	assert_int_equal(reply_seq_check(ok, 3, is, 16), 0);
	assert_int_equal(reply_seq_check(ok, 0, is, 16), 0);
	assert_int_equal(reply_seq_check(gap, 3, is, 16), 3);
	assert_int_equal(is[0].kind, REPLY_SEQ_MISSING);
	assert_int_equal(is[0].seq, 2);
	assert_int_equal(is[1].seq, 4);
	assert_int_equal(is[2].seq, 5);
	assert_int_equal(reply_seq_check(copy, 3, is, 16), 1);
	assert_int_equal(is[0].kind, REPLY_SEQ_COPY);
	assert_int_equal(is[0].seq, 2);
	assert_int_equal(reply_seq_check(reord, 2, is, 16), 1);
	assert_int_equal(is[0].kind, REPLY_SEQ_REORDERED);
	assert_int_equal(is[0].seq, 1);
	/* a huge gap is counted, not listed */
	assert_int_equal(reply_seq_check(far, 2, is, 16), 4000000000u - 2);
	assert_int_equal(is[15].seq, 17);
	/* a reply withheld from the start */
	assert_int_equal(reply_seq_check(&gap[1], 1, is, 16), 2);
}

static int write_vectors(const char *dir)
{
	for (int o = 1; o <= 2; o++) {
		uint8_t *b;
		size_t len;
		char path[512];

		make(o, &b, &len);
		snprintf(path, sizeof path, "%s/%s", dir, vname(o));
		if (fsio_write_file_atomic(path, b, len, 0644, 1) != ST_OK)
			return 1;
		free(b);
	}
	return 0;
}

int main(int argc, char **argv)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(vectors),
		cmocka_unit_test(classes),
		cmocka_unit_test(receipt_holder_cannot_forge),
		cmocka_unit_test(tamper_and_limits),
		cmocka_unit_test(sequences),
	};
	int rc;

	tu_use_deterministic_random("unused");
	rc = tu_vectors_args(argc, argv, &vdir, write_vectors);
	if (rc >= 0)
		return rc;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
