/* reply.c: officer replies. The X25519 shared key (crypto_box_beforenm)
 * keys XChaCha20-Poly1305 with the 40-byte header as associated data, so
 * no header byte can change unnoticed. reply_open parses bytes that came
 * from the (untrusted) server. */
#include "reply.h"
#include "enc.h"
#include "pad.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ABYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define NONCE_OFF (8 + KEY_ID_LEN)

st_t reply_seal(const key_secret *officer, const uint8_t to_pk[32],
                const uint8_t *text, size_t len, uint8_t **out,
                size_t *outlen)
{
	uint8_t *shared = NULL, *plain = NULL, *ct = NULL;
	size_t plen;
	st_t ret = ST_NOMEM;

	if (len > REPLY_TEXT_MAX)
		return ST_TOOBIG;
	plen = (size_t)pad_padme(4 + len < REPLY_MIN_PAD ? REPLY_MIN_PAD : 4 + len);
	shared = sodium_malloc(crypto_box_BEFORENMBYTES);
	plain = sodium_malloc(plen);
	ct = malloc(REPLY_HEADER_LEN + plen + ABYTES);
	if (shared == NULL || plain == NULL || ct == NULL)
		goto cleanup;
	if (crypto_box_beforenm(shared, to_pk, officer->sk) != 0) {
		ret = ST_BADDATA; /* a low-order reply key */
		goto cleanup;
	}
	memset(plain, 0, plen);
	enc_put_u32le(plain, (uint32_t)len);
	memcpy(plain + 4, text, len);
	memcpy(ct, REPLY_MAGIC, 6);
	ct[6] = REPLY_VERSION;
	ct[7] = 0;
	key_id(officer->pk, ct + 8);
	randombytes_buf(ct + NONCE_OFF, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct + REPLY_HEADER_LEN, NULL,
	                                           plain, plen, ct,
	                                           REPLY_HEADER_LEN, NULL,
	                                           ct + NONCE_OFF, shared);
	*out = ct;
	*outlen = REPLY_HEADER_LEN + plen + ABYTES;
	ct = NULL;
	ret = ST_OK;
cleanup:
	if (shared != NULL)
		sodium_free(shared);
	if (plain != NULL)
		sodium_free(plain);
	free(ct);
	return ret;
}

st_t reply_open(const uint8_t reply_sk[32], const key_bundle *from, const uint8_t *in, size_t len,
                uint8_t **text, size_t *textlen, size_t *sender)
{
	uint8_t *shared = NULL, *plain = NULL, *t = NULL;
	uint8_t id[KEY_ID_LEN];
	size_t plen, i, tlen;
	st_t ret = ST_BADDATA;

	if (len < REPLY_HEADER_LEN + ABYTES + 4 || len > REPLY_MAX_LEN ||
	    memcmp(in, REPLY_MAGIC, 6) != 0)
		return ST_BADDATA;
	if (in[6] != REPLY_VERSION)
		return ST_VERSION;
	if (in[7] != 0)
		return ST_BADDATA;
	for (i = 0; i < from->n; i++) {
		key_id(from->pk[i], id);
		if (memcmp(id, in + 8, KEY_ID_LEN) == 0)
			break;
	}
	if (i == from->n)
		return ST_NOKEY;
	plen = len - REPLY_HEADER_LEN - ABYTES;
	shared = sodium_malloc(crypto_box_BEFORENMBYTES);
	plain = sodium_malloc(plen);
	if (shared == NULL || plain == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	if (crypto_box_beforenm(shared, from->pk[i], reply_sk) != 0 ||
	    crypto_aead_xchacha20poly1305_ietf_decrypt(
	        plain, NULL, NULL, in + REPLY_HEADER_LEN, plen + ABYTES, in,
	        REPLY_HEADER_LEN, in + NONCE_OFF, shared) != 0) {
		ret = ST_DECRYPT;
		goto cleanup;
	}
	tlen = enc_get_u32le(plain);
	if (tlen > plen - 4 || tlen > REPLY_TEXT_MAX)
		goto cleanup;
	for (size_t j = 4 + tlen; j < plen; j++)
		if (plain[j] != 0)
			goto cleanup;
	t = sodium_malloc(tlen + 1);
	if (t == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	memcpy(t, plain + 4, tlen);
	t[tlen] = '\0';
	*text = t;
	*textlen = tlen;
	if (sender != NULL)
		*sender = i;
	ret = ST_OK;
cleanup:
	if (shared != NULL)
		sodium_free(shared);
	if (plain != NULL)
		sodium_free(plain);
	return ret;
}
