/* test_reply.c: officer replies: round trip, sender check against the
 * bundle, tampering with each part, and size limits. */
#include "testutil.h"
#include "receipt.h"
#include "reply.h"

static void round_trip_and_tamper(void **state)
{
	key_secret *off = NULL, *other = NULL;
	receipt *r = NULL;
	key_bundle b, wrong;
	uint8_t *ct = NULL, *text = NULL;
	size_t ctlen, tlen, who = 9;
	const char *msg = "Мы получили ваше письмо. We received your letter.";

	(void)state;
	key_generate(&off);
	key_generate(&other);
	receipt_generate(&r);
	memset(&b, 0, sizeof b);
	memset(&wrong, 0, sizeof wrong);
	key_bundle_add(&b, other->pk);
	key_bundle_add(&b, off->pk);
	key_bundle_add(&wrong, other->pk);
	assert_int_equal(reply_seal(off, r->reply_pk, (const uint8_t *)msg, strlen(msg), &ct, &ctlen), ST_OK);
	assert_true(ctlen >= REPLY_HEADER_LEN + REPLY_MIN_PAD + 16);
	assert_int_equal(reply_open(r->reply_sk, &b, ct, ctlen, &text, &tlen, &who), ST_OK);
	assert_int_equal(who, 1);
	assert_int_equal(tlen, strlen(msg));
	assert_string_equal((char *)text, msg);
	sodium_free(text);
	/* a sender outside the pinned bundle */
	assert_int_equal(reply_open(r->reply_sk, &wrong, ct, ctlen, &text, &tlen, &who), ST_NOKEY);
	/* every header byte and the body are authenticated */
	for (size_t i = 0; i < ctlen; i += (i < REPLY_HEADER_LEN ? 1 : 97)) {
		st_t ret;

		ct[i] ^= 0x20;
		ret = reply_open(r->reply_sk, &b, ct, ctlen, &text, &tlen, &who);
		assert_true(ret == ST_BADDATA || ret == ST_VERSION || ret == ST_NOKEY || ret == ST_DECRYPT);
		ct[i] ^= 0x20;
	}
	assert_int_equal(reply_open(r->reply_sk, &b, ct, ctlen - 1, &text, &tlen, &who), ST_DECRYPT);
	assert_int_equal(reply_open(r->reply_sk, &b, ct, 10, &text, &tlen, &who), ST_BADDATA);
	/* another receipt cannot read it */
	{
		receipt *r2 = NULL;

		receipt_generate(&r2);
		assert_int_equal(reply_open(r2->reply_sk, &b, ct, ctlen, &text, &tlen, &who), ST_DECRYPT);
		receipt_free(r2);
	}
	free(ct);
	receipt_free(r);
	key_secret_free(off);
	key_secret_free(other);
}

static void limits(void **state)
{
	key_secret *off = NULL;
	uint8_t pk[32] = { 9 }, *ct = NULL, *big;

	(void)state;
	key_generate(&off);
	big = calloc(1, REPLY_TEXT_MAX + 1);
	assert_int_equal(reply_seal(off, pk, big, REPLY_TEXT_MAX + 1, &ct, &(size_t){ 0 }), ST_TOOBIG);
	assert_int_equal(reply_seal(off, pk, big, REPLY_TEXT_MAX, &ct, &(size_t){ 0 }), ST_OK);
	free(ct);
	/* the all-zero key is a low-order point */
	memset(pk, 0, sizeof pk);
	assert_int_equal(reply_seal(off, pk, big, 5, &ct, &(size_t){ 0 }), ST_BADDATA);
	free(big);
	key_secret_free(off);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip_and_tamper),
		cmocka_unit_test(limits),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
