/* test_enc.c: codecs: known answers, look-alike folding, malformed text. */
#include "testutil.h"
#include "enc.h"

static void b32_known_answer(void **state)
{
	char out[64];
	uint8_t back[5];

	(void)state;
	enc_b32_encode(out, (const uint8_t *)"\x00\x44\x32\x14\xc7", 5);
	assert_string_equal(out, "01234567");
	assert_int_equal(enc_b32_decode(back, 5, "01234567"), ST_OK);
	assert_memory_equal(back, "\x00\x44\x32\x14\xc7", 5);
	enc_b32_encode(out, (const uint8_t *)"", 0);
	assert_string_equal(out, "");
}

static void b32_forgives_lookalikes(void **state)
{
	uint8_t a[5], b[5];

	(void)state;
	assert_int_equal(enc_b32_decode(a, 5, "01234567"), ST_OK);
	assert_int_equal(enc_b32_decode(b, 5, "oi23-4567"), ST_OK);
	assert_memory_equal(a, b, 5);
	assert_int_equal(enc_b32_decode(b, 5, "OL23 4567"), ST_OK);
	assert_memory_equal(a, b, 5);
}

static void b32_refuses_bad(void **state)
{
	uint8_t b[5];

	(void)state;
	assert_int_equal(enc_b32_decode(b, 5, "0123456U"), ST_BADDATA); /* U */
	assert_int_equal(enc_b32_decode(b, 5, "0123456"), ST_BADDATA);  /* short */
	assert_int_equal(enc_b32_decode(b, 5, "0123456ZZ"), ST_BADDATA); /* long */
	assert_int_equal(enc_b32_decode(b, 4, "0123456"), ST_BADDATA); /* pad bits */
	assert_int_equal(enc_b32_decode(b, 5, "01234!6Z"), ST_BADDATA);
}

static void b32_round_trip_all_lengths(void **state)
{
	uint8_t in[40], back[40];
	char txt[80];

	(void)state;
	for (size_t n = 0; n <= sizeof in; n++) {
		randombytes_buf(in, n);
		enc_b32_encode(txt, in, n);
		assert_int_equal(strlen(txt), enc_b32_len(n));
		assert_int_equal(enc_b32_decode(back, n, txt), ST_OK);
		assert_memory_equal(in, back, n);
	}
}

static void group_and_hex_and_b64(void **state)
{
	char g[32], hex[9], b64[16];
	uint8_t v[4];

	(void)state;
	assert_int_equal(enc_group(g, sizeof g, "ABCDEFGHJK", 4), ST_OK);
	assert_string_equal(g, "ABCD-EFGH-JK");
	assert_int_equal(enc_group(g, 5, "ABCDEFGHJK", 4), ST_TOOBIG);
	enc_hex_encode(hex, (const uint8_t *)"\xde\xad\xbe\xef", 4);
	assert_string_equal(hex, "deadbeef");
	assert_int_equal(enc_hex_decode(v, 4, "deadbeef"), ST_OK);
	assert_int_equal(enc_hex_decode(v, 4, "deadbee"), ST_BADDATA);
	assert_int_equal(enc_hex_decode(v, 4, "deadbeeg"), ST_BADDATA);
	enc_b64_encode(b64, (const uint8_t *)"abc", 3);
	assert_string_equal(b64, "YWJj");
	assert_int_equal(enc_b64_decode(v, 3, "YWJj", 4), ST_OK);
	assert_int_equal(enc_b64_decode(v, 3, "YWJjZA==", 8), ST_BADDATA);
	assert_int_equal(enc_b64_decode(v, 3, "YW*j", 4), ST_BADDATA);
}

static void integers(void **state)
{
	uint8_t b[8];

	(void)state;
	enc_put_u64le(b, 0x0102030405060708ULL);
	assert_memory_equal(b, "\x08\x07\x06\x05\x04\x03\x02\x01", 8);
	assert_true(enc_get_u64le(b) == 0x0102030405060708ULL);
	enc_put_u32le(b, 0xa1b2c3d4u);
	assert_true(enc_get_u32le(b) == 0xa1b2c3d4u);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(b32_known_answer),
		cmocka_unit_test(b32_forgives_lookalikes),
		cmocka_unit_test(b32_refuses_bad),
		cmocka_unit_test(b32_round_trip_all_lengths),
		cmocka_unit_test(group_and_hex_and_b64),
		cmocka_unit_test(integers),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
