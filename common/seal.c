/* seal.c: serves an envelope's bytes at any offset, sealing one batch of
 * chunks at a time from the plaintext reader. The batch buffer holds
 * plaintext while it is sealed, so it is sodium_malloc'd and wiped. */
#include "seal.h"
#include "env.h"

#include <sodium.h>
#include <string.h>

struct seal {
	env_keys *k;
	uint8_t header[ENV_MAX_HEADER];
	size_t hlen;
	uint64_t total;
	seal_read_fn rd;
	void *ctx;
	unsigned threads;
	uint8_t *batch;      /* SEAL_BATCH slots of ENV_SLOT bytes */
	uint64_t bfirst;     /* first chunk in the batch */
	size_t bcount;       /* chunks in the batch; 0 when empty */
};

st_t seal_new(const key_bundle *to, uint64_t stream_len, seal_read_fn rd,
              void *ctx, unsigned threads, seal **out)
{
	seal *s;
	st_t ret;

	s = sodium_malloc(sizeof *s);
	if (s == NULL)
		return ST_NOMEM;
	memset(s, 0, sizeof *s);
	s->batch = sodium_malloc((size_t)SEAL_BATCH * ENV_SLOT);
	if (s->batch == NULL) {
		ret = ST_NOMEM;
		goto cleanup;
	}
	ret = env_seal_begin(to, stream_len, s->header, sizeof s->header, &s->k);
	if (ret != ST_OK)
		goto cleanup;
	s->hlen = env_keys_header_len(s->k);
	s->total = env_total_len((unsigned)to->n, stream_len);
	s->rd = rd;
	s->ctx = ctx;
	s->threads = threads ? threads : env_auto_threads();
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

/* Make the batch start at chunk idx: read each chunk's plaintext into its
 * slot, then seal them all. */
static st_t fill_batch(seal *s, uint64_t idx)
{
	uint64_t n = env_keys_nchunks(s->k) - idx;
	size_t count = n < SEAL_BATCH ? (size_t)n : SEAL_BATCH;
	st_t ret;

	s->bcount = 0;
	for (size_t j = 0; j < count; j++) {
		ret = s->rd(s->ctx, (idx + j) * ENV_CHUNK, s->batch + j * ENV_SLOT,
		            env_chunk_plain_len(s->k, idx + j));
		if (ret != ST_OK)
			return ret;
	}
	ret = env_seal_chunks(s->k, idx, s->batch, count, s->threads);
	if (ret != ST_OK)
		return ret;
	s->bfirst = idx;
	s->bcount = count;
	return ST_OK;
}

st_t seal_read(seal *s, uint64_t off, uint8_t *buf, size_t len, size_t *got)
{
	size_t done = 0;
	st_t ret = ST_OK;

	while (done < len && off < s->total) {
		size_t n;

		if (off < s->hlen) {
			n = s->hlen - (size_t)off;
			if (n > len - done)
				n = len - done;
			memcpy(buf + done, s->header + off, n);
		} else {
			uint64_t p = off - s->hlen;
			uint64_t idx = p / ENV_SLOT;
			size_t in = (size_t)(p % ENV_SLOT);
			size_t slot_len;

			if (s->bcount == 0 || idx < s->bfirst ||
			    idx >= s->bfirst + s->bcount) {
				ret = fill_batch(s, idx);
				if (ret != ST_OK)
					break;
			}
			slot_len = env_chunk_plain_len(s->k, idx) + ENV_TAG;
			n = slot_len - in;
			if (n > len - done)
				n = len - done;
			memcpy(buf + done, s->batch + (idx - s->bfirst) * ENV_SLOT + in, n);
		}
		done += n;
		off += n;
	}
	*got = done;
	return ret;
}

void seal_free(seal *s)
{
	if (s == NULL)
		return;
	if (s->batch != NULL)
		sodium_free(s->batch);
	env_keys_free(s->k);
	sodium_free(s);
}
