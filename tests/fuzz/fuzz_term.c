/* fuzz_term.c: term_clean on arbitrary bytes, with and without
 * TERM_LINES: the output is valid UTF-8 within 4 bytes per input byte,
 * holds no C0 control (but newline and tab with TERM_LINES), no DEL and
 * no code point term_hidden names, and the bounded form never writes
 * past its buffer or splits an escape. */
#include "fuzz.h"
#include "term.h"

#include <stdlib.h>
#include <string.h>

static void check(const char *out, size_t n, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)out;
	size_t i = 0, len, k, total = strlen(out);
	unsigned long c;

	if (total > 4 * n)
		abort();
	while (i < total) {
		if (u[i] < 0x80) {
			if ((u[i] < 0x20 && !((flags & TERM_LINES) &&
			                      (u[i] == '\n' || u[i] == '\t'))) ||
			    u[i] == 0x7f)
				abort();
			i++;
			continue;
		}
		len = u[i] >= 0xf0 ? 4 : u[i] >= 0xe0 ? 3 : u[i] >= 0xc2 ? 2 : 0;
		if (len == 0 || i + len > total)
			abort();
		c = u[i] & (len == 2 ? 0x1f : len == 3 ? 0x0f : 0x07);
		for (k = 1; k < len; k++) {
			if ((u[i + k] & 0xc0) != 0x80)
				abort();
			c = (c << 6) | (u[i + k] & 0x3f);
		}
		if (term_hidden(c))
			abort();
		i += len;
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char small[24];
	char *out = NULL;
	size_t used;

	for (unsigned flags = 0; flags <= TERM_LINES; flags++) {
		if (term_clean((const char *)data, size, flags, &out) != ST_OK)
			abort();
		check(out, size, flags);
		free(out);
		used = term_clean_buf((const char *)data, size, flags, small,
		                      sizeof small);
		if (used > size || strlen(small) >= sizeof small)
			abort();
		check(small, used, flags);
	}
	return 0;
}
