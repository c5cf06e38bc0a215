/* words.c: bit strings as list words, and the forgiving reader of words a
 * person typed (FORMAT.md §4). The lists come from data/words/ through a
 * C file the build generates (words_list_ru, words_list_en). Typed text
 * is hostile: its length is bounded before any work, invalid UTF-8 is
 * refused, and the folded letters live in sodium_malloc'd memory. */
#include "words.h"

#include <sodium.h>
#include <string.h>

extern const char *const words_list_ru[WORDS_COUNT];
extern const char *const words_list_en[WORDS_COUNT];

#define TOKEN_LETTERS 32 /* letters kept of a typed word: enough to compare */
#define DIST_MAX 2       /* suggestions are at most this many edits away */

typedef struct {
	uint32_t cp[TOKEN_LETTERS];
	size_t n;
} token;

/* Latin letters and the Cyrillic letters they look like, pair by pair. */
static const char lookalike_lat[] = "aeopcxykmtbh";
static const uint32_t lookalike_cyr[] = {
	0x430, 0x435, 0x43e, 0x440, 0x441, 0x445, 0x443, 0x43a, 0x43c, 0x442,
	0x432, 0x43d
};

static const char *const *list_of(words_lang lang)
{
	return lang == WORDS_RU ? words_list_ru : words_list_en;
}

const char *words_get(words_lang lang, unsigned index)
{
	if ((lang != WORDS_RU && lang != WORDS_EN) || index >= WORDS_COUNT)
		return NULL;
	return list_of(lang)[index];
}

