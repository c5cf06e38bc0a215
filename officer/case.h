/* case.h: opening envelopes into case folders (air-gapped). One envelope
 * is read, its header opened with the officer's key, and its chunks
 * decrypted, parsed and written part by part into a hidden staging
 * folder while a second thread computes each part's SHA-256; only when
 * the whole stream has authenticated and parsed is the folder renamed to
 * CASES/case-NNNNNN and the catalog row committed. An envelope that fails
 * to open or verify goes to CASES/quarantine with a .reason file; one
 * sealed to none of our keys is not damaged and stays where it is.
 * Trust boundary: envelopes are hostile until authenticated, and the
 * authenticated plaintext (names, sizes) is still submitter-chosen: every
 * output is created with openat, O_CREAT|O_EXCL|O_NOFOLLOW, inside folders
 * this module made itself. */
#ifndef OFFICER_CASE_H
#define OFFICER_CASE_H

#include <stdint.h>
#include "catalog.h"
#include "key.h"
#include "status.h"

#define CASE_TEXT_NAME "testimony.txt"
#define CASE_MANIFEST_NAME "manifest.json"
#define CASE_FILES_DIR "files"
#define CASE_STAGING ".staging"
#define CASE_QUARANTINE "quarantine"
#define CASE_ENV_SUFFIX ".env"
#define CASE_FTS_MAX ((size_t)2 * 1024 * 1024) /* text indexed per case */

typedef struct case_store case_store;

/* Open the CASES folder (created 0700 if missing), its catalog, staging
 * and quarantine folders; leftovers of an interrupted run are removed
 * from staging. Caller closes. Reports nothing; ST_IO, ST_PERM,
 * ST_CONFIG (not a catalog of ours). */
st_t case_store_open(const char *path, case_store **out);
void case_store_close(case_store *cs);
catalog *case_store_catalog(case_store *cs);

/* What became of one envelope. */
typedef enum {
	CASE_OPENED,      /* a new case */
	CASE_KNOWN,       /* already in the catalog: nothing done */
	CASE_NOT_MINE,    /* sealed to none of this machine's keys: left
	                   * where it was, untouched */
	CASE_QUARANTINED, /* damaged or not an envelope: moved to quarantine */
	CASE_FAILED       /* local failure (disk, memory): left in place */
} case_outcome;

/* "0011223344556677, 8899aabbccddeeff": up to 16 hex key ids. */
#define CASE_IDS_MAX (16 * (2 * KEY_ID_LEN + 2) + 1)

/* What the caller hears while one envelope opens, and learns after. */
typedef struct {
	/* Called from the reading thread after each batch (about 2 MiB)
	 * with the envelope bytes read so far and its size; may be NULL. */
	void (*progress)(void *ctx, uint64_t done, uint64_t total);
	void *ctx;
	/* Out, for CASE_NOT_MINE: the key ids it is sealed to. */
	char sealed_to[CASE_IDS_MAX];
} case_io;

/* Open envelope `name` (in folder dirfd) with key k. *id is the case
 * (new or known). The returned status explains a quarantine, a foreign
 * envelope (ST_NOKEY) or a failure; ST_OK for CASE_OPENED and
 * CASE_KNOWN. io may be NULL. Plaintext buffers are sodium_malloc'd and
 * wiped; staging files of a failed attempt are removed. Prints
 * nothing. */
st_t case_open_envelope(case_store *cs, const key_secret *k, int dirfd,
                        const char *name, case_io *io,
                        case_outcome *outcome, long long *id);

#endif
