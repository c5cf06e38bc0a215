/* words.h: bit strings written as words from two 2048-word lists (Russian
 * and English, data/words/, embedded at build time), for receipts and root
 * fingerprints. 11 bits a word, most significant bit first. Decoding is
 * forgiving (case, ё/е, punctuation, Latin/Cyrillic look-alikes, a word by
 * its first 4 letters) and names a word that matches nothing, with the
 * nearest list words. The text decoded is typed by a person: hostile input,
 * parsed in sodium_malloc'd memory that is wiped. FORMAT.md §4. */
#ifndef INTAKE_WORDS_H
#define INTAKE_WORDS_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define WORDS_COUNT 2048
#define WORDS_BITS 11
#define WORDS_PREFIX 4     /* letters that identify a word */
#define WORDS_MAX 24       /* bytes of the longest list word (8 Cyrillic letters), NUL, slack */
#define WORDS_NEAR 3       /* suggestions offered for a mistyped word */
#define WORDS_TEXT_MAX 4096 /* longest text words_decode_bits reads */

typedef enum {
	WORDS_RU = 0,
	WORDS_EN = 1
} words_lang;

/* Why a text did not decode; position and suggestions for a typo. */
typedef enum {
	WORDS_TYPO_NONE = 0, /* decoded */
	WORDS_TYPO_COUNT,    /* not the expected number of words (found) */
	WORDS_TYPO_WORD,     /* word number position matches no list word */
	WORDS_TYPO_TEXT      /* not text at all: invalid UTF-8 or too long */
} words_typo_kind;

typedef struct {
	words_typo_kind kind;
	unsigned found;    /* words in the text */
	unsigned position; /* WORD: the first unknown word, 1-based */
	unsigned nbad;     /* WORD: how many words are unknown */
	unsigned nnear;    /* WORD: suggestions in near[], nearest first */
	char near[WORDS_NEAR][WORDS_MAX];
} words_typo;

/* Word number index (0..2047) of a list, lowercase UTF-8; NULL when out of
 * range. */
const char *words_get(words_lang lang, unsigned index);

/* The code point at s (n bytes available) and its length in *len; *len
 * is 0 for invalid UTF-8 (overlong, surrogate, above U+10FFFF, cut short).
 * The one UTF-8 reader of typed receipts and fingerprints. */
uint32_t words_utf8_next(const unsigned char *s, size_t n, size_t *len);

/* Write the first nbits of in (nbits a multiple of 11, at most 8 * inlen)
 * as nbits / 11 words of lang separated by one space, NUL-terminated, into
 * out (cap bytes). ST_USAGE for a bad nbits, ST_TOOBIG when out is too
 * small (out then holds ""). */
st_t words_encode_bits(const uint8_t *in, size_t inlen, size_t nbits,
                       words_lang lang, char *out, size_t cap);

/* Decode text holding exactly nwords words (either list, mixed freely) into
 * the first 11 * nwords bits of out (outlen bytes, at least that many bits;
 * the remaining bits of out are zero). ST_OK, or ST_BADDATA with typo
 * (may be NULL) saying why; out is wiped on failure. ST_NOMEM. */
st_t words_decode_bits(const char *text, size_t nwords, uint8_t *out,
                       size_t outlen, words_typo *typo);

#endif
