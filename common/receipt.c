/* receipt.c: receipts in both written forms, and the mailbox id and reply
 * key pair keyed BLAKE2b derives from them. Typed receipts are hostile
 * input: length, alphabet and check are verified before anything is
 * derived; every copy of the secret is in sodium_malloc'd memory or wiped. */
#include "receipt.h"
#include "enc.h"

#include <sodium.h>
#include <string.h>

#define CODE_BYTES (RECEIPT_SECRET_LEN + 1) /* secret and a check byte */
#define CODE_CHARS 28                       /* base32 of CODE_BYTES */
#define CODE_SCAN 40                        /* symbols read before giving up */
/* Symbol counts that still look like a mistyped code, not words. */
#define CODE_NEAR_MIN 20
#define CODE_NEAR_MAX 36
#define WORD_BYTES 17 /* 12 words of 11 bits: 132 bits */

static const uint8_t personal_check[16] = "intake-rcpt-chk";
static const uint8_t personal_kdf[16] = {
	'i', 'n', 't', 'a', 'k', 'e', '-', 'r', 'c', 'p', 't', '-', 'k', 'd', 'f', '2'
};

static uint8_t check_byte(const uint8_t secret[RECEIPT_SECRET_LEN])
{
	uint8_t h[16];

	crypto_generichash_blake2b_salt_personal(h, sizeof h, secret,
	                                         RECEIPT_SECRET_LEN, NULL, 0, NULL,
	                                         personal_check);
	return h[0];
}

/* BLAKE2b keyed by the secret -> 64 bytes: a seed for the reply key pair,
 * then the mailbox id. 128 random bits need no stretching. */
static st_t derive(receipt *r)
{
	static const uint8_t empty[1];
	uint8_t *out = sodium_malloc(64);

	if (out == NULL)
		return ST_NOMEM;
	crypto_generichash_blake2b_salt_personal(out, 64, empty, 0, r->secret,
	                                         RECEIPT_SECRET_LEN, NULL,
	                                         personal_kdf);
	crypto_box_seed_keypair(r->reply_pk, r->reply_sk, out);
	memcpy(r->mailbox, out + 32, RECEIPT_MAILBOX_LEN);
	sodium_free(out);
	return ST_OK;
}

st_t receipt_generate(receipt **out)
{
	receipt *r = sodium_malloc(sizeof *r);
	st_t ret;

	if (r == NULL)
		return ST_NOMEM;
	randombytes_buf(r->secret, sizeof r->secret);
	ret = derive(r);
	if (ret != ST_OK) {
		receipt_free(r);
		return ret;
	}
	*out = r;
	return ST_OK;
}

/* The Latin letter a Cyrillic look-alike stands for in a code, or 0. */
static char code_lookalike(uint32_t c)
{
	static const char lat[] = "ABEKMHOPCTX";
	static const uint16_t cyr[] = {
		0x410, 0x412, 0x415, 0x41a, 0x41c, 0x41d, 0x41e, 0x420, 0x421, 0x422, 0x425
	};

	for (size_t i = 0; i < sizeof cyr / sizeof *cyr; i++)
		if (c == cyr[i] || c == (uint32_t)cyr[i] + 0x20)
			return lat[i];
	return 0;
}

static int code_skipped(uint32_t c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '-' ||
	       c == 0xa0 || (c >= 0x2000 && c <= 0x200a) ||
	       (c >= 0x2010 && c <= 0x2015) || c == 0x2212 || c == 0x3000;
}

/* text as a base32 code: its symbols (Cyrillic look-alikes as Latin) into
 * sym, their count returned; -1 when text holds anything else. */
static int code_symbols(const char *text, char sym[CODE_SCAN + 1])
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0, n = strlen(text);
	int k = 0;

	while (i < n) {
		uint32_t c;
		size_t len;
		char a;

		c = words_utf8_next(s + i, n - i, &len);
		if (len == 0)
			return -1;
		i += len;
		if (code_skipped(c))
			continue;
		if ((c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))
			a = (char)c;
		else if ((a = code_lookalike(c)) == 0)
			return -1;
		if (k == CODE_SCAN)
			return -1;
		sym[k++] = a;
	}
	sym[k] = '\0';
	return k;
}

/* The secret from a 28-symbol code: ST_BADDATA for a bad character,
 * padding or check. */
