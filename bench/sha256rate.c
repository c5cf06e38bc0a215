/* sha256rate.c: single-core yardsticks for the officer's open benchmark,
 * one "name library MB/s" line each (MB = 10^6 bytes):
 *   sha256 libsodium / libcrypto: the custody hash, 2 MiB updates;
 *   chacha20poly1305 libsodium / libcrypto: ietf AEAD decryption of
 *   64 KiB chunks with a 32-byte AD and a 16-byte tag, as the payload is
 *   (docs/FORMAT.md), in place;
 *   and "chacha20poly1305 identical yes|no": libcrypto's ciphertext and
 *   tag equal libsodium's for the same key, nonce and AD, and each
 *   decrypts the other's (tests/unit/test_env.c proves the envelope
 *   code's use of it; this only checks the library the bench runs on).
 * usage: sha256rate [MIB]   (default 512 of data per measurement) */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <openssl/evp.h>
#include <sodium.h>
#include "hash.h"

#define CHUNK 65536
#define TAG 16

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static double sha_sodium(const unsigned char *buf, size_t block, long n)
{
	crypto_hash_sha256_state st;
	unsigned char h[crypto_hash_sha256_BYTES];
	double t = now();
	long i;

	crypto_hash_sha256_init(&st);
	for (i = 0; i < n; i++)
		crypto_hash_sha256_update(&st, buf, block);
	crypto_hash_sha256_final(&st, h);
	return (double)n * (double)block / (now() - t) / 1e6;
}

static double sha_crypto(const unsigned char *buf, size_t block, long n)
{
	unsigned char h[HASH_SHA256_LEN];
	hash_state *hs = NULL;
	double t = now();
	long i;

	if (hash_sha256_new(&hs) != ST_OK)
		return 0;
	for (i = 0; i < n; i++)
		hash_sha256_update(hs, buf, block);
	hash_sha256_final(hs, h);
	hash_sha256_free(hs);
	return (double)n * (double)block / (now() - t) / 1e6;
}

/* libcrypto ChaCha20-Poly1305 (RFC 8439, the same as libsodium's ietf)
 * over one chunk in place; enc 1 seals (tag out), 0 opens (tag in).
 * key NULL keeps the key schedule of the last call and sets only the
 * nonce, as the envelope code does per chunk. 1 on success. */
static int evp_aead(EVP_CIPHER_CTX *c, int enc, const unsigned char *key,
                    const unsigned char *nonce, const unsigned char *ad,
                    unsigned char *p, size_t n, unsigned char *tag)
{
	int len = 0, fin = 0;

	if (EVP_CipherInit_ex(c, key != NULL ? EVP_chacha20_poly1305() : NULL,
	                      NULL, key, nonce, enc) != 1)
		return 0;
	if (!enc && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, TAG, tag) != 1)
		return 0;
	if (EVP_CipherUpdate(c, NULL, &len, ad, 32) != 1 ||
	    EVP_CipherUpdate(c, p, &len, p, (int)n) != 1 ||
	    EVP_CipherFinal_ex(c, p + len, &fin) != 1)
		return 0;
	return !enc || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, TAG, tag) == 1;
}

int main(int argc, char **argv)
{
	const size_t block = (size_t)2 << 20;
	long mib = argc > 1 ? strtol(argv[1], NULL, 10) : 512, i, nchunks;
	unsigned char key[32], nonce[12], ad[32], tag[TAG], tag2[TAG];
	unsigned char *buf, *ct, *ct2, *pt;
	EVP_CIPHER_CTX *c;
	double t, r;
	int same;

	if (sodium_init() < 0 || mib < 2)
		return 1;
	buf = malloc(block);
	ct = malloc(CHUNK);
	ct2 = malloc(CHUNK);
	pt = malloc(CHUNK);
	c = EVP_CIPHER_CTX_new();
	if (buf == NULL || ct == NULL || ct2 == NULL || pt == NULL || c == NULL)
		return 1;
	randombytes_buf(buf, block);
	printf("sha256 libsodium %.1f\n", sha_sodium(buf, block, mib / 2));
	printf("sha256 libcrypto %.1f\n", sha_crypto(buf, block, mib / 2));

	randombytes_buf(key, sizeof key);
	randombytes_buf(nonce, sizeof nonce);
	randombytes_buf(ad, sizeof ad);
	/* same bytes both ways */
	memcpy(ct, buf, CHUNK);
	crypto_aead_chacha20poly1305_ietf_encrypt_detached(ct, tag, NULL, ct,
	        CHUNK, ad, 32, NULL, nonce, key);
	memcpy(ct2, buf, CHUNK);
	same = evp_aead(c, 1, key, nonce, ad, ct2, CHUNK, tag2) &&
	       memcmp(ct, ct2, CHUNK) == 0 && memcmp(tag, tag2, TAG) == 0;
	memcpy(pt, ct, CHUNK);
	same = same && evp_aead(c, 0, key, nonce, ad, pt, CHUNK, tag) &&
	       memcmp(pt, buf, CHUNK) == 0;
	tag2[0] ^= 1; /* a forged tag must fail */
	memcpy(pt, ct2, CHUNK);
	same = same && !evp_aead(c, 0, key, nonce, ad, pt, CHUNK, tag2);

	/* decryption rate: each round decrypts the same chunk afresh */
	nchunks = mib * 16;
	t = now();
	for (i = 0; i < nchunks; i++) {
		memcpy(pt, ct, CHUNK);
		if (crypto_aead_chacha20poly1305_ietf_decrypt_detached(pt, NULL,
		        pt, CHUNK, tag, ad, 32, nonce, key) != 0)
			return 1;
	}
	r = (double)nchunks * CHUNK / (now() - t) / 1e6;
	printf("chacha20poly1305 libsodium %.1f\n", r);
	t = now();
	for (i = 0; i < nchunks; i++) {
		memcpy(pt, ct, CHUNK);
		if (!evp_aead(c, 0, i == 0 ? key : NULL, nonce, ad, pt, CHUNK, tag))
			return 1;
	}
	r = (double)nchunks * CHUNK / (now() - t) / 1e6;
	printf("chacha20poly1305 libcrypto %.1f\n", r);
	printf("chacha20poly1305 identical %s\n", same ? "yes" : "no");
	EVP_CIPHER_CTX_free(c);
	free(buf);
	free(ct);
	free(ct2);
	free(pt);
	return same ? 0 : 1;
}
