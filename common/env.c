/* env.c: sealing and opening envelopes (format in docs/FORMAT.md).
 * env_inspect and env_open_header parse attacker-supplied headers: every
 * length is checked against the bytes present before it is used. Payload
 * chunks of both suites go through libcrypto's EVP: its AES-256-GCM runs
 * on every CPU (libsodium's needs AES-NI), and its ChaCha20-Poly1305 has
 * wider vector code, about three times libsodium's on x86-64, with the
 * same bytes (tests/unit/test_env.c holds it against libsodium). Header
 * wrapping stays on libsodium. */
#include "env.h"
#include "enc.h"
#include "pad.h"

#include <openssl/evp.h>
#include <pthread.h>
#include <sodium.h>
#include <stdint.h>
#include <string.h>
#include <unistd.h>

#define OFF_VERSION 6
#define OFF_NRECIP 7
#define OFF_SUITE 8
#define OFF_RESERVED 9
#define RESERVED_LEN 7
#define OFF_STREAM_LEN 16
#define OFF_NONCE 24
#define OFF_EPK 40
#define WRAPPED_LEN (32 + crypto_aead_chacha20poly1305_ietf_ABYTES)

struct env_keys {
	uint8_t payload_key[crypto_aead_chacha20poly1305_ietf_KEYBYTES];
	uint8_t mac[ENV_MAC_LEN]; /* the header MAC, bound into every chunk */
	uint64_t stream_len;
	uint64_t nchunks;
	size_t header_len;
	unsigned suite;
};

static const uint8_t personal_wrap[16] = "intake-wrap-v1";
static const uint8_t personal_hmac[16] = "intake-hmac-v1";
/* One payload key per suite: the same file key never keys two AEADs. */
static const uint8_t personal_payload[2][16] = { "intake-payload1",
                                                 "intake-payload2" };

static int suite_known(unsigned suite)
{
	return suite == ENV_SUITE_CHACHA || suite == ENV_SUITE_AESGCM;
}

size_t env_header_len(unsigned nrecip)
{
	return ENV_FIXED_LEN + (size_t)nrecip * ENV_STANZA_LEN + ENV_MAC_LEN;
}

uint64_t env_nchunks(uint64_t stream_len)
{
	return (stream_len + ENV_CHUNK - 1) / ENV_CHUNK;
}

uint64_t env_total_len(unsigned nrecip, uint64_t stream_len)
{
	return env_header_len(nrecip) + stream_len +
	       env_nchunks(stream_len) * ENV_TAG;
}

st_t env_inspect(const uint8_t *buf, size_t len, env_info *info)
{
	memset(info, 0, sizeof *info);
	if (len < ENV_FIXED_LEN || memcmp(buf, ENV_MAGIC, ENV_MAGIC_LEN) != 0)
		return ST_BADDATA;
	if (buf[OFF_VERSION] != ENV_VERSION || !suite_known(buf[OFF_SUITE]))
		return ST_VERSION;
	/* Reserved bytes are zero, so a later meaning cannot be mistaken
	 * for this one. */
	for (unsigned i = 0; i < RESERVED_LEN; i++)
		if (buf[OFF_RESERVED + i] != 0)
			return ST_BADDATA;
	info->version = buf[OFF_VERSION];
	info->nrecip = buf[OFF_NRECIP];
	info->suite = buf[OFF_SUITE];
	info->stream_len = enc_get_u64le(buf + OFF_STREAM_LEN);
	if (info->nrecip < 1 || info->nrecip > ENV_MAX_RECIPIENTS)
		return ST_BADDATA;
	/* Bounding stream_len first keeps total_len from overflowing; the
	 * padding rule leaves one valid length per size class. */
	if (info->stream_len < PAD_MIN_STREAM ||
	    info->stream_len > ENV_MAX_STREAM ||
	    pad_padme(info->stream_len) != info->stream_len)
		return ST_BADDATA;
	info->header_len = env_header_len(info->nrecip);
	info->total_len = env_total_len(info->nrecip, info->stream_len);
	if (len < info->header_len)
		return ST_BADDATA;
	for (unsigned i = 0; i < info->nrecip; i++)
		memcpy(info->key_ids[i], buf + ENV_FIXED_LEN + i * ENV_STANZA_LEN,
		       KEY_ID_LEN);
	return ST_OK;
}

/* Wrap key for one recipient: BLAKE2b of the X25519 result and both public
 * keys, so the key is bound to this exchange. ST_DECRYPT for a low-order
 * point (all-zero shared secret). */
