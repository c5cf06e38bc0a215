/* auth.h: how an officer's online machine proves itself to the server.
 * Each request carries an Ed25519 signature over the method, Host, path
 * and query, the SHA-256 of the body, a timestamp and a random nonce
 * (docs/FORMAT.md §6); the server keeps only public keys, so a
 * stolen server disk holds nothing that can sign. Replays are refused by
 * the server (clock window, nonce cache, a persisted high-water mark).
 * Header:
 *   Authorization: Intake-Sig key=<16 hex>,ts=<unix>,nonce=<32 hex>,sig=<b64>
 * Trust boundary: auth_parse parses a header from the network. */
#ifndef INTAKE_AUTH_H
#define INTAKE_AUTH_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define AUTH_PK_LEN 32
#define AUTH_SK_LEN 64
#define AUTH_ID_LEN 8
#define AUTH_NONCE_LEN 16
#define AUTH_SIG_LEN 64
#define AUTH_HEADER_MAX 256
#define AUTH_BODY_HASH_LEN 32  /* SHA-256 */
#define AUTH_WINDOW 300        /* seconds of allowed clock skew */
#define AUTH_PUB_PREFIX "intake-auth-public-1 "
#define AUTH_SEC_PREFIX "intake-auth-secret-1 "

typedef struct {
	uint8_t key_id[AUTH_ID_LEN];
	int64_t ts;
	uint8_t nonce[AUTH_NONCE_LEN];
	uint8_t sig[AUTH_SIG_LEN];
} auth_req;

/* New signing pair; sk must be sodium_malloc'd by the caller. */
st_t auth_keygen(uint8_t pk[AUTH_PK_LEN], uint8_t sk[AUTH_SK_LEN]);
void auth_key_id(const uint8_t pk[AUTH_PK_LEN], uint8_t id[AUTH_ID_LEN]);

/* Key files: one line, prefix + base64. Secret text is written into a
 * caller buffer (cap >= 128) that the caller wipes. */
st_t auth_pub_format(const uint8_t pk[AUTH_PK_LEN], char *out, size_t cap);
st_t auth_pub_parse(const char *text, size_t len, uint8_t pk[AUTH_PK_LEN]);
st_t auth_sec_format(const uint8_t sk[AUTH_SK_LEN], char *out, size_t cap);
st_t auth_sec_parse(const char *text, size_t len, uint8_t sk[AUTH_SK_LEN]);

/* SHA-256 of a request body (len 0: the empty body). */
void auth_body_hash(const uint8_t *body, size_t len,
                    uint8_t out[AUTH_BODY_HASH_LEN]);

/* Authorization header value for one request. host is the Host header
 * exactly as sent (e.g. "127.0.0.1:8080"), target the request target
 * exactly as sent: path and query ("/v1/submissions?since=x"). */
st_t auth_sign(const uint8_t sk[AUTH_SK_LEN], const char *method,
               const char *host, const char *target,
               const uint8_t body_hash[AUTH_BODY_HASH_LEN], int64_t now,
               char out[AUTH_HEADER_MAX]);

/* Parse a header value; ST_BADDATA when malformed. */
st_t auth_parse(const char *value, auth_req *r);

/* ST_OK if r is a valid signature by pk over this request and ts is within
 * AUTH_WINDOW of now (now - AUTH_WINDOW <= ts <= now + AUTH_WINDOW);
 * ST_PERM otherwise (no detail). Replay checking is the caller's: a nonce
 * must be remembered while now <= ts + AUTH_WINDOW. */
st_t auth_verify(const uint8_t pk[AUTH_PK_LEN], const auth_req *r,
                 const char *method, const char *host, const char *target,
                 const uint8_t body_hash[AUTH_BODY_HASH_LEN], int64_t now);

#endif
