/* pow.h: adaptive proof of work on upload creation (docs/PROTOCOL.md).
 * Difficulty D is 0 while creations are few and rises with their rate.
 * A challenge is 32 bytes the server MACs, so it keeps no state for it:
 *   u32le expiry (unix seconds) || u8 D || 11 random bytes ||
 *   BLAKE2b(16, those 16 bytes, key = a random key drawn at start).
 * A proof is an 8-byte nonce with SHA-256(challenge || nonce) starting
 * with D zero bits; each challenge is accepted once. Trust boundary:
 * pow_check parses a header from anonymous clients. Thread-safe. */
#ifndef INTAKE_SRV_POW_H
#define INTAKE_SRV_POW_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define POW_CHALLENGE_LEN 32
#define POW_NONCE_LEN 8
#define POW_MAX 20          /* the highest difficulty ever asked */
#define POW_LIFETIME 600    /* seconds a challenge stays valid */
#define POW_SLACK 4         /* a challenge may be this much easier than now */

typedef struct pow_state pow_state;

/* max_d: the ceiling (0 turns proof of work off); free_rate: creations
 * per second (smoothed over about 10 s) that cost nothing. */
st_t pow_new(unsigned max_d, double free_rate, pow_state **out);
void pow_free(pow_state *p);

/* Count one creation attempt towards the load. */
void pow_note(pow_state *p);
/* The difficulty asked now. */
unsigned pow_difficulty(pow_state *p);
/* A fresh challenge of the current difficulty, as JSON text
 * {"difficulty":D,"challenge":"<base64>"} in a malloc'd string (NULL
 * when out of memory). */
char *pow_challenge_json(pow_state *p, int64_t now);
/* ST_OK when no work is asked now or header (the Intake-PoW value, may be
 * NULL) is a valid, unused proof; ST_POW otherwise; ST_TEMPFAIL when the
 * used-proof table is full. */
st_t pow_check(pow_state *p, const char *header, int64_t now);

/* Leading zero bits of SHA-256(challenge || nonce): for tests and tools. */
unsigned pow_zero_bits(const uint8_t challenge[POW_CHALLENGE_LEN],
                       const uint8_t nonce[POW_NONCE_LEN]);

#endif
