/* test_seal.c: the random-access envelope source: reads in any pieces and
 * from any offset (as a resumed upload does) give identical bytes. */
#include "testutil.h"
#include "pad.h"

static uint8_t plain[320000];

static st_t mem_read(void *ctx, uint64_t off, uint8_t *buf, size_t len)
{
	(void)ctx;
	memcpy(buf, plain + off, len);
	return ST_OK;
}

static void random_access_is_deterministic(void **state)
{
	key_secret *k = NULL;
	key_bundle b;
	seal *s = NULL;
	uint8_t *whole, *again;
	uint64_t total, stream = pad_padme(299000) /* 303104 */;
	size_t got;

	(void)state;
	randombytes_buf(plain, sizeof plain);
	key_generate(&k);
	memset(&b, 0, sizeof b);
	key_bundle_add(&b, k->pk);
	assert_int_equal(seal_new(&b, stream, mem_read, NULL, 2, &s), ST_OK);
	total = seal_total_len(s);
	assert_true(total == env_total_len(1, stream));
	whole = malloc((size_t)total);
	again = malloc((size_t)total);
	assert_int_equal(seal_read(s, 0, whole, (size_t)total, &got), ST_OK);
	assert_int_equal(got, total);
	/* odd pieces, backwards, to force re-sealing of earlier batches */
	for (uint64_t off = total; off > 0;) {
		size_t n = off < 4099 ? (size_t)off : 4099;

		off -= n;
		assert_int_equal(seal_read(s, off, again + off, n, &got), ST_OK);
		assert_int_equal(got, n);
	}
	assert_memory_equal(whole, again, (size_t)total);
	/* past the end: nothing */
	assert_int_equal(seal_read(s, total, again, 10, &got), ST_OK);
	assert_int_equal(got, 0);
	/* and it opens */
	{
		env_keys *ek = NULL;

		assert_int_equal(env_open_header(whole, (size_t)total, k, &ek, NULL), ST_OK);
		env_keys_free(ek);
	}
	seal_free(s);
	free(whole);
	free(again);
	key_secret_free(k);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_access_is_deterministic),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
