/* recover.c: start-up reconciliation of rows and files. Each rule undoes
 * or completes exactly one interrupted step of the write order; nothing
 * here trusts a file's size beyond what a committed row says. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "recover.h"

/* An upload whose landing began (sub_id recorded) but did not commit. */
static st_t recover_landing(upload_svc *u, const store_upload *r, int64_t now,
                            recover_stats *rs)
{
	int landed;
	st_t st = upload_resume_landing(u, r, now, &landed);

	if (st == ST_OK && landed)
		rs->landed++;
	else if (st == ST_OK)
		rs->dropped++;
	return st;
}

static st_t recover_upload(upload_svc *u, const store_upload *r, int64_t now,
                           recover_stats *rs)
{
	uint64_t size;
	st_t st;

	if (r->done == 1)
		return r->expires < now ? store_upload_del(u->st, r->id) : ST_OK;
	if (r->sub_id[0] != '\0')
		return recover_landing(u, r, now, rs);
	if (r->done == 2)
		return ST_OK; /* held: the next batch lands it */
	st = blob_size(u->bl, BLOB_PARTIAL, r->id, &size);
	if (st == ST_NOTFOUND || (st == ST_OK && (size < r->offset || r->expires < now))) {
		/* Acknowledged bytes missing (the disk lied) or expired. */
		rs->dropped++;
		st = store_upload_del(u->st, r->id);
		if (st == ST_OK)
			st = blob_remove(u->bl, BLOB_PARTIAL, r->id);
		return st;
	}
	if (st == ST_OK && size > r->offset) {
		rs->truncated++;
		st = blob_truncate(u->bl, r->id, r->offset);
	}
	return st;
}

static st_t recover_orphans(upload_svc *u, blob_area a, recover_stats *rs)
{
	char (*ids)[BLOB_ID_HEX + 1] = NULL;
	store_upload ur;
	store_sub sr;
	size_t n = 0, i;
	st_t st, q;

	st = blob_list(u->bl, a, &ids, &n);
	for (i = 0; st == ST_OK && i < n; i++) {
		if (a == BLOB_STORE)
			q = store_sub_get(u->st, ids[i], &sr);
		else
			q = store_upload_get(u->st, ids[i], &ur);
		if (q == ST_OK && a == BLOB_PARTIAL && ur.done == 1)
			q = ST_NOTFOUND;
		if (q == ST_NOTFOUND) {
			rs->orphans++;
			st = blob_remove(u->bl, a, ids[i]);
		} else {
			st = q;
		}
	}
	free(ids);
	return st;
}

static st_t recover_submissions(upload_svc *u, recover_stats *rs)
{
	store_sub *v = NULL;
	uint64_t size;
	size_t n = 0, i;
	st_t st;

	st = store_sub_list(u->st, 0, SIZE_MAX, &v, &n);
	for (i = 0; st == ST_OK && i < n; i++) {
		st = blob_size(u->bl, BLOB_STORE, v[i].id, &size);
		if (st == ST_NOTFOUND) {
			/* Deleted row first, file second: a missing file with a
			 * row means the storage lost it. Unlist it, loudly. */
			rs->lost++;
			st = store_sub_del(u->st, v[i].id);
		} else if (st == ST_OK && size != v[i].size) {
			rs->lost++;
		}
	}
	free(v);
	return st;
}

st_t recover_run(upload_svc *u, int64_t now, recover_stats *rs)
{
	store_upload *v = NULL;
	size_t n = 0, i;
	st_t st;

	memset(rs, 0, sizeof *rs);
	st = store_upload_all(u->st, &v, &n);
	for (i = 0; st == ST_OK && i < n; i++)
		st = recover_upload(u, &v[i], now, rs);
	free(v);
	if (st == ST_OK)
		st = recover_submissions(u, rs);
	if (st == ST_OK)
		st = recover_orphans(u, BLOB_STORE, rs);
	if (st == ST_OK)
		st = recover_orphans(u, BLOB_PARTIAL, rs);
	return st;
}
