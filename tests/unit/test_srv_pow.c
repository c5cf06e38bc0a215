/* test_srv_pow.c: proof of work on upload creation: none while quiet,
 * rising with the rate of creations up to the ceiling, a solved challenge
 * accepted once, forged, stale, unsolved and malformed proofs refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include "../../server/pow.h"
#include "enc.h"

#define NOW 1800000000

/* Solve the challenge in a {"difficulty":D,"challenge":"..."} text into
 * an Intake-PoW value; its difficulty in *d. */
static void solve(const char *json, char *out, size_t cap, unsigned *d)
{
	char b64[64];
	uint8_t c[POW_CHALLENGE_LEN], nonce[POW_NONCE_LEN];
	char hex[2 * POW_NONCE_LEN + 1];
	uint64_t n;
	unsigned i;

	assert_int_equal(sscanf(json, "{\"difficulty\":%u,\"challenge\":\"%63[^\"]\"}", d, b64), 2);
	assert_int_equal(enc_b64_decode(c, sizeof c, b64, strlen(b64)), ST_OK);
	for (n = 0;; n++) {
		for (i = 0; i < POW_NONCE_LEN; i++)
			nonce[i] = (uint8_t)(n >> (8 * i));
		if (pow_zero_bits(c, nonce) >= *d)
			break;
	}
	enc_hex_encode(hex, nonce, sizeof nonce);
	snprintf(out, cap, "%s:%s", b64, hex);
}

static void quiet_then_flood(void **state)
{
	pow_state *p = NULL;
	char *json, proof[128], bad[128];
	unsigned d, i;

	(void)state;
	assert_int_equal(pow_new(20, 2, &p), ST_OK);
	assert_int_equal(pow_difficulty(p), 0);
	assert_int_equal(pow_check(p, NULL, NOW), ST_OK);
	/* A burst of creations: work is asked, more with more load. */
	for (i = 0; i < 30; i++)
		pow_note(p);
	d = pow_difficulty(p);
	assert_true(d >= 8 && d <= 12);
	for (i = 0; i < 2000; i++)
		pow_note(p);
	assert_true(pow_difficulty(p) > d);
	assert_true(pow_difficulty(p) <= POW_MAX);
	assert_int_equal(pow_check(p, NULL, NOW), ST_POW);
	json = pow_challenge_json(p, NOW);
	assert_non_null(json);
	solve(json, proof, sizeof proof, &d);
	free(json);
	assert_true(d >= 8);
	/* Unsolved, forged, stale, malformed. */
	snprintf(bad, sizeof bad, "%.*s:0000000000000000", (int)(strchr(proof, ':') - proof), proof);
	if (strcmp(bad, proof) != 0)
		assert_int_equal(pow_check(p, bad, NOW), ST_POW);
	assert_int_equal(pow_check(p, proof, NOW + POW_LIFETIME + 1), ST_POW);
	assert_int_equal(pow_check(p, "garbage", NOW), ST_POW);
	assert_int_equal(pow_check(p, "AAAA:00", NOW), ST_POW);
	memcpy(bad, proof, sizeof bad);
	bad[3] = bad[3] == 'A' ? 'B' : 'A';
	assert_int_equal(pow_check(p, bad, NOW), ST_POW);
	/* Solved: accepted once. */
	assert_int_equal(pow_check(p, proof, NOW), ST_OK);
	assert_int_equal(pow_check(p, proof, NOW + 1), ST_POW);
	pow_free(p);
}

static void off_and_ceiling(void **state)
{
	pow_state *p = NULL;
	unsigned i;

	(void)state;
	assert_int_equal(pow_new(0, 2, &p), ST_OK);
	for (i = 0; i < 5000; i++)
		pow_note(p);
	assert_int_equal(pow_difficulty(p), 0);
	assert_int_equal(pow_check(p, NULL, NOW), ST_OK);
	pow_free(p);
	assert_int_equal(pow_new(10, 1, &p), ST_OK);
	for (i = 0; i < 100000; i++)
		pow_note(p);
	assert_int_equal(pow_difficulty(p), 10);
	pow_free(p);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(quiet_then_flood),
		cmocka_unit_test(off_and_ceiling),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
