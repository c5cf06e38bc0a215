/* rate.h: one global token bucket for anonymous requests. It keeps no
 * per-client state at all (the server does not look at addresses), so it
 * bounds load, not any one client. Thread-safe. */
#ifndef INTAKE_SRV_RATE_H
#define INTAKE_SRV_RATE_H

#include "status.h"

typedef struct rate rate;

/* per_sec tokens a second, bursts of up to per_sec. */
st_t rate_new(unsigned per_sec, rate **out);
void rate_free(rate *r);
/* 1 if a request may proceed now (a token is taken), 0 if over. */
int rate_take(rate *r);

#endif
