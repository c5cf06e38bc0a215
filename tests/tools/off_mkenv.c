/* off_mkenv.c: test helper for the officer tests: seals a text and files
 * into an envelope for a bundle, as the client would, with the real
 * common/ code (manifest, payload, seal). --as gives the attachment just
 * named a raw JSON string literal as its manifest name, written into the
 * manifest unsanitized (e.g. "../../etc/passwd", "a\u0000b"), to test
 * what the officer does with hostile names. Test-only: not for real use.
 * With --count N, OUT is a folder and N distinct envelopes of the same
 * content go to OUT/0001.env ... (for the benchmark). --suite 2 seals the
 * chunks with AES-256-GCM (what the page writes) instead of suite 1.
 * usage: off_mkenv --bundle FILE --out ENV [--text FILE] [--date YYYY-MM]
 *                  [--receipt FILE] [--attach PATH [--as JSONSTRING]]...
 *                  [--count N] [--suite 1|2] */
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "enc.h"
#include "env.h"
#include "fsio.h"
#include "key.h"
#include "manifest.h"
#include "payload.h"
#include "proc.h"
#include "receipt.h"
#include "seal.h"

#define MAX_FILES 64

typedef struct {
	payload_src *src;
	uint8_t *json;      /* the patched manifest JSON, or NULL */
	size_t jlen;
} mk_ctx;

/* Payload bytes with the patched manifest laid over [4, 4+jlen). */
static st_t mk_read(void *ctx, uint64_t off, uint8_t *buf, size_t len)
{
	mk_ctx *c = ctx;
	uint64_t i;
	st_t st = payload_src_read(c->src, off, buf, len);

	if (st != ST_OK || c->json == NULL)
		return st;
	for (i = off; i < off + len; i++)
		if (i >= 4 && i < 4 + c->jlen)
			buf[i - off] = c->json[i - 4];
	return ST_OK;
}

/* Write the whole envelope of s to path. */
static st_t mk_write(seal *s, const char *path, uint8_t *buf)
{
	uint64_t off = 0;
	size_t got;
	int fd;
	st_t st = ST_OK;

	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	if (fd < 0)
		return ST_IO;
	for (;;) {
		st = seal_read(s, off, buf, 1 << 20, &got);
		if (st != ST_OK || got == 0)
			break;
		st = fsio_write_all(fd, buf, got);
		if (st != ST_OK)
			break;
		off += got;
	}
	close(fd);
	return st;
}