static st_t wrap_key(uint8_t out[32], const uint8_t *sk, const uint8_t *pk_for_dh,
                     const uint8_t *epk, const uint8_t *rpk)
{
	uint8_t shared[crypto_scalarmult_BYTES];
	crypto_generichash_blake2b_state st;
	st_t ret = ST_OK;

	if (crypto_scalarmult(shared, sk, pk_for_dh) != 0) {
		ret = ST_DECRYPT;
		goto cleanup;
	}
	crypto_generichash_blake2b_init_salt_personal(&st, NULL, 0, 32, NULL,
	                                              personal_wrap);
	crypto_generichash_blake2b_update(&st, shared, sizeof shared);
	crypto_generichash_blake2b_update(&st, epk, 32);
	crypto_generichash_blake2b_update(&st, rpk, 32);
	crypto_generichash_blake2b_final(&st, out, 32);
cleanup:
	sodium_memzero(shared, sizeof shared);
	sodium_memzero(&st, sizeof st);
	return ret;
}

/* Header MAC key and payload key from the file key and envelope nonce,
 * then the MAC over everything before it. */
static void derive(env_keys *k, const uint8_t *file_key, const uint8_t *hdr,
                   size_t maclen_off)
{
	uint8_t mac_key[32];

	crypto_generichash_blake2b_salt_personal(mac_key, sizeof mac_key, NULL, 0,
	                                         file_key, 32, hdr + OFF_NONCE,
	                                         personal_hmac);
	crypto_generichash_blake2b_salt_personal(k->payload_key,
	                                         sizeof k->payload_key, NULL, 0,
	                                         file_key, 32, hdr + OFF_NONCE,
	                                         personal_payload[k->suite - 1]);
	crypto_generichash_blake2b(k->mac, sizeof k->mac, hdr, maclen_off,
	                           mac_key, sizeof mac_key);
	sodium_memzero(mac_key, sizeof mac_key);
}

static env_keys *keys_new(uint64_t stream_len, unsigned nrecip, unsigned suite)
{
	env_keys *k = sodium_malloc(sizeof *k);

	if (k == NULL)
		return NULL;
	k->suite = suite;
	k->stream_len = stream_len;
	k->nchunks = env_nchunks(stream_len);
	k->header_len = env_header_len(nrecip);
	return k;
}

st_t env_seal_begin(const key_bundle *to, unsigned suite, uint64_t stream_len,
                    uint8_t *header, size_t cap, env_keys **out)
{
	static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
	uint8_t esk[crypto_box_SECRETKEYBYTES];
	uint8_t file_key[32], wk[32];
	env_keys *k = NULL;
	size_t hlen;
	st_t ret = ST_OK;

	if (to->n < 1 || to->n > ENV_MAX_RECIPIENTS || !suite_known(suite))
		return ST_BADDATA;
	if (stream_len < PAD_MIN_STREAM || stream_len > ENV_MAX_STREAM ||
	    pad_padme(stream_len) != stream_len)
		return ST_BADDATA;
	hlen = env_header_len((unsigned)to->n);
	if (cap < hlen)
		return ST_TOOBIG;
	k = keys_new(stream_len, (unsigned)to->n, suite);
	if (k == NULL)
		return ST_NOMEM;
	memcpy(header, ENV_MAGIC, ENV_MAGIC_LEN);
	header[OFF_VERSION] = ENV_VERSION;
	header[OFF_NRECIP] = (uint8_t)to->n;
	header[OFF_SUITE] = (uint8_t)suite;
	memset(header + OFF_RESERVED, 0, RESERVED_LEN);
	enc_put_u64le(header + OFF_STREAM_LEN, stream_len);
	randombytes_buf(header + OFF_NONCE, ENV_NONCE_LEN);
	crypto_box_keypair(header + OFF_EPK, esk);
	randombytes_buf(file_key, sizeof file_key);
	for (size_t i = 0; i < to->n; i++) {
		uint8_t *st = header + ENV_FIXED_LEN + i * ENV_STANZA_LEN;

		key_id(to->pk[i], st);
		/* Writers give each stanza its own key id (FORMAT.md 2.1). */
		for (size_t j = 0; j < i; j++)
			if (memcmp(header + ENV_FIXED_LEN + j * ENV_STANZA_LEN, st,
			           KEY_ID_LEN) == 0) {
				ret = ST_BADDATA;
				goto cleanup;
			}
		ret = wrap_key(wk, esk, to->pk[i], header + OFF_EPK, to->pk[i]);
		if (ret != ST_OK) {
			ret = ST_BADDATA; /* a low-order recipient key */
			goto cleanup;
		}
		/* Each wrap key is used once, so a fixed nonce is safe. */
		crypto_aead_chacha20poly1305_ietf_encrypt(st + KEY_ID_LEN, NULL,
		                                          file_key, sizeof file_key,
		                                          header, ENV_FIXED_LEN, NULL,
		                                          zero_nonce, wk);
	}
	derive(k, file_key, header, hlen - ENV_MAC_LEN);
	memcpy(header + hlen - ENV_MAC_LEN, k->mac, ENV_MAC_LEN);
	*out = k;
	k = NULL;
cleanup:
	sodium_memzero(esk, sizeof esk);
	sodium_memzero(file_key, sizeof file_key);
	sodium_memzero(wk, sizeof wk);
	env_keys_free(k);
	return ret;
}

