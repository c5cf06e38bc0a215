/* test_pad.c: Padme padding: known values, bounds and monotonicity. */
#include "testutil.h"
#include "pad.h"

static void padme_known(void **state)
{
	(void)state;
	assert_true(pad_padme(0) == 0);
	assert_true(pad_padme(1) == 1);
	assert_true(pad_padme(9) == 10);
	assert_true(pad_padme(1000) == 1024);
	assert_true(pad_padme(65536) == 65536);
	assert_true(pad_padme(65537) == 67584);
	assert_true(pad_padme(1000000) == 1015808);
	assert_true(pad_padme((uint64_t)1 << 30) == (uint64_t)1 << 30);
	assert_true(pad_padme(((uint64_t)1 << 30) + 1) == 1107296256ULL);
}

static void padme_bounds(void **state)
{
	(void)state;
	for (uint64_t l = 2; l < 200000; l += 97) {
		uint64_t p = pad_padme(l);

		assert_true(p >= l);
		assert_true((double)(p - l) <= 0.12 * (double)l + 1);
		assert_true(pad_padme(p) == p); /* idempotent */
		assert_true(pad_padme(l + 1) >= p); /* monotone */
	}
}

static void stream_len_rules(void **state)
{
	uint64_t p;

	(void)state;
	assert_int_equal(pad_stream_len(0, &p), ST_OK);
	assert_true(p == PAD_MIN_STREAM);
	assert_int_equal(pad_stream_len(5000, &p), ST_OK);
	assert_true(p == PAD_MIN_STREAM);
	assert_int_equal(pad_stream_len(70000, &p), ST_OK);
	assert_true(p == pad_padme(70000));
	assert_int_equal(pad_stream_len(UINT64_MAX, &p), ST_TOOBIG);
	assert_int_equal(pad_stream_len(ENV_MAX_STREAM + 1, &p), ST_TOOBIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(padme_known),
		cmocka_unit_test(padme_bounds),
		cmocka_unit_test(stream_len_rules),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