uint32_t words_utf8_next(const unsigned char *s, size_t n, size_t *len)
{
	uint32_t c;
	size_t k;

	*len = 0;
	if (n == 0)
		return 0;
	if (s[0] < 0x80) {
		*len = 1;
		return s[0];
	}
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		k = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		k = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		k = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	if (n < k)
		return 0;
	for (size_t i = 1; i < k; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = c << 6 | (s[i] & 0x3f);
	}
	if ((k == 3 && c < 0x800) || (k == 4 && (c < 0x10000 || c > 0x10ffff)) ||
	    (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*len = k;
	return c;
}

enum cls { C_LETTER, C_SEP, C_DROP };

/* What a code point is in typed words, folded in place: Latin and
 * Cyrillic lowercased, ё to е. Letters of other alphabets stay letters
 * (so a word typed in them is named as unknown rather than split). */
static enum cls fold(uint32_t *c)
{
	uint32_t v = *c;

	if (v >= 'A' && v <= 'Z')
		v += 'a' - 'A';
	else if (v == 0x401 || v == 0x451)
		v = 0x435;
	else if (v >= 0x410 && v <= 0x42f)
		v += 0x20;
	else if (v >= 0x400 && v <= 0x40f)
		v += 0x50;
	*c = v;
	if ((v >= 'a' && v <= 'z') ||
	    (v >= 0xc0 && v <= 0x24f && v != 0xd7 && v != 0xf7) ||
	    (v >= 0x370 && v <= 0x3ff) || (v >= 0x400 && v <= 0x52f))
		return C_LETTER;
	/* combining marks (the diaeresis of a decomposed ё), soft hyphen,
	 * zero-width characters, byte order mark: invisible, dropped */
	if ((v >= 0x300 && v <= 0x36f) || v == 0xad || (v >= 0x200b && v <= 0x200d) ||
	    v == 0x2060 || v == 0xfeff)
		return C_DROP;
	return C_SEP;
}

/* Split text into folded words: toks gets the first max of them, the
 * return value counts them all; (size_t)-1 for invalid UTF-8. */
static size_t tokenize(const char *text, size_t tlen, token *toks, size_t max)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t count = 0, i = 0, len;
	int in_word = 0;

	while (i < tlen) {
		uint32_t c = words_utf8_next(s + i, tlen - i, &len);
		token *t = count > 0 && count <= max ? &toks[count - 1] : NULL;

		if (len == 0)
			return (size_t)-1;
		i += len;
		if (c == 0x306) {
			/* a decomposed й: и followed by the combining breve */
			if (in_word && t != NULL && t->n > 0 && t->n <= TOKEN_LETTERS &&
			    t->cp[t->n - 1] == 0x438)
				t->cp[t->n - 1] = 0x439;
			continue;
		}
		switch (fold(&c)) {
		case C_DROP:
			continue;
		case C_SEP:
			in_word = 0;
			continue;
		case C_LETTER:
			break;
		}
		if (!in_word) {
			in_word = 1;
			count++;
			t = count <= max ? &toks[count - 1] : NULL;
			if (t != NULL)
				t->n = 0;
		}
		if (t != NULL && t->n < TOKEN_LETTERS)
			t->cp[t->n++] = c;
	}
	return count;
}

/* The first WORDS_PREFIX letters of a list word, folded like typed ones. */
static void list_prefix(const char *w, uint32_t p[WORDS_PREFIX])
{
	const unsigned char *s = (const unsigned char *)w;
	size_t i = 0, n = strlen(w), len;

	memset(p, 0, WORDS_PREFIX * sizeof *p);
	for (size_t k = 0; k < WORDS_PREFIX && i < n; k++) {
		p[k] = words_utf8_next(s + i, n - i, &len);
		if (len == 0)
			return;
		i += len;
		(void)fold(&p[k]);
	}
}

/* Letters of a list word (up to max), folded; returns the count. */
static size_t list_letters(const char *w, uint32_t *out, size_t max)
{
	const unsigned char *s = (const unsigned char *)w;
	size_t i = 0, n = strlen(w), k = 0, len;

	while (i < n && k < max) {
		out[k] = words_utf8_next(s + i, n - i, &len);
		if (len == 0)
			break;
		i += len;
		(void)fold(&out[k++]);
	}
	return k;
}

static int is_cyr(uint32_t c)
{
	return c >= 0x430 && c <= 0x44f;
}

static int is_lat(uint32_t c)
{
	return c >= 'a' && c <= 'z';
}

/* c written in the script of lang: look-alikes mapped; 0 when it has no
 * letter of that script. */
static uint32_t to_script(uint32_t c, words_lang lang)
{
	for (size_t i = 0; i < sizeof lookalike_cyr / sizeof *lookalike_cyr; i++) {
		if (lang == WORDS_RU && c == (uint32_t)lookalike_lat[i])
			return lookalike_cyr[i];
		if (lang == WORDS_EN && c == lookalike_cyr[i])
			return (uint32_t)lookalike_lat[i];
	}
	if (lang == WORDS_RU)
		return is_cyr(c) ? c : 0;
	return is_lat(c) ? c : 0;
}

/* Index of the word of lang whose first 4 letters are the token's (after
 * mapping look-alikes into that script), or -1. */
static int match_in(const token *t, words_lang lang)
{
	uint32_t p[WORDS_PREFIX], q[WORDS_PREFIX];
	const char *const *list = list_of(lang);

	if (t->n < WORDS_PREFIX)
		return -1;
	for (size_t k = 0; k < WORDS_PREFIX; k++) {
		p[k] = to_script(t->cp[k], lang);
		if (p[k] == 0)
			return -1;
	}
	for (int i = 0; i < WORDS_COUNT; i++) {
		list_prefix(list[i], q);
		if (memcmp(p, q, sizeof p) == 0)
			return i;
	}
	return -1;
}

/* The list index a typed word stands for, or -1. The lists share no
 * 4-letter prefix even through look-alikes (test_words checks), so at most
 * one list matches. */
static int match(const token *t)
{
	int i = match_in(t, WORDS_RU);

	return i >= 0 ? i : match_in(t, WORDS_EN);
}

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/* Levenshtein distance between two short letter strings. */
static size_t lev(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t row[TOKEN_LETTERS + 1];

	for (size_t j = 0; j <= nb; j++)
		row[j] = j;
	for (size_t i = 1; i <= na; i++) {
		size_t diag = row[0];

		row[0] = i;
		for (size_t j = 1; j <= nb; j++) {
			size_t up = row[j];

			row[j] = min3(row[j] + 1, row[j - 1] + 1,
			              diag + (a[i - 1] == b[j - 1] ? 0 : 1));
			diag = up;
		}
	}
	return row[nb];
}

/* Up to WORDS_NEAR list words closest to a typed word that matched none:
 * from the list of the script of its first letter, distance = the smaller
 * of the whole words' and the first 4 letters', at most DIST_MAX; ties in
 * list order. */
static void suggest(const token *t, words_typo *typo)
{
	uint32_t a[TOKEN_LETTERS], b[TOKEN_LETTERS];
	size_t best[WORDS_NEAR], dist[WORDS_NEAR], na = t->n, nb, n = 0;
	words_lang lang;

	if (na == 0)
		return;
	if (is_cyr(t->cp[0]))
		lang = WORDS_RU;
	else if (is_lat(t->cp[0]))
		lang = WORDS_EN;
	else
		return;
	for (size_t k = 0; k < na; k++) {
		a[k] = to_script(t->cp[k], lang);
		if (a[k] == 0)
			a[k] = t->cp[k];
	}
	for (size_t i = 0; i < WORDS_COUNT; i++) {
		size_t d, d4, j;

		nb = list_letters(list_of(lang)[i], b, TOKEN_LETTERS);
		d = lev(a, na, b, nb);
		d4 = lev(a, na < WORDS_PREFIX ? na : WORDS_PREFIX, b,
		         nb < WORDS_PREFIX ? nb : WORDS_PREFIX);
		if (d4 < d)
			d = d4;
		if (d > DIST_MAX)
			continue;
		/* insert in order, keeping the WORDS_NEAR best */
		for (j = n; j > 0 && dist[j - 1] > d; j--) {
			if (j < WORDS_NEAR) {
				best[j] = best[j - 1];
				dist[j] = dist[j - 1];
			}
		}
		if (j < WORDS_NEAR) {
			best[j] = i;
			dist[j] = d;
			if (n < WORDS_NEAR)
				n++;
		}
	}
	for (size_t k = 0; k < n; k++) {
		const char *w = list_of(lang)[best[k]];

		memcpy(typo->near[k], w, strlen(w) + 1);
	}
	typo->nnear = (unsigned)n;
	sodium_memzero(a, sizeof a);
}

static void put_bits(uint8_t *out, size_t at, unsigned v)
{
	for (int k = WORDS_BITS - 1; k >= 0; k--, at++)
		if (v >> k & 1)
			out[at / 8] |= (uint8_t)(0x80 >> (at % 8));
}

static unsigned get_bits(const uint8_t *in, size_t at)
{
	unsigned v = 0;

	for (int k = 0; k < WORDS_BITS; k++, at++)
		v = v << 1 | (unsigned)(in[at / 8] >> (7 - at % 8) & 1);
	return v;
}

st_t words_encode_bits(const uint8_t *in, size_t inlen, size_t nbits,
                       words_lang lang, char *out, size_t cap)
{
	size_t o = 0;

	if (cap > 0)
		out[0] = '\0';
	if (nbits % WORDS_BITS != 0 || (nbits + 7) / 8 > inlen ||
	    (lang != WORDS_RU && lang != WORDS_EN))
		return ST_USAGE;
	for (size_t at = 0; at < nbits; at += WORDS_BITS) {
		const char *w = words_get(lang, get_bits(in, at));
		size_t n = strlen(w);

		if (o + (at > 0) + n + 1 > cap) {
			sodium_memzero(out, cap);
			return ST_TOOBIG;
		}
		if (at > 0)
			out[o++] = ' ';
		memcpy(out + o, w, n + 1);
		o += n;
	}
	return ST_OK;
}

st_t words_decode_bits(const char *text, size_t nwords, uint8_t *out,
                       size_t outlen, words_typo *typo)
{
	words_typo local;
	token *toks = NULL;
	size_t tlen, count;
	st_t ret = ST_BADDATA;

	if (typo == NULL)
		typo = &local;
	memset(typo, 0, sizeof *typo);
	if (nwords == 0 || nwords * WORDS_BITS > outlen * 8)
		return ST_USAGE;
	memset(out, 0, outlen);
	/* Bound the work before reading: a person types a few hundred bytes. */
	tlen = strnlen(text, WORDS_TEXT_MAX + 1);
	if (tlen > WORDS_TEXT_MAX) {
		typo->kind = WORDS_TYPO_TEXT;
		return ST_BADDATA;
	}
	toks = sodium_allocarray(nwords, sizeof *toks);
	if (toks == NULL)
		return ST_NOMEM;
	count = tokenize(text, tlen, toks, nwords);
	if (count == (size_t)-1) {
		typo->kind = WORDS_TYPO_TEXT;
		goto cleanup;
	}
	typo->found = (unsigned)count;
	if (count != nwords) {
		typo->kind = WORDS_TYPO_COUNT;
		goto cleanup;
	}
	for (size_t i = 0; i < nwords; i++) {
		int v = match(&toks[i]);

		if (v >= 0) {
			put_bits(out, i * WORDS_BITS, (unsigned)v);
			continue;
		}
		if (typo->nbad++ == 0) {
			typo->kind = WORDS_TYPO_WORD;
			typo->position = (unsigned)i + 1;
			suggest(&toks[i], typo);
		}
	}
	if (typo->nbad == 0)
		ret = ST_OK;
cleanup:
	if (ret != ST_OK)
		sodium_memzero(out, outlen);
	sodium_free(toks);
	return ret;
}
