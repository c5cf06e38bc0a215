/* pow.c: proof-of-work challenges and their checks. The load is an
 * exponentially smoothed rate of creations (time constant 10 s) on the
 * monotonic clock; used challenges go to a nonce cache until they expire. */
#include <math.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "enc.h"
#include "nonce.h"
#include "pow.h"

#define POW_TAU 10.0  /* seconds: the load's memory */
#define POW_BODY 16   /* MAC'd bytes of a challenge */

static const uint8_t pow_personal[16] = "intake-pow-mac1";

struct pow_state {
	pthread_mutex_t mu;
	unsigned max_d;
	double free_rate, load;
	struct timespec last;
	uint8_t key[32];
	nonce_cache *used;
};

st_t pow_new(unsigned max_d, double free_rate, pow_state **out)
{
	pow_state *p = calloc(1, sizeof *p);
	st_t st;

	*out = NULL;
	if (p == NULL)
		return ST_NOMEM;
	st = nonce_new(&p->used);
	if (st != ST_OK || pthread_mutex_init(&p->mu, NULL) != 0) {
		nonce_free(p->used);
		free(p);
		return st != ST_OK ? st : ST_NOMEM;
	}
	p->max_d = max_d > POW_MAX ? POW_MAX : max_d;
	p->free_rate = free_rate;
	clock_gettime(CLOCK_MONOTONIC, &p->last);
	randombytes_buf(p->key, sizeof p->key);
	*out = p;
	return ST_OK;
}

void pow_free(pow_state *p)
{
	if (p == NULL)
		return;
	nonce_free(p->used);
	pthread_mutex_destroy(&p->mu);
	sodium_memzero(p->key, sizeof p->key);
	free(p);
}

/* Decay the load to now (lock held). */
static void pow_decay(pow_state *p)
{
	struct timespec now;
	double dt;

	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - p->last.tv_sec) + (double)(now.tv_nsec - p->last.tv_nsec) / 1e9;
	p->load *= exp(-dt / POW_TAU);
	p->last = now;
}

void pow_note(pow_state *p)
{
	pthread_mutex_lock(&p->mu);
	pow_decay(p);
	p->load += 1.0 / POW_TAU;
	pthread_mutex_unlock(&p->mu);
}

unsigned pow_difficulty(pow_state *p)
{
	double over;
	unsigned d = 0;

	pthread_mutex_lock(&p->mu);
	pow_decay(p);
	/* 8 bits at the threshold, 2 more for each doubling past it. */
	if (p->max_d > 0 && p->load >= p->free_rate) {
		over = p->free_rate > 0 ? log2(p->load / p->free_rate) : 16;
		d = 8 + 2 * (unsigned)(over > 16 ? 16 : over);
		if (d > p->max_d)
			d = p->max_d;
	}
	pthread_mutex_unlock(&p->mu);
	return d;
}

static void pow_mac(const pow_state *p, const uint8_t body[POW_BODY], uint8_t mac[16])
{
	crypto_generichash_blake2b_salt_personal(mac, 16, body, POW_BODY, p->key,
	                                         sizeof p->key, NULL, pow_personal);
}

char *pow_challenge_json(pow_state *p, int64_t now)
{
	uint8_t c[POW_CHALLENGE_LEN];
	char b64[64], *out;
	unsigned d = pow_difficulty(p);
	size_t cap = 96;

	enc_put_u32le(c, (uint32_t)(now + POW_LIFETIME));
	c[4] = (uint8_t)d;
	randombytes_buf(c + 5, POW_BODY - 5);
	pow_mac(p, c, c + POW_BODY);
	enc_b64_encode(b64, c, sizeof c);
	out = malloc(cap);
	if (out != NULL)
		snprintf(out, cap, "{\"difficulty\":%u,\"challenge\":\"%s\"}", d, b64);
	return out;
}

unsigned pow_zero_bits(const uint8_t challenge[POW_CHALLENGE_LEN],
                       const uint8_t nonce[POW_NONCE_LEN])
{
	uint8_t in[POW_CHALLENGE_LEN + POW_NONCE_LEN], h[crypto_hash_sha256_BYTES];
	unsigned bits = 0, i, b;

	memcpy(in, challenge, POW_CHALLENGE_LEN);
	memcpy(in + POW_CHALLENGE_LEN, nonce, POW_NONCE_LEN);
	crypto_hash_sha256(h, in, sizeof in);
	for (i = 0; i < sizeof h; i++) {
		if (h[i] != 0) {
			for (b = 0x80; (h[i] & b) == 0; b >>= 1)
				bits++;
			break;
		}
		bits += 8;
	}
	return bits;
}

st_t pow_check(pow_state *p, const char *header, int64_t now)
{
	uint8_t c[POW_CHALLENGE_LEN], nonce[POW_NONCE_LEN], mac[16];
	unsigned want = pow_difficulty(p), d;
	const char *colon;
	int64_t expiry;

	if (want == 0)
		return ST_OK;
	/* "<base64 of 32 bytes>:<16 lowercase hex>", nothing else. */
	if (header == NULL || (colon = strchr(header, ':')) == NULL ||
	    strlen(colon + 1) != 2 * POW_NONCE_LEN ||
	    enc_b64_decode(c, sizeof c, header, (size_t)(colon - header)) != ST_OK ||
	    enc_hex_decode(nonce, sizeof nonce, colon + 1) != ST_OK)
		return ST_POW;
	pow_mac(p, c, mac);
	if (sodium_memcmp(mac, c + POW_BODY, sizeof mac) != 0)
		return ST_POW;
	expiry = (int64_t)enc_get_u32le(c);
	d = c[4];
	/* Fresh, not much easier than what is asked now (a stock of easy
	 * challenges from a quiet hour buys nothing in a flood), and done. */
	if (expiry < now || expiry > now + POW_LIFETIME || d + POW_SLACK < want ||
	    pow_zero_bits(c, nonce) < d)
		return ST_POW;
	/* Once only, keyed by its MAC (random-looking, unlike the expiry):
	 * the nonce cache keeps it while now <= ts + AUTH_WINDOW. */
	switch (nonce_check_add(p->used, c + POW_BODY, expiry - AUTH_WINDOW, now)) {
	case ST_OK:
		return ST_OK;
	case ST_TEMPFAIL:
		return ST_TEMPFAIL;
	default:
		return ST_POW;
	}
}
