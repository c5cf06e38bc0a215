/* keyset.c (server): the stored keyset, its checks and its file. One
 * mutex guards the current copy: MHD calls in from many threads. */
#include "keyset.h"

#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "env.h"
#include "fsio.h"

struct srvkeyset {
	pthread_mutex_t mu;
	int has_pin;
	keyset_pin pin;
	char path[PATH_MAX];
	uint8_t *raw; /* current keyset, NULL when none */
	size_t len;
	keyset ks;
};

st_t srvkeyset_open(const char *data_dir, const char *pin, srvkeyset **out)
{
	srvkeyset *k = calloc(1, sizeof *k);
	st_t st = ST_OK;

	if (k == NULL)
		return ST_NOMEM;
	pthread_mutex_init(&k->mu, NULL);
	*out = k;
	if (snprintf(k->path, sizeof k->path, "%s/%s", data_dir, SRVKEYSET_FILE) >=
	    (int)sizeof k->path)
		return ST_CONFIG;
	if (pin == NULL)
		return ST_OK;
	if (keyset_pin_parse(pin, &k->pin) != ST_OK) {
		fprintf(stderr, "intake-server: --root-fingerprint is not a fingerprint\n");
		return ST_CONFIG;
	}
	k->has_pin = 1;
	st = fsio_read_file(k->path, KEYSET_MAX_LEN + 1, &k->raw, &k->len);
	if (st == ST_NOINPUT)
		return ST_OK;
	if (st != ST_OK)
		return st;
	/* Expired is still served: clients then say so with the date. */
	if (keyset_verify(k->raw, k->len, &k->pin, 0, &k->ks) != ST_OK) {
		fprintf(stderr, "intake-server: the stored keyset does not match "
		        "--root-fingerprint; serving none until one is uploaded\n");
		free(k->raw);
		k->raw = NULL;
		k->len = 0;
	}
	return ST_OK;
}

void srvkeyset_free(srvkeyset *k)
{
	if (k == NULL)
		return;
	pthread_mutex_destroy(&k->mu);
	free(k->raw);
	free(k);
}

st_t srvkeyset_get(srvkeyset *k, uint8_t **out, size_t *len)
{
	st_t st = ST_NOTFOUND;

	pthread_mutex_lock(&k->mu);
	if (k->raw != NULL) {
		*out = malloc(k->len);
		st = *out == NULL ? ST_NOMEM : ST_OK;
		if (st == ST_OK) {
			memcpy(*out, k->raw, k->len);
			*len = k->len;
		}
	}
	pthread_mutex_unlock(&k->mu);
	return st;
}

st_t srvkeyset_put(srvkeyset *k, const uint8_t *in, size_t len, uint64_t now,
                   const char **why)
{
	uint8_t *copy = NULL;
	keyset ks;
	st_t st;

	*why = NULL;
	if (!k->has_pin) {
		*why = "this server has no --root-fingerprint\n";
		return ST_MISMATCH;
	}
	switch (keyset_verify(in, len, &k->pin, now, &ks)) {
	case ST_OK:
		break;
	case ST_MISMATCH:
		*why = "keyset signed by another root key\n";
		return ST_MISMATCH;
	case ST_DECRYPT:
		*why = "keyset signature does not verify\n";
		return ST_MISMATCH;
	case ST_EXPIRED:
		*why = "keyset expired or not yet valid\n";
		return ST_MISMATCH;
	default:
		*why = "not a keyset\n";
		return ST_MISMATCH;
	}
	pthread_mutex_lock(&k->mu);
	if (k->raw != NULL && k->len == len && memcmp(k->raw, in, len) == 0) {
		st = ST_OK; /* the same upload again */
		goto cleanup;
	}
	if (k->raw != NULL && ks.serial <= k->ks.serial) {
		*why = "keyset serial not above the stored one\n";
		st = ST_MISMATCH;
		goto cleanup;
	}
	copy = malloc(len);
	if (copy == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	memcpy(copy, in, len);
	st = fsio_write_file_atomic(k->path, in, len, 0644, 1);
	if (st != ST_OK)
		goto cleanup;
	free(k->raw);
	k->raw = copy;
	k->len = len;
	k->ks = ks;
	copy = NULL;
cleanup:
	pthread_mutex_unlock(&k->mu);
	free(copy);
	return st;
}

st_t srvkeyset_check_upload(srvkeyset *k, blob *bl, blob_area a,
                            const char *id)
{
	uint8_t hdr[ENV_MAX_HEADER], reason;
	uint64_t size;
	env_info info;
	size_t want;
	int named = 0;
	st_t st;

	pthread_mutex_lock(&k->mu);
	if (k->raw == NULL) {
		pthread_mutex_unlock(&k->mu);
		return ST_OK;
	}
	pthread_mutex_unlock(&k->mu);
	st = blob_read_head(bl, a, id, hdr, sizeof hdr, &want, &size);
	if (st != ST_OK)
		return st;
	/* The structure was checked before this; a failure here is I/O. */
	if (env_inspect(hdr, want, &info) != ST_OK)
		return ST_IO;
	pthread_mutex_lock(&k->mu);
	for (unsigned i = 0; i < info.nrecip && !named; i++) {
		const keyset_officer *o = keyset_find(&k->ks, info.key_ids[i], &reason);

		named = o != NULL && reason == 0;
	}
	pthread_mutex_unlock(&k->mu);
	return named ? ST_OK : ST_CHANGED;
}
