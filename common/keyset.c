/* keyset.c: root key, fingerprints and pins, officer signing keys, and the
 * signed keyset. keyset_verify reads bytes a seized server may have made:
 * every count and length is bounded before use, and nothing is believed
 * before the pin and the root signature check out. */
#include "keyset.h"
#include "enc.h"
#include "words.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define KEYSET_SIG_CONTEXT "intake-keyset-v1"

static const uint8_t personal_fp[crypto_generichash_blake2b_PERSONALBYTES] = "intake-root-fp1";
static const uint8_t personal_sign[crypto_generichash_blake2b_PERSONALBYTES] = "intake-sign-v1";

st_t keyset_root_from_seed(const uint8_t seed[32], keyset_root **out)
{
	keyset_root *r = sodium_malloc(sizeof *r);

	if (r == NULL)
		return ST_NOMEM;
	memcpy(r->seed, seed, sizeof r->seed);
	crypto_sign_seed_keypair(r->pk, r->sk, r->seed);
	*out = r;
	return ST_OK;
}

st_t keyset_root_generate(keyset_root **out)
{
	uint8_t seed[32];
	st_t ret;

	randombytes_buf(seed, sizeof seed);
	ret = keyset_root_from_seed(seed, out);
	sodium_memzero(seed, sizeof seed);
	return ret;
}

void keyset_root_free(keyset_root *r)
{
	if (r != NULL)
		sodium_free(r);
}

st_t keyset_root_seal(const keyset_root *r, const char *pass, size_t passlen,
                      uint8_t out[KEY_SECFILE_LEN])
{
	return key_secfile_seal(KEYSET_ROOT_MAGIC, r->seed, pass, passlen, out);
}

st_t keyset_root_open(const uint8_t *file, size_t len, const char *pass,
                      size_t passlen, keyset_root **out)
{
	uint8_t *seed = sodium_malloc(32);
	st_t ret;

	if (seed == NULL)
		return ST_NOMEM;
	ret = key_secfile_open(KEYSET_ROOT_MAGIC, file, len, pass, passlen, seed);
	if (ret == ST_OK)
		ret = keyset_root_from_seed(seed, out);
	sodium_free(seed);
	return ret;
}

/* PREFIX + base64(32) + "\n". */
static st_t line_format(const char *prefix, const uint8_t pk[32], char *out,
                        size_t cap)
{
	char b64[64];

	if (cap < strlen(prefix) + enc_b64_len(32) + 1)
		return ST_TOOBIG;
	enc_b64_encode(b64, pk, 32);
	snprintf(out, cap, "%s%s\n", prefix, b64);
	return ST_OK;
}

/* Strip one trailing "\n" or "\r\n"; a file is exactly one line. */
static size_t one_line(const char *text, size_t len)
{
	if (len > 0 && text[len - 1] == '\n')
		len--;
	if (len > 0 && text[len - 1] == '\r')
		len--;
	return len;
}

st_t keyset_root_pub_format(const uint8_t pk[32], char *out, size_t cap)
{
	return line_format(KEYSET_ROOT_PUB_PREFIX, pk, out, cap);
}

st_t keyset_root_pub_parse(const char *text, size_t len, uint8_t pk[32])
{
	size_t plen = strlen(KEYSET_ROOT_PUB_PREFIX);

	len = one_line(text, len);
	if (len <= plen || memcmp(text, KEYSET_ROOT_PUB_PREFIX, plen) != 0)
		return ST_BADDATA;
	return enc_b64_decode(pk, 32, text + plen, len - plen);
}

static void fingerprint_hash(const uint8_t root_pk[32], uint8_t h[32])
{
	crypto_generichash_blake2b_salt_personal(h, 32, root_pk, 32, NULL, 0,
	                                         NULL, personal_fp);
}

void keyset_fingerprint(const uint8_t root_pk[32], char out[KEYSET_FP_TEXT_MAX])
{
	uint8_t h[32];
	char raw[KEYSET_FP_TEXT_MAX];

	fingerprint_hash(root_pk, h);
	enc_b32_encode(raw, h, 20);
	(void)enc_group(out, KEYSET_FP_TEXT_MAX, raw, 4);
}

