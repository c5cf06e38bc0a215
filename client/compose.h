/* compose.h: gathers what a submitter sends (the testimony text in locked
 * memory, the attachments as open files) into a manifest and the
 * plaintext stream source that seal.h encrypts. Everything here is the
 * local user's own input; attachment names pass through
 * manifest_safe_name before they enter the manifest. */
#ifndef INTAKE_CLIENT_COMPOSE_H
#define INTAKE_CLIENT_COMPOSE_H

#include <stddef.h>
#include <stdint.h>
#include "manifest.h"
#include "payload.h"
#include "status.h"

/* Cap on the typed or piped text; anything larger belongs in a file. */
#define COMPOSE_TEXT_MAX ((size_t)64 << 20)

typedef struct {
	manifest m;
	uint8_t *text;       /* sodium_malloc'd, never NULL once set */
	size_t text_len;
	int *fds;            /* one open file per manifest entry */
	size_t nfds;
	payload_src *src;    /* set by compose_finish */
} compose;

void compose_init(compose *c);
/* Closes the files, wipes and frees the text, clears the manifest. */
void compose_release(compose *c);

/* Read fd to its end into a sodium_malloc'd buffer (free with
 * sodium_free; never NULL on success, even when empty). On a terminal the
 * end is Ctrl-D, at the start of a line or after text. Partial copies
 * are wiped. ST_TOOBIG past max, ST_IO, ST_NOMEM. */
st_t compose_read_text(int fd, size_t max, uint8_t **out, size_t *len);

/* Read the text from a file the user named ("-" is stdin), as above.
 * ST_NOINPUT when it cannot be opened. */
st_t compose_read_text_file(const char *path, size_t max, uint8_t **out,
                            size_t *len);

/* Take ownership of text (from compose_read_text*). */
void compose_set_text(compose *c, uint8_t *text, size_t len);

/* Open an attachment and add it to the manifest under its base name.
 * ST_NOINPUT if it cannot be opened, ST_BADDATA if it is not a regular
 * file, ST_TOOBIG past MANIFEST_MAX_FILES. */
st_t compose_add_file(compose *c, const char *path);

/* Fill in the reply key and mailbox (and date, "" or "YYYY-MM") and build
 * the stream source c->src. ST_USAGE when there is neither text nor an
 * attachment, ST_TOOBIG past the format's limit. */
st_t compose_finish(compose *c, const uint8_t reply_pk[32],
                    const uint8_t mailbox[16], const char *date);

#endif
