/* upload.h: the tus upload state machine, without HTTP: creation with
 * quota and limits, HEAD, PATCH sessions streaming to a partial file,
 * landing, termination and expiry, in the crash-safe write order of
 * docs/SERVER.md (recover.c repairs what a crash interrupts). Trust
 * boundary: lengths, offsets and bodies come from anonymous clients. */
#ifndef INTAKE_SRV_UPLOAD_H
#define INTAKE_SRV_UPLOAD_H

#include <pthread.h>
#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "blob.h"
#include "conf.h"
#include "status.h"
#include "store.h"

typedef struct {
	store *st;
	blob *bl;
	const conf *cf;
	pthread_mutex_t mu;      /* guards busy */
	char (*busy)[BLOB_ID_HEX + 1];  /* ids with a PATCH in flight */
	size_t nbusy, capbusy;
	struct srvkeyset *keys;  /* set after upload_init; NULL: no keyset check */
	int64_t land_period;     /* the last landing period seen (serve thread) */
} upload_svc;

/* One PATCH (or the body of a creation-with-upload POST). */
typedef struct {
	upload_svc *svc;
	char id[BLOB_ID_HEX + 1];
	uint64_t start;    /* durable offset when the PATCH began */
	uint64_t offset;   /* bytes in the file so far */
	uint64_t length;
	int fd;
	st_t err;          /* first write error; later bytes are dropped */
} upload_patch;

st_t upload_init(upload_svc *u, store *st, blob *bl, const conf *cf);
void upload_fini(upload_svc *u);

/* The coarse date for `now` under the configured granularity: "YYYY-MM-DD"
 * of the first day of the period, and that day's midnight UTC. */
void upload_coarse_date(conf_gran g, time_t now, char date[STORE_DATE_LEN + 1],
                        time_t *start);
/* The start of the first period (of granularity g) after t: an expiry
 * that is never before t and says no more about the time than a date.
 * A landed upload's row keeps this, not its exact arrival time. */
int64_t upload_coarse_expiry(conf_gran g, int64_t t);

/* Expiries of unfinished uploads are rounded up to this many seconds;
 * landed ones keep only the start of a period (upload_coarse_expiry). */
#define UPLOAD_TICK 60
int64_t upload_tick(int64_t now, uint64_t life);

/* New upload of exactly length bytes, expiring --empty-expire after now
 * until a byte arrives. ST_BADDATA for 0, ST_TOOBIG over max-size,
 * ST_NOSPACE when it cannot fit the quota (received bytes) or the free
 * disk now, ST_TEMPFAIL at max-uploads with no upload free of bytes to
 * evict. */
st_t upload_create(upload_svc *u, uint64_t length, int64_t now,
                   char id[BLOB_ID_HEX + 1], int64_t *expires);

/* Current durable state; ST_NOTFOUND when unknown or expired. */
st_t upload_head(upload_svc *u, const char *id, int64_t now, store_upload *out);

/* Termination. ST_NOTFOUND, ST_CONFLICT while a PATCH is in flight. */
st_t upload_delete(upload_svc *u, const char *id);

/* Start a PATCH at client offset `offset` with body_len bytes announced
 * (UINT64_MAX when unknown). ST_NOTFOUND, ST_CONFLICT (wrong offset, or
 * another PATCH in flight, or already complete), ST_TOOBIG. On ST_OK the
 * caller must end the session with upload_patch_end. */
st_t upload_patch_begin(upload_svc *u, const char *id, uint64_t offset,
                        uint64_t body_len, int64_t now, upload_patch *p);

/* Append body bytes. Errors are remembered in p->err and returned; bytes
 * after an error are dropped. */
st_t upload_patch_write(upload_patch *p, const uint8_t *buf, size_t len);

/* End a PATCH: fsync, record the new durable offset, and when the upload
 * is complete check the envelope and hold it for the next landing (or,
 * with --land-every 0, land it at once). *offset is the acknowledged
 * offset. ST_OK, ST_NOSPACE and ST_TOOBIG (the whole PATCH is discarded),
 * ST_MISMATCH (not a valid envelope: the upload is deleted), ST_IO. */
st_t upload_patch_end(upload_patch *p, int64_t now, uint64_t *offset);

/* Finish a landing that began (r->sub_id recorded) but did not end:
 * record a stored copy, or land the whole partial file, or drop the upload
 * when neither copy is whole (its client never had a 204). *landed is 1
 * when it is now a submission. */
st_t upload_resume_landing(upload_svc *u, const store_upload *r, int64_t now,
                           int *landed);

/* upload_resume_landing for every such upload not in flight: a landing
 * that failed (EPERM, EIO) is retried without a restart. */
st_t upload_retry_landings(upload_svc *u, int64_t now);

/* Land every held upload in one batch, in random order, dated by the
 * coarse date of `when`; then checkpoint the WAL and set the times of
 * the data directory, the areas and the database files to that date. */
st_t upload_land_batch(upload_svc *u, int64_t when);
/* upload_land_batch at the first call in each new --land-every period
 * (none with --land-every 0, when uploads land as they complete). */
st_t upload_land_due(upload_svc *u, int64_t now);

/* Remove expired uploads not in flight. */
st_t upload_reap(upload_svc *u, int64_t now);

/* Check that a complete file in an area is a structurally valid envelope
 * of exactly length bytes: ST_OK or ST_MISMATCH. */
st_t upload_check_envelope(blob *bl, blob_area a, const char *id,
                           uint64_t length);

/* Land a complete, fsync'd partial upload as submission sub_id: the
 * landing steps 2-4 of docs/SERVER.md. */
st_t upload_land(upload_svc *u, const char *id, const char *sub_id,
                 uint64_t length, int64_t now);

/* A fresh random 32-hex id. */
void upload_new_id(char id[BLOB_ID_HEX + 1]);

#endif
