/* envbench.c: envelope throughput for `make bench` (issue 2). Modes:
 *   envbench raw MIB              raw ChaCha20-Poly1305 over 64 KiB chunks, one core
 *   envbench seal IN OUT PUB T [S] seal file IN (one attachment) to OUT, T
 *                                 threads, chunk suite S (1 ChaCha20-Poly1305,
 *                                 2 AES-256-GCM; default 1)
 *   envbench open ENV KEYHEX T    open and verify ENV, discarding plaintext
 *   envbench keygen PUB           throwaway key: PUB file, secret hex on stdout
 * Each prints "MODE bytes seconds MB/s maxrss_kib". KEYHEX is a raw
 * secret key in hex: benchmark keys are throwaway, never passphrase-sealed. */
#include "env.h"
#include "enc.h"
#include "fsio.h"
#include "key.h"
#include "manifest.h"
#include "payload.h"
#include "seal.h"

#include <fcntl.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

static void report(const char *mode, uint64_t bytes, double secs)
{
	struct rusage ru;

	getrusage(RUSAGE_SELF, &ru);
	printf("%s %llu %.3f %.1f %ld\n", mode, (unsigned long long)bytes, secs,
	       (double)bytes / secs / 1e6, ru.ru_maxrss);
}

static int bench_raw(unsigned mib)
{
	uint8_t key[32], nonce[12] = { 0 }, *buf = malloc(ENV_SLOT);
	uint64_t total = (uint64_t)mib << 20;
	double t0;

	randombytes_buf(key, sizeof key);
	memset(buf, 7, ENV_SLOT);
	t0 = now();
	for (uint64_t i = 0; i < total / ENV_CHUNK; i++) {
		memcpy(nonce + 4, &i, sizeof i);
		crypto_aead_chacha20poly1305_ietf_encrypt_detached(
		    buf, buf + ENV_CHUNK, NULL, buf, ENV_CHUNK, NULL, 0, NULL, nonce, key);
	}
	report("raw", total, now() - t0);
	free(buf);
	return 0;
}

