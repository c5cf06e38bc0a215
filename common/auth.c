/* auth.c: Ed25519-signed officer requests. auth_parse reads a header from
 * the network, so it accepts exactly one layout and bounds every field. */
#include "auth.h"
#include "enc.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define SCHEME "Intake-Sig "
#define MSG_MAX 2048

static const uint8_t personal_authid[16] = "intake-authid-1";

st_t auth_keygen(uint8_t pk[AUTH_PK_LEN], uint8_t sk[AUTH_SK_LEN])
{
	crypto_sign_keypair(pk, sk);
	return ST_OK;
}

void auth_key_id(const uint8_t pk[AUTH_PK_LEN], uint8_t id[AUTH_ID_LEN])
{
	uint8_t h[16];

	crypto_generichash_blake2b_salt_personal(h, sizeof h, pk, AUTH_PK_LEN,
	                                         NULL, 0, NULL, personal_authid);
	memcpy(id, h, AUTH_ID_LEN);
}

/* prefix + base64 of n bytes + "\n". */
static st_t format_line(const char *prefix, const uint8_t *b, size_t n,
                        char *out, size_t cap)
{
	char b64[128];

	if (cap < strlen(prefix) + enc_b64_len(n) + 1 || enc_b64_len(n) > sizeof b64)
		return ST_TOOBIG;
	enc_b64_encode(b64, b, n);
	snprintf(out, cap, "%s%s\n", prefix, b64);
	sodium_memzero(b64, sizeof b64);
	return ST_OK;
}

/* One line: prefix, base64 of exactly n bytes, optional "\r\n" or "\n". */
static st_t parse_line(const char *prefix, const char *text, size_t len,
                       uint8_t *out, size_t n)
{
	size_t plen = strlen(prefix);

	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r'))
		len--;
	if (len <= plen || memcmp(text, prefix, plen) != 0)
		return ST_BADDATA;
	return enc_b64_decode(out, n, text + plen, len - plen);
}

st_t auth_pub_format(const uint8_t pk[AUTH_PK_LEN], char *out, size_t cap)
{
	return format_line(AUTH_PUB_PREFIX, pk, AUTH_PK_LEN, out, cap);
}

st_t auth_pub_parse(const char *text, size_t len, uint8_t pk[AUTH_PK_LEN])
{
	return parse_line(AUTH_PUB_PREFIX, text, len, pk, AUTH_PK_LEN);
}

st_t auth_sec_format(const uint8_t sk[AUTH_SK_LEN], char *out, size_t cap)
{
	return format_line(AUTH_SEC_PREFIX, sk, AUTH_SK_LEN, out, cap);
}

st_t auth_sec_parse(const char *text, size_t len, uint8_t sk[AUTH_SK_LEN])
{
	uint8_t pk[crypto_sign_PUBLICKEYBYTES];
	uint8_t *again = NULL;
	st_t ret = parse_line(AUTH_SEC_PREFIX, text, len, sk, AUTH_SK_LEN);

	if (ret != ST_OK)
		return ret;
	/* An Ed25519 secret key is a seed and its public half: recompute the
	 * half from the seed so a damaged file fails here, not at the server. */
	again = sodium_malloc(AUTH_SK_LEN);
	if (again == NULL)
		return ST_NOMEM;
	crypto_sign_seed_keypair(pk, again, sk);
	if (memcmp(pk, sk + 32, sizeof pk) != 0) {
		sodium_memzero(sk, AUTH_SK_LEN);
		ret = ST_BADDATA;
	}
	sodium_free(again);
	return ret;
}

void auth_body_hash(const uint8_t *body, size_t len,
                    uint8_t out[AUTH_BODY_HASH_LEN])
{
	crypto_hash_sha256(out, len > 0 ? body : (const uint8_t *)"", len);
}

/* The signed message (docs/FORMAT.md §6); ST_BADDATA if a field is too
 * long or holds a newline, which could make two requests sign the same
 * bytes. */
static st_t build_msg(char out[MSG_MAX], const char *method, const char *host,
                      const char *target, const uint8_t body_hash[AUTH_BODY_HASH_LEN],
                      int64_t ts, const uint8_t *nonce)
{
	char nhex[2 * AUTH_NONCE_LEN + 1], bhex[2 * AUTH_BODY_HASH_LEN + 1];
	int n;

	if (strpbrk(method, "\r\n") || strpbrk(host, "\r\n") || strpbrk(target, "\r\n"))
		return ST_BADDATA;
	enc_hex_encode(nhex, nonce, AUTH_NONCE_LEN);
	enc_hex_encode(bhex, body_hash, AUTH_BODY_HASH_LEN);
	n = snprintf(out, MSG_MAX, "intake-auth-v2\n%s\n%s\n%s\n%s\n%lld\n%s", method,
	             host, target, bhex, (long long)ts, nhex);
	if (n < 0 || n >= MSG_MAX)
		return ST_BADDATA;
	return ST_OK;
}

