/* keyset.h: the organization's root key (Ed25519), its fingerprint (the
 * pin submitters hold), officers' reply-signing keys, and the signed,
 * expiring keyset that lists the officers a submitter seals to.
 * Trust boundary: keysets and entry files come from the server or from
 * removable media and are parsed as hostile; nothing in a keyset is
 * believed before its root matches the pin and its signature verifies.
 * Byte formats are in docs/FORMAT.md ("Root key and keyset"). */
#ifndef INTAKE_KEYSET_H
#define INTAKE_KEYSET_H

#include <stddef.h>
#include <stdint.h>
#include "key.h"
#include "status.h"

#define KEYSET_MAGIC "INTAKEKS"
#define KEYSET_VERSION 1
#define KEYSET_MAX_OFFICERS 16
#define KEYSET_MAX_REVOKED 64
#define KEYSET_HEAD_LEN 68
#define KEYSET_OFFICER_LEN 72
#define KEYSET_REVOKED_LEN 80
#define KEYSET_SIG_LEN 64
#define KEYSET_MAX_LEN 8192
#define KEYSET_MAX_DAYS 400
/* A keyset made by a machine whose clock runs ahead is still accepted. */
#define KEYSET_CLOCK_SKEW (24 * 3600)

#define KEYSET_LEFT 1        /* revoked: the officer left */
#define KEYSET_COMPROMISED 2 /* revoked: the key was stolen or lost */

#define KEYSET_ROOT_MAGIC "intakerk"
#define KEYSET_ROOT_PUB_PREFIX "intake-root-public-1 "
#define KEYSET_ENTRY_PREFIX "intake-officer-entry-1 "
#define KEYSET_FP_TEXT_MAX 40 /* 32 base32 chars, 7 dashes, NUL */
#define KEYSET_PIN_BYTES 21   /* room for the 165-bit word form */

/* One officer: encryption key (X25519), its key id, and the Ed25519 key
 * that signs the officer's replies. */
typedef struct {
	uint8_t id[KEY_ID_LEN];
	uint8_t box_pk[KEY_PUB_LEN];
	uint8_t sign_pk[32];
} keyset_officer;

typedef struct {
	keyset_officer k;
	uint32_t day;   /* days since 1970-01-01 */
	uint8_t reason; /* KEYSET_LEFT or KEYSET_COMPROMISED */
} keyset_revoked;

typedef struct {
	uint64_t serial, created, expires;
	uint8_t root_pk[32];
	size_t n, r;
	keyset_officer off[KEYSET_MAX_OFFICERS];
	keyset_revoked rev[KEYSET_MAX_REVOKED];
} keyset;

/* The root secret key; always sodium_malloc'd. */
typedef struct {
	uint8_t seed[32];
	uint8_t sk[64];
	uint8_t pk[32];
} keyset_root;

/* A parsed pin: the first `bits` bits of the root fingerprint hash
 * (160 from the base32 form, 165 from the 15 words). */
typedef struct {
	uint8_t h[KEYSET_PIN_BYTES];
	size_t bits;
} keyset_pin;

/* New random root key, or one from a seed (tests). Free with
 * keyset_root_free, which wipes. ST_NOMEM. */
st_t keyset_root_generate(keyset_root **out);
st_t keyset_root_from_seed(const uint8_t seed[32], keyset_root **out);
void keyset_root_free(keyset_root *r);

/* The root secret file (key.h's sealed layout, magic "intakerk"). Open:
 * ST_DECRYPT for a wrong passphrase or tampering, ST_BADDATA/ST_VERSION
 * for a malformed file; *out is sodium_malloc'd. */
st_t keyset_root_seal(const keyset_root *r, const char *pass, size_t passlen,
                      uint8_t out[KEY_SECFILE_LEN]);
st_t keyset_root_open(const uint8_t *file, size_t len, const char *pass,
                      size_t passlen, keyset_root **out);

/* Root public file: one line KEYSET_ROOT_PUB_PREFIX + base64 + "\n"
 * (cap >= 80). Parse accepts an optional "\r\n" or "\n"; ST_BADDATA. */
st_t keyset_root_pub_format(const uint8_t pk[32], char *out, size_t cap);
st_t keyset_root_pub_parse(const char *text, size_t len, uint8_t pk[32]);

/* Root fingerprint, grouped base32 "XXXX-...-XXXX" (8 groups of 4). */
void keyset_fingerprint(const uint8_t root_pk[32], char out[KEYSET_FP_TEXT_MAX]);
/* The word form: 15 words of one list (words.h) from the first 165 bits
 * of the fingerprint hash, separated by spaces. ST_TOOBIG for a small
 * out. */
#define KEYSET_FP_WORDS 15
st_t keyset_fingerprint_words(const uint8_t root_pk[32], int lang, char *out,
                              size_t cap);
/* Parse a pin typed by a person: the base32 form (case, dashes, spaces
 * and look-alikes ignored) or the 15 words (either list, forgiving as
 * words.h is). ST_BADDATA when it is neither. */
st_t keyset_pin_parse(const char *text, keyset_pin *pin);
/* ST_OK when root_pk has the pinned fingerprint, else ST_MISMATCH. */
st_t keyset_pin_check(const keyset_pin *pin, const uint8_t root_pk[32]);

/* The officer's reply-signing key pair, derived from the X25519 secret
 * key. sign_sk (64 bytes) should be sodium_malloc'd; the seed is wiped. */
void keyset_sign_keypair(const key_secret *officer, uint8_t sign_pk[32],
                         uint8_t sign_sk[64]);
/* The officer's entry: key id, X25519 and derived signing public key. */
void keyset_officer_entry(const key_secret *officer, keyset_officer *e);

/* Entry file: KEYSET_ENTRY_PREFIX + base64(box_pk) + " " +
 * base64(sign_pk) + "\n" (cap >= 128). Parse: ST_BADDATA. */
st_t keyset_entry_format(const keyset_officer *e, char *out, size_t cap);
st_t keyset_entry_parse(const char *text, size_t len, keyset_officer *e);

/* Check ks (n, r, ids, duplicates, times), set ks->root_pk, serialize and
 * sign with the root. *out is malloc'd. ST_BADDATA for a keyset that
 * readers would refuse, ST_NOMEM. */
st_t keyset_sign(keyset *ks, const keyset_root *root, uint8_t **out,
                 size_t *outlen);

/* Parse and verify, in this order: structure (exact length, counts, zero
 * bytes, key ids, no duplicates, times: ST_BADDATA, ST_VERSION), the pin
 * when pin != NULL (ST_MISMATCH), the root signature (ST_DECRYPT), and
 * when now != 0: now < expires and created <= now + KEYSET_CLOCK_SKEW
 * (ST_EXPIRED). *ks is filled as far as parsing got, so that a caller
 * can name the expiry date. */
st_t keyset_verify(const uint8_t *in, size_t len, const keyset_pin *pin,
                   uint64_t now, keyset *ks);

/* Find a key id among the officers (*reason = 0) and the revoked entries
 * (*reason = KEYSET_LEFT / KEYSET_COMPROMISED). NULL when absent. */
const keyset_officer *keyset_find(const keyset *ks, const uint8_t id[KEY_ID_LEN],
                                  uint8_t *reason);

/* The officers' encryption keys as a bundle to seal to. */
void keyset_bundle(const keyset *ks, key_bundle *b);

/* An unsigned stand-in for the --bundle mode: the bundle's keys as
 * officers with no signing key known (all zero), so that replies from them
 * open but never count as verified. Never serialized. */
void keyset_from_bundle(const key_bundle *b, keyset *ks);

#endif
