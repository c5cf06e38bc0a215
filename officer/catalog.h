/* catalog.h: the officer's case catalog, one sqlite database in CASES
 * (WAL, synchronous=FULL, prepared statements only): cases, their files
 * with SHA-256 and kind by content, officer notes, and an FTS5 index
 * (stemming tokenizer "intake", officer/stem.c) over testimony text,
 * notes and attachment names.
 * Trust boundary: values stored here come from decrypted (authenticated
 * but submitter-chosen) manifests; they are only ever bound, never
 * spliced into SQL. Every sqlite call of the officer lives in this file. */
#ifndef OFFICER_CATALOG_H
#define OFFICER_CATALOG_H

#include <stddef.h>
#include <stdint.h>
#include <jansson.h>
#include "status.h"

#define CATALOG_FILE "catalog.db"
#define CATALOG_HASH_HEX 65 /* 32 bytes as hex + NUL */

typedef struct catalog catalog;

/* One stored file of a case; `path` is relative to the case folder. */
typedef struct {
	const char *name;     /* name as the manifest gave it (sanitized) */
	const char *path;     /* where it is stored in the case folder */
	uint64_t size;
	const char *type;     /* as the manifest gave it */
	const char *kind;     /* by content (officer/classify.c), or NULL */
	const char *flags;    /* risks found, comma-separated, or NULL */
	char sha256[CATALOG_HASH_HEX];
} catalog_file;

typedef struct {
	long long id;
	const char *envelope;      /* envelope file name */
	const char *envelope_id;   /* hex BLAKE2b-256 of header + chunk tags */
	uint64_t envelope_size;
	const char *received;      /* "YYYY-MM-DD" the envelope arrived */
	const char *submitted;     /* the manifest's coarse date, or "" */
	const char *opened;        /* ISO 8601 UTC */
	uint64_t text_size;
	uint64_t content_size;
	const char *key_id;        /* hex id of the key that opened it */
	const char *key_fp;        /* its fingerprint as keygen prints it */
	const char *reply_pk;      /* hex, or NULL without a reply key */
	const char *mailbox;       /* hex, or NULL */
	const char *text;          /* testimony text to index (may be cut) */
	size_t text_len;
	const catalog_file *files; /* the text first, then attachments */
	size_t nfiles;             /* >= 1: the text is always there */
} catalog_case;

/* Open (creating if needed) the catalog at path. Caller closes. ST_IO,
 * ST_CONFIG when the file is not a catalog of ours. */
st_t catalog_open(const char *path, catalog **out);
void catalog_close(catalog *c);

/* Transactions around adding a case (BEGIN IMMEDIATE: one writer). */
st_t catalog_begin(catalog *c);
st_t catalog_commit(catalog *c);
void catalog_rollback(catalog *c);

/* *found = id of the case opened from that envelope name, or 0. */
st_t catalog_find_envelope(catalog *c, const char *name, long long *found);
/* *found = id of a case with that envelope id, or 0. */
st_t catalog_find_hash(catalog *c, const char *hash, long long *found);
/* The next unused case id (inside a transaction). */
st_t catalog_next_id(catalog *c, long long *id);
/* Insert the case, its files and its text index entry (state "new"). */
st_t catalog_add(catalog *c, const catalog_case *cs);

/* ST_NOTFOUND when no such case, ST_USAGE for an unknown state. */
st_t catalog_set_state(catalog *c, long long id, const char *state);
st_t catalog_add_note(catalog *c, long long id, const char *text);

/* Which cases: NULL members match everything. Dates are "YYYY-MM-DD"
 * compared with the day the envelope was received; key is a hex key id
 * or a fingerprint (case, dashes and spaces ignored). */
typedef struct {
	const char *state;
	const char *since;
	const char *until;
	const char *key;
} catalog_filter;

/* JSON views (caller json_decref's): an array of case summaries
 * ("risky" counts flagged files); one case with "files" and "notes";
 * search hits, best first (bm25), with a "snippet" marking hits with
 * [ ]. The query is cut into words by the index's own tokenizer and each
 * term quoted, so it is never FTS5 syntax; a term ending in '*' is a
 * prefix. ST_USAGE for an empty query; a query without words matches
 * nothing. f may be NULL. */
st_t catalog_list(catalog *c, const catalog_filter *f, json_t **out);
st_t catalog_show(catalog *c, long long id, json_t **out);
st_t catalog_search(catalog *c, const char *query, const catalog_filter *f,
                    json_t **out);

/* The reply key and mailbox of a case: ST_NOTFOUND without the case,
 * ST_NOKEY when the submitter left no reply key. */
st_t catalog_reply_target(catalog *c, long long id, uint8_t reply_pk[32],
                          uint8_t mailbox[16]);

/* Take the next reply sequence number (1, 2, ...) for a mailbox (lowercase
 * hex) and store it, before the reply is sealed: a failed write leaves a
 * gap the submitter is told about, never a reused number. ST_IO. */
st_t catalog_next_reply_seq(catalog *c, const char *mailbox, uint32_t *seq);

#endif
