/* fuzz_payload.c: the plaintext stream parser on arbitrary streams, fed in
 * pieces whose size the first byte chooses (so piece boundaries fall
 * everywhere). The sink checks it never receives more than declared. */
#include "fuzz.h"
#include "payload.h"

#include <sodium.h>
#include <stdlib.h>

typedef struct {
	const manifest *m;
	uint64_t got;
} fz_ctx;

static st_t fz_manifest(void *c, const manifest *m)
{
	((fz_ctx *)c)->m = m;
	return ST_OK;
}

static st_t fz_data(void *c, int part, const uint8_t *p, size_t n)
{
	fz_ctx *x = c;

	(void)p;
	if (x->m == NULL || part < -1 || (part >= 0 && (size_t)part >= x->m->nfiles))
		abort();
	x->got += n;
	return ST_OK;
}

static st_t fz_end(void *c, int part)
{
	(void)c;
	(void)part;
	return ST_OK;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const payload_sink sink = { fz_manifest, fz_data, fz_end };
	payload_parser *p = NULL;
	fz_ctx x = { NULL, 0 };
	size_t step, off;
	st_t ret = ST_OK;
	uint64_t content;

	if (sodium_init() < 0)
		abort();
	if (size < 1)
		return 0;
	step = 1 + data[0] % 64;
	data++;
	size--;
	if (payload_parser_new(size, &sink, &x, &p) != ST_OK)
		return 0;
	for (off = 0; off < size && ret == ST_OK; off += step)
		ret = payload_parser_feed(p, data + off, size - off < step ? size - off : step);
	if (ret == ST_OK && payload_parser_finish(p) == ST_OK) {
		/* accepted: exactly the declared content was delivered */
		if (manifest_content_len(payload_parser_manifest(p), &content) != ST_OK ||
		    content != x.got)
			abort();
	}
	payload_parser_free(p);
	return 0;
}
