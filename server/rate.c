/* rate.c: a token bucket on the monotonic clock, so a wall-clock step
 * cannot open or shut the gate. */
#include <pthread.h>
#include <stdlib.h>
#include <time.h>
#include "rate.h"

struct rate {
	pthread_mutex_t mu;
	double tokens, per_sec;
	struct timespec last;
};

st_t rate_new(unsigned per_sec, rate **out)
{
	rate *r = calloc(1, sizeof *r);

	*out = NULL;
	if (r == NULL)
		return ST_NOMEM;
	if (pthread_mutex_init(&r->mu, NULL) != 0) {
		free(r);
		return ST_NOMEM;
	}
	r->per_sec = per_sec;
	r->tokens = per_sec;
	clock_gettime(CLOCK_MONOTONIC, &r->last);
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

int rate_take(rate *r)
{
	struct timespec now;
	double dt;
	int ok = 0;

	pthread_mutex_lock(&r->mu);
	clock_gettime(CLOCK_MONOTONIC, &now);
	dt = (double)(now.tv_sec - r->last.tv_sec) + (double)(now.tv_nsec - r->last.tv_nsec) / 1e9;
	r->last = now;
	r->tokens += dt * r->per_sec;
	if (r->tokens > r->per_sec)
		r->tokens = r->per_sec;
	if (r->tokens >= 1.0) {
		r->tokens -= 1.0;
		ok = 1;
	}
	pthread_mutex_unlock(&r->mu);
	return ok;
}
