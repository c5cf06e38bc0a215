/* off_readreply.c: test helper: opens a reply file as the submitter
 * would, with the receipt code (in a file) and the pinned bundle, and
 * prints the text (bundle mode: the signature is not checked). Exit 1
 * when it does not open. Test-only.
 * usage: off_readreply RECEIPTFILE BUNDLE REPLYFILE */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "fsio.h"
#include "key.h"
#include "proc.h"
#include "receipt.h"
#include "reply.h"

int main(int argc, char **argv)
{
	uint8_t *code = NULL, *btext = NULL, *in = NULL;
	size_t clen, blen, inlen;
	receipt *r = NULL;
	key_bundle b;
	keyset ks;
	reply_msg m = { 0 };
	st_t st;

	if (argc != 4 || proc_harden() != ST_OK) {
		fprintf(stderr, "usage: off_readreply RECEIPTFILE BUNDLE REPLY\n");
		return 64;
	}
	st = fsio_read_file(argv[1], 1024, &code, &clen);
	if (st == ST_OK) {
		code[strcspn((char *)code, "\r\n")] = '\0';
		st = receipt_parse((const char *)code, &r);
	}
	if (st == ST_OK)
		st = fsio_read_file(argv[2], KEY_FILE_MAX, &btext, &blen);
	if (st == ST_OK)
		st = key_bundle_parse((const char *)btext, blen, &b);
	if (st == ST_OK)
		st = fsio_read_file(argv[3], REPLY_MAX_LEN, &in, &inlen);
	if (st == ST_OK) {
		keyset_from_bundle(&b, &ks);
		st = reply_open(r, &ks, in, inlen, &m);
	}
	if (st == ST_OK)
		fwrite(m.text, 1, m.len, stdout);
	else
		fprintf(stderr, "off_readreply: %s\n", st_str(st));
	reply_msg_clear(&m);
	receipt_free(r);
	free(code);
	free(btext);
	free(in);
	return st_exit_code(st);
}
