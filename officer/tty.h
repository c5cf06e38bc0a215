/* tty.h: the officer's terminal: passphrases read with echo off from
 * /dev/tty (or the first line of a file), and a progress line on stderr.
 * Trust boundary: the passphrase is a secret; it lives only in
 * sodium_malloc'd memory and is wiped on free. */
#ifndef OFFICER_TTY_H
#define OFFICER_TTY_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define TTY_PASS_MAX 1024

/* Read a passphrase: the first line of `file` when it is not NULL (a
 * secret file: refused with ST_PERM if group or others may read it), else
 * from /dev/tty with echo off, asked twice when `confirm`. An empty
 * passphrase is refused (ST_USAGE), as are two that differ (ST_MISMATCH).
 * *out is sodium_malloc'd and NUL-terminated; free with tty_pass_free.
 * ST_NOINPUT when there is no terminal and no file. */
st_t tty_passphrase(const char *file, const char *prompt, int confirm,
                    char **out, size_t *len);

/* Wipe and free a passphrase; NULL is fine. */
void tty_pass_free(char *pass);

/* A progress line on stderr, drawn only when stderr is a terminal (and
 * not --quiet), at most ten times a second (always on `force`). */
typedef struct {
	int on;
	int drawn;        /* a line is showing */
	int64_t last_ms;
	int64_t start_ms;
} tty_progress;

void tty_progress_init(tty_progress *p, int quiet);
/* 1 when a line is due now (on, and forced or 100 ms since the last). */
int tty_progress_due(tty_progress *p, int force);
/* Draw line (ours, never hostile text unescaped) over the last one. */
void tty_progress_show(tty_progress *p, const char *line);
/* "done of total  pct%  rate/s  m:ss left" for bytes since init, into
 * out (cap bytes); total 0 leaves out the percentage and time. */
void tty_progress_bytes(const tty_progress *p, uint64_t done,
                        uint64_t total, char *out, size_t cap);
/* Clear the line (if drawn) so a message can be printed; the rate limit
 * carries on. */
void tty_progress_end(tty_progress *p);

/* Bytes for a person: "812 B", "3.4 KiB", "1.0 GiB". */
const char *tty_human(uint64_t n, char buf[16]);

#endif
