/* term.h: the one terminal sanitizer. Every string that came from an
 * envelope, a server or a catalog (submitter- or network-chosen bytes)
 * goes through term_clean before it reaches a terminal, in all three
 * programs. Trust boundary: the input is hostile; the output contains no
 * byte or code point a terminal acts on or that hides or reorders text.
 * JSON output does not use this: jansson escapes it exactly. */
#ifndef INTAKE_TERM_H
#define INTAKE_TERM_H

#include <stddef.h>
#include "status.h"

/* Keep newline and tab (multi-line text such as a testimony); without
 * it they are escaped too, so one value stays on one line. */
#define TERM_LINES 1u

/* Worst-case growth: every input byte becomes at most four output bytes
 * ("\xHH"; a 3-byte code point becomes at most 8: "\u{2066}"). */
#define TERM_CLEAN_MAX(n) (4 * (n) + 1)

/* Copy s (n bytes, NUL allowed) into a NUL-terminated, malloc'd *out
 * that is safe for a terminal: C0 controls, DEL and bytes that are not
 * valid UTF-8 (this includes raw C1 bytes 0x80..0x9f) become "\xHH";
 * C1 code points, bidi controls, invisible format characters and
 * variation selectors become "\u{HHHH}" (the emoji pair U+FE0E, U+FE0F
 * stays when it directly follows a shown character); a backslash becomes "\\", so an escape in the output was
 * always made here. Caller frees. ST_NOMEM, ST_TOOBIG (n too large). */
st_t term_clean(const char *s, size_t n, unsigned flags, char **out);

/* The same into dst (cap bytes, at least TERM_CLEAN_MAX(n) for all of
 * it): writes as many whole escapes as fit and NUL-terminates; returns
 * the number of input bytes consumed. Nothing is allocated. */
size_t term_clean_buf(const char *s, size_t n, unsigned flags, char *dst,
                      size_t cap);

/* 1 when code point c must be shown escaped. */
int term_hidden(unsigned long c);

#endif
