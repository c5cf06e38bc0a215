/* stem.c: tokenizing, folding and Snowball stemming (see stem.h). */
#include "stem.h"

#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <libstemmer.h>

struct stem {
	struct sb_stemmer *ru, *en;
};

st_t stem_new(stem **out)
{
	stem *s = calloc(1, sizeof *s);

	*out = NULL;
	if (s == NULL)
		return ST_NOMEM;
	s->ru = sb_stemmer_new("russian", "UTF_8");
	s->en = sb_stemmer_new("english", "UTF_8");
	if (s->ru == NULL || s->en == NULL) {
		stem_free(s);
		return ST_INTERNAL;
	}
	*out = s;
	return ST_OK;
}

void stem_free(stem *s)
{
	if (s == NULL)
		return;
	if (s->ru != NULL)
		sb_stemmer_delete(s->ru);
	if (s->en != NULL)
		sb_stemmer_delete(s->en);
	free(s);
}

/* Decode one strict UTF-8 code point; 0 when invalid. */
static size_t stem_decode(const unsigned char *p, size_t avail, uint32_t *cp)
{
	uint32_t c;
	size_t len, i;

	if (p[0] < 0x80) {
		*cp = p[0];
		return 1;
	}
	if (p[0] >= 0xc2 && p[0] <= 0xdf)
		len = 2, c = p[0] & 0x1f;
	else if (p[0] >= 0xe0 && p[0] <= 0xef)
		len = 3, c = p[0] & 0x0f;
	else if (p[0] >= 0xf0 && p[0] <= 0xf4)
		len = 4, c = p[0] & 0x07;
	else
		return 0;
	if (avail < len)
		return 0;
	for (i = 1; i < len; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (p[i] & 0x3f);
	}
	if ((len == 3 && c < 0x800) || (len == 4 && c < 0x10000) ||
	    c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

static size_t stem_encode(uint32_t c, unsigned char *o)
{
	if (c < 0x80) {
		o[0] = (unsigned char)c;
		return 1;
	}
	if (c < 0x800) {
		o[0] = (unsigned char)(0xc0 | (c >> 6));
		o[1] = (unsigned char)(0x80 | (c & 0x3f));
		return 2;
	}
	if (c < 0x10000) {
		o[0] = (unsigned char)(0xe0 | (c >> 12));
		o[1] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
		o[2] = (unsigned char)(0x80 | (c & 0x3f));
		return 3;
	}
	o[0] = (unsigned char)(0xf0 | (c >> 18));
	o[1] = (unsigned char)(0x80 | ((c >> 12) & 0x3f));
	o[2] = (unsigned char)(0x80 | ((c >> 6) & 0x3f));
	o[3] = (unsigned char)(0x80 | (c & 0x3f));
	return 4;
}

/* Word characters: ASCII letters and digits, and every code point from
 * U+00C0 up except the punctuation, symbol, space and format blocks. */
static int stem_is_word(uint32_t c)
{
	if (c < 0x80)
		return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') ||
		       (c >= 'A' && c <= 'Z');
	if (c < 0xc0 || c == 0xd7 || c == 0xf7)
		return 0;
	if ((c >= 0x2000 && c <= 0x2bff) || (c >= 0x3000 && c <= 0x303f) ||
	    (c >= 0xfe00 && c <= 0xfe6f) || (c >= 0xff00 && c <= 0xff20) ||
	    c == 0xfeff || (c >= 0xe0000 && c <= 0xe007f) ||
	    (c >= 0xfff0 && c <= 0xffff) || (c >= 0x1f000 && c <= 0x1faff))
		return 0;
	return 1;
}

static int stem_is_combining(uint32_t c)
{
	return c >= 0x300 && c <= 0x36f;
}

/* Lowercase for the scripts officers search in; ё and Ё fold to е. */
static uint32_t stem_fold(uint32_t c)
{
	if (c >= 'A' && c <= 'Z')
		return c + 0x20;
	if (c >= 0xc0 && c <= 0xde && c != 0xd7)
		return c + 0x20;
	if (c >= 0x410 && c <= 0x42f)
		return c + 0x20;
	if (c >= 0x400 && c <= 0x40f)
		c += 0x50;
	if (c == 0x451)
		return 0x435;
	return c;
}

/* Emit one folded word w[0..wl) per the mode. */
static st_t stem_emit(stem *s, const unsigned char *w, size_t wl,
                      int cyrillic, int latin, stem_mode mode, size_t start,
                      size_t end, stem_fn fn, void *ctx)
{
	const sb_symbol *r = NULL;
	struct sb_stemmer *sb = cyrillic ? s->ru : latin ? s->en : NULL;
	size_t rl = 0;
	st_t st;

	if (mode == STEM_PREFIX || sb == NULL)
		return fn(ctx, (const char *)w, wl, start, end, 0);
	r = sb_stemmer_stem(sb, w, (int)wl);
	if (r == NULL)
		return ST_NOMEM;
	rl = (size_t)sb_stemmer_length(sb);
	if (rl == 0) /* a stemmer that ate the word: keep the word */
		return fn(ctx, (const char *)w, wl, start, end, 0);
	st = fn(ctx, (const char *)r, rl, start, end, 0);
	if (st == ST_OK && (rl != wl || memcmp(r, w, wl) != 0))
		st = fn(ctx, (const char *)w, wl, start, end, 1);
	return st;
}

st_t stem_tokens(stem *s, const char *text, size_t n, stem_mode mode,
                 stem_fn fn, void *ctx)
{
	const unsigned char *u = (const unsigned char *)text;
	unsigned char w[STEM_TOKEN_MAX + 4];
	size_t i = 0, len, wl = 0, start = 0, end = 0;
	int in = 0, cyr = 0, lat = 0;
	uint32_t c = 0;
	st_t st = ST_OK;

	while (st == ST_OK && i <= n) {
		len = i < n ? stem_decode(u + i, n - i, &c) : 0;
		if (len != 0 && (stem_is_word(c) ||
		                 (in && stem_is_combining(c)))) {
			if (!in) {
				in = 1;
				start = i;
				wl = 0;
				cyr = lat = 0;
			}
			end = i + len;
			if (!stem_is_combining(c) && wl + 4 <= STEM_TOKEN_MAX) {
				c = stem_fold(c);
				cyr |= c >= 0x400 && c <= 0x52f;
				lat |= (c >= 'a' && c <= 'z') || (c >= 0xe0 && c <= 0x24f);
				wl += stem_encode(c, w + wl);
			}
			i += len;
			continue;
		}
		if (in && wl > 0)
			st = stem_emit(s, w, wl, cyr, lat, mode, start, end, fn, ctx);
		in = 0;
		i += len != 0 ? len : 1;
	}
	memset(w, 0, sizeof w); /* testimony words */
	return st;
}
