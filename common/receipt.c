/* receipt.c: receipt codes and the mailbox id and reply key pair derived
 * from them. Typed codes are hostile input: length and check character are
 * verified before the (costly) derivation runs. */
#include "receipt.h"
#include "enc.h"

#include <sodium.h>
#include <string.h>

#define CODE_BYTES (RECEIPT_SECRET_LEN + 1) /* secret and a check byte */

static const uint8_t receipt_salt[crypto_pwhash_SALTBYTES] = "intake-receipt01";
static const uint8_t personal_check[16] = "intake-rcpt-chk";

static uint8_t check_byte(const uint8_t secret[RECEIPT_SECRET_LEN])
{
	uint8_t h[16];

	crypto_generichash_blake2b_salt_personal(h, sizeof h, secret,
	                                         RECEIPT_SECRET_LEN, NULL, 0, NULL,
	                                         personal_check);
	return h[0];
}

/* Argon2id(secret) -> 64 bytes: a seed for the reply key pair, then the
 * mailbox id. */
static st_t derive(receipt *r)
{
	uint8_t *out = sodium_malloc(64);
	st_t ret = ST_OK;

	if (out == NULL)
		return ST_NOMEM;
	if (crypto_pwhash(out, 64, (const char *)r->secret, RECEIPT_SECRET_LEN,
	                  receipt_salt, RECEIPT_KDF_OPSLIMIT,
	                  (size_t)RECEIPT_KDF_MEMLIMIT,
	                  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	crypto_box_seed_keypair(r->reply_pk, r->reply_sk, out);
	memcpy(r->mailbox, out + 32, RECEIPT_MAILBOX_LEN);
cleanup:
	sodium_free(out);
	return ret;
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

st_t receipt_parse(const char *text, receipt **out)
{
	uint8_t *raw = NULL;
	receipt *r = NULL;
	st_t ret;

	/* Generous bound on what a person may paste: spaces and dashes. */
	if (strlen(text) > 4 * RECEIPT_TEXT_MAX)
		return ST_BADDATA;
	raw = sodium_malloc(CODE_BYTES);
	r = sodium_malloc(sizeof *r);
	if (raw == NULL || r == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	ret = enc_b32_decode(raw, CODE_BYTES, text);
	if (ret != ST_OK)
		goto cleanup;
	memcpy(r->secret, raw, RECEIPT_SECRET_LEN);
	/* The check byte catches typing mistakes before a useless lookup. */
	if (check_byte(r->secret) != raw[RECEIPT_SECRET_LEN]) {
		ret = ST_BADDATA;
		goto cleanup;
	}
	ret = derive(r);
	if (ret != ST_OK)
		goto cleanup;
	*out = r;
	r = NULL;
cleanup:
	if (raw != NULL)
		sodium_free(raw);
	receipt_free(r);
	return ret;
}

void receipt_format(const receipt *r, char out[RECEIPT_TEXT_MAX])
{
	uint8_t raw[CODE_BYTES];
	char plain[RECEIPT_TEXT_MAX];

	memcpy(raw, r->secret, RECEIPT_SECRET_LEN);
	raw[RECEIPT_SECRET_LEN] = check_byte(r->secret);
	enc_b32_encode(plain, raw, sizeof raw);
	(void)enc_group(out, RECEIPT_TEXT_MAX, plain, 4);
	sodium_memzero(raw, sizeof raw);
	sodium_memzero(plain, sizeof plain);
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
