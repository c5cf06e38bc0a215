/* srv_mkenv.c: test-only envelope maker for the server tests and bench:
 * seals LEN pseudo-random bytes (padded as the client pads them; seeded,
 * so reproducible) to a freshly generated throwaway key and writes the
 * envelope. The key is discarded: the server never opens what it stores.
 *   srv_mkenv LEN OUTFILE [SEED [SUITE]]   (SUITE 1 or 2, default 1) */
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "env.h"
#include "fsio.h"
#include "key.h"
#include "pad.h"
#include "proc.h"
#include "seal.h"

#define MKENV_BUF (4u << 20)

/* Plaintext at any offset: a keystream, so content differs per seed. */
static st_t mkenv_read(void *ctx, uint64_t off, uint8_t *buf, size_t len)
{
	const uint8_t *seed = ctx;
	uint8_t nonce[crypto_stream_chacha20_ietf_NONCEBYTES] = { 0 };

	/* Offsets from seal are chunk-aligned, so whole 64-byte blocks. */
	memset(buf, 0, len);
	crypto_stream_chacha20_ietf_xor_ic(buf, buf, len, nonce, (uint32_t)(off / 64), seed);
	return ST_OK;
}

int main(int argc, char **argv)
{
	uint8_t seed[crypto_stream_chacha20_ietf_KEYBYTES] = { 0 };
	key_secret *k = NULL;
	key_bundle to;
	seal *s = NULL;
	uint8_t *buf = NULL;
	uint64_t len, off = 0;
	unsigned suite = ENV_SUITE_CHACHA;
	size_t got;
	int fd = -1;
	st_t st;

	if (proc_harden() != ST_OK)
		return 70;
	if (argc < 3 || argc > 5) {
		fprintf(stderr, "usage: srv_mkenv LEN OUTFILE [SEED [SUITE]]\n");
		return 64;
	}
	len = strtoull(argv[1], NULL, 10);
	if (argc >= 4)
		snprintf((char *)seed, sizeof seed, "%s", argv[3]);
	if (argc == 5)
		suite = (unsigned)strtoul(argv[4], NULL, 10);
	memset(&to, 0, sizeof to);
	buf = malloc(MKENV_BUF);
	st = buf == NULL ? ST_NOMEM : pad_stream_len(len, &len);
	if (st == ST_OK)
		st = key_generate(&k);
	if (st == ST_OK)
		st = key_bundle_add(&to, k->pk);
	if (st == ST_OK)
		st = seal_new_suite(&to, suite, len, mkenv_read, seed, 0, &s);
	if (st == ST_OK) {
		fd = strcmp(argv[2], "-") == 0 ? 1 : open(argv[2], O_WRONLY | O_CREAT | O_TRUNC, 0600);
		if (fd < 0)
			st = ST_IO;
	}
	while (st == ST_OK) {
		st = seal_read(s, off, buf, MKENV_BUF, &got);
		if (st != ST_OK || got == 0)
			break;
		st = fsio_write_all(fd, buf, got);
		off += got;
	}
	if (fd > 1 && close(fd) != 0 && st == ST_OK)
		st = ST_IO;
	seal_free(s);
	key_secret_free(k);
	free(buf);
	if (st != ST_OK) {
		fprintf(stderr, "srv_mkenv: %s\n", st_str(st));
		return st_exit_code(st);
	}
	return 0;
}
