/* seal.c: serves an envelope's bytes at any offset, sealing one batch of
 * chunks at a time from the plaintext reader. With more than one thread a
 * worker seals the next batch while the caller sends the current one, so
 * sealing overlaps the network or disk; the bytes do not depend on it.
 * Batch buffers hold plaintext while they are sealed, so they are
 * sodium_malloc'd and wiped on free. */
#include "seal.h"
#include "env.h"

#include <pthread.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>

typedef struct {
	uint8_t *buf;        /* SEAL_BATCH slots of ENV_SLOT bytes */
	uint64_t first;      /* first chunk */
	size_t count;        /* chunks held; 0 when empty */
} batch;

struct seal {
	env_keys *k;
	/* The tag of every chunk sealed so far (tags[i*ENV_TAG..]) and a bit
	 * per chunk saying it was: the nonce-reuse guard. Tags are public
	 * (they are sent), so plain memory serves. */
	uint8_t *tags;
	uint8_t *sealed;
	uint8_t header[ENV_MAX_HEADER];
	size_t hlen;
	uint64_t total;
	seal_read_fn rd;
	void *ctx;
	unsigned threads;
	batch b[2];
	int cur;             /* the batch being served */
	/* Prefetch worker (threads > 1 only). It owns b[!cur] while busy. */
	int has_worker;
	pthread_t worker;
	pthread_mutex_t mu;
	pthread_cond_t cv;
	int busy, quit;
	int job_slot;
	uint64_t job_first;
	st_t job_ret;
};

/* A chunk is sealed under one key and one nonce however often it is
 * sealed, so sealing other plaintext again (a file changed during the
 * upload, re-read after a resume, perhaps at an offset a hostile server
 * chose) would put two plaintexts under one nonce: their XOR, and for GCM
 * the authentication key, would leak. The AEAD output is a function of
 * the plaintext under that key and nonce, so its 16-byte tag serves as a
 * keyed hash of the plaintext: a re-sealed chunk must give the tag it
 * gave the first time (a different plaintext matching it is a forgery,
 * chance about 2^-100). Called before any byte of the batch is served. */
static st_t guard_tags(seal *s, const batch *bt, uint64_t idx, size_t count)
{
	for (size_t j = 0; j < count; j++) {
		uint64_t c = idx + j;
		const uint8_t *tag = bt->buf + j * ENV_SLOT + env_chunk_plain_len(s->k, c);
		uint8_t *seen = s->tags + c * ENV_TAG;
		uint8_t bit = (uint8_t)(1u << (c % 8));

		if ((s->sealed[c / 8] & bit) == 0) {
			memcpy(seen, tag, ENV_TAG);
			s->sealed[c / 8] |= bit;
		} else if (sodium_memcmp(seen, tag, ENV_TAG) != 0) {
			return ST_CHANGED;
		}
	}
	return ST_OK;
}

/* Read and seal the batch starting at chunk idx into bt. Only the caller
 * or the prefetch worker runs this, never both at once (move_to waits). */
static st_t fill_batch(seal *s, batch *bt, uint64_t idx, unsigned threads)
{
	uint64_t n = env_keys_nchunks(s->k) - idx;
	size_t count = n < SEAL_BATCH ? (size_t)n : SEAL_BATCH;
	st_t ret;

	bt->count = 0;
	for (size_t j = 0; j < count; j++) {
		ret = s->rd(s->ctx, (idx + j) * ENV_CHUNK, bt->buf + j * ENV_SLOT,
		            env_chunk_plain_len(s->k, idx + j));
		if (ret != ST_OK)
			return ret;
	}
	ret = env_seal_chunks(s->k, idx, bt->buf, count, threads);
	if (ret == ST_OK)
		ret = guard_tags(s, bt, idx, count);
	if (ret != ST_OK) {
		sodium_memzero(bt->buf, count * ENV_SLOT);
		return ret;
	}
	bt->first = idx;
	bt->count = count;
	return ST_OK;
}

static void *worker_main(void *arg)
{
	seal *s = arg;

	pthread_mutex_lock(&s->mu);
	for (;;) {
		while (!s->busy && !s->quit)
			pthread_cond_wait(&s->cv, &s->mu);
		if (s->quit)
			break;
		pthread_mutex_unlock(&s->mu);
		/* The caller only touches the other batch while we are busy.
		 * All threads seal: a caller that waits here has nothing else
		 * to do, and one that is busy sending shares the cores. */
		s->job_ret = fill_batch(s, &s->b[s->job_slot], s->job_first,
		                        s->threads);
		pthread_mutex_lock(&s->mu);
		s->busy = 0;
		pthread_cond_broadcast(&s->cv);
	}
	pthread_mutex_unlock(&s->mu);
	return NULL;
}

/* Wait until the worker is idle; its result stays in b[!cur]. */
static st_t wait_worker(seal *s)
{
	st_t ret;

	pthread_mutex_lock(&s->mu);
	while (s->busy)
		pthread_cond_wait(&s->cv, &s->mu);
	ret = s->job_ret;
	s->job_ret = ST_OK;
	pthread_mutex_unlock(&s->mu);
	return ret;
}

/* Start sealing the batch after the current one, if there is one. */
static void prefetch_next(seal *s)
{
	uint64_t next = s->b[s->cur].first + s->b[s->cur].count;

	if (!s->has_worker || next >= env_keys_nchunks(s->k))
		return;
	pthread_mutex_lock(&s->mu);
	s->b[!s->cur].count = 0;
	s->job_slot = !s->cur;
	s->job_first = next;
	s->busy = 1;
	pthread_cond_broadcast(&s->cv);
	pthread_mutex_unlock(&s->mu);
}

