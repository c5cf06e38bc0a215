/* testutil.h: helpers for the common/ unit tests (test code only).
 * A deterministic randombytes source for known-answer vectors, and an
 * in-memory seal/open round trip built on the public common/ API. */
#ifndef INTAKE_TESTUTIL_H
#define INTAKE_TESTUTIL_H

#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sodium.h>

#include "env.h"
#include "key.h"
#include "manifest.h"
#include "payload.h"
#include "seal.h"

/* Deterministic randomness: each call takes the next block of a ChaCha20
 * stream keyed by a fixed seed. Installed only by test binaries. */
static uint8_t tu_seed[randombytes_SEEDBYTES];
static uint64_t tu_counter;

static const char *tu_rand_name(void) { return "intake-test-deterministic"; }
static uint32_t tu_rand_u32(void)
{
	uint8_t b[4];
	uint8_t seed[randombytes_SEEDBYTES];

	memcpy(seed, tu_seed, sizeof seed);
	memcpy(seed, &tu_counter, sizeof tu_counter);
	tu_counter++;
	randombytes_buf_deterministic(b, sizeof b, seed);
	return (uint32_t)b[0] | (uint32_t)b[1] << 8 | (uint32_t)b[2] << 16 |
	       (uint32_t)b[3] << 24;
}
static void tu_rand_buf(void *buf, size_t n)
{
	uint8_t seed[randombytes_SEEDBYTES];

	memcpy(seed, tu_seed, sizeof seed);
	memcpy(seed, &tu_counter, sizeof tu_counter);
	tu_counter++;
	randombytes_buf_deterministic(buf, n, seed);
}
static struct randombytes_implementation tu_rand_impl = {
	tu_rand_name, tu_rand_u32, NULL, NULL, tu_rand_buf, NULL
};

/* Reset the deterministic source to a seed made from a label. */
static inline void tu_rand_reset(const char *label)
{
	crypto_generichash(tu_seed, sizeof tu_seed, (const uint8_t *)label,
	                   strlen(label), NULL, 0);
	tu_counter = 0;
}

static inline void tu_use_deterministic_random(const char *label)
{
	randombytes_set_implementation(&tu_rand_impl);
	tu_rand_reset(label);
	assert_true(sodium_init() >= 0);
}

/* One attachment for an in-memory envelope. */
typedef struct {
	const char *name;
	const uint8_t *data;
	size_t len;
} tu_file;

/* Seal text and files (written to anonymous temp files, since payload
 * sources read attachments from fds) to a bundle with chunk suite `suite`.
 * *env is malloc'd. */
static inline st_t tu_seal_suite(const key_bundle *to, unsigned suite,
                                 const char *text, const tu_file *files,
                                 size_t nfiles, const uint8_t reply_pk[32],
                                 uint8_t **env, size_t *envlen)
{
	manifest m;
	payload_src *src = NULL;
	seal *s = NULL;
	int fds[8];
	size_t got;
	st_t ret;

	memset(&m, 0, sizeof m);
	assert_true(nfiles <= 8);
	m.text_size = strlen(text);
	if (reply_pk != NULL) {
		m.has_reply = 1;
		memcpy(m.reply_pk, reply_pk, 32);
		memset(m.mailbox, 0xab, sizeof m.mailbox);
	}
	for (size_t i = 0; i < nfiles; i++) {
		FILE *f = tmpfile();

		assert_non_null(f);
		assert_int_equal(fwrite(files[i].data, 1, files[i].len, f), files[i].len);
		fflush(f);
		fds[i] = dup(fileno(f));
		fclose(f);
		assert_int_equal(manifest_add_file(&m, files[i].name, files[i].len,
		                                   manifest_guess_type(files[i].name)),
		                 ST_OK);
	}
	ret = payload_src_new(&m, (const uint8_t *)text, fds, &src);
	if (ret == ST_OK)
		ret = seal_new_suite(to, suite, payload_src_stream_len(src),
		                     payload_src_read, src, 1, &s);
	if (ret == ST_OK) {
		*envlen = (size_t)seal_total_len(s);
		*env = malloc(*envlen);
		assert_non_null(*env);
		ret = seal_read(s, 0, *env, *envlen, &got);
		if (ret == ST_OK)
			assert_int_equal(got, *envlen);
	}
	seal_free(s);
	payload_src_free(src);
	for (size_t i = 0; i < nfiles; i++)
		close(fds[i]);
	manifest_clear(&m);
	return ret;
}

/* tu_seal_suite in suite 1, what the C client writes. */
static inline st_t tu_seal(const key_bundle *to, const char *text,
                           const tu_file *files, size_t nfiles,
                           const uint8_t reply_pk[32], uint8_t **env,
                           size_t *envlen)
{
	return tu_seal_suite(to, ENV_SUITE_CHACHA, text, files, nfiles, reply_pk,
	                     env, envlen);
}