static int bench_seal(const char *in, const char *out, const char *pub,
                      unsigned threads, unsigned suite)
{
	static const char *modes[2][2] = { { "seal-n", "seal-1" },
	                                   { "seal-gcm-n", "seal-gcm-1" } };
	uint8_t *text = NULL;
	size_t tlen, got;
	key_bundle b;
	manifest m;
	payload_src *src = NULL;
	seal *s = NULL;
	struct stat sb;
	int fd = open(in, O_RDONLY), ofd;
	uint64_t off = 0;
	double t0 = now();

	memset(&m, 0, sizeof m);
	if (fd < 0 || fstat(fd, &sb) != 0 || fsio_read_file(pub, KEY_FILE_MAX, &text, &tlen) != ST_OK ||
	    key_bundle_parse((char *)text, tlen, &b) != ST_OK)
		return 1;
	ofd = open(out, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	if (ofd < 0 || manifest_add_file(&m, "big.bin", (uint64_t)sb.st_size, "") != ST_OK ||
	    payload_src_new(&m, (const uint8_t *)"", &fd, &src) != ST_OK ||
	    seal_new_suite(&b, suite, payload_src_stream_len(src), payload_src_read,
	                   src, threads, &s) != ST_OK)
		return 1;
	for (;;) {
		const uint8_t *p;

		if (seal_peek(s, off, &p, &got) != ST_OK)
			return 1;
		if (got == 0)
			break;
		if (fsio_write_all(ofd, p, got) != ST_OK)
			return 1;
		off += got;
	}
	close(ofd);
	report(modes[suite == ENV_SUITE_AESGCM][threads == 1], (uint64_t)sb.st_size,
	       now() - t0);
	seal_free(s);
	payload_src_free(src);
	manifest_clear(&m);
	free(text);
	close(fd);
	return 0;
}

static st_t sink_manifest(void *c, const manifest *m) { (void)c; (void)m; return ST_OK; }
static st_t sink_data(void *c, int part, const uint8_t *p, size_t n)
{
	(void)c; (void)part; (void)p; (void)n;
	return ST_OK;
}
static st_t sink_end(void *c, int part) { (void)c; (void)part; return ST_OK; }

static int bench_open(const char *path, const char *keyhex, unsigned threads)
{
	static const payload_sink sink = { sink_manifest, sink_data, sink_end };
	key_secret *k = sodium_malloc(sizeof *k);
	uint8_t hdr[ENV_MAX_HEADER], *buf = sodium_malloc(SEAL_BATCH * ENV_SLOT);
	env_keys *ek = NULL;
	payload_parser *pp = NULL;
	size_t got;
	int fd = open(path, O_RDONLY);
	uint64_t off, nch, stream;
	double t0 = now();

	if (fd < 0 || enc_hex_decode(k->sk, 32, keyhex) != ST_OK)
		return 1;
	crypto_scalarmult_base(k->pk, k->sk);
	if (fsio_read_full(fd, hdr, sizeof hdr, &got) != ST_OK ||
	    env_open_header(hdr, got, k, &ek, NULL) != ST_OK)
		return 1;
	stream = env_keys_stream_len(ek);
	nch = env_keys_nchunks(ek);
	off = env_keys_header_len(ek);
	if (payload_parser_new(stream, &sink, NULL, &pp) != ST_OK)
		return 1;
	for (uint64_t c = 0; c < nch; c += SEAL_BATCH) {
		size_t cnt = nch - c < SEAL_BATCH ? (size_t)(nch - c) : SEAL_BATCH;

		for (size_t j = 0; j < cnt; j++) {
			size_t sl = env_chunk_plain_len(ek, c + j) + ENV_TAG;

			if (fsio_pread_exact(fd, buf + j * ENV_SLOT, sl, off) != ST_OK)
				return 1;
			off += sl;
		}
		if (env_open_chunks(ek, c, buf, cnt, threads ? threads : env_auto_threads()) != ST_OK)
			return 1;
		for (size_t j = 0; j < cnt; j++)
			if (payload_parser_feed(pp, buf + j * ENV_SLOT, env_chunk_plain_len(ek, c + j)) != ST_OK)
				return 1;
	}
	if (payload_parser_finish(pp) != ST_OK)
		return 1;
	report(env_keys_suite(ek) == ENV_SUITE_AESGCM
	           ? (threads == 1 ? "open-gcm-1" : "open-gcm-n")
	           : (threads == 1 ? "open-1" : "open-n"),
	       stream, now() - t0);
	payload_parser_free(pp);
	env_keys_free(ek);
	key_secret_free(k);
	sodium_free(buf);
	close(fd);
	return 0;
}

static int bench_keygen(const char *pub)
{
	key_secret *k = NULL;
	char line[128], hex[65];

	if (key_generate(&k) != ST_OK || key_pub_format(k->pk, line, sizeof line) != ST_OK ||
	    fsio_write_file_atomic(pub, line, strlen(line), 0644, 1) != ST_OK)
		return 1;
	enc_hex_encode(hex, k->sk, 32);
	printf("%s\n", hex);
	key_secret_free(k);
	return 0;
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 1;
	if (argc == 3 && strcmp(argv[1], "raw") == 0)
		return bench_raw((unsigned)strtoul(argv[2], NULL, 10));
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "seal") == 0)
		return bench_seal(argv[2], argv[3], argv[4], (unsigned)strtoul(argv[5], NULL, 10),
		                  argc == 7 ? (unsigned)strtoul(argv[6], NULL, 10)
		                            : ENV_SUITE_CHACHA);
	if (argc == 5 && strcmp(argv[1], "open") == 0)
		return bench_open(argv[2], argv[3], (unsigned)strtoul(argv[4], NULL, 10));
	if (argc == 3 && strcmp(argv[1], "keygen") == 0)
		return bench_keygen(argv[2]);
	fprintf(stderr, "usage: envbench keygen PUB | raw MIB | seal IN OUT PUB THREADS [SUITE] | open ENV KEYHEX THREADS\n");
	return 64;
}
