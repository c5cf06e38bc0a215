/* nonce.c: open-addressing table of recent nonces. Slots whose time has
 * passed are free for reuse, but a lookup walks past them, so a live
 * duplicate further along the probe sequence is still found. */
#include <pthread.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "enc.h"
#include "nonce.h"

typedef struct {
	uint8_t nonce[AUTH_NONCE_LEN];
	int64_t until;  /* last second it matters; 0: never used */
} nonce_slot;

struct nonce_cache {
	pthread_mutex_t mu;
	nonce_slot slot[NONCE_SLOTS];
};

st_t nonce_new(nonce_cache **out)
{
	nonce_cache *c = calloc(1, sizeof *c);

	*out = NULL;
	if (c == NULL)
		return ST_NOMEM;
	if (pthread_mutex_init(&c->mu, NULL) != 0) {
		free(c);
		return ST_NOMEM;
	}
	*out = c;
	return ST_OK;
}

void nonce_free(nonce_cache *c)
{
	if (c == NULL)
		return;
	pthread_mutex_destroy(&c->mu);
	free(c);
}

st_t nonce_check_add(nonce_cache *c, const uint8_t nonce[AUTH_NONCE_LEN],
                     int64_t ts, int64_t now)
{
	/* Nonces are random and come only from verified officers, so their
	 * own bits are a fine index. */
	uint32_t h = enc_get_u32le(nonce) & (NONCE_SLOTS - 1);
	nonce_slot *s, *reuse = NULL;
	unsigned i;
	st_t st = ST_TEMPFAIL;

	pthread_mutex_lock(&c->mu);
	for (i = 0; i < NONCE_PROBES; i++) {
		s = &c->slot[(h + i) & (NONCE_SLOTS - 1)];
		if (s->until == 0) {
			if (reuse == NULL)
				reuse = s;
			break;
		}
		if (s->until < now) {
			if (reuse == NULL)
				reuse = s;
			continue;
		}
		if (sodium_memcmp(s->nonce, nonce, AUTH_NONCE_LEN) == 0) {
			st = ST_PERM;
			goto cleanup;
		}
	}
	if (reuse != NULL) {
		memcpy(reuse->nonce, nonce, AUTH_NONCE_LEN);
		/* Its ts is accepted up to and including ts + AUTH_WINDOW. */
		reuse->until = ts + AUTH_WINDOW;
		st = ST_OK;
	}
cleanup:
	pthread_mutex_unlock(&c->mu);
	return st;
}
