/* fuzz_envelope.c: env_inspect and env_open_header on arbitrary bytes,
 * with a fixed test key (one of the vector keys), then every chunk the
 * header's lengths imply, as the officer reads them. */
#include "fuzz.h"
#include "env.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static key_secret *k;
	env_info info;
	env_keys *ek = NULL;
	uint8_t *slot;

	if (k == NULL) {
		uint8_t seed[32];

		if (sodium_init() < 0)
			abort();
		k = sodium_malloc(sizeof *k);
		crypto_generichash(seed, sizeof seed,
		                   (const uint8_t *)"intake test vector officer 1", 28, NULL, 0);
		crypto_box_seed_keypair(k->pk, k->sk, seed);
	}
	if (env_inspect(data, size, &info) != ST_OK)
		return 0;
	if (info.total_len != size || env_open_header(data, size, k, &ek, NULL) != ST_OK)
		return 0;
	/* Only reachable with a valid MAC: the corpus vector gets here. */
	slot = malloc(ENV_SLOT);
	for (uint64_t i = 0, off = info.header_len; i < env_keys_nchunks(ek); i++) {
		size_t sl = env_chunk_plain_len(ek, i) + ENV_TAG;

		memcpy(slot, data + off, sl);
		if (env_open_chunks(ek, i, slot, 1, 1) != ST_OK)
			break;
		off += sl;
	}
	free(slot);
	env_keys_free(ek);
	return 0;
}
