/* key.h: officer key pairs (X25519), public key files and bundles, key ids,
 * fingerprints, and passphrase-protected secret key files.
 * Trust boundary: bundle and key files arrive from disk or removable media
 * and are parsed as hostile; secret keys live only in sodium_malloc'd
 * memory. Byte formats are in docs/FORMAT.md. */
#ifndef INTAKE_KEY_H
#define INTAKE_KEY_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define KEY_PUB_LEN 32
#define KEY_SEC_LEN 32
#define KEY_ID_LEN 8
#define KEY_FP_LEN 20            /* 160-bit fingerprint */
#define KEY_FP_TEXT_MAX 40       /* 32 base32 chars, 7 dashes, NUL */
#define KEY_BUNDLE_MAX 16
#define KEY_FILE_MAX (64 * 1024) /* cap on a key or bundle file */
#define KEY_PUB_PREFIX "intake-public-key-1 "
#define KEY_BUNDLE_HEADER "intake-bundle-1"
#define KEY_SECFILE_LEN 112

typedef struct {
	uint8_t pk[KEY_BUNDLE_MAX][KEY_PUB_LEN];
	size_t n;
} key_bundle;

/* A secret key and its public half; always sodium_malloc'd. */
typedef struct {
	uint8_t sk[KEY_SEC_LEN];
	uint8_t pk[KEY_PUB_LEN];
} key_secret;

/* New random key pair. Caller frees with key_secret_free. */
st_t key_generate(key_secret **out);
/* Wipes and frees; NULL is fine. */
void key_secret_free(key_secret *k);

/* Short id of a public key: first 8 bytes of a personalised BLAKE2b. */
void key_id(const uint8_t pk[KEY_PUB_LEN], uint8_t id[KEY_ID_LEN]);

/* "intake-public-key-1 <base64>\n" into out (cap >= 80). */
st_t key_pub_format(const uint8_t pk[KEY_PUB_LEN], char *out, size_t cap);

/* Parse a public key file or a bundle file (both are "key sets"): lines of
 * KEY_PUB_PREFIX + base64, '#' comments and blank lines; an optional
 * KEY_BUNDLE_HEADER as the file's first line (elsewhere it is a bad line).
 * 1..KEY_BUNDLE_MAX distinct keys. ST_BADDATA, ST_TOOBIG. */
st_t key_bundle_parse(const char *text, size_t len, key_bundle *b);

/* Add a key; ST_TOOBIG when full, ST_CONFLICT on a duplicate. */
st_t key_bundle_add(key_bundle *b, const uint8_t pk[KEY_PUB_LEN]);

/* Bundle file text (malloc'd, NUL-terminated; caller frees). */
st_t key_bundle_format(const key_bundle *b, char **out);

/* Fingerprint of a key set, independent of key order, grouped base32
 * "XXXX-XXXX-...". A single key's fingerprint is that of the set {key}. */
void key_bundle_fingerprint(const key_bundle *b, char out[KEY_FP_TEXT_MAX]);

/* ST_OK if text names the same fingerprint (case, dashes and spaces and
 * look-alike letters ignored), ST_MISMATCH if not, ST_BADDATA if text is
 * not a fingerprint at all. */
st_t key_fingerprint_check(const key_bundle *b, const char *text);

/* Index of pk in b, or -1. */
int key_bundle_find(const key_bundle *b, const uint8_t pk[KEY_PUB_LEN]);

/* Argon2id cost written into new secret key files. */
#define KEY_KDF_OPSLIMIT 3ULL
#define KEY_KDF_MEMLIMIT (256ULL * 1024 * 1024)

/* Seal a secret key under a passphrase into out[KEY_SECFILE_LEN]. The
 * passphrase is the bytes as typed (docs/FORMAT.md 1.4): ST_BADDATA when
 * empty or holding CR, LF or NUL. */
st_t key_secret_seal(const key_secret *k, const char *pass, size_t passlen,
                     uint8_t out[KEY_SECFILE_LEN]);

/* The same file layout for any 32 secret bytes, under another 8-byte
 * magic (the root key's "intakerk"). key_secfile_open decrypts into sec,
 * which should be the caller's sodium_malloc'd memory. */
st_t key_secfile_seal(const char magic[8], const uint8_t sec[KEY_SEC_LEN],
                      const char *pass, size_t passlen,
                      uint8_t out[KEY_SECFILE_LEN]);
st_t key_secfile_open(const char magic[8], const uint8_t *file, size_t len,
                      const char *pass, size_t passlen,
                      uint8_t sec[KEY_SEC_LEN]);

/* Open a secret key file. ST_DECRYPT for a wrong passphrase or a tampered
 * file (no detail), ST_BADDATA/ST_VERSION for a malformed one, including
 * KDF costs outside ops 3..64, memory 64 MiB..4 GiB (checked before any
 * work). On success *out is sodium_malloc'd; the derived key is wiped. */
st_t key_secret_open(const uint8_t *file, size_t len, const char *pass,
                     size_t passlen, key_secret **out);

#endif