st_t auth_sign(const uint8_t sk[AUTH_SK_LEN], const char *method,
               const char *host, const char *target,
               const uint8_t body_hash[AUTH_BODY_HASH_LEN], int64_t now,
               char out[AUTH_HEADER_MAX])
{
	char msg[MSG_MAX], idhex[2 * AUTH_ID_LEN + 1], nhex[2 * AUTH_NONCE_LEN + 1];
	char sig64[128];
	uint8_t nonce[AUTH_NONCE_LEN], sig[AUTH_SIG_LEN], id[AUTH_ID_LEN];
	int n;
	st_t ret;

	randombytes_buf(nonce, sizeof nonce);
	ret = build_msg(msg, method, host, target, body_hash, now, nonce);
	if (ret != ST_OK)
		return ret;
	crypto_sign_detached(sig, NULL, (const uint8_t *)msg, strlen(msg), sk);
	auth_key_id(sk + 32, id);
	enc_hex_encode(idhex, id, sizeof id);
	enc_hex_encode(nhex, nonce, sizeof nonce);
	enc_b64_encode(sig64, sig, sizeof sig);
	n = snprintf(out, AUTH_HEADER_MAX, SCHEME "key=%s,ts=%lld,nonce=%s,sig=%s",
	             idhex, (long long)now, nhex, sig64);
	return (n < 0 || n >= AUTH_HEADER_MAX) ? ST_INTERNAL : ST_OK;
}

/* Expect "name=" at *p, then copy the value up to ',' or the end into val
 * (at most cap-1 chars). */
static st_t field(const char **p, const char *name, char *val, size_t cap)
{
	size_t nlen = strlen(name), vlen;
	const char *end;

	if (strncmp(*p, name, nlen) != 0 || (*p)[nlen] != '=')
		return ST_BADDATA;
	*p += nlen + 1;
	end = strchr(*p, ',');
	vlen = end ? (size_t)(end - *p) : strlen(*p);
	if (vlen == 0 || vlen >= cap)
		return ST_BADDATA;
	memcpy(val, *p, vlen);
	val[vlen] = '\0';
	*p += vlen + (end ? 1 : 0);
	return ST_OK;
}

st_t auth_parse(const char *value, auth_req *r)
{
	char id[2 * AUTH_ID_LEN + 1], ts[21], nonce[2 * AUTH_NONCE_LEN + 1], sig[100];
	const char *p = value;
	int64_t t = 0;

	memset(r, 0, sizeof *r);
	if (strlen(value) >= AUTH_HEADER_MAX || strncmp(p, SCHEME, strlen(SCHEME)) != 0)
		return ST_BADDATA;
	p += strlen(SCHEME);
	if (field(&p, "key", id, sizeof id) != ST_OK ||
	    field(&p, "ts", ts, sizeof ts) != ST_OK ||
	    field(&p, "nonce", nonce, sizeof nonce) != ST_OK ||
	    field(&p, "sig", sig, sizeof sig) != ST_OK || *p != '\0')
		return ST_BADDATA;
	/* Plain decimal seconds, at most 18 digits: no sign, no overflow. */
	if (strlen(ts) > 18)
		return ST_BADDATA;
	for (const char *c = ts; *c; c++) {
		if (*c < '0' || *c > '9')
			return ST_BADDATA;
		t = t * 10 + (*c - '0');
	}
	r->ts = t;
	if (enc_hex_decode(r->key_id, sizeof r->key_id, id) != ST_OK ||
	    enc_hex_decode(r->nonce, sizeof r->nonce, nonce) != ST_OK ||
	    enc_b64_decode(r->sig, sizeof r->sig, sig, strlen(sig)) != ST_OK)
		return ST_BADDATA;
	return ST_OK;
}

st_t auth_verify(const uint8_t pk[AUTH_PK_LEN], const auth_req *r,
                 const char *method, const char *host, const char *target,
                 const uint8_t body_hash[AUTH_BODY_HASH_LEN], int64_t now)
{
	char msg[MSG_MAX];
	uint8_t id[AUTH_ID_LEN];

	auth_key_id(pk, id);
	if (sodium_memcmp(id, r->key_id, AUTH_ID_LEN) != 0)
		return ST_PERM;
	if (r->ts > now + AUTH_WINDOW || r->ts < now - AUTH_WINDOW)
		return ST_PERM;
	if (build_msg(msg, method, host, target, body_hash, r->ts, r->nonce) != ST_OK)
		return ST_PERM;
	if (crypto_sign_verify_detached(r->sig, (const uint8_t *)msg, strlen(msg),
	                                pk) != 0)
		return ST_PERM;
	return ST_OK;
}
