/* reply.c: officer replies. The X25519 shared key (crypto_box_beforenm)
 * keys XChaCha20-Poly1305 with the 40-byte header as associated data, so
 * no header byte can change unnoticed; inside, an Ed25519 signature by the
 * officer's derived signing key binds the text to one mailbox, one reply
 * key, one sequence number and one day. reply_open parses bytes that came
 * from the (untrusted) server. */
#include "reply.h"
#include "enc.h"
#include "pad.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define ABYTES crypto_aead_xchacha20poly1305_ietf_ABYTES
#define NONCE_OFF (8 + KEY_ID_LEN)
#define SIG_CONTEXT "intake-reply-v1" /* 16 bytes with its NUL */
#define SIG_HEAD_LEN (16 + 16 + 32 + 4 + 4 + 4)

/* The padded plaintext length for a text of len bytes. */
static size_t reply_plain_len(size_t len)
{
	size_t need = REPLY_PLAIN_HEAD + len;

	return (size_t)pad_padme(need < REPLY_MIN_PAD ? REPLY_MIN_PAD : need);
}

/* Ed25519 over context || mailbox || reply_pk || seq || day || len ||
 * text, as one message (the text is at most REPLY_TEXT_MAX). */
static uint8_t *sig_message(const uint8_t mailbox[16], const uint8_t reply_pk[32],
                            uint32_t seq, uint32_t day, const uint8_t *text,
                            size_t len)
{
	uint8_t *m = sodium_malloc(SIG_HEAD_LEN + len + 1);

	if (m == NULL)
		return NULL;
	memcpy(m, SIG_CONTEXT, 16);
	memcpy(m + 16, mailbox, 16);
	memcpy(m + 32, reply_pk, 32);
	enc_put_u32le(m + 64, seq);
	enc_put_u32le(m + 68, day);
	enc_put_u32le(m + 72, (uint32_t)len);
	memcpy(m + SIG_HEAD_LEN, text, len);
	return m;
}

st_t reply_seal(const key_secret *officer, const uint8_t mailbox[16],
                const uint8_t to_pk[32], uint32_t seq, uint32_t day,
                const uint8_t *text, size_t len, uint8_t **out,
                size_t *outlen)
{
	uint8_t *shared = NULL, *plain = NULL, *ct = NULL, *sign_sk = NULL;
	uint8_t *msg = NULL, sign_pk[32];
	size_t plen;
	st_t ret = ST_NOMEM;

	if (len > REPLY_TEXT_MAX)
		return ST_TOOBIG;
	if (seq == 0)
		return ST_BADDATA;
	plen = reply_plain_len(len);
	shared = sodium_malloc(crypto_box_BEFORENMBYTES);
	plain = sodium_malloc(plen);
	sign_sk = sodium_malloc(crypto_sign_SECRETKEYBYTES);
	msg = sig_message(mailbox, to_pk, seq, day, text, len);
	ct = malloc(REPLY_HEADER_LEN + plen + ABYTES);
	if (shared == NULL || plain == NULL || sign_sk == NULL || msg == NULL ||
	    ct == NULL)
		goto cleanup;
	if (crypto_box_beforenm(shared, to_pk, officer->sk) != 0) {
		ret = ST_BADDATA; /* a low-order reply key */
		goto cleanup;
	}
	keyset_sign_keypair(officer, sign_pk, sign_sk);
	memset(plain, 0, plen);
	enc_put_u32le(plain, seq);
	enc_put_u32le(plain + 4, day);
	crypto_sign_detached(plain + 8, NULL, msg, SIG_HEAD_LEN + len, sign_sk);
	enc_put_u32le(plain + 72, (uint32_t)len);
	memcpy(plain + REPLY_PLAIN_HEAD, text, len);
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
	if (sign_sk != NULL)
		sodium_free(sign_sk);
	if (msg != NULL)
		sodium_free(msg);
	free(ct);
	return ret;
}

/* Class of a reply whose signature verifies, by where its key is listed. */
static reply_class class_of(uint8_t reason)
{
	if (reason == 0)
		return REPLY_VERIFIED;
	return reason == KEYSET_LEFT ? REPLY_VERIFIED_RETIRED : REPLY_COMPROMISED;
}

/* Parse the opened plaintext: length bound, exact padded size, zero
 * padding; then the signature. Fills m. */