st_t keyset_fingerprint_words(const uint8_t root_pk[32], int lang, char *out,
                              size_t cap)
{
	uint8_t h[32];

	fingerprint_hash(root_pk, h);
	return words_encode_bits(h, KEYSET_PIN_BYTES, KEYSET_FP_WORDS * WORDS_BITS,
	                         (words_lang)lang, out, cap);
}

st_t keyset_pin_parse(const char *text, keyset_pin *pin)
{
	memset(pin, 0, sizeof *pin);
	/* Bounded before decoding: a pin is short. */
	if (strlen(text) <= 4 * KEYSET_FP_TEXT_MAX &&
	    enc_b32_decode(pin->h, 20, text) == ST_OK) {
		pin->bits = 160;
		return ST_OK;
	}
	if (words_decode_bits(text, KEYSET_FP_WORDS, pin->h, sizeof pin->h,
	                      NULL) == ST_OK) {
		pin->bits = KEYSET_FP_WORDS * WORDS_BITS;
		return ST_OK;
	}
	memset(pin, 0, sizeof *pin);
	return ST_BADDATA;
}

st_t keyset_pin_check(const keyset_pin *pin, const uint8_t root_pk[32])
{
	uint8_t h[32], a[KEYSET_PIN_BYTES], b[KEYSET_PIN_BYTES];
	size_t full = pin->bits / 8, rest = pin->bits % 8;

	if (pin->bits == 0 || pin->bits > 8 * KEYSET_PIN_BYTES)
		return ST_MISMATCH;
	fingerprint_hash(root_pk, h);
	/* Compare the pinned bits only, in constant time. */
	memset(a, 0, sizeof a);
	memset(b, 0, sizeof b);
	memcpy(a, pin->h, full);
	memcpy(b, h, full);
	if (rest != 0) {
		uint8_t mask = (uint8_t)(0xff00u >> rest);

		a[full] = pin->h[full] & mask;
		b[full] = h[full] & mask;
	}
	return sodium_memcmp(a, b, sizeof a) == 0 ? ST_OK : ST_MISMATCH;
}

void keyset_sign_keypair(const key_secret *officer, uint8_t sign_pk[32],
                         uint8_t sign_sk[64])
{
	uint8_t seed[32];

	crypto_generichash_blake2b_salt_personal(seed, sizeof seed, NULL, 0,
	                                         officer->sk, KEY_SEC_LEN, NULL,
	                                         personal_sign);
	crypto_sign_seed_keypair(sign_pk, sign_sk, seed);
	sodium_memzero(seed, sizeof seed);
}

void keyset_officer_entry(const key_secret *officer, keyset_officer *e)
{
	uint8_t *sk = sodium_malloc(64);

	memcpy(e->box_pk, officer->pk, KEY_PUB_LEN);
	key_id(officer->pk, e->id);
	memset(e->sign_pk, 0, sizeof e->sign_pk);
	if (sk == NULL)
		return; /* an all-zero signing key: keyset_sign refuses it */
	keyset_sign_keypair(officer, e->sign_pk, sk);
	sodium_free(sk);
}

st_t keyset_entry_format(const keyset_officer *e, char *out, size_t cap)
{
	char a[64], b[64];

	if (cap < strlen(KEYSET_ENTRY_PREFIX) + 2 * enc_b64_len(32) + 1)
		return ST_TOOBIG;
	enc_b64_encode(a, e->box_pk, 32);
	enc_b64_encode(b, e->sign_pk, 32);
	snprintf(out, cap, "%s%s %s\n", KEYSET_ENTRY_PREFIX, a, b);
	return ST_OK;
}

st_t keyset_entry_parse(const char *text, size_t len, keyset_officer *e)
{
	size_t plen = strlen(KEYSET_ENTRY_PREFIX), klen = enc_b64_len(32) - 1;

	len = one_line(text, len);
	if (len != plen + 2 * klen + 1 ||
	    memcmp(text, KEYSET_ENTRY_PREFIX, plen) != 0 ||
	    text[plen + klen] != ' ' ||
	    enc_b64_decode(e->box_pk, 32, text + plen, klen) != ST_OK ||
	    enc_b64_decode(e->sign_pk, 32, text + plen + klen + 1, klen) != ST_OK)
		return ST_BADDATA;
	key_id(e->box_pk, e->id);
	return ST_OK;
}

