/* work.h: a small pool of threads for blocking work (fsync, landing)
 * that must not run on libmicrohttpd's event threads, where it would
 * stall every other connection of that thread. FIFO; thread-safe. */
#ifndef INTAKE_SRV_WORK_H
#define INTAKE_SRV_WORK_H

#include "status.h"

typedef struct work work;
typedef void (*work_fn)(void *arg);

/* n threads (1..64). ST_NOMEM, ST_INTERNAL. */
st_t work_new(unsigned n, work **out);
/* Run fn(arg) on a pool thread; after work_stop (or when w is NULL), in
 * the caller's thread at once. */
void work_submit(work *w, work_fn fn, void *arg);
/* Finish every queued job, then join the threads. */
void work_stop(work *w);
void work_free(work *w);

#endif
