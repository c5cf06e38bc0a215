/* cli_envtool.c: test-only helper for the client's integration tests (an
 * independent officer side built on common/ alone): make a key pair with
 * an unprotected secret key file, open an envelope into a directory, and
 * seal a reply. Never for real keys: the secret is stored as plain hex.
 *   cli_envtool keygen PUBFILE SECFILE
 *   cli_envtool open SECFILE ENVELOPE OUTDIR   (prints manifest facts)
 *   cli_envtool reply SECFILE REPLY_PK_HEX TEXTFILE OUTFILE [MAILBOX_HEX SEQ]
 *               (signed raw reply; without a mailbox it signs for zeros)
 *   cli_envtool fp BUNDLE                (fingerprint on stdout)
 *   cli_envtool authkeygen PUBFILE SECFILE
 *   cli_envtool authsign SECFILE METHOD HOST TARGET [BODYFILE]
 *                                     (Authorization value) */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "auth.h"
#include "enc.h"
#include "env.h"
#include "fsio.h"
#include "key.h"
#include "payload.h"
#include "reply.h"
#include "seal.h"

typedef struct {
	const char *dir;
	int fd;
} sink_ctx;

static int die(const char *what, st_t st)
{
	fprintf(stderr, "cli_envtool: %s: %s\n", what, st_str(st));
	return st_exit_code(st) ? st_exit_code(st) : 1;
}

static st_t load_secret(const char *path, key_secret **out)
{
	uint8_t *text = NULL;
	size_t len = 0;
	key_secret *k;
	st_t st;

	st = fsio_read_file(path, 256, &text, &len);
	if (st != ST_OK)
		return st;
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == ' '))
		text[--len] = '\0';
	k = sodium_malloc(sizeof(*k));
	if (k == NULL) {
		free(text);
		return ST_NOMEM;
	}
	st = enc_hex_decode(k->sk, KEY_SEC_LEN, (const char *)text);
	sodium_memzero(text, len);
	free(text);
	if (st == ST_OK && crypto_scalarmult_base(k->pk, k->sk) != 0)
		st = ST_INTERNAL;
	if (st != ST_OK) {
		key_secret_free(k);
		return st;
	}
	*out = k;
	return ST_OK;
}

static int cmd_keygen(char **argv)
{
	key_secret *k = NULL;
	char pub[128], hex[2 * KEY_SEC_LEN + 2];
	st_t st;

	st = key_generate(&k);
	if (st == ST_OK)
		st = key_pub_format(k->pk, pub, sizeof(pub));
	if (st == ST_OK)
		st = fsio_write_file_atomic(argv[0], pub, strlen(pub), 0644, 0);
	if (st == ST_OK) {
		enc_hex_encode(hex, k->sk, KEY_SEC_LEN);
		snprintf(hex + 2 * KEY_SEC_LEN, sizeof hex - 2 * KEY_SEC_LEN, "\n");
		st = fsio_write_file_atomic(argv[1], hex, strlen(hex), 0600, 0);
	}
	key_secret_free(k);
	return st == ST_OK ? 0 : die("keygen", st);
}

static st_t on_manifest(void *vctx, const manifest *m)
{
	char hex[65];
	size_t i;

	(void)vctx;
	printf("text_size %llu\n", (unsigned long long)m->text_size);
	printf("nfiles %zu\n", m->nfiles);
	for (i = 0; i < m->nfiles; i++)
		printf("file %zu %llu %s %s\n", i, (unsigned long long)m->files[i].size,
		       m->files[i].type[0] ? m->files[i].type : "-", m->files[i].name);
	printf("has_reply %d\n", m->has_reply);
	enc_hex_encode(hex, m->reply_pk, 32);
	printf("reply_pk %s\n", hex);
	enc_hex_encode(hex, m->mailbox, 16);
	printf("mailbox %s\n", hex);
	printf("date %s\n", m->date[0] ? m->date : "-");
	return ST_OK;
}

static st_t on_data(void *vctx, int part, const uint8_t *p, size_t n)
{
	sink_ctx *c = vctx;
	char path[4096];

	if (c->fd < 0) {
		if (part == PAYLOAD_TEXT)
			snprintf(path, sizeof(path), "%s/text", c->dir);
		else
			snprintf(path, sizeof(path), "%s/file-%d", c->dir, part);
		c->fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (c->fd < 0)
			return ST_IO;
	}
	return fsio_write_all(c->fd, p, n);
}