static size_t keyset_len(size_t n, size_t r)
{
	return KEYSET_HEAD_LEN + KEYSET_OFFICER_LEN * n + KEYSET_REVOKED_LEN * r +
	       KEYSET_SIG_LEN;
}

/* Rules shared by the writer and the reader, so that no keyset is made
 * that readers refuse: counts, times, key ids, no duplicate id, reasons. */
static st_t keyset_check_fields(const keyset *ks)
{
	uint8_t id[KEY_ID_LEN];
	size_t total = ks->n + ks->r;

	if (ks->n < 1 || ks->n > KEYSET_MAX_OFFICERS || ks->r > KEYSET_MAX_REVOKED)
		return ST_BADDATA;
	if (ks->serial < 1 || ks->expires <= ks->created ||
	    ks->expires - ks->created > (uint64_t)KEYSET_MAX_DAYS * 86400)
		return ST_BADDATA;
	for (size_t i = 0; i < total; i++) {
		const keyset_officer *a = i < ks->n ? &ks->off[i] : &ks->rev[i - ks->n].k;

		key_id(a->box_pk, id);
		if (memcmp(id, a->id, KEY_ID_LEN) != 0 || sodium_is_zero(a->sign_pk, 32))
			return ST_BADDATA;
		if (i >= ks->n && ks->rev[i - ks->n].reason != KEYSET_LEFT &&
		    ks->rev[i - ks->n].reason != KEYSET_COMPROMISED)
			return ST_BADDATA;
		for (size_t j = 0; j < i; j++) {
			const keyset_officer *b = j < ks->n ? &ks->off[j] : &ks->rev[j - ks->n].k;

			if (memcmp(a->id, b->id, KEY_ID_LEN) == 0)
				return ST_BADDATA;
		}
	}
	return ST_OK;
}

/* The signed message: the context string, then every byte before the
 * signature (plain Ed25519 over at most 16 + KEYSET_MAX_LEN bytes). */
static size_t sig_input(uint8_t buf[16 + KEYSET_MAX_LEN], const uint8_t *body,
                        size_t len)
{
	memcpy(buf, KEYSET_SIG_CONTEXT, 16);
	memcpy(buf + 16, body, len);
	return 16 + len;
}

st_t keyset_sign(keyset *ks, const keyset_root *root, uint8_t **out,
                 size_t *outlen)
{
	uint8_t *b, *p, buf[16 + KEYSET_MAX_LEN];
	size_t len;
	st_t ret;

	memcpy(ks->root_pk, root->pk, 32);
	ret = keyset_check_fields(ks);
	if (ret != ST_OK)
		return ret;
	len = keyset_len(ks->n, ks->r);
	b = calloc(1, len);
	if (b == NULL)
		return ST_NOMEM;
	memcpy(b, KEYSET_MAGIC, 8);
	b[8] = KEYSET_VERSION;
	b[9] = (uint8_t)ks->n;
	b[10] = (uint8_t)ks->r;
	enc_put_u64le(b + 12, ks->serial);
	enc_put_u64le(b + 20, ks->created);
	enc_put_u64le(b + 28, ks->expires);
	memcpy(b + 36, ks->root_pk, 32);
	p = b + KEYSET_HEAD_LEN;
	for (size_t i = 0; i < ks->n; i++, p += KEYSET_OFFICER_LEN) {
		memcpy(p, ks->off[i].id, KEY_ID_LEN);
		memcpy(p + 8, ks->off[i].box_pk, 32);
		memcpy(p + 40, ks->off[i].sign_pk, 32);
	}
	for (size_t i = 0; i < ks->r; i++, p += KEYSET_REVOKED_LEN) {
		memcpy(p, ks->rev[i].k.id, KEY_ID_LEN);
		memcpy(p + 8, ks->rev[i].k.box_pk, 32);
		memcpy(p + 40, ks->rev[i].k.sign_pk, 32);
		enc_put_u32le(p + 72, ks->rev[i].day);
		p[76] = ks->rev[i].reason;
	}
	crypto_sign_detached(p, NULL, buf, sig_input(buf, b, len - KEYSET_SIG_LEN),
	                     root->sk);
	*out = b;
	*outlen = len;
	return ST_OK;
}

