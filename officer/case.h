/* case.h: opening envelopes into case folders (air-gapped). One envelope
 * is read, its header opened with the officer's key, and its chunks
 * decrypted, parsed and written part by part into a hidden staging
 * folder while a second thread computes each part's SHA-256; only when
 * the whole stream has authenticated and parsed is the folder renamed to
 * CASES/case-NNNNNN and the catalog row committed. An envelope that fails
 * to open or verify goes to CASES/quarantine with a .reason file.
 * Trust boundary: envelopes are hostile until authenticated, and the
 * authenticated plaintext (names, sizes) is still submitter-chosen: every
 * output is created with openat, O_CREAT|O_EXCL|O_NOFOLLOW, inside folders
 * this module made itself. */
#ifndef OFFICER_CASE_H
#define OFFICER_CASE_H

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
	CASE_QUARANTINED, /* bad envelope: moved to quarantine */
	CASE_FAILED       /* local failure (disk, memory): left in place */
} case_outcome;

/* Open envelope `name` (in folder dirfd) with key k. *id is the case
 * (new or known). The returned status explains a quarantine or failure;
 * ST_OK for CASE_OPENED and CASE_KNOWN. Plaintext buffers are
 * sodium_malloc'd and wiped; staging files of a failed attempt are
 * removed. Prints nothing. */
st_t case_open_envelope(case_store *cs, const key_secret *k, int dirfd,
                        const char *name, case_outcome *outcome,
                        long long *id);

#endif
