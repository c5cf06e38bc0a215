/* key.c: key pairs, key ids, public key files and bundles, fingerprints,
 * and passphrase-sealed secret key files (Argon2id + XChaCha20-Poly1305).
 * Parsers here read files that may have been tampered with in transit. */
#include "key.h"
#include "enc.h"

#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#define SECFILE_MAGIC "intakesk"
#define SECFILE_VERSION 1
#define SECFILE_ALG_ARGON2ID13 1
#define SECFILE_AD_LEN 64
/* Bounds on the cost a key file may ask for: the upper ones so a hostile
 * file cannot make us allocate gigabytes or spin for hours, the lower ones
 * so a file re-sealed (or swapped) with a cheap KDF cannot make a
 * passphrase quick to guess. Writers use KEY_KDF_*. */
#define SECFILE_MIN_OPS 3ULL
#define SECFILE_MIN_MEM (64ULL * 1024 * 1024)
#define SECFILE_MAX_OPS 64ULL
#define SECFILE_MAX_MEM (4ULL * 1024 * 1024 * 1024)

static const uint8_t personal_keyid[crypto_generichash_blake2b_PERSONALBYTES] = "intake-keyid-v1";
static const uint8_t personal_fp[crypto_generichash_blake2b_PERSONALBYTES] = "intake-fp-v1";

st_t key_generate(key_secret **out)
{
	key_secret *k = sodium_malloc(sizeof *k);

	if (k == NULL)
		return ST_NOMEM;
	crypto_box_keypair(k->pk, k->sk);
	*out = k;
	return ST_OK;
}

void key_secret_free(key_secret *k)
{
	/* sodium_free wipes before it frees. */
	if (k != NULL)
		sodium_free(k);
}

void key_id(const uint8_t pk[KEY_PUB_LEN], uint8_t id[KEY_ID_LEN])
{
	uint8_t h[crypto_generichash_blake2b_BYTES_MIN];

	crypto_generichash_blake2b_salt_personal(h, sizeof h, pk, KEY_PUB_LEN,
	                                         NULL, 0, NULL, personal_keyid);
	memcpy(id, h, KEY_ID_LEN);
}

st_t key_pub_format(const uint8_t pk[KEY_PUB_LEN], char *out, size_t cap)
{
	char b64[64];
	size_t need = strlen(KEY_PUB_PREFIX) + enc_b64_len(KEY_PUB_LEN) + 1;

	if (cap < need)
		return ST_TOOBIG;
	enc_b64_encode(b64, pk, KEY_PUB_LEN);
	snprintf(out, cap, "%s%s\n", KEY_PUB_PREFIX, b64);
	return ST_OK;
}

int key_bundle_find(const key_bundle *b, const uint8_t pk[KEY_PUB_LEN])
{
	for (size_t i = 0; i < b->n; i++)
		if (sodium_memcmp(b->pk[i], pk, KEY_PUB_LEN) == 0)
			return (int)i;
	return -1;
}

st_t key_bundle_add(key_bundle *b, const uint8_t pk[KEY_PUB_LEN])
{
	if (key_bundle_find(b, pk) >= 0)
		return ST_CONFLICT;
	if (b->n >= KEY_BUNDLE_MAX)
		return ST_TOOBIG;
	memcpy(b->pk[b->n++], pk, KEY_PUB_LEN);
	return ST_OK;
}

/* One non-comment line: exactly the prefix and 44 base64 characters,
 * optionally followed by '\r'. */
static st_t parse_key_line(const char *line, size_t len, key_bundle *b)
{
	size_t plen = strlen(KEY_PUB_PREFIX);
	uint8_t pk[KEY_PUB_LEN];
	st_t ret;

	if (len > 0 && line[len - 1] == '\r')
		len--;
	if (len <= plen || memcmp(line, KEY_PUB_PREFIX, plen) != 0)
		return ST_BADDATA;
	ret = enc_b64_decode(pk, sizeof pk, line + plen, len - plen);
	if (ret != ST_OK)
		return ret;
	ret = key_bundle_add(b, pk);
	/* A key listed twice is a malformed bundle, not a conflict. */
	return ret == ST_CONFLICT ? ST_BADDATA : ret;
}

