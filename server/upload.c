/* upload.c: tus uploads over store.c and blob.c. An offset is durable
 * only once the bytes before it are fsync'd and the offset is committed to
 * sqlite; only a durable offset is ever sent to a client, so after any
 * crash the file can be cut back to it and the client resumes there. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "enc.h"
#include "env.h"
#include "fsio.h"
#include "upload.h"
#include "keyset.h"

st_t upload_init(upload_svc *u, store *st, blob *bl, const conf *cf)
{
	memset(u, 0, sizeof *u);
	u->st = st;
	u->bl = bl;
	u->cf = cf;
	return pthread_mutex_init(&u->mu, NULL) == 0 ? ST_OK : ST_NOMEM;
}

void upload_fini(upload_svc *u)
{
	pthread_mutex_destroy(&u->mu);
	free(u->busy);
	u->busy = NULL;
}

void upload_new_id(char id[BLOB_ID_HEX + 1])
{
	uint8_t raw[BLOB_ID_HEX / 2];

	randombytes_buf(raw, sizeof raw);
	enc_hex_encode(id, raw, sizeof raw);
}

void upload_coarse_date(conf_gran g, time_t now, char date[STORE_DATE_LEN + 1],
                        time_t *start)
{
	struct tm tm;

	gmtime_r(&now, &tm);
	if (g == CONF_GRAN_WEEK)
		tm.tm_mday -= (tm.tm_wday + 6) % 7; /* back to Monday */
	else if (g == CONF_GRAN_MONTH)
		tm.tm_mday = 1;
	tm.tm_hour = tm.tm_min = tm.tm_sec = 0;
	tm.tm_isdst = 0;
	*start = timegm(&tm); /* also normalises a day moved before the 1st */
	gmtime_r(start, &tm);
	strftime(date, STORE_DATE_LEN + 1, "%Y-%m-%d", &tm);
}

int64_t upload_coarse_expiry(conf_gran g, int64_t t)
{
	/* One period past t lands in the next period (a month is at most
	 * 31 days); its start is after t and names only the period. */
	static const int64_t period[] = { 86400, 7 * 86400, 31 * 86400 };
	char date[STORE_DATE_LEN + 1];
	time_t start;

	upload_coarse_date(g, (time_t)(t + period[g]), date, &start);
	return (int64_t)start;
}

/* Claim id for one PATCH; ST_CONFLICT if it is already claimed. */
static st_t upload_claim(upload_svc *u, const char *id)
{
	char (*nb)[BLOB_ID_HEX + 1];
	size_t i;
	st_t st = ST_OK;

	pthread_mutex_lock(&u->mu);
	for (i = 0; i < u->nbusy; i++) {
		if (strcmp(u->busy[i], id) == 0) {
			st = ST_CONFLICT;
			goto cleanup;
		}
	}
	if (u->nbusy == u->capbusy) {
		nb = realloc(u->busy, (u->capbusy ? u->capbusy * 2 : 16) * sizeof *nb);
		if (nb == NULL) {
			st = ST_NOMEM;
			goto cleanup;
		}
		u->busy = nb;
		u->capbusy = u->capbusy ? u->capbusy * 2 : 16;
	}
	memcpy(u->busy[u->nbusy++], id, BLOB_ID_HEX + 1);
cleanup:
	pthread_mutex_unlock(&u->mu);
	return st;
}

static void upload_release(upload_svc *u, const char *id)
{
	size_t i;

	pthread_mutex_lock(&u->mu);
	for (i = 0; i < u->nbusy; i++) {
		if (strcmp(u->busy[i], id) == 0) {
			memcpy(u->busy[i], u->busy[--u->nbusy], BLOB_ID_HEX + 1);
			break;
		}
	}
	pthread_mutex_unlock(&u->mu);
}

st_t upload_create(upload_svc *u, uint64_t length, int64_t now,
                   char id[BLOB_ID_HEX + 1], int64_t *expires)
{
	uint64_t avail;
	st_t st;

	if (length == 0)
		return ST_BADDATA;
	if (length > u->cf->max_size)
		return ST_TOOBIG;
	/* A full disk is better refused now than at 99%. */
	st = blob_free_space(u->bl, &avail);
	if (st != ST_OK)
		return st;
	if (length > avail)
		return ST_NOSPACE;
	upload_new_id(id);
	*expires = now + (int64_t)u->cf->expire;
	st = store_upload_add(u->st, id, length, *expires, u->cf->quota,
	                      u->cf->max_uploads);
	if (st != ST_OK)
		return st;
	st = blob_create(u->bl, id);
	if (st != ST_OK)
		store_upload_del(u->st, id);
	return st;
}

st_t upload_head(upload_svc *u, const char *id, int64_t now, store_upload *out)
{
	st_t st = store_upload_get(u->st, id, out);

	if (st == ST_OK && out->expires < now)
		st = ST_NOTFOUND;
	return st;
}

st_t upload_delete(upload_svc *u, const char *id)
{
	store_upload row;
	st_t st;

	st = upload_claim(u, id);
	if (st != ST_OK)
		return st;
	st = store_upload_get(u->st, id, &row);
	if (st != ST_OK)
		goto cleanup;
	/* Row first: a crash after it leaves an orphan file that the
	 * recovery pass wipes, never a listed upload without its file. */
	st = store_upload_del(u->st, id);
	if (st == ST_OK && !row.done)
		st = blob_remove(u->bl, BLOB_PARTIAL, id);
cleanup:
	upload_release(u, id);
	return st;
}

