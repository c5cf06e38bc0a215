/* fuzz_keyset.c: keyset_verify on arbitrary bytes, with and without the
 * vector root's pin, the one-line root and entry file parsers, and the
 * pin parser (base32 or 15 words) on the same bytes as text. */
#include "fuzz.h"
#include "keyset.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static keyset_pin pin;
	static int ready;
	keyset ks;
	keyset_officer e;
	uint8_t pk[32];

	if (!ready) {
		uint8_t seed[32], sk[64];
		const char *label = "intake test vector root";
		char fp[KEYSET_FP_TEXT_MAX];

		if (sodium_init() < 0)
			abort();
		crypto_generichash(seed, sizeof seed, (const uint8_t *)label,
		                   strlen(label), NULL, 0);
		crypto_sign_seed_keypair(pk, sk, seed);
		keyset_fingerprint(pk, fp);
		if (keyset_pin_parse(fp, &pin) != ST_OK)
			abort();
		ready = 1;
	}
	(void)keyset_verify(data, size, &pin, 1767312000ULL, &ks);
	(void)keyset_verify(data, size, NULL, 0, &ks);
	(void)keyset_root_pub_parse((const char *)data, size, pk);
	(void)keyset_entry_parse((const char *)data, size, &e);
	if (size < 4096) {
		char *text = malloc(size + 1);
		keyset_pin p;

		if (text == NULL)
			abort();
		memcpy(text, data, size);
		text[size] = '\0';
		(void)keyset_pin_parse(text, &p);
		free(text);
	}
	return 0;
}