st_t key_bundle_parse(const char *text, size_t len, key_bundle *b)
{
	size_t pos = 0;
	int first = 1;
	st_t ret;

	memset(b, 0, sizeof *b);
	if (len > KEY_FILE_MAX)
		return ST_TOOBIG;
	while (pos < len) {
		const char *line = text + pos;
		const char *nl = memchr(line, '\n', len - pos);
		size_t llen = nl ? (size_t)(nl - line) : len - pos;

		pos += llen + (nl ? 1 : 0);
		/* A NUL inside the file is never part of a valid key set. */
		if (memchr(line, '\0', llen) != NULL)
			return ST_BADDATA;
		/* The header, when there is one, is the file's very first
		 * line (FORMAT.md 1.2); anywhere else it is a bad line. */
		if (first && llen >= strlen(KEY_BUNDLE_HEADER) &&
		    strncmp(line, KEY_BUNDLE_HEADER, strlen(KEY_BUNDLE_HEADER)) == 0 &&
		    (llen == strlen(KEY_BUNDLE_HEADER) ||
		     (llen == strlen(KEY_BUNDLE_HEADER) + 1 && line[llen - 1] == '\r'))) {
			first = 0;
			continue;
		}
		first = 0;
		if (llen == 0 || line[0] == '#' ||
		    (llen == 1 && line[0] == '\r'))
			continue;
		ret = parse_key_line(line, llen, b);
		if (ret != ST_OK)
			return ret;
	}
	return b->n == 0 ? ST_BADDATA : ST_OK;
}

st_t key_bundle_format(const key_bundle *b, char **out)
{
	char fp[KEY_FP_TEXT_MAX];
	size_t cap = 256 + b->n * 80, off;
	char *s;

	if (b->n == 0)
		return ST_BADDATA;
	s = malloc(cap);
	if (s == NULL)
		return ST_NOMEM;
	key_bundle_fingerprint(b, fp);
	off = (size_t)snprintf(s, cap, "%s\n# fingerprint %s\n", KEY_BUNDLE_HEADER, fp);
	for (size_t i = 0; i < b->n; i++) {
		st_t ret = key_pub_format(b->pk[i], s + off, cap - off);

		if (ret != ST_OK) {
			free(s);
			return ret;
		}
		off += strlen(s + off);
	}
	*out = s;
	return ST_OK;
}

static int cmp_pk(const void *a, const void *b)
{
	return memcmp(a, b, KEY_PUB_LEN);
}

static void fingerprint_raw(const key_bundle *b, uint8_t fp[KEY_FP_LEN])
{
	uint8_t sorted[KEY_BUNDLE_MAX][KEY_PUB_LEN];
	uint8_t count = (uint8_t)b->n;
	crypto_generichash_blake2b_state st;
	uint8_t h[32];

	/* Sorted, so the fingerprint names the set, not its order. */
	memcpy(sorted, b->pk, b->n * KEY_PUB_LEN);
	qsort(sorted, b->n, KEY_PUB_LEN, cmp_pk);
	crypto_generichash_blake2b_init_salt_personal(&st, NULL, 0, sizeof h,
	                                              NULL, personal_fp);
	crypto_generichash_blake2b_update(&st, &count, 1);
	crypto_generichash_blake2b_update(&st, &sorted[0][0], b->n * KEY_PUB_LEN);
	crypto_generichash_blake2b_final(&st, h, sizeof h);
	memcpy(fp, h, KEY_FP_LEN);
}

void key_bundle_fingerprint(const key_bundle *b, char out[KEY_FP_TEXT_MAX])
{
	uint8_t fp[KEY_FP_LEN];
	char raw[KEY_FP_TEXT_MAX];

	fingerprint_raw(b, fp);
	enc_b32_encode(raw, fp, sizeof fp);
	(void)enc_group(out, KEY_FP_TEXT_MAX, raw, 4);
}

st_t key_fingerprint_check(const key_bundle *b, const char *text)
{
	uint8_t want[KEY_FP_LEN], have[KEY_FP_LEN];

	if (strlen(text) > 4 * KEY_FP_TEXT_MAX ||
	    enc_b32_decode(want, sizeof want, text) != ST_OK)
		return ST_BADDATA;
	fingerprint_raw(b, have);
	return sodium_memcmp(want, have, KEY_FP_LEN) == 0 ? ST_OK : ST_MISMATCH;
}

