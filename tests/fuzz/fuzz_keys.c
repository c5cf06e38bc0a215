/* fuzz_keys.c: key bundle files and officer authentication key files. */
#include "fuzz.h"
#include "auth.h"
#include "key.h"

#include <sodium.h>
#include <stdlib.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	key_bundle b;
	uint8_t pk[AUTH_PK_LEN], sk[AUTH_SK_LEN];
	char fp[KEY_FP_TEXT_MAX];

	if (sodium_init() < 0)
		abort();
	if (key_bundle_parse((const char *)data, size, &b) == ST_OK) {
		if (b.n < 1 || b.n > KEY_BUNDLE_MAX)
			abort();
		key_bundle_fingerprint(&b, fp);
		if (key_fingerprint_check(&b, fp) != ST_OK)
			abort();
	}
	(void)auth_pub_parse((const char *)data, size, pk);
	(void)auth_sec_parse((const char *)data, size, sk);
	sodium_memzero(sk, sizeof sk);
	return 0;
}