static st_t reply_parse_plain(const receipt *r, const keyset_officer *from,
                              uint8_t reason, const uint8_t *plain,
                              size_t plen, reply_msg *m)
{
	uint8_t *msg = NULL;
	size_t tlen = enc_get_u32le(plain + 72);
	st_t ret = ST_BADDATA;

	if (tlen > REPLY_TEXT_MAX || plen != reply_plain_len(tlen) ||
	    !sodium_is_zero(plain + REPLY_PLAIN_HEAD + tlen,
	                    plen - REPLY_PLAIN_HEAD - tlen))
		return ST_BADDATA;
	m->seq = enc_get_u32le(plain);
	m->day = enc_get_u32le(plain + 4);
	if (m->seq == 0)
		return ST_BADDATA;
	m->text = sodium_malloc(tlen + 1);
	msg = sig_message(r->mailbox, r->reply_pk, m->seq, m->day,
	                  plain + REPLY_PLAIN_HEAD, tlen);
	if (m->text == NULL || msg == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	memcpy(m->text, plain + REPLY_PLAIN_HEAD, tlen);
	m->text[tlen] = '\0';
	m->len = tlen;
	/* A zero key (bundle mode: no signing key known) never verifies. */
	if (!sodium_is_zero(from->sign_pk, 32) &&
	    crypto_sign_verify_detached(plain + 8, msg, SIG_HEAD_LEN + tlen,
	                                from->sign_pk) == 0)
		m->cls = class_of(reason);
	ret = ST_OK;
cleanup:
	if (msg != NULL)
		sodium_free(msg);
	return ret;
}

st_t reply_open(const receipt *r, const keyset *ks, const uint8_t *in,
                size_t len, reply_msg *m)
{
	const keyset_officer *from;
	uint8_t *shared = NULL, *plain = NULL, reason = 0;
	size_t plen;
	st_t ret;

	memset(m, 0, sizeof *m);
	m->cls = REPLY_UNVERIFIED;
	if (len < REPLY_HEADER_LEN + ABYTES + REPLY_MIN_PAD || len > REPLY_MAX_LEN ||
	    memcmp(in, REPLY_MAGIC, 6) != 0)
		return ST_BADDATA;
	if (in[6] != REPLY_VERSION)
		return ST_VERSION;
	if (in[7] != 0)
		return ST_BADDATA;
	memcpy(m->key_id, in + 8, KEY_ID_LEN);
	from = keyset_find(ks, m->key_id, &reason);
	if (from == NULL)
		return ST_NOKEY;
	plen = len - REPLY_HEADER_LEN - ABYTES;
	shared = sodium_malloc(crypto_box_BEFORENMBYTES);
	plain = sodium_malloc(plen);
	if (shared == NULL || plain == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	if (crypto_box_beforenm(shared, from->box_pk, r->reply_sk) != 0 ||
	    crypto_aead_xchacha20poly1305_ietf_decrypt(
	        plain, NULL, NULL, in + REPLY_HEADER_LEN, plen + ABYTES, in,
	        REPLY_HEADER_LEN, in + NONCE_OFF, shared) != 0) {
		ret = ST_DECRYPT;
		goto cleanup;
	}
	ret = reply_parse_plain(r, from, reason, plain, plen, m);
cleanup:
	if (ret != ST_OK)
		reply_msg_clear(m);
	if (shared != NULL)
		sodium_free(shared);
	if (plain != NULL)
		sodium_free(plain);
	return ret;
}

void reply_msg_clear(reply_msg *m)
{
	if (m->text != NULL)
		sodium_free(m->text);
	m->text = NULL;
	m->len = 0;
}

static void seq_add(reply_seq_issue *out, size_t cap, size_t *count,
                    reply_seq_kind kind, uint32_t seq)
{
	if (*count < cap) {
		out[*count].kind = kind;
		out[*count].seq = seq;
	}
	(*count)++;
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

size_t reply_seq_check(const uint32_t *seq, size_t n, reply_seq_issue *out,
                       size_t cap)
{
	uint32_t *s, high = 0;
	uint64_t prev = 0, v;
	size_t count = 0;

	if (n == 0)
		return 0;
	s = malloc(n * sizeof *s);
	if (s == NULL)
		return 0;
	memcpy(s, seq, n * sizeof *s);
	qsort(s, n, sizeof *s, cmp_u32);
	for (size_t i = 0; i < n; i++) {
		if (s[i] <= prev)
			continue;
		for (v = prev + 1; v < s[i] && count < cap; v++)
			seq_add(out, cap, &count, REPLY_SEQ_MISSING, (uint32_t)v);
		/* The rest of a long gap is counted, not walked. */
		count += (size_t)(s[i] - v);
		prev = s[i];
	}
	for (size_t i = 1; i < n; i++)
		if (s[i] == s[i - 1])
			seq_add(out, cap, &count, REPLY_SEQ_COPY, s[i]);
	for (size_t i = 0; i < n; i++) {
		if (seq[i] < high)
			seq_add(out, cap, &count, REPLY_SEQ_REORDERED, seq[i]);
		high = seq[i] > high ? seq[i] : high;
	}
	free(s);
	return count;
}