static st_t on_part_end(void *vctx, int part)
{
	sink_ctx *c = vctx;
	char path[4096];

	if (c->fd < 0) { /* an empty part still gets its (empty) file */
		if (part == PAYLOAD_TEXT)
			snprintf(path, sizeof(path), "%s/text", c->dir);
		else
			snprintf(path, sizeof(path), "%s/file-%d", c->dir, part);
		c->fd = open(path, O_WRONLY | O_CREAT | O_EXCL, 0600);
		if (c->fd < 0)
			return ST_IO;
	}
	close(c->fd);
	c->fd = -1;
	return ST_OK;
}

static int cmd_open(char **argv)
{
	key_secret *k = NULL;
	env_keys *keys = NULL;
	payload_parser *pp = NULL;
	payload_sink sink = { on_manifest, on_data, on_part_end };
	sink_ctx ctx = { argv[2], -1 };
	uint8_t *buf = NULL;
	struct stat sb;
	uint64_t first, nchunks, hl, off;
	size_t count, want, got, j;
	unsigned stanza;
	env_info info;
	int fd = -1;
	st_t st;

	st = load_secret(argv[0], &k);
	if (st != ST_OK)
		return die("secret key", st);
	fd = open(argv[1], O_RDONLY);
	if (fd < 0 || fstat(fd, &sb) != 0) {
		st = ST_NOINPUT;
		goto cleanup;
	}
	buf = malloc(SEAL_BATCH * ENV_SLOT);
	if (buf == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	want = (uint64_t)sb.st_size < ENV_MAX_HEADER ? (size_t)sb.st_size
	                                            : ENV_MAX_HEADER;
	st = fsio_read_full(fd, buf, want, &got);
	if (st == ST_OK)
		st = env_open_header(buf, got, k, &keys, &stanza);
	if (st != ST_OK)
		goto cleanup;
	hl = env_keys_header_len(keys);
	nchunks = env_keys_nchunks(keys);
	st = env_inspect(buf, got, &info);
	if (st == ST_OK && info.total_len != (uint64_t)sb.st_size)
		st = ST_BADDATA;
	if (st != ST_OK)
		goto cleanup;
	st = payload_parser_new(env_keys_stream_len(keys), &sink, &ctx, &pp);
	if (st != ST_OK)
		goto cleanup;
	for (first = 0; first < nchunks; first += count) {
		count = nchunks - first < SEAL_BATCH ? (size_t)(nchunks - first)
		                                     : SEAL_BATCH;
		off = hl + first * ENV_SLOT;
		want = (size_t)((uint64_t)sb.st_size - off < count * ENV_SLOT
		                ? (uint64_t)sb.st_size - off : count * ENV_SLOT);
		st = fsio_pread_exact(fd, buf, want, off);
		if (st == ST_OK)
			st = env_open_chunks(keys, first, buf, count, 1);
		for (j = 0; st == ST_OK && j < count; j++)
			st = payload_parser_feed(pp, buf + j * ENV_SLOT,
			                         env_chunk_plain_len(keys, first + j));
		if (st != ST_OK)
			goto cleanup;
	}
	st = payload_parser_finish(pp);
cleanup:
	payload_parser_free(pp);
	env_keys_free(keys);
	key_secret_free(k);
	free(buf);
	if (fd >= 0)
		close(fd);
	if (ctx.fd >= 0)
		close(ctx.fd);
	fflush(stdout);
	return st == ST_OK ? 0 : die("open", st);
}

static int cmd_reply(char **argv, int extra)
{
	key_secret *k = NULL;
	uint8_t pk[32], mb[16] = { 0 }, *text = NULL, *out = NULL;
	uint32_t seq = extra ? (uint32_t)strtoul(argv[5], NULL, 10) : 1;
	size_t tl = 0, ol = 0;
	st_t st;

	st = load_secret(argv[0], &k);
	if (st == ST_OK && extra)
		st = enc_hex_decode(mb, sizeof mb, argv[4]);
	if (st == ST_OK)
		st = enc_hex_decode(pk, 32, argv[1]);
	if (st == ST_OK)
		st = fsio_read_file(argv[2], REPLY_TEXT_MAX, &text, &tl);
	if (st == ST_OK)
		st = reply_seal(k, mb, pk, seq, (uint32_t)(time(NULL) / 86400),
		                text, tl, &out, &ol);
	if (st == ST_OK)
		st = fsio_write_file_atomic(argv[3], out, ol, 0600, 0);
	free(out);
	free(text);
	key_secret_free(k);
	return st == ST_OK ? 0 : die("reply", st);
}

static int cmd_fp(char **argv)
{
	uint8_t *text = NULL;
	size_t len = 0;
	key_bundle b;
	char fp[KEY_FP_TEXT_MAX];
	st_t st;

	st = fsio_read_file(argv[0], KEY_FILE_MAX, &text, &len);
	if (st == ST_OK)
		st = key_bundle_parse((const char *)text, len, &b);
	free(text);
	if (st != ST_OK)
		return die("fp", st);
	key_bundle_fingerprint(&b, fp);
	printf("%s\n", fp);
	return 0;
}

static int cmd_authkeygen(char **argv)
{
	uint8_t pk[AUTH_PK_LEN], *sk = sodium_malloc(AUTH_SK_LEN);
	char pub[160], sec[160];
	st_t st = sk ? ST_OK : ST_NOMEM;

	if (st == ST_OK)
		st = auth_keygen(pk, sk);
	if (st == ST_OK)
		st = auth_pub_format(pk, pub, sizeof(pub));
	if (st == ST_OK)
		st = auth_sec_format(sk, sec, sizeof(sec));
	if (st == ST_OK)
		st = fsio_write_file_atomic(argv[0], pub, strlen(pub), 0644, 0);
	if (st == ST_OK)
		st = fsio_write_file_atomic(argv[1], sec, strlen(sec), 0600, 0);
	if (sk != NULL)
		sodium_free(sk);
	return st == ST_OK ? 0 : die("authkeygen", st);
}

static int cmd_authsign(char **argv, int with_body)
{
	uint8_t *text = NULL, *body = NULL, *sk = sodium_malloc(AUTH_SK_LEN);
	uint8_t hash[AUTH_BODY_HASH_LEN];
	size_t len = 0, blen = 0;
	char hdr[AUTH_HEADER_MAX];
	st_t st = sk ? ST_OK : ST_NOMEM;

	if (st == ST_OK && with_body)
		st = fsio_read_file(argv[4], 1 << 20, &body, &blen);
	auth_body_hash(body, blen, hash);
	free(body);

	if (st == ST_OK)
		st = fsio_read_file(argv[0], 1024, &text, &len);
	while (st == ST_OK && len > 0 && text[len - 1] == '\n')
		text[--len] = '\0';
	if (st == ST_OK)
		st = auth_sec_parse((const char *)text, len, sk);
	if (st == ST_OK)
		st = auth_sign(sk, argv[1], argv[2], argv[3], hash,
		               (int64_t)time(NULL), hdr);
	if (st == ST_OK)
		printf("%s\n", hdr);
	free(text);
	if (sk != NULL)
		sodium_free(sk);
	return st == ST_OK ? 0 : die("authsign", st);
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 70;
	if (argc == 4 && strcmp(argv[1], "keygen") == 0)
		return cmd_keygen(argv + 2);
	if (argc == 5 && strcmp(argv[1], "open") == 0)
		return cmd_open(argv + 2);
	if ((argc == 6 || argc == 8) && strcmp(argv[1], "reply") == 0)
		return cmd_reply(argv + 2, argc == 8);
	if (argc == 3 && strcmp(argv[1], "fp") == 0)
		return cmd_fp(argv + 2);
	if (argc == 4 && strcmp(argv[1], "authkeygen") == 0)
		return cmd_authkeygen(argv + 2);
	if ((argc == 6 || argc == 7) && strcmp(argv[1], "authsign") == 0)
		return cmd_authsign(argv + 2, argc == 7);
	fprintf(stderr, "usage: cli_envtool keygen PUB SEC | open SEC ENV DIR | "
	        "reply SEC PKHEX TEXT OUT | fp BUNDLE | authkeygen PUB SEC | "
	        "authsign SEC METHOD HOST TARGET [BODYFILE]\n");
	return 64;
}
