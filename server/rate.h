/* rate.h: token buckets for anonymous mailbox reads: one per mailbox
 * (so one client polling its own, or someone else's, mailbox as fast as
 * it can slows only that mailbox) and one global cap on the total. It
 * keeps no per-client state (the server does not look at addresses).
 * Buckets sit in a fixed table indexed by a keyed hash of the mailbox
 * under a key drawn at start, so nobody can aim at another mailbox's
 * bucket, and memory is bounded. Thread-safe. */
#ifndef INTAKE_SRV_RATE_H
#define INTAKE_SRV_RATE_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define RATE_SLOTS 4096

typedef struct rate rate;

/* per_key tokens a second for each key, total for all together; bursts
 * of up to one second's worth. */
st_t rate_new(unsigned per_key, unsigned total, rate **out);
void rate_free(rate *r);
/* 1 if a request for key may proceed now (a token is taken from its
 * bucket and from the global one), 0 if over either. */
int rate_take(rate *r, const uint8_t *key, size_t keylen);

#endif
