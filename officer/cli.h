/* cli.h: what every intake-officer subcommand shares: error messages on
 * stderr, usage errors, unlocking the officer's secret key once, and
 * creating new files that must never replace an existing one.
 * Paths here come from the local user's command line. */
#ifndef OFFICER_CLI_H
#define OFFICER_CLI_H

#include <stddef.h>
#include <stdio.h>
#include <sys/types.h>
#include "key.h"
#include "status.h"

#define CLI_PROG "intake-officer"

/* Print "intake-officer: <what>: <status message>" on stderr; returns st. */
st_t cli_fail(st_t st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Print a usage error and the usage text on stderr; returns ST_USAGE. */
st_t cli_usage(const char *usage, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Ask for the passphrase (terminal or passfile) and open the secret key
 * file. ST_DECRYPT (reported as "wrong passphrase or damaged key file")
 * when it does not open. *out is sodium_malloc'd (key_secret_free); the
 * passphrase is wiped before return. Reports its own errors. */
st_t cli_unlock(const char *secfile, const char *passfile, key_secret **out);

/* Create a folder and any missing parent, each 0700, unless it already
 * exists as a folder. On failure errno says why (for cli_fail_sys). */
st_t cli_mkdir(const char *path);

/* As cli_fail, with strerror(errno) (the real cause) instead of the
 * status message; returns st. */
st_t cli_fail_sys(st_t st, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Say what was wrong with a passphrase tty_passphrase refused, in words:
 * the two differ, empty, too long, the file readable by others or
 * missing, no terminal. Returns st. */
st_t cli_pass_fail(st_t st, const char *passfile);

/* Create path (O_EXCL|O_NOFOLLOW, `mode`), write buf, fsync. ST_EXISTS
 * if it exists; a partly written file is removed. */
st_t cli_write_new(const char *path, const void *buf, size_t len,
                   mode_t mode);

/* Hostile text for a terminal (see common/term.h). cli_puts prints s
 * (NULL as "-") through term_clean, keeping newlines and tabs with
 * TERM_LINES; on allocation failure it prints "?". cli_safe fills buf
 * (CLI_SAFE_MAX bytes) with the cleaned text, cut with "..." when long,
 * and returns buf: for one value inside a message. */
#define CLI_SAFE_MAX 512
void cli_puts(FILE *f, const char *s, unsigned flags);
const char *cli_safe(const char *s, char buf[CLI_SAFE_MAX]);

/* Parse a decimal id (1..2^53) from text; ST_USAGE otherwise. */
st_t cli_parse_id(const char *text, long long *id);

#endif
