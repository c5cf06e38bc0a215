/* nonce.h: the replay cache for officer authentication. A nonce from a
 * verified request is remembered up to and including the last second its
 * timestamp is acceptable (ts + AUTH_WINDOW), so a captured request cannot
 * be sent again. Fixed memory; thread-safe. Only verified requests reach
 * it. Across a restart the persisted high-water mark (http.c) takes over. */
#ifndef INTAKE_SRV_NONCE_H
#define INTAKE_SRV_NONCE_H

#include <stdint.h>
#include "auth.h"
#include "status.h"

#define NONCE_SLOTS (1u << 16)  /* remembered nonces at most */
#define NONCE_PROBES 64

typedef struct nonce_cache nonce_cache;

st_t nonce_new(nonce_cache **out);
void nonce_free(nonce_cache *c);

/* ST_OK if nonce was not seen (it is now remembered while now <= ts +
 * AUTH_WINDOW), ST_PERM if it was, ST_TEMPFAIL if the cache is too full
 * to remember it (then the request must be refused). */
st_t nonce_check_add(nonce_cache *c, const uint8_t nonce[AUTH_NONCE_LEN],
                     int64_t ts, int64_t now);

#endif
