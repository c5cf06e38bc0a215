/* test_seal.c: the random-access envelope source: reads in any pieces and
 * from any offset (as a resumed upload does) give identical bytes, in
 * either suite; and a chunk whose plaintext changed after it was sealed
 * is never sealed again under its nonce (ST_CHANGED, nothing served). */
#include "testutil.h"
#include "pad.h"

/* A Padme value of three batches: with two batch buffers, chunk 3 is no
 * longer held after a whole read, so reading it again re-seals it. */
#define BIG_STREAM ((size_t)5 << 20)

static uint8_t plain[BIG_STREAM];

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
	randombytes_buf(plain, 320000);
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

/* Read [off, off+n) and check it is what `whole` holds there. */
static st_t read_same(seal *s, const uint8_t *whole, uint64_t off, size_t n)
{
	uint8_t *buf = malloc(n);
	size_t got = 0;
	st_t ret = seal_read(s, off, buf, n, &got);

	if (ret == ST_OK) {
		assert_int_equal(got, n);
		assert_memory_equal(buf, whole + off, n);
	} else {
		assert_int_equal(got, 0); /* nothing of a refused batch */
	}
	free(buf);
	return ret;
}

static void changed_plaintext_is_never_resealed(unsigned suite, unsigned threads)
{
	key_secret *k = NULL;
	key_bundle b;
	seal *s = NULL;
	uint8_t *whole;
	uint64_t total, h, chunk40;
	size_t got;

	randombytes_buf(plain, sizeof plain);
	key_generate(&k);
	memset(&b, 0, sizeof b);
	key_bundle_add(&b, k->pk);
	assert_int_equal(seal_new_suite(&b, suite, BIG_STREAM, mem_read, NULL,
	                                threads, &s), ST_OK);
	total = seal_total_len(s);
	h = env_header_len(1);
	chunk40 = h + 40 * (uint64_t)ENV_SLOT;
	whole = malloc((size_t)total);
	assert_int_equal(seal_read(s, 0, whole, (size_t)total, &got), ST_OK);
	assert_int_equal(got, total);
	/* The file changes under chunk 3, then a (hostile) server asks for
	 * it again: the chunk would go out under its old nonce. */
	plain[3 * ENV_CHUNK + 17] ^= 0x40;
	assert_int_equal(read_same(s, whole, h + 3 * ENV_SLOT, 100), ST_CHANGED);
	assert_int_equal(read_same(s, whole, h, 10), ST_CHANGED);
	/* the header and chunks of other batches still read back the same */
	assert_int_equal(read_same(s, whole, 0, (size_t)h), ST_OK);
	assert_int_equal(read_same(s, whole, chunk40, 5000), ST_OK);
	/* the file as it was: served again, byte for byte */
	plain[3 * ENV_CHUNK + 17] ^= 0x40;
	assert_int_equal(read_same(s, whole, h + 3 * ENV_SLOT, 100), ST_OK);
	/* a change in the last, shorter chunk is caught too */
	assert_int_equal(read_same(s, whole, h, 10), ST_OK);
	plain[BIG_STREAM - 1] ^= 1;
	assert_int_equal(read_same(s, whole, total - 5, 5), ST_CHANGED);
	seal_free(s);

	/* Chunks never sealed before may take the new bytes: no nonce was
	 * used for them yet (one thread: no batch is sealed ahead). */
	if (threads == 1) {
		assert_int_equal(seal_new_suite(&b, suite, BIG_STREAM, mem_read, NULL,
		                                1, &s), ST_OK);
		assert_int_equal(seal_read(s, 0, whole, (size_t)h + 10, &got), ST_OK);
		plain[40 * ENV_CHUNK] ^= 1;
		assert_int_equal(seal_read(s, chunk40, whole, 10, &got), ST_OK);
		assert_int_equal(seal_read(s, h, whole, 10, &got), ST_OK);
		seal_free(s);
	}
	free(whole);
	key_secret_free(k);
}

static void changed_file_chacha(void **state)
{
	(void)state;
	changed_plaintext_is_never_resealed(ENV_SUITE_CHACHA, 1);
	changed_plaintext_is_never_resealed(ENV_SUITE_CHACHA, 3);
}

static void changed_file_aesgcm(void **state)
{
	(void)state;
	changed_plaintext_is_never_resealed(ENV_SUITE_AESGCM, 1);
	changed_plaintext_is_never_resealed(ENV_SUITE_AESGCM, 2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(random_access_is_deterministic),
		cmocka_unit_test(changed_file_chacha),
		cmocka_unit_test(changed_file_aesgcm),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