st_t env_open_header(const uint8_t *buf, size_t len, const key_secret *sec,
                     env_keys **out, unsigned *stanza)
{
	static const uint8_t zero_nonce[crypto_aead_chacha20poly1305_ietf_NPUBBYTES];
	uint8_t file_key[32], wk[32], my_id[KEY_ID_LEN];
	env_info info;
	env_keys *k = NULL;
	int matched = 0, opened = 0;
	unsigned i;
	st_t ret;

	ret = env_inspect(buf, len, &info);
	if (ret != ST_OK)
		return ret;
	key_id(sec->pk, my_id);
	for (i = 0; i < info.nrecip && !opened; i++) {
		const uint8_t *st = buf + ENV_FIXED_LEN + i * ENV_STANZA_LEN;

		if (sodium_memcmp(st, my_id, KEY_ID_LEN) != 0)
			continue;
		matched = 1;
		if (wrap_key(wk, sec->sk, buf + OFF_EPK, buf + OFF_EPK, sec->pk) != ST_OK)
			continue;
		if (crypto_aead_chacha20poly1305_ietf_decrypt(
		        file_key, NULL, NULL, st + KEY_ID_LEN, WRAPPED_LEN, buf,
		        ENV_FIXED_LEN, zero_nonce, wk) == 0)
			opened = 1;
	}
	if (!matched) {
		ret = ST_NOKEY;
		goto cleanup;
	}
	if (!opened) {
		ret = ST_DECRYPT;
		goto cleanup;
	}
	k = keys_new(info.stream_len, info.nrecip, info.suite);
	if (k == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	derive(k, file_key, buf, info.header_len - ENV_MAC_LEN);
	/* The MAC covers every recipient stanza: none can be added, removed
	 * or swapped without the file key. */
	if (crypto_verify_32(k->mac, buf + info.header_len - ENV_MAC_LEN) != 0) {
		ret = ST_DECRYPT;
		goto cleanup;
	}
	if (stanza != NULL)
		*stanza = i - 1;
	*out = k;
	k = NULL;
cleanup:
	sodium_memzero(file_key, sizeof file_key);
	sodium_memzero(wk, sizeof wk);
	env_keys_free(k);
	return ret;
}

void env_keys_free(env_keys *k)
{
	if (k != NULL)
		sodium_free(k);
}

uint64_t env_keys_stream_len(const env_keys *k)
{
	return k->stream_len;
}

unsigned env_keys_suite(const env_keys *k)
{
	return k->suite;
}

uint64_t env_keys_nchunks(const env_keys *k)
{
	return k->nchunks;
}

size_t env_keys_header_len(const env_keys *k)
{
	return k->header_len;
}

size_t env_chunk_plain_len(const env_keys *k, uint64_t idx)
{
	if (idx >= k->nchunks)
		return 0;
	if (idx + 1 < k->nchunks)
		return ENV_CHUNK;
	return (size_t)(k->stream_len - (k->nchunks - 1) * ENV_CHUNK);
}

/* STREAM nonce: 64-bit big-endian chunk counter, then the last-chunk flag. */
static void chunk_nonce(uint8_t n[12], const env_keys *k, uint64_t idx)
{
	memset(n, 0, 12);
	for (int i = 0; i < 8; i++)
		n[3 + i] = (uint8_t)(idx >> (8 * (7 - i)));
	n[11] = idx + 1 == k->nchunks ? 1 : 0;
}

typedef struct {
	const env_keys *k;
	uint64_t first;
	uint8_t *buf;
	size_t from, to; /* slots [from, to) of this worker */
	int seal;
	st_t ret;
} chunk_job;

/* A libcrypto context for the chunks of `suite`, keyed once: each chunk
 * then sets only its IV. The IV length is set before the key, as EVP
 * wants. NULL on any failure. */
static EVP_CIPHER_CTX *aead_new(unsigned suite, const uint8_t *key, int seal)
{
	const EVP_CIPHER *ci = suite == ENV_SUITE_AESGCM ? EVP_aes_256_gcm()
	                                                 : EVP_chacha20_poly1305();
	EVP_CIPHER_CTX *c = EVP_CIPHER_CTX_new();

	if (c == NULL)
		return NULL;
	if (EVP_CipherInit_ex(c, ci, NULL, NULL, NULL, seal) != 1 ||
	    EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_IVLEN, 12, NULL) != 1 ||
	    EVP_CipherInit_ex(c, NULL, NULL, key, NULL, seal) != 1) {
		EVP_CIPHER_CTX_free(c);
		return NULL;
	}
	return c;
}

