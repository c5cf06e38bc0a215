/* keyset.h (server): the organization's current keyset. The server holds
 * no key of its own here: it checks an uploaded keyset against the root
 * fingerprint it was configured with, keeps the newest one in the data
 * folder, serves it to anyone, and refuses a finished envelope that names
 * none of the keyset's officers. Trust boundary: PUT bodies come from an
 * authenticated officer but are verified all the same; GET is public. */
#ifndef INTAKE_SRV_KEYSET_H
#define INTAKE_SRV_KEYSET_H

#include <stddef.h>
#include <stdint.h>
#include "../common/keyset.h"
#include "blob.h"
#include "status.h"

#define SRVKEYSET_FILE "keyset.bin"

typedef struct srvkeyset srvkeyset;

/* Start with the pin text (NULL: keysets off) and the data folder; a
 * stored keyset that no longer verifies (pin changed) is set aside with a
 * warning on stderr. ST_CONFIG for a pin that is no fingerprint, ST_NOMEM,
 * ST_IO. */
st_t srvkeyset_open(const char *data_dir, const char *pin, srvkeyset **out);
void srvkeyset_free(srvkeyset *k);

/* A malloc'd copy of the current keyset. ST_NOTFOUND when none. */
st_t srvkeyset_get(srvkeyset *k, uint8_t **out, size_t *len);

/* Verify (pin, signature, not expired at now) and store atomically when
 * its serial is above the stored one; identical bytes are ST_OK too.
 * On refusal *why is a fixed one-line text and the status is
 * ST_MISMATCH; ST_IO/ST_NOSPACE when storing failed. */
st_t srvkeyset_put(srvkeyset *k, const uint8_t *in, size_t len, uint64_t now,
                   const char **why);

/* ST_OK when no keyset is stored or a stanza of the finished upload `id`
 * names an officer of it; ST_CHANGED when none does (the client sealed to
 * an old keyset); ST_IO. */
st_t srvkeyset_check_upload(srvkeyset *k, blob *bl, blob_area a,
                            const char *id);

#endif
