/* fuzz_term.c: term_clean and term_clean_buf on arbitrary bytes (the
 * first byte picks the flags and a small output capacity): the output is
 * valid UTF-8 holding no control byte and no code point term_hidden
 * names, fits TERM_CLEAN_MAX, and undoing its escapes gives back exactly
 * the input consumed, so no byte is lost or made up. */
#include "fuzz.h"
#include "term.h"
#include "words.h"

#include <stdlib.h>
#include <string.h>

static int hexval(unsigned char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* Check out (from in[0..n)) and undo its escapes into back; its length. */
static size_t check_and_undo(const char *out, unsigned flags, uint8_t *back)
{
	const unsigned char *u = (const unsigned char *)out;
	size_t i = 0, k = 0, len, total = strlen(out);
	int base = 0; /* after a shown character an emoji selector may stay */

	while (i < total) {
		uint32_t c = words_utf8_next(u + i, total - i, &len);

		if (len == 0 || (term_hidden(c) && !((flags & TERM_LINES) &&
		                                      (c == '\n' || c == '\t'))) ||
		    ((c == 0xfe0e || c == 0xfe0f) && !base))
			abort();
		base = c >= 0x20 && c != '\\' && c != 0xfe0e && c != 0xfe0f;
		if (c != '\\') {
			memcpy(back + k, u + i, len);
			k += len, i += len;
			continue;
		}
		if (u[i + 1] == '\\') {
			back[k++] = '\\';
			i += 2;
		} else if (u[i + 1] == 'x' && hexval(u[i + 2]) >= 0 &&
		           hexval(u[i + 3]) >= 0) {
			back[k++] = (uint8_t)(hexval(u[i + 2]) * 16 + hexval(u[i + 3]));
			i += 4;
		} else if (u[i + 1] == 'u' && u[i + 2] == '{') {
			uint32_t cp = 0;

			for (i += 3; hexval(u[i]) >= 0; i++)
				cp = cp * 16 + (uint32_t)hexval(u[i]);
			if (u[i++] != '}' || cp < 0x80 ||
			    !(term_hidden(cp) || cp == 0xfe0e || cp == 0xfe0f))
				abort();
			/* re-encode: only 2..4 byte forms are escaped this way */
			if (cp < 0x800) {
				back[k++] = (uint8_t)(0xc0 | cp >> 6);
			} else if (cp < 0x10000) {
				back[k++] = (uint8_t)(0xe0 | cp >> 12);
				back[k++] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
			} else {
				back[k++] = (uint8_t)(0xf0 | cp >> 18);
				back[k++] = (uint8_t)(0x80 | (cp >> 12 & 0x3f));
				back[k++] = (uint8_t)(0x80 | (cp >> 6 & 0x3f));
			}
			back[k++] = (uint8_t)(0x80 | (cp & 0x3f));
		} else {
			abort(); /* a backslash the sanitizer did not make */
		}
	}
	return k;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	unsigned flags;
	size_t cap, used, n;
	char *out = NULL, *small;
	uint8_t *back;

	if (size == 0)
		return 0;
	flags = data[0] & 1 ? TERM_LINES : 0;
	cap = (size_t)(data[0] >> 1) + 1; /* 1..128 */
	data++, size--;
	back = malloc(size + 1);
	if (term_clean((const char *)data, size, flags, &out) != ST_OK)
		abort();
	if (strlen(out) + 1 > TERM_CLEAN_MAX(size))
		abort();
	n = check_and_undo(out, flags, back);
	if (n != size || memcmp(back, data, size) != 0)
		abort();
	/* A short buffer: whole escapes only, and what it says it consumed. */
	small = malloc(cap);
	used = term_clean_buf((const char *)data, size, flags, small, cap);
	if (used > size || strlen(small) >= cap ||
	    strncmp(small, out, strlen(small)) != 0)
		abort();
	n = check_and_undo(small, flags, back);
	if (n != used || memcmp(back, data, used) != 0)
		abort();
	free(small);
	free(out);
	free(back);
	return 0;
}
