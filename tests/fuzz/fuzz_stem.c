/* fuzz_stem.c: the search tokenizer (officer/stem.c, the FTS5 tokenizer
 * "intake") on arbitrary testimony bytes in each mode: every token is
 * non-empty valid UTF-8 within STEM_TOKEN_MAX, its offsets lie inside the
 * input and in order, and a colocated token follows one at the same place. */
#include "fuzz.h"
#include "words.h"
#include "../../officer/stem.h"

#include <stdlib.h>
#include <string.h>

typedef struct {
	size_t n, last_start, last_end;
	int any;
} check;

static st_t on_token(void *ctx, const char *tok, size_t len, size_t start,
                     size_t end, int colocated)
{
	check *c = ctx;
	size_t i = 0, l;

	if (len == 0 || len > STEM_TOKEN_MAX || start >= end || end > c->n)
		abort();
	if (colocated ? !c->any || start != c->last_start || end != c->last_end :
	                c->any && start < c->last_end)
		abort();
	while (i < len) {
		(void)words_utf8_next((const unsigned char *)tok + i, len - i, &l);
		if (l == 0)
			abort();
		i += l;
	}
	c->any = 1;
	c->last_start = start;
	c->last_end = end;
	return ST_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static stem *s;
	check c;

	if (s == NULL && stem_new(&s) != ST_OK)
		abort();
	for (int mode = STEM_INDEX; mode <= STEM_PREFIX; mode++) {
		memset(&c, 0, sizeof c);
		c.n = size;
		if (stem_tokens(s, (const char *)data, size, (stem_mode)mode,
		                on_token, &c) != ST_OK)
			abort();
	}
	return 0;
}