static int holds(const batch *bt, uint64_t idx)
{
	return bt->count != 0 && idx >= bt->first && idx < bt->first + bt->count;
}

/* Make b[cur] hold chunk idx: the prefetched batch if it is the one,
 * otherwise (a jump, as after a resumed upload) seal it here. */
static st_t move_to(seal *s, uint64_t idx)
{
	st_t ret = ST_OK;

	if (s->has_worker) {
		ret = wait_worker(s);
		if (ret == ST_OK && holds(&s->b[!s->cur], idx)) {
			s->cur = !s->cur;
			prefetch_next(s);
			return ST_OK;
		}
	}
	if (ret == ST_OK)
		ret = fill_batch(s, &s->b[s->cur], idx, s->threads);
	if (ret == ST_OK)
		prefetch_next(s);
	return ret;
}

st_t seal_new(const key_bundle *to, uint64_t stream_len, seal_read_fn rd,
              void *ctx, unsigned threads, seal **out)
{
	return seal_new_suite(to, ENV_SUITE_CHACHA, stream_len, rd, ctx, threads,
	                      out);
}

st_t seal_new_suite(const key_bundle *to, unsigned suite, uint64_t stream_len,
                    seal_read_fn rd, void *ctx, unsigned threads, seal **out)
{
	seal *s;
	uint64_t nchunks;
	st_t ret;

	s = sodium_malloc(sizeof *s);
	if (s == NULL)
		return ST_NOMEM;
	memset(s, 0, sizeof *s);
	s->b[0].buf = sodium_malloc((size_t)SEAL_BATCH * ENV_SLOT);
	s->b[1].buf = sodium_malloc((size_t)SEAL_BATCH * ENV_SLOT);
	if (s->b[0].buf == NULL || s->b[1].buf == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	ret = env_seal_begin(to, suite, stream_len, s->header, sizeof s->header,
	                     &s->k);
	if (ret != ST_OK)
		goto cleanup;
	/* env_seal_begin bounded stream_len, so these sizes fit. */
	nchunks = env_keys_nchunks(s->k);
	s->tags = calloc((size_t)nchunks, ENV_TAG);
	s->sealed = calloc((size_t)(nchunks + 7) / 8, 1);
	if (s->tags == NULL || s->sealed == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	s->hlen = env_keys_header_len(s->k);
	s->total = env_total_len((unsigned)to->n, stream_len);
	s->rd = rd;
	s->ctx = ctx;
	s->threads = threads ? threads : env_auto_threads();
	if (s->threads > 1) {
		pthread_mutex_init(&s->mu, NULL);
		pthread_cond_init(&s->cv, NULL);
		/* Without a worker thread we still seal, just without overlap. */
		s->has_worker = pthread_create(&s->worker, NULL, worker_main, s) == 0;
		if (!s->has_worker) {
			pthread_cond_destroy(&s->cv);
			pthread_mutex_destroy(&s->mu);
		}
	}
	*out = s;
	s = NULL;
cleanup:
	seal_free(s);
	return ret;
}

uint64_t seal_total_len(const seal *s)
{
	return s->total;
}

st_t seal_peek(seal *s, uint64_t off, const uint8_t **p, size_t *n)
{
	uint64_t pay, idx, last;
	const batch *bt;
	st_t ret;

	*n = 0;
	if (off >= s->total)
		return ST_OK;
	if (off < s->hlen) {
		*p = s->header + off;
		*n = s->hlen - (size_t)off;
		return ST_OK;
	}
	pay = off - s->hlen;
	idx = pay / ENV_SLOT;
	if (!holds(&s->b[s->cur], idx)) {
		ret = move_to(s, idx);
		if (ret != ST_OK)
			return ret;
	}
	bt = &s->b[s->cur];
	/* Slots are contiguous and only the envelope's last chunk is short,
	 * so the rest of the batch is one run of envelope bytes. */
	last = bt->first + bt->count - 1;
	*p = bt->buf + (size_t)(pay - bt->first * ENV_SLOT);
	*n = (size_t)((last - bt->first) * ENV_SLOT + env_chunk_plain_len(s->k, last) +
	              ENV_TAG - (pay - bt->first * ENV_SLOT));
	return ST_OK;
}

st_t seal_read(seal *s, uint64_t off, uint8_t *buf, size_t len, size_t *got)
{
	size_t done = 0;
	st_t ret = ST_OK;

	while (done < len) {
		const uint8_t *p;
		size_t n;

		ret = seal_peek(s, off + done, &p, &n);
		if (ret != ST_OK || n == 0)
			break;
		if (n > len - done)
			n = len - done;
		memcpy(buf + done, p, n);
		done += n;
	}
	*got = done;
	return ret;
}

void seal_free(seal *s)
{
	if (s == NULL)
		return;
	if (s->has_worker) {
		pthread_mutex_lock(&s->mu);
		s->quit = 1;
		pthread_cond_broadcast(&s->cv);
		pthread_mutex_unlock(&s->mu);
		pthread_join(s->worker, NULL);
		pthread_cond_destroy(&s->cv);
		pthread_mutex_destroy(&s->mu);
	}
	for (int i = 0; i < 2; i++)
		if (s->b[i].buf != NULL)
			sodium_free(s->b[i].buf);
	free(s->tags);
	free(s->sealed);
	env_keys_free(s->k);
	sodium_free(s);
}