st_t upload_patch_begin(upload_svc *u, const char *id, uint64_t offset,
                        uint64_t body_len, int64_t now, upload_patch *p)
{
	store_upload row;
	st_t st;

	memset(p, 0, sizeof *p);
	p->fd = -1;
	st = upload_claim(u, id);
	if (st != ST_OK)
		return st;
	st = upload_head(u, id, now, &row);
	if (st != ST_OK)
		goto cleanup;
	if (row.done || row.sub_id[0] != '\0' || offset != row.offset) {
		st = ST_CONFLICT;
		goto cleanup;
	}
	if (body_len != UINT64_MAX && body_len > row.length - row.offset) {
		st = ST_TOOBIG;
		goto cleanup;
	}
	st = blob_open_append(u->bl, id, row.offset, &p->fd);
	if (st != ST_OK)
		goto cleanup;
	p->svc = u;
	memcpy(p->id, id, BLOB_ID_HEX + 1);
	p->start = p->offset = row.offset;
	p->length = row.length;
	p->err = ST_OK;
cleanup:
	if (st != ST_OK)
		upload_release(u, id);
	return st;
}

st_t upload_patch_write(upload_patch *p, const uint8_t *buf, size_t len)
{
	size_t w = 0;
	st_t st;

	if (p->err != ST_OK)
		return p->err;
	if (len > p->length - p->offset) {
		p->err = ST_TOOBIG;
		return p->err;
	}
	st = blob_write(p->fd, buf, len, &w);
	p->offset += w;
	if (st != ST_OK)
		p->err = st;
	return st;
}

st_t upload_check_envelope(blob *bl, blob_area a, const char *id,
                           uint64_t length)
{
	uint8_t hdr[ENV_MAX_HEADER];
	uint64_t size;
	size_t want;
	env_info info;
	int fd;
	st_t st;

	st = blob_open_read(bl, a, id, &fd, &size);
	if (st != ST_OK)
		return st;
	want = size < sizeof hdr ? (size_t)size : sizeof hdr;
	st = fsio_pread_exact(fd, hdr, want, 0);
	close(fd);
	if (st != ST_OK)
		return ST_IO;
	/* Structure only: magic, version, header lengths, and the total
	 * length those imply must be exactly what arrived. No key here. */
	if (size != length || env_inspect(hdr, want, &info) != ST_OK ||
	    info.total_len != length)
		return ST_MISMATCH;
	return ST_OK;
}

st_t upload_land(upload_svc *u, const char *id, const char *sub_id,
                 uint64_t length, int64_t now)
{
	char date[STORE_DATE_LEN + 1];
	time_t when;
	st_t st;

	upload_coarse_date(u->cf->granularity, (time_t)now, date, &when);
	st = blob_land(u->bl, id, sub_id, when);
	if (st == ST_OK)
		st = store_upload_land(u->st, id, sub_id, length, date,
		                       upload_coarse_expiry(u->cf->granularity,
		                                            now + (int64_t)u->cf->expire));
	return st;
}

/* The upload is complete and fsync'd: check it, then land it. */
static st_t upload_finish(upload_patch *p, int64_t now)
{
	upload_svc *u = p->svc;
	char sub_id[BLOB_ID_HEX + 1];
	st_t st;

	st = upload_check_envelope(u->bl, BLOB_PARTIAL, p->id, p->length);
	if (st == ST_OK && u->keys != NULL)
		st = srvkeyset_check_upload(u->keys, u->bl, BLOB_PARTIAL, p->id);
	if (st == ST_MISMATCH || st == ST_CHANGED) {
		store_upload_del(u->st, p->id);
		blob_remove(u->bl, BLOB_PARTIAL, p->id);
		return st;
	}
	if (st != ST_OK)
		return st;
	upload_new_id(sub_id);
	/* Step 1: the name it will land under, so recovery can finish it. */
	st = store_upload_mark_landing(u->st, p->id, sub_id);
	if (st == ST_OK)
		st = upload_land(u, p->id, sub_id, p->length, now);
	if (st != ST_OK)
		fprintf(stderr, "intake-server: landing an upload failed (%s); the recovery pass at the next start finishes it\n",
		        st_str(st));
	return st;
}

st_t upload_patch_end(upload_patch *p, int64_t now, uint64_t *offset)
{
	upload_svc *u = p->svc;
	st_t st = p->err, sync_st;

	*offset = p->start;
	if (st == ST_TOOBIG) {
		/* Nothing of an oversize PATCH is kept. */
		p->offset = p->start;
	}
	sync_st = p->offset != p->start ? blob_sync(p->fd) : ST_OK;
	close(p->fd);
	p->fd = -1;
	if (sync_st != ST_OK) {
		/* Not durable: the next PATCH cuts the file back to start. */
		st = st == ST_OK ? sync_st : st;
		goto cleanup;
	}
	if (p->offset == p->length && st == ST_OK) {
		st = upload_finish(p, now);
		if (st == ST_OK)
			*offset = p->length;
		goto cleanup;
	}
	if (p->offset != p->start) {
		sync_st = store_upload_set_offset(u->st, p->id, p->offset,
		                                  now + (int64_t)u->cf->expire);
		if (sync_st == ST_OK)
			*offset = p->offset;
		else if (st == ST_OK)
			st = sync_st;
	}
cleanup:
	upload_release(u, p->id);
	return st;
}

st_t upload_reap(upload_svc *u, int64_t now)
{
	store_upload *v = NULL;
	size_t n = 0, i;
	st_t st;

	st = store_upload_expired(u->st, now, 256, &v, &n);
	for (i = 0; st == ST_OK && i < n; i++) {
		if (upload_claim(u, v[i].id) != ST_OK)
			continue;
		st = store_upload_del(u->st, v[i].id);
		if (st == ST_OK && !v[i].done)
			st = blob_remove(u->bl, BLOB_PARTIAL, v[i].id);
		upload_release(u, v[i].id);
	}
	free(v);
	return st;
}
