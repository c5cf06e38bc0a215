/* rate.c: token buckets on the monotonic clock, so a wall-clock step
 * cannot open or shut the gate. A key's bucket is taken only together
 * with a global token, and neither is spent when the other is empty. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include <sodium.h>
#include "rate.h"

typedef struct {
	double tokens;
	struct timespec last;  /* tv_sec 0: never used, full */
} rate_bucket;

struct rate {
	pthread_mutex_t mu;
	double per_key, total;
	uint8_t key[crypto_shorthash_KEYBYTES];
	rate_bucket global;
	rate_bucket slot[RATE_SLOTS];
};

st_t rate_new(unsigned per_key, unsigned total, rate **out)
{
	rate *r = calloc(1, sizeof *r);

	*out = NULL;
	if (r == NULL)
		return ST_NOMEM;
	if (pthread_mutex_init(&r->mu, NULL) != 0) {
		free(r);
		return ST_NOMEM;
	}
	r->per_key = per_key;
	r->total = total;
	crypto_shorthash_keygen(r->key);
	*out = r;
	return ST_OK;
}

void rate_free(rate *r)
{
	if (r == NULL)
		return;
	pthread_mutex_destroy(&r->mu);
	free(r);
}

/* Refill b at per_sec up to per_sec; 1 if it then holds a token. */
static int rate_refill(rate_bucket *b, double per_sec, const struct timespec *now)
{
	double dt;

	if (b->last.tv_sec == 0 && b->last.tv_nsec == 0) {
		b->tokens = per_sec;
	} else {
		dt = (double)(now->tv_sec - b->last.tv_sec) +
		     (double)(now->tv_nsec - b->last.tv_nsec) / 1e9;
		b->tokens += dt * per_sec;
		if (b->tokens > per_sec)
			b->tokens = per_sec;
	}
	b->last = *now;
	return b->tokens >= 1.0;
}

int rate_take(rate *r, const uint8_t *key, size_t keylen)
{
	uint8_t h[crypto_shorthash_BYTES];
	struct timespec now;
	rate_bucket *b;
	int ok;

	crypto_shorthash(h, key, keylen, r->key);
	pthread_mutex_lock(&r->mu);
	clock_gettime(CLOCK_MONOTONIC, &now);
	b = &r->slot[(h[0] | (unsigned)h[1] << 8) % RATE_SLOTS];
	ok = rate_refill(b, r->per_key, &now) && rate_refill(&r->global, r->total, &now);
	if (ok) {
		b->tokens -= 1.0;
		r->global.tokens -= 1.0;
	}
	pthread_mutex_unlock(&r->mu);
	return ok;
}