/* What an opened envelope held. */
typedef struct {
	manifest m;
	uint8_t *parts[9]; /* [0] text, [1+i] file i */
	size_t lens[9];
	size_t ends;       /* on_part_end calls */
} tu_opened;

static st_t tu_on_manifest(void *ctx, const manifest *m)
{
	tu_opened *o = ctx;

	if (m->nfiles > 8)
		return ST_TOOBIG;
	o->m.text_size = m->text_size;
	o->m.nfiles = 0;
	for (size_t i = 0; i < m->nfiles; i++)
		if (manifest_add_file(&o->m, m->files[i].name, m->files[i].size,
		                      m->files[i].type) != ST_OK)
			return ST_NOMEM;
	o->m.has_reply = m->has_reply;
	memcpy(o->m.reply_pk, m->reply_pk, 32);
	return ST_OK;
}

static st_t tu_on_data(void *ctx, int part, const uint8_t *p, size_t n)
{
	tu_opened *o = ctx;
	size_t i = (size_t)(part + 1);

	o->parts[i] = realloc(o->parts[i], o->lens[i] + n + 1);
	assert_non_null(o->parts[i]);
	memcpy(o->parts[i] + o->lens[i], p, n);
	o->lens[i] += n;
	o->parts[i][o->lens[i]] = 0;
	return ST_OK;
}

static st_t tu_on_end(void *ctx, int part)
{
	tu_opened *o = ctx;

	(void)part;
	o->ends++;
	return ST_OK;
}

static const payload_sink tu_sink = { tu_on_manifest, tu_on_data, tu_on_end };

static inline void tu_opened_clear(tu_opened *o)
{
	for (size_t i = 0; i < 9; i++)
		free(o->parts[i]);
	manifest_clear(&o->m);
	memset(o, 0, sizeof *o);
}

/* Open a whole in-memory envelope with k, as the officer does: header,
 * then every chunk, then the payload parser; nothing is kept on failure. */
static inline st_t tu_open(const key_secret *k, const uint8_t *env,
                           size_t len, tu_opened *o, unsigned threads)
{
	env_keys *ek = NULL;
	payload_parser *pp = NULL;
	uint8_t *buf = NULL;
	env_info info;
	uint64_t nch, off;
	st_t ret;

	memset(o, 0, sizeof *o);
	ret = env_inspect(env, len, &info);
	if (ret != ST_OK)
		return ret;
	if (info.total_len != len)
		return ST_BADDATA;
	ret = env_open_header(env, len, k, &ek, NULL);
	if (ret != ST_OK)
		return ret;
	ret = payload_parser_new(env_keys_stream_len(ek), &tu_sink, o, &pp);
	if (ret != ST_OK)
		goto cleanup;
	nch = env_keys_nchunks(ek);
	buf = malloc(SEAL_BATCH * ENV_SLOT);
	assert_non_null(buf);
	off = info.header_len;
	for (uint64_t c = 0; c < nch && ret == ST_OK; c += SEAL_BATCH) {
		size_t cnt = nch - c < SEAL_BATCH ? (size_t)(nch - c) : SEAL_BATCH;

		for (size_t j = 0; j < cnt; j++) {
			size_t sl = env_chunk_plain_len(ek, c + j) + ENV_TAG;

			memcpy(buf + j * ENV_SLOT, env + off, sl);
			off += sl;
		}
		ret = env_open_chunks(ek, c, buf, cnt, threads);
		for (size_t j = 0; j < cnt && ret == ST_OK; j++)
			ret = payload_parser_feed(pp, buf + j * ENV_SLOT,
			                          env_chunk_plain_len(ek, c + j));
	}
	if (ret == ST_OK)
		ret = payload_parser_finish(pp);
cleanup:
	free(buf);
	payload_parser_free(pp);
	env_keys_free(ek);
	if (ret != ST_OK)
		tu_opened_clear(o);
	return ret;
}

/* Known-answer tests: their files are in $INTAKE_TOP/tests/vectors when
 * that is set (else *vdir stays), and `--write DIR` remakes them with
 * write_fn. Returns write_fn's exit code, or -1 to run the tests. */
static inline int tu_vectors_args(int argc, char **argv, const char **vdir,
                                  int (*write_fn)(const char *dir))
{
	static char path[512];

	if (getenv("INTAKE_TOP") != NULL) {
		snprintf(path, sizeof path, "%s/tests/vectors", getenv("INTAKE_TOP"));
		*vdir = path;
	}
	if (argc == 3 && strcmp(argv[1], "--write") == 0)
		return write_fn(argv[2]);
	return -1;
}

#endif
