/* guide.h: intake-submit's guided mode, for a person at a terminal who
 * may never have used one: attachments asked for one at a time and
 * checked at once, the letter with a plain way to finish, a summary to
 * confirm, the receipt typed back, and advice at the end. All input is
 * the local person's; nothing here touches the network. */
#ifndef INTAKE_CLIENT_GUIDE_H
#define INTAKE_CLIENT_GUIDE_H

#include <stddef.h>
#include "compose.h"
#include "receipt.h"
#include "status.h"

#define GUIDE_PATH_MAX 4096

/* A path as people paste or drag it into a terminal: surrounding white
 * space and quotes ('...' with '\'' inside, or "..."), backslash-escaped
 * spaces, a file:// URL with %XX escapes, and ~/ for the home folder.
 * ST_USAGE for an empty line, ST_TOOBIG when out (cap bytes) is short. */
st_t guide_path(const char *in, char *out, size_t cap);

/* What this mode is, before anything is asked. */
void guide_intro(void);

/* Ask for attachments on fd, one per line, until an empty line; each is
 * added to c at once, or the person is told why not and asked again.
 * Ctrl-D ends the list like an empty line. ST_TOOBIG past the manifest's
 * limit, ST_IO. */
st_t guide_attachments(int fd, compose *c);

/* How to type the letter and how to finish it. */
void guide_letter_hint(void);

/* Show what will be sent and ask (ui_confirm). */
st_t guide_confirm(int fd, const compose *c, int *yes);

/* The receipt typed back on fd until it matches (a few tries), so a
 * mistake in copying it is found while it is still on the screen. */
void guide_typeback(int fd, const receipt *r);

/* Plain advice at the end: close this window, what to delete, what to
 * keep. */
void guide_farewell(void);

#endif