static int die(const char *what, st_t st)
{
	fprintf(stderr, "off_mkenv: %s: %s\n", what, st_str(st));
	return 1;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "bundle", required_argument, NULL, 'b' },
		{ "out", required_argument, NULL, 'o' },
		{ "text", required_argument, NULL, 't' },
		{ "date", required_argument, NULL, 'd' },
		{ "receipt", required_argument, NULL, 'r' },
		{ "attach", required_argument, NULL, 'a' },
		{ "as", required_argument, NULL, 's' },
		{ "count", required_argument, NULL, 'n' },
		{ "suite", required_argument, NULL, 'u' },
		{ NULL, 0, NULL, 0 },
	};
	const char *bundle = NULL, *out = NULL, *textf = NULL, *date = NULL;
	const char *receiptf = NULL, *paths[MAX_FILES], *raw[MAX_FILES];
	char place[MAX_FILES][128], code[RECEIPT_TEXT_MAX];
	int fds[MAX_FILES], nf = 0, c, i, count = 0, k, suite = ENV_SUITE_CHACHA;
	uint8_t *btext = NULL, *text = NULL, *buf;
	size_t blen, tlen = 0;
	key_bundle b;
	manifest m;
	receipt *r = NULL;
	mk_ctx ctx;
	seal *s = NULL;
	struct stat sb;
	st_t st;

	if (proc_harden() != ST_OK)
		return 1;
	memset(&m, 0, sizeof m);
	memset(&ctx, 0, sizeof ctx);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		switch (c) {
		case 'b': bundle = optarg; break;
		case 'o': out = optarg; break;
		case 't': textf = optarg; break;
		case 'd': date = optarg; break;
		case 'r': receiptf = optarg; break;
		case 'n': count = atoi(optarg); break;
		case 'u': suite = atoi(optarg); break;
		case 'a':
			if (nf == MAX_FILES)
				return die("too many files", ST_USAGE);
			paths[nf] = optarg;
			raw[nf++] = NULL;
			break;
		case 's':
			if (nf == 0)
				return die("--as before --attach", ST_USAGE);
			raw[nf - 1] = optarg;
			break;
		default:
			return die("usage", ST_USAGE);
		}
	}
	if (bundle == NULL || out == NULL)
		return die("--bundle and --out are required", ST_USAGE);
	st = fsio_read_file(bundle, KEY_FILE_MAX, &btext, &blen);
	if (st == ST_OK)
		st = key_bundle_parse((const char *)btext, blen, &b);
	if (st != ST_OK)
		return die(bundle, st);
	if (textf != NULL) {
		st = fsio_read_file(textf, (size_t)1 << 30, &text, &tlen);
		if (st != ST_OK)
			return die(textf, st);
	}
	m.text_size = tlen;
	for (i = 0; i < nf; i++) {
		const char *base = strrchr(paths[i], '/');
		size_t inner;

		fds[i] = open(paths[i], O_RDONLY);
		if (fds[i] < 0 || fstat(fds[i], &sb) != 0)
			return die(paths[i], ST_NOINPUT);
		base = base ? base + 1 : paths[i];
		if (raw[i] != NULL) {
			/* a same-length stand-in, swapped in the JSON below */
			inner = strlen(raw[i]) - 2;
			if (strlen(raw[i]) < 4 || inner >= sizeof place[i])
				return die("--as needs a JSON string of 2+ chars",
				           ST_USAGE);
			memset(place[i], 'q', inner);
			place[i][0] = 'Q';
			place[i][1] = (char)('a' + i % 26);
			place[i][inner] = '\0';
			base = place[i];
		}
		st = manifest_add_file(&m, base, (uint64_t)sb.st_size,
		                       manifest_guess_type(base));
		if (st != ST_OK)
			return die("manifest_add_file", st);
	}
	if (date != NULL)
		snprintf(m.date, sizeof m.date, "%s", date);
	if (receiptf != NULL) {
		st = receipt_generate(&r);
		if (st != ST_OK)
			return die("receipt", st);
		m.has_reply = 1;
		memcpy(m.reply_pk, r->reply_pk, sizeof m.reply_pk);
		memcpy(m.mailbox, r->mailbox, sizeof m.mailbox);
		receipt_format(r, code);
		snprintf(code + strlen(code), sizeof code - strlen(code), "\n");
		st = fsio_write_file_atomic(receiptf, code, strlen(code), 0600, 1);
		if (st != ST_OK)
			return die(receiptf, st);
	}
	st = payload_src_new(&m, text, fds, &ctx.src);
	if (st != ST_OK)
		return die("payload", st);
	for (i = 0; i < nf; i++) {
		uint8_t lenb[4];
		char needle[140];
		uint8_t *at;

		if (raw[i] == NULL)
			continue;
		if (ctx.json == NULL) {
			payload_src_read(ctx.src, 0, lenb, 4);
			ctx.jlen = enc_get_u32le(lenb);
			ctx.json = malloc(ctx.jlen);
			if (ctx.json == NULL)
				return die("json", ST_NOMEM);
			payload_src_read(ctx.src, 4, ctx.json, ctx.jlen);
		}
		snprintf(needle, sizeof needle, "\"%s\"", place[i]);
		at = memmem(ctx.json, ctx.jlen, needle, strlen(needle));
		if (at == NULL)
			return die("placeholder not found", ST_INTERNAL);
		memcpy(at, raw[i], strlen(raw[i]));
	}
	buf = malloc(1 << 20);
	if (buf == NULL)
		return die("buffer", ST_NOMEM);
	for (k = 1; k <= (count > 0 ? count : 1); k++) {
		char path[4096];

		if (count > 0)
			snprintf(path, sizeof path, "%s/%04d.env", out, k);
		else
			snprintf(path, sizeof path, "%s", out);
		st = seal_new_suite(&b, (unsigned)suite,
		                    payload_src_stream_len(ctx.src), mk_read, &ctx, 0,
		                    &s);
		if (st != ST_OK)
			return die("seal", st);
		st = mk_write(s, path, buf);
		seal_free(s);
		if (st != ST_OK)
			return die(path, st);
	}
	payload_src_free(ctx.src);
	manifest_clear(&m);
	receipt_free(r);
	for (i = 0; i < nf; i++)
		close(fds[i]);
	free(buf);
	free(ctx.json);
	free(text);
	free(btext);
	return 0;
}