static st_t parse_code(const char *sym, uint8_t secret[RECEIPT_SECRET_LEN])
{
	uint8_t raw[CODE_BYTES];
	st_t ret = enc_b32_decode(raw, sizeof raw, sym);

	if (ret == ST_OK && check_byte(raw) != raw[RECEIPT_SECRET_LEN])
		ret = ST_BADDATA;
	if (ret == ST_OK)
		memcpy(secret, raw, RECEIPT_SECRET_LEN);
	sodium_memzero(raw, sizeof raw);
	return ret;
}

/* The secret from 12 words: secret bits, then the top 4 bits of check. */
static st_t parse_words(const char *text, uint8_t secret[RECEIPT_SECRET_LEN],
                        receipt_typo *typo)
{
	uint8_t bits[WORD_BYTES];
	words_typo wt;
	st_t ret = words_decode_bits(text, RECEIPT_WORDS, bits, sizeof bits, &wt);

	typo->found = wt.found;
	if (ret == ST_OK) {
		if ((check_byte(bits) >> 4) == (bits[RECEIPT_SECRET_LEN] >> 4)) {
			memcpy(secret, bits, RECEIPT_SECRET_LEN);
		} else {
			typo->kind = RECEIPT_TYPO_CHECK;
			ret = ST_BADDATA;
		}
	} else if (wt.kind == WORDS_TYPO_WORD) {
		typo->kind = RECEIPT_TYPO_WORD;
		typo->position = wt.position;
		typo->nbad = wt.nbad;
		typo->nnear = wt.nnear;
		memcpy(typo->near, wt.near, sizeof typo->near);
	} else {
		typo->kind = RECEIPT_TYPO_FORM;
	}
	sodium_memzero(bits, sizeof bits);
	return ret;
}

st_t receipt_parse_ex(const char *text, receipt **out, receipt_typo *typo)
{
	receipt_typo local;
	char *sym = NULL;
	receipt *r = NULL;
	int nsym;
	st_t ret;

	if (typo == NULL)
		typo = &local;
	memset(typo, 0, sizeof *typo);
	sym = sodium_malloc(CODE_SCAN + 1);
	r = sodium_malloc(sizeof *r);
	if (sym == NULL || r == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	/* Codes first: a code never has 12 words of 4 letters, and words
	 * never fit in 28 base32 symbols, so the order decides nothing. */
	nsym = strnlen(text, WORDS_TEXT_MAX + 1) > WORDS_TEXT_MAX ? -1 : code_symbols(text, sym);
	if (nsym == CODE_CHARS) {
		ret = parse_code(sym, r->secret);
		if (ret != ST_OK)
			typo->kind = RECEIPT_TYPO_CODE;
	} else if (nsym >= CODE_NEAR_MIN && nsym <= CODE_NEAR_MAX) {
		typo->kind = RECEIPT_TYPO_CODE;
		ret = ST_BADDATA;
	} else {
		ret = parse_words(text, r->secret, typo);
	}
	if (ret != ST_OK)
		goto cleanup;
	ret = derive(r);
	if (ret != ST_OK)
		goto cleanup;
	*out = r;
	r = NULL;
cleanup:
	if (sym != NULL)
		sodium_free(sym);
	receipt_free(r);
	return ret;
}

st_t receipt_parse(const char *text, receipt **out)
{
	return receipt_parse_ex(text, out, NULL);
}

/* secret || check byte, the bytes both written forms carry. */
static void code_bytes(const receipt *r, uint8_t raw[CODE_BYTES])
{
	memcpy(raw, r->secret, RECEIPT_SECRET_LEN);
	raw[RECEIPT_SECRET_LEN] = check_byte(r->secret);
}

void receipt_format(const receipt *r, char out[RECEIPT_TEXT_MAX])
{
	uint8_t raw[CODE_BYTES];
	char plain[RECEIPT_TEXT_MAX];

	code_bytes(r, raw);
	enc_b32_encode(plain, raw, sizeof raw);
	(void)enc_group(out, RECEIPT_TEXT_MAX, plain, 4);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(plain, sizeof plain);
}

st_t receipt_format_words(const receipt *r, words_lang lang, char *out,
                          size_t cap)
{
	uint8_t raw[CODE_BYTES];
	st_t ret;

	code_bytes(r, raw);
	ret = words_encode_bits(raw, sizeof raw, RECEIPT_WORDS * WORDS_BITS, lang,
	                        out, cap);
	sodium_memzero(raw, sizeof raw);
	return ret;
}

void receipt_mailbox_hex(const receipt *r, char out[RECEIPT_MAILBOX_HEX])
{
	enc_hex_encode(out, r->mailbox, RECEIPT_MAILBOX_LEN);
}

void receipt_free(receipt *r)
{
	if (r != NULL)
		sodium_free(r);
}
