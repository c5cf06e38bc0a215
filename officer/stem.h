/* stem.h: words for the catalog's full-text index. Text is split into
 * tokens (letters and digits of any script), folded (lowercase Latin and
 * Cyrillic, ё to е, combining accents dropped) and stemmed with Snowball
 * (libstemmer): Russian for a token with Cyrillic letters, English for
 * one with Latin letters, digits as they are. catalog.c wraps this as
 * the FTS5 tokenizer "intake". Trust boundary: the text is submitter
 * text, any bytes; invalid UTF-8 separates tokens and is never copied. */
#ifndef OFFICER_STEM_H
#define OFFICER_STEM_H

#include <stddef.h>
#include "status.h"

#define STEM_TOKEN_MAX 256 /* bytes of a folded token; the rest is cut */

typedef struct stem stem;

/* What to emit for each token. */
typedef enum {
	STEM_INDEX,  /* the stem, then the folded word when it differs
	              * (colocated: a prefix query matches either) */
	STEM_QUERY,  /* the stem, then the folded word as an alternative
	              * when it differs (Snowball cuts some nouns to a
	              * stem their other forms do not share: "подвал" ->
	              * "подва", "подвале" -> "подвал") */
	STEM_PREFIX  /* the folded word only (a prefix query term) */
} stem_mode;

/* Called for each emitted token: tok[0..len) with the byte offsets of the
 * word in the input; colocated says it stands at the previous token's
 * place. A non-ST_OK return stops stem_tokens with that status. */
typedef st_t (*stem_fn)(void *ctx, const char *tok, size_t len,
                        size_t start, size_t end, int colocated);

/* ST_NOMEM, ST_INTERNAL when libstemmer lacks Russian or English. */
st_t stem_new(stem **out);
void stem_free(stem *s);

/* Tokenize text[0..n). One stem object is not for two threads at once. */
st_t stem_tokens(stem *s, const char *text, size_t n, stem_mode mode,
                 stem_fn fn, void *ctx);

#endif
