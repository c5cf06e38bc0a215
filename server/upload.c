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

int64_t upload_tick(int64_t now, uint64_t life)
{
	/* A lifetime under a tick (tests) is kept as it is. */
	int64_t q = life < UPLOAD_TICK ? 1 : UPLOAD_TICK, t = now + (int64_t)life;

	return (t + q - 1) / q * q;
}

/* At --max-uploads, the oldest upload that no byte has reached gives up
 * its slot: it costs its creator nothing to make again, and a flood of
 * empty creations must not lock out a real one. */
static st_t upload_evict_empty(upload_svc *u)
{
	char id[BLOB_ID_HEX + 1];
	st_t st;

	st = store_upload_oldest_empty(u->st, id);
	if (st != ST_OK || upload_claim(u, id) != ST_OK)
		return ST_TEMPFAIL;
	st = store_upload_del(u->st, id);
	if (st == ST_OK)
		st = blob_remove(u->bl, BLOB_PARTIAL, id);
	upload_release(u, id);
	return st;
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
	/* No byte yet: it lives minutes, not days, so a flood of empty
	 * creations frees itself. */
	*expires = upload_tick(now, u->cf->empty_expire);
	st = store_upload_add(u->st, id, length, *expires, u->cf->quota,
	                      u->cf->max_uploads);
	if (st == ST_TEMPFAIL && upload_evict_empty(u) == ST_OK)
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
	if (st == ST_OK && row.done != 1)
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
	/* The quota counts received bytes; what this PATCH may still bring
	 * must fit now (concurrent PATCHes can overrun it by their sum). */
	if (u->cf->quota != 0) {
		uint64_t used, more = body_len != UINT64_MAX ? body_len : row.length - row.offset;

		st = store_usage(u->st, &used);
		if (st == ST_OK && (used > u->cf->quota || more > u->cf->quota - used))
			st = ST_NOSPACE;
		if (st != ST_OK)
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
	st_t st;

	st = blob_read_head(bl, a, id, hdr, sizeof hdr, &want, &size);
	if (st != ST_OK)
		return st;
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
	/* Listed: the partial copy goes (a crash first leaves an orphan
	 * that the recovery pass wipes). */
	if (st == ST_OK && blob_remove(u->bl, BLOB_PARTIAL, id) != ST_OK)
		fprintf(stderr, "intake-server: removing a landed upload's partial file failed\n");
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
	if (u->cf->land_every > 0) {
		/* Held, durably, for the next batch; its file's times say only
		 * the coarse date. */
		char date[STORE_DATE_LEN + 1];
		time_t when;

		upload_coarse_date(u->cf->granularity, (time_t)now, date, &when);
		st = blob_set_times(u->bl, BLOB_PARTIAL, p->id, when);
		if (st == ST_OK)
			st = store_upload_hold(u->st, p->id,
			                       upload_coarse_expiry(u->cf->granularity,
			                                            now + (int64_t)u->cf->expire));
		return st == ST_OK ? ST_OK : ST_IO;
	}
	upload_new_id(sub_id);
	/* Step 1: the name it will land under, so recovery can finish it. */
	st = store_upload_mark_landing(u->st, p->id, sub_id);
	if (st == ST_OK)
		st = upload_land(u, p->id, sub_id, p->length, now);
	if (st != ST_OK) {
		/* The bytes are whole and fsync'd: record that, so the upload
		 * is complete for HEAD and the periodic pass lands it. */
		if (store_upload_set_offset(u->st, p->id, p->length,
		                            upload_coarse_expiry(u->cf->granularity,
		                                                 now + (int64_t)u->cf->expire)) == ST_OK)
			fprintf(stderr, "intake-server: landing an upload failed (%s); retrying it in the background\n",
			        st_str(st));
		/* The client hears a server fault, never a client error. */
		st = ST_IO;
	}
	return st;
}

st_t upload_resume_landing(upload_svc *u, const store_upload *r, int64_t now,
                           int *landed)
{
	uint64_t size;
	st_t st;

	*landed = 0;
	if (blob_size(u->bl, BLOB_STORE, r->sub_id, &size) == ST_OK &&
	    upload_check_envelope(u->bl, BLOB_STORE, r->sub_id, r->length) == ST_OK) {
		/* Renamed but not recorded: the file was fsync'd and checked
		 * before the rename; checked again, it is recorded now. */
		char date[STORE_DATE_LEN + 1];
		time_t when;

		upload_coarse_date(u->cf->granularity, (time_t)now, date, &when);
		st = store_upload_land(u->st, r->id, r->sub_id, r->length, date,
		                       upload_coarse_expiry(u->cf->granularity,
		                                            now + (int64_t)u->cf->expire));
		*landed = st == ST_OK;
		if (st == ST_OK)
			st = blob_remove(u->bl, BLOB_PARTIAL, r->id);
		return st;
	}
	if (upload_check_envelope(u->bl, BLOB_PARTIAL, r->id, r->length) == ST_OK) {
		st = upload_land(u, r->id, r->sub_id, r->length, now);
		*landed = st == ST_OK;
		return st;
	}
	/* Neither copy is whole: the client never got its 204; drop it. */
	st = store_upload_del(u->st, r->id);
	if (st == ST_OK)
		st = blob_remove(u->bl, BLOB_PARTIAL, r->id);
	return st;
}

st_t upload_retry_landings(upload_svc *u, int64_t now)
{
	store_upload *v = NULL;
	size_t n = 0, i;
	int landed;
	st_t st, one;

	st = store_upload_all(u->st, &v, &n);
	for (i = 0; st == ST_OK && i < n; i++) {
		/* Held ones without a submission id wait for their batch. */
		if (v[i].done == 1 ||
		    (v[i].sub_id[0] == '\0' && (v[i].done == 2 || v[i].offset != v[i].length)) ||
		    upload_claim(u, v[i].id) != ST_OK)
			continue;
		one = ST_OK;
		if (v[i].sub_id[0] == '\0') {
			/* Complete, but the landing failed before its id was
			 * recorded. */
			upload_new_id(v[i].sub_id);
			one = store_upload_mark_landing(u->st, v[i].id, v[i].sub_id);
		}
		if (one == ST_OK)
			one = upload_resume_landing(u, &v[i], now, &landed);
		upload_release(u, v[i].id);
		if (one != ST_OK)
			st = one;
	}
	free(v);
	return st;
}

st_t upload_patch_end(upload_patch *p, int64_t now, uint64_t *offset)
{
	upload_svc *u = p->svc;
	st_t st = p->err, sync_st;

	*offset = p->start;
	if (st == ST_TOOBIG || st == ST_NOSPACE) {
		/* Nothing of an oversize PATCH, or of one that filled the disk,
		 * is kept: the client resumes from the offset it had. */
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
		                                  upload_tick(now, u->cf->expire));
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
		if (st == ST_OK && v[i].done != 1)
			st = blob_remove(u->bl, BLOB_PARTIAL, v[i].id);
		upload_release(u, v[i].id);
	}
	free(v);
	return st;
}

