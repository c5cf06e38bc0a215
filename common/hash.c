/* hash.c: SHA-256 through libcrypto's EVP interface (see hash.h). Every
 * libcrypto hash call of intake is in this file. */
#include "hash.h"

#include <stdlib.h>
#include <openssl/evp.h>

struct hash_state {
	EVP_MD_CTX *ctx;
};

st_t hash_sha256_new(hash_state **out)
{
	hash_state *h;

	*out = NULL;
	h = calloc(1, sizeof *h);
	if (h == NULL)
		return ST_NOMEM;
	h->ctx = EVP_MD_CTX_new();
	if (h->ctx == NULL) {
		free(h);
		return ST_NOMEM;
	}
	if (EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) != 1) {
		hash_sha256_free(h);
		return ST_INTERNAL;
	}
	*out = h;
	return ST_OK;
}

st_t hash_sha256_update(hash_state *h, const void *p, size_t n)
{
	if (n == 0)
		return ST_OK;
	return EVP_DigestUpdate(h->ctx, p, n) == 1 ? ST_OK : ST_INTERNAL;
}

st_t hash_sha256_final(hash_state *h, uint8_t out[HASH_SHA256_LEN])
{
	unsigned int len = 0;

	if (EVP_DigestFinal_ex(h->ctx, out, &len) != 1 ||
	    len != HASH_SHA256_LEN)
		return ST_INTERNAL;
	/* ready for the next part */
	return EVP_DigestInit_ex(h->ctx, EVP_sha256(), NULL) == 1 ? ST_OK :
	       ST_INTERNAL;
}

void hash_sha256_free(hash_state *h)
{
	if (h == NULL)
		return;
	/* EVP_MD_CTX_free cleanses the digest state before freeing it */
	EVP_MD_CTX_free(h->ctx);
	free(h);
}

st_t hash_sha256_once(const void *p, size_t n, uint8_t out[HASH_SHA256_LEN])
{
	hash_state *h = NULL;
	st_t st;

	st = hash_sha256_new(&h);
	if (st == ST_OK)
		st = hash_sha256_update(h, p, n);
	if (st == ST_OK)
		st = hash_sha256_final(h, out);
	hash_sha256_free(h);
	return st;
}