/* Structure only: every field read, bounded and checked. */
static st_t keyset_parse(const uint8_t *in, size_t len, keyset *ks)
{
	const uint8_t *p;

	memset(ks, 0, sizeof *ks);
	if (len < KEYSET_HEAD_LEN + KEYSET_SIG_LEN || len > KEYSET_MAX_LEN ||
	    memcmp(in, KEYSET_MAGIC, 8) != 0)
		return ST_BADDATA;
	if (in[8] != KEYSET_VERSION)
		return ST_VERSION;
	ks->n = in[9];
	ks->r = in[10];
	ks->serial = enc_get_u64le(in + 12);
	ks->created = enc_get_u64le(in + 20);
	ks->expires = enc_get_u64le(in + 28);
	memcpy(ks->root_pk, in + 36, 32);
	/* Counts bounded before they size anything; the length is exact. */
	if (in[11] != 0 || ks->n > KEYSET_MAX_OFFICERS ||
	    ks->r > KEYSET_MAX_REVOKED || len != keyset_len(ks->n, ks->r))
		return ST_BADDATA;
	p = in + KEYSET_HEAD_LEN;
	for (size_t i = 0; i < ks->n; i++, p += KEYSET_OFFICER_LEN) {
		memcpy(ks->off[i].id, p, KEY_ID_LEN);
		memcpy(ks->off[i].box_pk, p + 8, 32);
		memcpy(ks->off[i].sign_pk, p + 40, 32);
	}
	for (size_t i = 0; i < ks->r; i++, p += KEYSET_REVOKED_LEN) {
		memcpy(ks->rev[i].k.id, p, KEY_ID_LEN);
		memcpy(ks->rev[i].k.box_pk, p + 8, 32);
		memcpy(ks->rev[i].k.sign_pk, p + 40, 32);
		ks->rev[i].day = enc_get_u32le(p + 72);
		ks->rev[i].reason = p[76];
		if (!sodium_is_zero(p + 77, 3))
			return ST_BADDATA;
	}
	return keyset_check_fields(ks);
}

st_t keyset_verify(const uint8_t *in, size_t len, const keyset_pin *pin,
                   uint64_t now, keyset *ks)
{
	uint8_t buf[16 + KEYSET_MAX_LEN];
	st_t ret = keyset_parse(in, len, ks);

	if (ret != ST_OK)
		return ret;
	if (pin != NULL && keyset_pin_check(pin, ks->root_pk) != ST_OK)
		return ST_MISMATCH;
	if (crypto_sign_verify_detached(in + len - KEYSET_SIG_LEN, buf,
	                                sig_input(buf, in, len - KEYSET_SIG_LEN),
	                                ks->root_pk) != 0)
		return ST_DECRYPT;
	if (now != 0 && (now >= ks->expires ||
	                 ks->created > now + KEYSET_CLOCK_SKEW))
		return ST_EXPIRED;
	return ST_OK;
}

const keyset_officer *keyset_find(const keyset *ks, const uint8_t id[KEY_ID_LEN],
                                  uint8_t *reason)
{
	for (size_t i = 0; i < ks->n; i++)
		if (memcmp(ks->off[i].id, id, KEY_ID_LEN) == 0) {
			*reason = 0;
			return &ks->off[i];
		}
	for (size_t i = 0; i < ks->r; i++)
		if (memcmp(ks->rev[i].k.id, id, KEY_ID_LEN) == 0) {
			*reason = ks->rev[i].reason;
			return &ks->rev[i].k;
		}
	return NULL;
}

void keyset_bundle(const keyset *ks, key_bundle *b)
{
	memset(b, 0, sizeof *b);
	for (size_t i = 0; i < ks->n; i++)
		memcpy(b->pk[i], ks->off[i].box_pk, KEY_PUB_LEN);
	b->n = ks->n;
}

void keyset_from_bundle(const key_bundle *b, keyset *ks)
{
	memset(ks, 0, sizeof *ks);
	for (size_t i = 0; i < b->n && i < KEYSET_MAX_OFFICERS; i++) {
		memcpy(ks->off[i].box_pk, b->pk[i], KEY_PUB_LEN);
		key_id(b->pk[i], ks->off[i].id);
	}
	ks->n = b->n < KEYSET_MAX_OFFICERS ? b->n : KEYSET_MAX_OFFICERS;
}
