/* test_hash.c: the custody SHA-256 (libcrypto EVP) against known answers
 * and against libsodium's crypto_hash_sha256 on random messages of random
 * lengths, fed in random pieces; a state reused after final. */
#include "testutil.h"
#include "enc.h"
#include "hash.h"

static void known_answers(void **state)
{
	uint8_t h[HASH_SHA256_LEN];
	char hex[2 * HASH_SHA256_LEN + 1];

	(void)state;
	assert_int_equal(hash_sha256_once("", 0, h), ST_OK);
	enc_hex_encode(hex, h, sizeof h);
	assert_string_equal(hex, "e3b0c44298fc1c149afbf4c8996fb924"
	                         "27ae41e4649b934ca495991b7852b855");
	assert_int_equal(hash_sha256_once("abc", 3, h), ST_OK);
	enc_hex_encode(hex, h, sizeof h);
	assert_string_equal(hex, "ba7816bf8f01cfea414140de5dae2223"
	                         "b00361a396177a9cb410ff61f20015ad");
}

/* Random lengths (0 .. 300 KiB, around block edges too), each fed in
 * random pieces, must give libsodium's digest. */
static void matches_libsodium(void **state)
{
	static uint8_t msg[300 * 1024];
	uint8_t a[HASH_SHA256_LEN], b[crypto_hash_sha256_BYTES];
	hash_state *h = NULL;
	size_t n, off, piece, round;

	(void)state;
	randombytes_buf(msg, sizeof msg);
	assert_int_equal(hash_sha256_new(&h), ST_OK);
	for (round = 0; round < 400; round++) {
		if (round < 130)
			n = round;  /* every length across two blocks */
		else
			n = randombytes_uniform(sizeof msg + 1);
		for (off = 0; off < n; off += piece) {
			piece = 1 + randombytes_uniform(round % 3 == 0 ? 70 : 70000);
			if (piece > n - off)
				piece = n - off;
			assert_int_equal(hash_sha256_update(h, msg + off, piece),
			                 ST_OK);
		}
		assert_int_equal(hash_sha256_update(h, msg, 0), ST_OK);
		/* final also resets: the same state hashes the next one */
		assert_int_equal(hash_sha256_final(h, a), ST_OK);
		crypto_hash_sha256(b, msg, n);
		assert_memory_equal(a, b, sizeof a);
	}
	hash_sha256_free(h);
	hash_sha256_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(known_answers),
		cmocka_unit_test(matches_libsodium),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
