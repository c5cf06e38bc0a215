/* receipt.h: the submitter's receipt and what it unlocks.
 * A receipt is 128 random bits plus a check byte, written either as 28
 * Crockford base32 characters in groups of four or as 12 words (Russian or
 * English list, words.h). Keyed BLAKE2b derives from it the mailbox id (the
 * only thing the server sees) and the reply key pair whose public half goes
 * into the manifest. Typed receipts are hostile input. Everything here is
 * sodium_malloc'd and wiped on free. FORMAT.md §4. */
#ifndef INTAKE_RECEIPT_H
#define INTAKE_RECEIPT_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"
#include "words.h"

#define RECEIPT_SECRET_LEN 16
#define RECEIPT_MAILBOX_LEN 16
#define RECEIPT_TEXT_MAX 40   /* 28 chars, 6 dashes, NUL */
#define RECEIPT_MAILBOX_HEX (2 * RECEIPT_MAILBOX_LEN + 1)
#define RECEIPT_WORDS 12
#define RECEIPT_WORDS_MAX 256 /* 12 words of up to 16 bytes, spaces, NUL */

typedef struct {
	uint8_t secret[RECEIPT_SECRET_LEN];
	uint8_t mailbox[RECEIPT_MAILBOX_LEN];
	uint8_t reply_pk[32];
	uint8_t reply_sk[32];
} receipt;

/* Why a typed receipt was refused, for a message that helps her fix it. */
typedef enum {
	RECEIPT_TYPO_NONE = 0, /* accepted */
	RECEIPT_TYPO_FORM,     /* neither 12 words nor a 28-character code;
	                        * found = how many words were seen */
	RECEIPT_TYPO_WORD,     /* word number position (1..12) is on no list;
	                        * near[0..nnear) are the closest list words */
	RECEIPT_TYPO_CHECK,    /* 12 list words, but the check fails: a word
	                        * is wrong or two are swapped */
	RECEIPT_TYPO_CODE      /* 28-character code with a wrong check */
} receipt_typo_kind;

typedef struct {
	receipt_typo_kind kind;
	unsigned found;    /* words seen */
	unsigned position; /* WORD: first unknown word, 1-based */
	unsigned nbad;     /* WORD: how many words are unknown */
	unsigned nnear;
	char near[WORDS_NEAR][WORDS_MAX];
} receipt_typo;

/* A new random receipt with its derived keys; *out is freed with
 * receipt_free. ST_NOMEM. */
st_t receipt_generate(receipt **out);
/* Parse a typed receipt in either form and derive. ST_BADDATA when it is
 * not one, ST_NOMEM. */
st_t receipt_parse(const char *text, receipt **out);
/* receipt_parse that also says why a receipt was refused (typo may be
 * NULL; it is filled on every return, kind NONE on ST_OK). */
st_t receipt_parse_ex(const char *text, receipt **out, receipt_typo *typo);
/* "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" */
void receipt_format(const receipt *r, char out[RECEIPT_TEXT_MAX]);
/* The 12 words of lang, lowercase, one space between them, into out (cap
 * bytes; RECEIPT_WORDS_MAX always suffices). ST_TOOBIG when cap is short. */
st_t receipt_format_words(const receipt *r, words_lang lang, char *out,
                          size_t cap);
/* Mailbox id as lowercase hex, as it appears in URLs. */
void receipt_mailbox_hex(const receipt *r, char out[RECEIPT_MAILBOX_HEX]);
void receipt_free(receipt *r);

#endif