/* One chunk in place with a keyed context: the 16-byte tag goes to (or
 * is read from) the bytes after the text. When opening, Final checks the
 * tag in constant time and fails on a mismatch. 1 on success. */
static int aead_chunk(EVP_CIPHER_CTX *c, int seal, uint8_t *slot, size_t plen,
                      const uint8_t nonce[12], const uint8_t *ad, size_t adlen)
{
	uint8_t *tag = slot + plen;
	int n;

	if (plen > ENV_CHUNK || adlen > ENV_CHUNK)
		return 0;
	if (EVP_CipherInit_ex(c, NULL, NULL, NULL, nonce, seal) != 1 ||
	    EVP_CipherUpdate(c, NULL, &n, ad, (int)adlen) != 1 ||
	    EVP_CipherUpdate(c, slot, &n, slot, (int)plen) != 1 || (size_t)n != plen)
		return 0;
	if (!seal && EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_SET_TAG, ENV_TAG, tag) != 1)
		return 0;
	/* Neither AEAD writes bytes here; opening checks the tag. */
	if (EVP_CipherFinal_ex(c, tag, &n) != 1 || n != 0)
		return 0;
	return !seal || EVP_CIPHER_CTX_ctrl(c, EVP_CTRL_AEAD_GET_TAG, ENV_TAG, tag) == 1;
}

st_t env_chunk_aead(unsigned suite, int seal, const uint8_t key[32],
                    const uint8_t nonce[12], const uint8_t *ad, size_t adlen,
                    uint8_t *slot, size_t plen)
{
	EVP_CIPHER_CTX *c;
	st_t ret = ST_OK;

	if (!suite_known(suite) || plen > ENV_CHUNK || adlen > ENV_CHUNK)
		return ST_BADDATA;
	c = aead_new(suite, key, seal);
	if (c == NULL)
		return ST_NOMEM;
	if (!aead_chunk(c, seal, slot, plen, nonce, ad, adlen)) {
		sodium_memzero(slot, plen + ENV_TAG);
		ret = seal ? ST_INTERNAL : ST_DECRYPT;
	}
	EVP_CIPHER_CTX_free(c);
	return ret;
}

static void *chunk_work(void *arg)
{
	chunk_job *j = arg;
	/* One key schedule per job; each chunk only sets its IV. */
	EVP_CIPHER_CTX *c = aead_new(j->k->suite, j->k->payload_key, j->seal);

	j->ret = ST_OK;
	if (c == NULL) {
		j->ret = ST_NOMEM;
		goto cleanup;
	}
	for (size_t s = j->from; s < j->to; s++) {
		uint64_t idx = j->first + s;
		size_t plen = env_chunk_plain_len(j->k, idx);
		uint8_t *slot = j->buf + s * ENV_SLOT;
		uint8_t nonce[12];

		chunk_nonce(nonce, j->k, idx);
		if (!aead_chunk(c, j->seal, slot, plen, nonce, j->k->mac, ENV_MAC_LEN)) {
			j->ret = j->seal ? ST_INTERNAL : ST_DECRYPT;
			break;
		}
	}
cleanup:
	EVP_CIPHER_CTX_free(c); /* cleanses the key schedule */
	return NULL;
}

/* A pool of persistent workers: on this kind of machine creating a
 * thread per batch costs more than sealing a quarter of it. One caller at
 * a time owns the pool; a caller that finds it busy works alone. */
#define POOL_MAX 7

