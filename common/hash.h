/* hash.h: the chain-of-custody SHA-256, behind one interface. It runs on
 * libcrypto's EVP, which uses the CPU's SHA extensions where there are
 * some (several times libsodium's portable code); tests/unit/test_hash.c
 * holds it to libsodium's crypto_hash_sha256 byte for byte. The state
 * sees plaintext: it is wiped when freed. */
#ifndef INTAKE_HASH_H
#define INTAKE_HASH_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define HASH_SHA256_LEN 32

typedef struct hash_state hash_state;

/* A fresh streaming state (caller frees with hash_sha256_free).
 * ST_NOMEM, ST_INTERNAL when libcrypto has no SHA-256. */
st_t hash_sha256_new(hash_state **out);

/* Add n bytes. ST_INTERNAL if libcrypto fails (it does not for SHA-256,
 * but a failure must never yield a wrong digest silently). */
st_t hash_sha256_update(hash_state *h, const void *p, size_t n);

/* The digest of everything added since new or the last final; the state
 * is then ready for the next message. ST_INTERNAL. */
st_t hash_sha256_final(hash_state *h, uint8_t out[HASH_SHA256_LEN]);

/* Wipe and free; NULL is fine. */
void hash_sha256_free(hash_state *h);

/* One-shot digest of p[0..n). ST_NOMEM, ST_INTERNAL. */
st_t hash_sha256_once(const void *p, size_t n, uint8_t out[HASH_SHA256_LEN]);

#endif
