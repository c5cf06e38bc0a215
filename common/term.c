/* term.c: terminal-safe rendering of hostile text (see term.h). UTF-8 is
 * decoded strictly (no overlongs, no surrogates, nothing above
 * U+10FFFF); what does not decode is shown byte by byte. */
#include "term.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int term_hidden(unsigned long c)
{
	/* Ranges of code points a terminal acts on, or that are invisible
	 * and can hide, join or reorder what the reader sees. */
	static const struct { unsigned long lo, hi; } hidden[] = {
		{ 0x0000, 0x001f },   /* C0 */
		{ 0x007f, 0x009f },   /* DEL, C1 (0x9b is CSI, 0x9d OSC) */
		{ 0x00ad, 0x00ad },   /* soft hyphen */
		{ 0x034f, 0x034f },   /* combining grapheme joiner */
		{ 0x061c, 0x061c },   /* Arabic letter mark */
		{ 0x115f, 0x1160 },   /* Hangul fillers */
		{ 0x17b4, 0x17b5 },   /* Khmer inherent vowels */
		{ 0x180b, 0x180f },   /* Mongolian selectors, vowel separator */
		{ 0x200b, 0x200f },   /* zero width space..RLM */
		{ 0x2028, 0x202e },   /* line/paragraph separators, LRE..RLO */
		{ 0x2060, 0x206f },   /* word joiner..isolates, deprecated */
		{ 0x3164, 0x3164 },   /* Hangul filler */
		{ 0xfe00, 0xfe0d },   /* variation selectors (not the emoji two) */
		{ 0xfeff, 0xfeff },   /* BOM / zero width no-break space */
		{ 0xffa0, 0xffa0 },   /* halfwidth Hangul filler */
		{ 0xfff9, 0xfffb },   /* interlinear annotation */
		{ 0x1d173, 0x1d17a }, /* musical formatting */
		{ 0xe0000, 0xe007f }, /* tags */
		{ 0xe0100, 0xe01ef }, /* variation selectors supplement */
	};
	size_t i;

	for (i = 0; i < sizeof hidden / sizeof hidden[0]; i++)
		if (c >= hidden[i].lo && c <= hidden[i].hi)
			return 1;
	return 0;
}

/* Decode one strict UTF-8 sequence at s (avail bytes). Returns its
 * length (1..4) and the code point, or 0 when it is not valid. */
static size_t term_decode(const unsigned char *s, size_t avail,
                          unsigned long *cp)
{
	unsigned long c;
	size_t len, i;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		len = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		len = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		len = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (avail < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

size_t term_clean_buf(const char *s, size_t n, unsigned flags, char *dst,
                      size_t cap)
{
	const unsigned char *u = (const unsigned char *)s;
	char esc[16];
	const char *rep;
	unsigned long c = 0;
	size_t i = 0, k = 0, len, rlen;
	int base = 0; /* the last thing shown was a visible character */

	if (cap == 0)
		return 0;
	while (i < n) {
		len = term_decode(u + i, n - i, &c);
		rep = esc;
		if (len == 0) {
			snprintf(esc, sizeof esc, "\\x%02x", u[i]);
			len = 1;
		} else if ((c == '\n' || c == '\t') && (flags & TERM_LINES)) {
			rep = NULL;
		} else if (c < 0x80 && term_hidden(c)) {
			snprintf(esc, sizeof esc, "\\x%02lx", c);
		} else if (term_hidden(c) ||
		           ((c == 0xfe0e || c == 0xfe0f) && !base)) {
			/* The emoji presentation selectors only right after
			 * what they select: a run of them is a hidden message. */
			snprintf(esc, sizeof esc, "\\u{%04lx}", c);
		} else if (c == '\\') {
			rep = "\\\\";
		} else {
			rep = NULL;
		}
		rlen = rep != NULL ? strlen(rep) : len;
		if (rlen >= cap - k)
			break; /* only whole escapes and code points */
		memcpy(dst + k, rep != NULL ? rep : s + i, rlen);
		k += rlen;
		i += len;
		base = rep == NULL && c >= 0x20 && c != 0xfe0e && c != 0xfe0f;
	}
	dst[k] = '\0';
	return i;
}

st_t term_clean(const char *s, size_t n, unsigned flags, char **out)
{
	char *buf;

	*out = NULL;
	if (n > (SIZE_MAX - 1) / 4)
		return ST_TOOBIG;
	buf = malloc(TERM_CLEAN_MAX(n));
	if (buf == NULL)
		return ST_NOMEM;
	term_clean_buf(s, n, flags, buf, TERM_CLEAN_MAX(n));
	*out = buf;
	return ST_OK;
}