static struct {
	pthread_once_t once;
	pthread_mutex_t mu;
	pthread_cond_t go, done;
	unsigned nworkers;
	int in_use;
	unsigned gen;        /* bumped for each dispatch */
	unsigned pending;    /* workers still on this dispatch */
	chunk_job *jobs;     /* jobs[1..] go to workers 0.. */
	unsigned njobs;
} pool = { PTHREAD_ONCE_INIT, PTHREAD_MUTEX_INITIALIZER,
           PTHREAD_COND_INITIALIZER, PTHREAD_COND_INITIALIZER, 0, 0, 0, 0,
           NULL, 0 };

static void *pool_worker(void *arg)
{
	unsigned me = (unsigned)(uintptr_t)arg, seen = 0;

	pthread_mutex_lock(&pool.mu);
	for (;;) {
		while (pool.gen == seen)
			pthread_cond_wait(&pool.go, &pool.mu);
		seen = pool.gen;
		if (me + 1 < pool.njobs) {
			chunk_job *j = &pool.jobs[me + 1];

			pthread_mutex_unlock(&pool.mu);
			chunk_work(j);
			pthread_mutex_lock(&pool.mu);
			if (--pool.pending == 0)
				pthread_cond_signal(&pool.done);
		}
	}
	return NULL;
}

static void pool_start(void)
{
	unsigned want = env_auto_threads() - 1;
	pthread_attr_t at;

	if (want > POOL_MAX)
		want = POOL_MAX;
	pthread_attr_init(&at);
	pthread_attr_setdetachstate(&at, PTHREAD_CREATE_DETACHED);
	for (unsigned i = 0; i < want; i++) {
		pthread_t t;

		if (pthread_create(&t, &at, pool_worker, (void *)(uintptr_t)i) != 0)
			break;
		pool.nworkers++;
	}
	pthread_attr_destroy(&at);
}

/* Run jobs[0] here and jobs[1..n) on pool workers; false (nothing run)
 * when the pool is busy or has too few workers. */
static int pool_run(chunk_job *jobs, unsigned n)
{
	pthread_once(&pool.once, pool_start);
	pthread_mutex_lock(&pool.mu);
	if (pool.in_use || pool.nworkers + 1 < n) {
		pthread_mutex_unlock(&pool.mu);
		return 0;
	}
	pool.in_use = 1;
	pool.jobs = jobs;
	pool.njobs = n;
	pool.pending = n - 1;
	pool.gen++;
	pthread_cond_broadcast(&pool.go);
	pthread_mutex_unlock(&pool.mu);
	chunk_work(&jobs[0]);
	pthread_mutex_lock(&pool.mu);
	while (pool.pending > 0)
		pthread_cond_wait(&pool.done, &pool.mu);
	pool.in_use = 0;
	pool.jobs = NULL;
	pthread_mutex_unlock(&pool.mu);
	return 1;
}

static st_t run_chunks(const env_keys *k, uint64_t first, uint8_t *buf,
                       size_t count, unsigned threads, int seal)
{
	chunk_job jobs[POOL_MAX + 1];
	size_t per;
	unsigned t;
	st_t ret = ST_OK;

	if (count == 0)
		return ST_OK;
	if (first >= k->nchunks || count > k->nchunks - first)
		return ST_INTERNAL;
	if (threads < 1)
		threads = 1;
	if (threads > POOL_MAX + 1)
		threads = POOL_MAX + 1;
	if (threads > count)
		threads = (unsigned)count;
	per = (count + threads - 1) / threads;
	for (t = 0; t < threads; t++) {
		jobs[t] = (chunk_job){ k, first, buf, t * per,
		                       (t + 1) * per < count ? (t + 1) * per : count,
		                       seal, ST_OK };
	}
	if (threads == 1 || !pool_run(jobs, threads)) {
		/* alone: the same jobs, one after the other */
		for (t = 0; t < threads; t++)
			chunk_work(&jobs[t]);
	}
	for (t = 0; t < threads; t++)
		if (jobs[t].ret != ST_OK)
			ret = jobs[t].ret;
	return ret;
}

st_t env_seal_chunks(const env_keys *k, uint64_t first, uint8_t *buf,
                     size_t count, unsigned threads)
{
	return run_chunks(k, first, buf, count, threads, 1);
}

st_t env_open_chunks(const env_keys *k, uint64_t first, uint8_t *buf,
                     size_t count, unsigned threads)
{
	st_t ret = run_chunks(k, first, buf, count, threads, 0);

	/* Nothing of a batch that failed may be used: wipe all of it. */
	if (ret != ST_OK)
		sodium_memzero(buf, count * ENV_SLOT);
	return ret;
}

unsigned env_auto_threads(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	if (n < 1)
		return 1;
	return n > 8 ? 8 : (unsigned)n;
}
