/* store.h: the server's metadata in sqlite (WAL, synchronous=FULL,
 * secure_delete): unfinished and finished uploads, submissions, mailbox
 * replies. All sqlite calls live in store.c, each under one mutex, so a
 * multi-statement change is atomic towards other requests. Ids reaching
 * here are already checked to be 32 lowercase hex characters. */
#ifndef INTAKE_SRV_STORE_H
#define INTAKE_SRV_STORE_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define STORE_ID_HEX 32
#define STORE_DATE_LEN 10

typedef struct store store;

typedef struct {
	char id[STORE_ID_HEX + 1];
	uint64_t length;
	uint64_t offset;      /* durable offset: bytes fsync'd before it was set */
	int64_t expires;
	int done;             /* 1 landed, 2 held for the next landing; either
	                       * way HEAD answers offset = length */
	char sub_id[STORE_ID_HEX + 1]; /* landing in progress: "" when none */
} store_upload;

typedef struct {
	int64_t seq;          /* arrival order; the listing cursor */
	char id[STORE_ID_HEX + 1];
	uint64_t size;
	char date[STORE_DATE_LEN + 1];
	int fetched;
} store_sub;

typedef struct {
	uint8_t *data;
	size_t len;
} store_reply;

/* Open or create the database at path (mode 0600). ST_IO, ST_NOMEM. */
st_t store_open(const char *path, store **out);
/* Finalizes statements and closes; NULL is fine. */
void store_close(store *s);

/* New unfinished upload, if the reserved bytes (finished sizes plus every
 * unfinished upload's full length) stay within quota (0: no quota) and
 * fewer than max_unfinished are open. ST_NOSPACE, ST_TEMPFAIL, ST_IO. */
st_t store_upload_add(store *s, const char *id, uint64_t length,
                      int64_t expires, uint64_t quota, unsigned max_unfinished);
/* ST_NOTFOUND when there is no such row. */
st_t store_upload_get(store *s, const char *id, store_upload *u);
st_t store_upload_set_offset(store *s, const char *id, uint64_t offset,
                             int64_t expires);
/* Step 1 of landing: remember which submission id the blob will get. */
st_t store_upload_mark_landing(store *s, const char *id, const char *sub_id);
/* Step 3 of landing, one transaction: the submission is listed and the
 * upload is marked done (sub_id forgotten). ST_CONFLICT if sub_id exists. */
st_t store_upload_land(store *s, const char *id, const char *sub_id,
                       uint64_t size, const char *date, int64_t expires);
st_t store_upload_del(store *s, const char *id);
/* Every upload row (recovery). *out is malloc'd; caller frees. */
st_t store_upload_all(store *s, store_upload **out, size_t *n);
/* Up to max rows whose expiry is before now. Caller frees *out. */
st_t store_upload_expired(store *s, int64_t now, size_t max,
                          store_upload **out, size_t *n);

/* Submissions after seq `after` in arrival order, at most limit. Caller
 * frees *out. */
st_t store_sub_list(store *s, int64_t after, size_t limit, store_sub **out,
                    size_t *n);
st_t store_sub_get(store *s, const char *id, store_sub *out);
st_t store_sub_set_fetched(store *s, const char *id);
st_t store_sub_del(store *s, const char *id);

/* Append a reply to a mailbox holding fewer than max. ST_NOSPACE when
 * full. The bytes are copied. */
st_t store_reply_add(store *s, const char *mbox, const uint8_t *data,
                     size_t len, int64_t expires, unsigned max);
/* Replies oldest first; *out (and each data) malloc'd, free with
 * store_replies_free. An unknown mailbox gives n = 0. */
st_t store_reply_list(store *s, const char *mbox, store_reply **out,
                      size_t *n);
void store_replies_free(store_reply *r, size_t n);
st_t store_reply_expire(store *s, int64_t now);

/* Copy the WAL into the database and truncate it, so pages freed (and
 * zeroed by secure_delete) do not linger in old WAL frames. */
st_t store_checkpoint(store *s);

/* Complete and checked, held for the next landing: offset = length,
 * done = 2, a coarse expiry. */
st_t store_upload_hold(store *s, const char *id, int64_t expires);
/* Every held upload whose landing has not begun (no sub_id). */
st_t store_upload_held(store *s, store_upload **out, size_t *n);

/* Bytes the quota counts: stored submissions plus the durable offsets
 * of unfinished uploads (received, not declared). */
st_t store_usage(store *s, uint64_t *used);
/* The unfinished upload no byte has reached that expires first;
 * ST_NOTFOUND when there is none. */
st_t store_upload_oldest_empty(store *s, char id[STORE_ID_HEX + 1]);

/* Officer-auth nonces kept across restarts: ST_OK when new (committed
 * durably before returning), ST_CONFLICT when already there (a replay).
 * Expiry drops those with until < now. */
st_t store_nonce_add(store *s, const uint8_t *nonce, size_t len, int64_t until);
st_t store_nonce_expire(store *s, int64_t now);

#endif
