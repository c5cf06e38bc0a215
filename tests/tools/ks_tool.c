/* ks_tool.c: test-only helper for the keyset integration test: what an
 * adversary or a careless organisation can make, built on common/ alone.
 *   ks_tool forge RECEIPTFILE OFFICERPUB SEQ TEXTFILE OUT
 *       a reply a receipt holder can make: boxed with the receipt's reply
 *       key to the officer's public key (so it opens and names the
 *       officer's key id), with a signature it cannot make (random)
 *   ks_tool expired ROOTSEC PASSFILE ENTRY OUT
 *       a keyset signed by the real root that expired ten days ago
 * Never for real use. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>

#include "enc.h"
#include "fsio.h"
#include "keyset.h"
#include "pad.h"
#include "receipt.h"
#include "reply.h"

static int die(const char *what, st_t st)
{
	fprintf(stderr, "ks_tool: %s: %s\n", what, st_str(st));
	return st_exit_code(st) ? st_exit_code(st) : 1;
}

/* The first line of a file, NUL-terminated in place. */
static st_t first_line(const char *path, uint8_t **buf, size_t *len)
{
	st_t st = fsio_read_file(path, 4096, buf, len);

	if (st == ST_OK) {
		*len = strcspn((char *)*buf, "\r\n");
		(*buf)[*len] = '\0';
	}
	return st;
}

static int cmd_forge(char **argv)
{
	uint8_t *code = NULL, *pubt = NULL, *text = NULL, *plain = NULL, *ct = NULL;
	uint8_t pk[32], k[32];
	size_t clen, plen, tlen, n;
	key_bundle b;
	receipt *r = NULL;
	st_t st;

	st = first_line(argv[0], &code, &clen);
	if (st == ST_OK)
		st = receipt_parse((const char *)code, &r);
	if (st == ST_OK)
		st = fsio_read_file(argv[1], 4096, &pubt, &plen);
	if (st == ST_OK)
		st = key_bundle_parse((const char *)pubt, plen, &b);
	if (st == ST_OK)
		st = fsio_read_file(argv[3], 4096, &text, &tlen);
	if (st != ST_OK)
		goto cleanup;
	memcpy(pk, b.pk[0], 32);
	n = (size_t)pad_padme(REPLY_PLAIN_HEAD + tlen < REPLY_MIN_PAD ?
	                      REPLY_MIN_PAD : REPLY_PLAIN_HEAD + tlen);
	plain = calloc(1, n);
	ct = malloc(REPLY_HEADER_LEN + n + 16);
	if (plain == NULL || ct == NULL || crypto_box_beforenm(k, pk, r->reply_sk) != 0) {
		st = ST_NOMEM;
		goto cleanup;
	}
	enc_put_u32le(plain, (uint32_t)strtoul(argv[2], NULL, 10));
	enc_put_u32le(plain + 4, (uint32_t)(time(NULL) / 86400));
	randombytes_buf(plain + 8, 64);
	enc_put_u32le(plain + 72, (uint32_t)tlen);
	memcpy(plain + REPLY_PLAIN_HEAD, text, tlen);
	memcpy(ct, REPLY_MAGIC, 6);
	ct[6] = REPLY_VERSION;
	ct[7] = 0;
	key_id(pk, ct + 8);
	randombytes_buf(ct + 16, 24);
	crypto_aead_xchacha20poly1305_ietf_encrypt(ct + REPLY_HEADER_LEN, NULL, plain, n,
	                                           ct, REPLY_HEADER_LEN, NULL, ct + 16, k);
	st = fsio_write_file_atomic(argv[4], ct, REPLY_HEADER_LEN + n + 16, 0600, 0);
cleanup:
	receipt_free(r);
	free(code);
	free(pubt);
	free(text);
	free(plain);
	free(ct);
	return st == ST_OK ? 0 : die("forge", st);
}

static int cmd_expired(char **argv)
{
	uint8_t *file = NULL, *pass = NULL, *entry = NULL, *out = NULL;
	size_t flen, plen, elen, olen;
	keyset_root *root = NULL;
	uint64_t now = (uint64_t)time(NULL);
	keyset ks;
	st_t st;

	memset(&ks, 0, sizeof ks);
	st = fsio_read_file(argv[0], 4096, &file, &flen);
	if (st == ST_OK)
		st = first_line(argv[1], &pass, &plen);
	if (st == ST_OK)
		st = keyset_root_open(file, flen, (const char *)pass, plen, &root);
	if (st == ST_OK)
		st = fsio_read_file(argv[2], 4096, &entry, &elen);
	if (st == ST_OK)
		st = keyset_entry_parse((const char *)entry, elen, &ks.off[0]);
	if (st != ST_OK)
		goto cleanup;
	ks.n = 1;
	ks.serial = 1000;
	ks.created = now - 100 * 86400;
	ks.expires = now - 10 * 86400;
	st = keyset_sign(&ks, root, &out, &olen);
	if (st == ST_OK)
		st = fsio_write_file_atomic(argv[3], out, olen, 0644, 0);
cleanup:
	keyset_root_free(root);
	free(file);
	free(pass);
	free(entry);
	free(out);
	return st == ST_OK ? 0 : die("expired", st);
}

int main(int argc, char **argv)
{
	if (sodium_init() < 0)
		return 70;
	if (argc == 7 && strcmp(argv[1], "forge") == 0)
		return cmd_forge(argv + 2);
	if (argc == 6 && strcmp(argv[1], "expired") == 0)
		return cmd_expired(argv + 2);
	fprintf(stderr, "usage: ks_tool forge RECEIPTFILE OFFICERPUB SEQ TEXTFILE OUT | "
	        "expired ROOTSEC PASSFILE ENTRY OUT\n");
	return 64;
}