/* Argon2id of the passphrase into a sodium_malloc'd 32-byte key. */
static st_t secfile_kdf(const char *pass, size_t passlen, const uint8_t *salt,
                        uint64_t ops, uint64_t mem, uint8_t **key)
{
	uint8_t *k = sodium_malloc(crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

	if (k == NULL)
		return ST_NOMEM;
	if (crypto_pwhash(k, crypto_aead_xchacha20poly1305_ietf_KEYBYTES, pass,
	                  passlen, salt, ops, (size_t)mem,
	                  crypto_pwhash_ALG_ARGON2ID13) != 0) {
		sodium_free(k);
		return ST_NOMEM;
	}
	*key = k;
	return ST_OK;
}

st_t key_secfile_seal(const char magic[8], const uint8_t sec[KEY_SEC_LEN],
                      const char *pass, size_t passlen,
                      uint8_t out[KEY_SECFILE_LEN])
{
	uint8_t *key = NULL;
	st_t ret;

	/* A passphrase is a line as typed: its terminator is never part of
	 * it, so one holding CR, LF or NUL could never be typed again. */
	if (passlen == 0 || memchr(pass, '\n', passlen) != NULL ||
	    memchr(pass, '\r', passlen) != NULL || memchr(pass, '\0', passlen) != NULL)
		return ST_BADDATA;
	memset(out, 0, KEY_SECFILE_LEN);
	memcpy(out, magic, 8);
	out[8] = SECFILE_VERSION;
	out[9] = SECFILE_ALG_ARGON2ID13;
	enc_put_u32le(out + 12, (uint32_t)KEY_KDF_OPSLIMIT);
	enc_put_u64le(out + 16, KEY_KDF_MEMLIMIT);
	randombytes_buf(out + 24, 16);
	randombytes_buf(out + 40, 24);
	ret = secfile_kdf(pass, passlen, out + 24, KEY_KDF_OPSLIMIT,
	                  KEY_KDF_MEMLIMIT, &key);
	if (ret != ST_OK)
		goto cleanup;
	crypto_aead_xchacha20poly1305_ietf_encrypt(out + SECFILE_AD_LEN, NULL,
	                                           sec, KEY_SEC_LEN, out,
	                                           SECFILE_AD_LEN, NULL,
	                                           out + 40, key);
cleanup:
	if (key != NULL)
		sodium_free(key);
	return ret;
}

st_t key_secret_seal(const key_secret *k, const char *pass, size_t passlen,
                     uint8_t out[KEY_SECFILE_LEN])
{
	return key_secfile_seal(SECFILE_MAGIC, k->sk, pass, passlen, out);
}

st_t key_secfile_open(const char magic[8], const uint8_t *file, size_t len,
                      const char *pass, size_t passlen,
                      uint8_t sec[KEY_SEC_LEN])
{
	uint8_t *key = NULL;
	uint64_t ops, mem;
	st_t ret;

	if (len != KEY_SECFILE_LEN || memcmp(file, magic, 8) != 0)
		return ST_BADDATA;
	if (file[8] != SECFILE_VERSION)
		return ST_VERSION;
	if (file[9] != SECFILE_ALG_ARGON2ID13 || file[10] != 0 || file[11] != 0)
		return ST_BADDATA;
	ops = enc_get_u32le(file + 12);
	mem = enc_get_u64le(file + 16);
	if (ops < SECFILE_MIN_OPS || ops > SECFILE_MAX_OPS ||
	    mem < SECFILE_MIN_MEM || mem > SECFILE_MAX_MEM)
		return ST_BADDATA;
	ret = secfile_kdf(pass, passlen, file + 24, ops, mem, &key);
	if (ret != ST_OK)
		goto cleanup;
	if (crypto_aead_xchacha20poly1305_ietf_decrypt(
	        sec, NULL, NULL, file + SECFILE_AD_LEN,
	        KEY_SEC_LEN + crypto_aead_xchacha20poly1305_ietf_ABYTES, file,
	        SECFILE_AD_LEN, file + 40, key) != 0)
		ret = ST_DECRYPT;
cleanup:
	if (key != NULL)
		sodium_free(key);
	return ret;
}

st_t key_secret_open(const uint8_t *file, size_t len, const char *pass,
                     size_t passlen, key_secret **out)
{
	key_secret *k = sodium_malloc(sizeof *k);
	st_t ret;

	if (k == NULL)
		return ST_NOMEM;
	ret = key_secfile_open(SECFILE_MAGIC, file, len, pass, passlen, k->sk);
	if (ret != ST_OK) {
		key_secret_free(k);
		return ret;
	}
	crypto_scalarmult_base(k->pk, k->sk);
	*out = k;
	return ST_OK;
}