st_t upload_land_batch(upload_svc *u, int64_t when)
{
	store_upload *v = NULL, t;
	char date[STORE_DATE_LEN + 1];
	size_t n = 0, i, j;
	time_t day;
	st_t st, one;

	st = store_upload_held(u->st, &v, &n);
	/* Shuffled (Fisher-Yates): rows, inodes and files are made in an
	 * order that says nothing about arrival. */
	for (i = n; i > 1; i--) {
		j = randombytes_uniform((uint32_t)i);
		t = v[i - 1];
		v[i - 1] = v[j];
		v[j] = t;
	}
	for (i = 0; st == ST_OK && i < n; i++) {
		if (upload_claim(u, v[i].id) != ST_OK)
			continue;
		upload_new_id(v[i].sub_id);
		one = store_upload_mark_landing(u->st, v[i].id, v[i].sub_id);
		if (one == ST_OK)
			one = upload_land(u, v[i].id, v[i].sub_id, v[i].length, when);
		upload_release(u, v[i].id);
		/* A failed one keeps its sub_id: upload_retry_landings. */
		if (one != ST_OK)
			fprintf(stderr, "intake-server: landing an upload failed (%s); retrying it later\n",
			        st_str(one));
	}
	free(v);
	if (st == ST_OK && n > 0) {
		/* An empty WAL, and every time the server set says the date. */
		st = store_checkpoint(u->st);
		upload_coarse_date(u->cf->granularity, (time_t)when, date, &day);
		if (st == ST_OK)
			st = blob_settle(u->bl, day);
	}
	return st;
}

st_t upload_land_due(upload_svc *u, int64_t now)
{
	int64_t period;

	if (u->cf->land_every == 0)
		return ST_OK;
	period = now / (int64_t)u->cf->land_every;
	if (u->land_period == 0)
		u->land_period = period;
	if (period <= u->land_period)
		return ST_OK;
	u->land_period = period;
	/* Dated by the period they arrived in: the one that just closed. */
	return upload_land_batch(u, (period - 1) * (int64_t)u->cf->land_every);
}
