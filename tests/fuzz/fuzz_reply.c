/* fuzz_reply.c: reply_open on arbitrary bytes, with the vector keyset
 * (officers 1 and 2 of tests/vectors) and the vector reply key, so that
 * mutations of the stored vectors reach the plaintext parser. */
#include "fuzz.h"
#include "reply.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static void seed_of(const char *label, uint8_t seed[32])
{
	crypto_generichash(seed, 32, (const uint8_t *)label, strlen(label), NULL, 0);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static keyset ks;
	static receipt r;
	reply_msg m;

	if (ks.n == 0) {
		uint8_t seed[32];

		if (sodium_init() < 0)
			abort();
		for (int i = 0; i < 2; i++) {
			key_secret k;
			char label[64];

			snprintf(label, sizeof label, "intake test vector officer %d", i + 1);
			seed_of(label, seed);
			crypto_box_seed_keypair(k.pk, k.sk, seed);
			keyset_officer_entry(&k, &ks.off[i]);
		}
		ks.n = 2;
		seed_of("intake test vector reply key", seed);
		crypto_box_seed_keypair(r.reply_pk, r.reply_sk, seed);
		memset(r.mailbox, 0xa5, sizeof r.mailbox);
	}
	if (reply_open(&r, &ks, data, size, &m) == ST_OK)
		reply_msg_clear(&m);
	return 0;
}
