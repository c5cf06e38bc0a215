/* fuzz_auth.c: the Authorization header parser, then verification of
 * whatever it accepts (which must fail without the key). */
#include "fuzz.h"
#include "auth.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char value[AUTH_HEADER_MAX + 8];
	uint8_t pk[AUTH_PK_LEN] = { 1 }, hash[AUTH_BODY_HASH_LEN];
	auth_req r;

	if (sodium_init() < 0)
		abort();
	if (size >= sizeof value)
		size = sizeof value - 1;
	memcpy(value, data, size);
	value[size] = '\0';
	auth_body_hash(data, size, hash);
	if (auth_parse(value, &r) == ST_OK &&
	    auth_verify(pk, &r, "GET", "h", "/?q=1", hash, r.ts) == ST_OK)
		abort();
	return 0;
}
