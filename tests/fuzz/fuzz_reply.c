/* fuzz_reply.c: reply_open on arbitrary bytes, with the vector's officer
 * keys as the pinned bundle and a fixed reply key. */
#include "fuzz.h"
#include "reply.h"

#include <sodium.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static key_bundle b;
	static uint8_t rsk[32];
	uint8_t *text = NULL;
	size_t tlen, who;

	if (b.n == 0) {
		uint8_t seed[32], sk[32];

		if (sodium_init() < 0)
			abort();
		crypto_generichash(seed, sizeof seed,
		                   (const uint8_t *)"intake test vector officer 1", 28, NULL, 0);
		crypto_box_seed_keypair(b.pk[0], sk, seed);
		b.n = 1;
		randombytes_buf(rsk, sizeof rsk);
	}
	if (reply_open(rsk, &b, data, size, &text, &tlen, &who) == ST_OK)
		sodium_free(text);
	return 0;
}
