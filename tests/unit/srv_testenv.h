/* srv_testenv.h: a valid envelope in memory for the server's unit tests
 * (test code only): sealed to a throwaway key that is freed at once,
 * since the server never opens what it stores. */
#ifndef INTAKE_SRV_TESTENV_H
#define INTAKE_SRV_TESTENV_H

#include <stdlib.h>
#include <string.h>
#include "key.h"
#include "pad.h"
#include "seal.h"

static st_t srv_testenv_reader(void *ctx, uint64_t off, uint8_t *buf, size_t len)
{
	(void)ctx;
	(void)off;
	memset(buf, 'x', len);
	return ST_OK;
}

/* A malloc'd envelope of the smallest padded stream; NULL on failure. */
static uint8_t *srv_testenv_make(size_t *len)
{
	key_secret *k = NULL;
	key_bundle to;
	seal *s = NULL;
	uint8_t *buf = NULL;
	size_t got, off = 0;

	memset(&to, 0, sizeof to);
	if (key_generate(&k) != ST_OK || key_bundle_add(&to, k->pk) != ST_OK ||
	    seal_new(&to, PAD_MIN_STREAM, srv_testenv_reader, NULL, 1, &s) != ST_OK)
		goto cleanup;
	*len = (size_t)seal_total_len(s);
	buf = malloc(*len);
	while (buf != NULL) {
		if (seal_read(s, off, buf + off, *len - off, &got) != ST_OK) {
			free(buf);
			buf = NULL;
		} else if (got == 0) {
			break;
		}
		off += got;
	}
	if (buf != NULL && off != *len) {
		free(buf);
		buf = NULL;
	}
cleanup:
	seal_free(s);
	key_secret_free(k);
	return buf;
}

#endif
