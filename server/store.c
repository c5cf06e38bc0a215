/* store.c: sqlite for intake-server. Every query is a prepared statement
 * with bound parameters; one mutex serialises callers so that a check and
 * the write depending on it (quota, landing) cannot interleave. The
 * database holds no client address, no exact arrival time of a
 * submission, no upload content. */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sqlite3.h>
#include "store.h"

enum {
	Q_BEGIN, Q_COMMIT, Q_ROLLBACK,
	Q_USAGE, Q_UNFINISHED, Q_UP_ADD, Q_UP_GET, Q_UP_OFF, Q_UP_MARK,
	Q_UP_DONE, Q_UP_DEL, Q_UP_ALL, Q_UP_EXPIRED, Q_UP_EMPTY, Q_UP_HOLD, Q_UP_HELD,
	Q_UP_UNLAND,
	Q_SUB_ADD, Q_SUB_LIST, Q_SUB_GET, Q_SUB_FETCHED, Q_SUB_DEL,
	Q_RE_COUNT, Q_RE_ADD, Q_RE_LIST, Q_RE_EXPIRE,
	Q_NONCE_ADD, Q_NONCE_EXPIRE,
	Q__COUNT
};

static const char *const store_sql[Q__COUNT] = {
	[Q_BEGIN] = "BEGIN IMMEDIATE",
	[Q_COMMIT] = "COMMIT",
	[Q_ROLLBACK] = "ROLLBACK",
	[Q_USAGE] = "SELECT (SELECT COALESCE(SUM(size),0) FROM submissions)"
	            " + (SELECT COALESCE(SUM(off),0) FROM uploads WHERE done<>1)",
	[Q_UNFINISHED] = "SELECT COUNT(*) FROM uploads WHERE done=0",
	[Q_UP_ADD] = "INSERT INTO uploads(id,length,off,expires,sub_id,done)"
	             " VALUES(?1,?2,0,?3,'',0)",
	[Q_UP_GET] = "SELECT id,length,off,expires,done,sub_id FROM uploads WHERE id=?1",
	[Q_UP_OFF] = "UPDATE uploads SET off=?2, expires=?3 WHERE id=?1 AND done=0",
	[Q_UP_MARK] = "UPDATE uploads SET sub_id=?2 WHERE id=?1 AND done<>1",
	/* Landed: the row is written anew, so its rowid follows the shuffled
	 * landing order, not the order uploads began in. */
	[Q_UP_UNLAND] = "DELETE FROM uploads WHERE id=?1 AND done<>1",
	[Q_UP_DONE] = "INSERT INTO uploads(id,length,off,expires,sub_id,done)"
	              " VALUES(?1,?2,?2,?3,'',1)",
	[Q_UP_HOLD] = "UPDATE uploads SET off=length, done=2, expires=?2 WHERE id=?1 AND done=0",
	[Q_UP_HELD] = "SELECT id,length,off,expires,done,sub_id FROM uploads"
	              " WHERE done=2 AND sub_id=''",
	[Q_UP_DEL] = "DELETE FROM uploads WHERE id=?1",
	[Q_UP_ALL] = "SELECT id,length,off,expires,done,sub_id FROM uploads ORDER BY id",
	[Q_UP_EXPIRED] = "SELECT id,length,off,expires,done,sub_id FROM uploads"
	                 " WHERE expires<?1 LIMIT ?2",
	[Q_UP_EMPTY] = "SELECT id FROM uploads WHERE done=0 AND off=0 AND sub_id=''"
	               " ORDER BY expires LIMIT 1",
	[Q_SUB_ADD] = "INSERT INTO submissions(id,size,date,state) VALUES(?1,?2,?3,0)",
	[Q_SUB_LIST] = "SELECT seq,id,size,date,state FROM submissions WHERE seq>?1"
	               " ORDER BY seq LIMIT ?2",
	[Q_SUB_GET] = "SELECT seq,id,size,date,state FROM submissions WHERE id=?1",
	[Q_SUB_FETCHED] = "UPDATE submissions SET state=1 WHERE id=?1",
	[Q_SUB_DEL] = "DELETE FROM submissions WHERE id=?1",
	[Q_RE_COUNT] = "SELECT COUNT(*) FROM replies WHERE mailbox=?1",
	[Q_RE_ADD] = "INSERT INTO replies(mailbox,body,expires) VALUES(?1,?2,?3)",
	[Q_RE_LIST] = "SELECT body FROM replies WHERE mailbox=?1 ORDER BY seq",
	[Q_RE_EXPIRE] = "DELETE FROM replies WHERE expires<?1",
	[Q_NONCE_ADD] = "INSERT INTO nonces(nonce,until) VALUES(?1,?2)",
	[Q_NONCE_EXPIRE] = "DELETE FROM nonces WHERE until<?1",
};

static const char store_schema[] =
	"CREATE TABLE IF NOT EXISTS uploads("
	" id TEXT PRIMARY KEY, length INTEGER NOT NULL, off INTEGER NOT NULL,"
	" expires INTEGER NOT NULL, sub_id TEXT NOT NULL, done INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS submissions("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT, id TEXT NOT NULL UNIQUE,"
	" size INTEGER NOT NULL, date TEXT NOT NULL, state INTEGER NOT NULL);"
	"CREATE TABLE IF NOT EXISTS replies("
	" seq INTEGER PRIMARY KEY AUTOINCREMENT, mailbox TEXT NOT NULL,"
	" body BLOB NOT NULL, expires INTEGER NOT NULL);"
	"CREATE INDEX IF NOT EXISTS replies_mailbox ON replies(mailbox, seq);"
	"CREATE INDEX IF NOT EXISTS uploads_expires ON uploads(expires);"
	"CREATE TABLE IF NOT EXISTS nonces(nonce BLOB PRIMARY KEY, until INTEGER NOT NULL)"
	" WITHOUT ROWID;";

/* secure_delete overwrites freed pages; FULL sync makes a commit durable
 * before it returns, which the write order in docs/SERVER.md relies on. */
static const char store_pragmas[] =
	"PRAGMA journal_mode=WAL;"
	"PRAGMA synchronous=FULL;"
	"PRAGMA secure_delete=ON;"
	"PRAGMA foreign_keys=ON;"
	"PRAGMA trusted_schema=OFF;";

struct store {
	sqlite3 *db;
	sqlite3_stmt *q[Q__COUNT];
	pthread_mutex_t mu;
};

static st_t store_err(store *s)
{
	int rc = sqlite3_extended_errcode(s->db);

	if (rc == SQLITE_FULL || rc == SQLITE_IOERR_WRITE || rc == SQLITE_IOERR_FSYNC)
		return rc == SQLITE_FULL ? ST_NOSPACE : ST_IO;
	if ((rc & 0xff) == SQLITE_CONSTRAINT)
		return ST_CONFLICT;
	if (rc == SQLITE_NOMEM)
		return ST_NOMEM;
	fprintf(stderr, "intake-server: database error: %s\n", sqlite3_errmsg(s->db));
	return ST_IO;
}

st_t store_open(const char *path, store **out)
{
	store *s;
	int fd, i;
	st_t st = ST_IO;

	*out = NULL;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		return ST_NOMEM;
	if (pthread_mutex_init(&s->mu, NULL) != 0) {
		free(s);
		return ST_NOMEM;
	}
	/* Create it 0600 ourselves: sqlite would honour the umask. */
	fd = open(path, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		fprintf(stderr, "intake-server: cannot open database in the data dir\n");
		goto cleanup;
	}
	close(fd);
	if (sqlite3_open_v2(path, &s->db, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX,
	                    NULL) != SQLITE_OK) {
		fprintf(stderr, "intake-server: cannot open database\n");
		goto cleanup;
	}
	sqlite3_busy_timeout(s->db, 5000);
	if (sqlite3_exec(s->db, store_pragmas, NULL, NULL, NULL) != SQLITE_OK ||
	    sqlite3_exec(s->db, store_schema, NULL, NULL, NULL) != SQLITE_OK) {
		st = store_err(s);
		goto cleanup;
	}
	for (i = 0; i < Q__COUNT; i++) {
		if (sqlite3_prepare_v3(s->db, store_sql[i], -1, SQLITE_PREPARE_PERSISTENT,
		                       &s->q[i], NULL) != SQLITE_OK) {
			st = store_err(s);
			goto cleanup;
		}
	}
	*out = s;
	s = NULL;
	st = ST_OK;
cleanup:
	store_close(s);
	return st;
}

void store_close(store *s)
{
	int i;

	if (s == NULL)
		return;
	for (i = 0; i < Q__COUNT; i++)
		sqlite3_finalize(s->q[i]);
	sqlite3_close(s->db);
	pthread_mutex_destroy(&s->mu);
	free(s);
}

/* Run a statement that returns no rows (or whose rows we ignore). */
static st_t store_step_done(store *s, sqlite3_stmt *q)
{
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW)
		;
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return rc == SQLITE_DONE ? ST_OK : store_err(s);
}

static st_t store_exec(store *s, int which)
{
	return store_step_done(s, s->q[which]);
}

static st_t store_int_query(store *s, sqlite3_stmt *q, int64_t *v)
{
	int rc = sqlite3_step(q);
	st_t st = ST_OK;

	if (rc == SQLITE_ROW)
		*v = sqlite3_column_int64(q, 0);
	else
		st = store_err(s);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	return st;
}

static void store_copy_text(char *dst, size_t cap, sqlite3_stmt *q, int col)
{
	const unsigned char *t = sqlite3_column_text(q, col);

	snprintf(dst, cap, "%s", t != NULL ? (const char *)t : "");
}

static void store_row_upload(sqlite3_stmt *q, void *row)
{
	store_upload *u = row;

	memset(u, 0, sizeof *u);
	store_copy_text(u->id, sizeof u->id, q, 0);
	u->length = (uint64_t)sqlite3_column_int64(q, 1);
	u->offset = (uint64_t)sqlite3_column_int64(q, 2);
	u->expires = sqlite3_column_int64(q, 3);
	u->done = sqlite3_column_int(q, 4);
	store_copy_text(u->sub_id, sizeof u->sub_id, q, 5);
}

static void store_row_sub(sqlite3_stmt *q, void *row)
{
	store_sub *m = row;

	memset(m, 0, sizeof *m);
	m->seq = sqlite3_column_int64(q, 0);
	store_copy_text(m->id, sizeof m->id, q, 1);
	m->size = (uint64_t)sqlite3_column_int64(q, 2);
	store_copy_text(m->date, sizeof m->date, q, 3);
	m->fetched = sqlite3_column_int(q, 4) != 0;
}

st_t store_upload_add(store *s, const char *id, uint64_t length,
                      int64_t expires, uint64_t quota, unsigned max_unfinished)
{
	int64_t used = 0, open_n = 0;
	st_t st;

	if (length > INT64_MAX)
		return ST_TOOBIG;
	pthread_mutex_lock(&s->mu);
	st = store_exec(s, Q_BEGIN);
	if (st != ST_OK)
		goto cleanup;
	st = store_int_query(s, s->q[Q_UNFINISHED], &open_n);
	if (st == ST_OK && (uint64_t)open_n >= max_unfinished)
		st = ST_TEMPFAIL;
	if (st == ST_OK)
		st = store_int_query(s, s->q[Q_USAGE], &used);
	/* Only bytes received count: a declared length that cannot fit now
	 * is refused, but none is reserved (a dozen declared 8 GiB uploads
	 * must not fill the quota). PATCHes check again as bytes come. */
	if (st == ST_OK && quota != 0 && ((uint64_t)used > quota || length > quota - (uint64_t)used))
		st = ST_NOSPACE;
	if (st == ST_OK) {
		sqlite3_bind_text(s->q[Q_UP_ADD], 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->q[Q_UP_ADD], 2, (int64_t)length);
		sqlite3_bind_int64(s->q[Q_UP_ADD], 3, expires);
		st = store_exec(s, Q_UP_ADD);
	}
	if (st == ST_OK)
		st = store_exec(s, Q_COMMIT);
	if (st != ST_OK)
		store_exec(s, Q_ROLLBACK);
cleanup:
	pthread_mutex_unlock(&s->mu);
	return st;
}

/* Run a SELECT ... WHERE id=?1: ST_OK with its row current (read it, then
 * store_find_done), ST_NOTFOUND, or the sqlite error. Lock held. */
static st_t store_find(store *s, sqlite3_stmt *q, const char *id)
{
	int rc;

	sqlite3_bind_text(q, 1, id, -1, SQLITE_STATIC);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW)
		return ST_OK;
	return rc == SQLITE_DONE ? ST_NOTFOUND : store_err(s);
}

static void store_find_done(sqlite3_stmt *q)
{
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
}

st_t store_upload_get(store *s, const char *id, store_upload *u)
{
	sqlite3_stmt *q = s->q[Q_UP_GET];
	st_t st;

	pthread_mutex_lock(&s->mu);
	st = store_find(s, q, id);
	if (st == ST_OK)
		store_row_upload(q, u);
	store_find_done(q);
	pthread_mutex_unlock(&s->mu);
	return st;
}

/* One-statement write that must touch exactly one row. */
static st_t store_write_one(store *s, int which)
{
	st_t st = store_exec(s, which);

	if (st == ST_OK && sqlite3_changes(s->db) != 1)
		st = ST_NOTFOUND;
	return st;
}

st_t store_upload_set_offset(store *s, const char *id, uint64_t offset,
                             int64_t expires)
{
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_text(s->q[Q_UP_OFF], 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->q[Q_UP_OFF], 2, (int64_t)offset);
	sqlite3_bind_int64(s->q[Q_UP_OFF], 3, expires);
	st = store_write_one(s, Q_UP_OFF);
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_upload_mark_landing(store *s, const char *id, const char *sub_id)
{
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_text(s->q[Q_UP_MARK], 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_text(s->q[Q_UP_MARK], 2, sub_id, -1, SQLITE_STATIC);
	st = store_write_one(s, Q_UP_MARK);
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_upload_land(store *s, const char *id, const char *sub_id,
                       uint64_t size, const char *date, int64_t expires)
{
	st_t st;

	pthread_mutex_lock(&s->mu);
	st = store_exec(s, Q_BEGIN);
	if (st != ST_OK)
		goto cleanup;
	sqlite3_bind_text(s->q[Q_SUB_ADD], 1, sub_id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->q[Q_SUB_ADD], 2, (int64_t)size);
	sqlite3_bind_text(s->q[Q_SUB_ADD], 3, date, -1, SQLITE_STATIC);
	st = store_exec(s, Q_SUB_ADD);
	if (st == ST_OK) {
		sqlite3_bind_text(s->q[Q_UP_UNLAND], 1, id, -1, SQLITE_STATIC);
		st = store_write_one(s, Q_UP_UNLAND);
	}
	if (st == ST_OK) {
		sqlite3_bind_text(s->q[Q_UP_DONE], 1, id, -1, SQLITE_STATIC);
		sqlite3_bind_int64(s->q[Q_UP_DONE], 2, (int64_t)size);
		sqlite3_bind_int64(s->q[Q_UP_DONE], 3, expires);
		st = store_exec(s, Q_UP_DONE);
	}
	if (st == ST_OK)
		st = store_exec(s, Q_COMMIT);
	if (st != ST_OK)
		store_exec(s, Q_ROLLBACK);
cleanup:
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_upload_del(store *s, const char *id)
{
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_text(s->q[Q_UP_DEL], 1, id, -1, SQLITE_STATIC);
	st = store_write_one(s, Q_UP_DEL);
	pthread_mutex_unlock(&s->mu);
	return st;
}

/* Collect every row of a query (bound, lock held) into a growing array of
 * elements of `size` bytes, each filled by `row`; the statement is reset.
 * On failure *out is NULL and *n 0. */
static st_t store_collect(store *s, sqlite3_stmt *q, size_t size,
                          void (*row)(sqlite3_stmt *, void *), void **out,
                          size_t *n)
{
	unsigned char *v = NULL, *nv;
	size_t len = 0, cap = 0;
	st_t st = ST_OK;
	int rc;

	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 16;
			nv = realloc(v, cap * size);
			if (nv == NULL) {
				st = ST_NOMEM;
				break;
			}
			v = nv;
		}
		row(q, v + size * len++);
	}
	if (st == ST_OK && rc != SQLITE_DONE)
		st = store_err(s);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	if (st != ST_OK) {
		free(v);
		v = NULL;
		len = 0;
	}
	*out = v;
	*n = len;
	return st;
}

st_t store_upload_all(store *s, store_upload **out, size_t *n)
{
	void *v;
	st_t st;

	pthread_mutex_lock(&s->mu);
	st = store_collect(s, s->q[Q_UP_ALL], sizeof **out, store_row_upload,
	                   &v, n);
	*out = v;
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_upload_expired(store *s, int64_t now, size_t max,
                          store_upload **out, size_t *n)
{
	void *v;
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_int64(s->q[Q_UP_EXPIRED], 1, now);
	sqlite3_bind_int64(s->q[Q_UP_EXPIRED], 2, max > INT64_MAX ? INT64_MAX : (int64_t)max);
	st = store_collect(s, s->q[Q_UP_EXPIRED], sizeof **out, store_row_upload,
	                   &v, n);
	*out = v;
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_sub_list(store *s, int64_t after, size_t limit, store_sub **out,
                    size_t *n)
{
	sqlite3_stmt *q = s->q[Q_SUB_LIST];
	void *v;
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_int64(q, 1, after);
	sqlite3_bind_int64(q, 2, limit > INT64_MAX ? INT64_MAX : (int64_t)limit);
	st = store_collect(s, q, sizeof **out, store_row_sub, &v, n);
	*out = v;
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_sub_get(store *s, const char *id, store_sub *out)
{
	sqlite3_stmt *q = s->q[Q_SUB_GET];
	st_t st;

	pthread_mutex_lock(&s->mu);
	st = store_find(s, q, id);
	if (st == ST_OK)
		store_row_sub(q, out);
	store_find_done(q);
	pthread_mutex_unlock(&s->mu);
	return st;
}

static st_t store_by_id(store *s, int which, const char *id)
{
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_text(s->q[which], 1, id, -1, SQLITE_STATIC);
	st = store_write_one(s, which);
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_sub_set_fetched(store *s, const char *id)
{
	return store_by_id(s, Q_SUB_FETCHED, id);
}

st_t store_sub_del(store *s, const char *id)
{
	return store_by_id(s, Q_SUB_DEL, id);
}

st_t store_reply_add(store *s, const char *mbox, const uint8_t *data,
                     size_t len, int64_t expires, unsigned max)
{
	int64_t count = 0;
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_text(s->q[Q_RE_COUNT], 1, mbox, -1, SQLITE_STATIC);
	st = store_int_query(s, s->q[Q_RE_COUNT], &count);
	if (st == ST_OK && count >= (int64_t)max)
		st = ST_NOSPACE;
	if (st == ST_OK) {
		sqlite3_bind_text(s->q[Q_RE_ADD], 1, mbox, -1, SQLITE_STATIC);
		sqlite3_bind_blob64(s->q[Q_RE_ADD], 2, data, len, SQLITE_STATIC);
		sqlite3_bind_int64(s->q[Q_RE_ADD], 3, expires);
		st = store_exec(s, Q_RE_ADD);
	}
	pthread_mutex_unlock(&s->mu);
	return st;
}

void store_replies_free(store_reply *r, size_t n)
{
	size_t i;

	if (r == NULL)
		return;
	for (i = 0; i < n; i++)
		free(r[i].data);
	free(r);
}

st_t store_reply_list(store *s, const char *mbox, store_reply **out,
                      size_t *n)
{
	sqlite3_stmt *q = s->q[Q_RE_LIST];
	store_reply *v = NULL, *nv;
	size_t len = 0, cap = 0, blen;
	st_t st = ST_OK;
	int rc;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_text(q, 1, mbox, -1, SQLITE_STATIC);
	while ((rc = sqlite3_step(q)) == SQLITE_ROW) {
		if (len == cap) {
			cap = cap ? cap * 2 : 4;
			nv = realloc(v, cap * sizeof *v);
			if (nv == NULL) {
				st = ST_NOMEM;
				break;
			}
			v = nv;
		}
		blen = (size_t)sqlite3_column_bytes(q, 0);
		v[len].data = malloc(blen ? blen : 1);
		if (v[len].data == NULL) {
			st = ST_NOMEM;
			break;
		}
		if (blen != 0)
			memcpy(v[len].data, sqlite3_column_blob(q, 0), blen);
		v[len++].len = blen;
	}
	if (st == ST_OK && rc != SQLITE_DONE)
		st = store_err(s);
	sqlite3_reset(q);
	sqlite3_clear_bindings(q);
	pthread_mutex_unlock(&s->mu);
	if (st != ST_OK) {
		store_replies_free(v, len);
		v = NULL;
		len = 0;
	}
	*out = v;
	*n = len;
	return st;
}

/* One expiry statement, its only parameter the time now. */
static st_t store_expire(store *s, int which, int64_t now)
{
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_int64(s->q[which], 1, now);
	st = store_exec(s, which);
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_reply_expire(store *s, int64_t now)
{
	return store_expire(s, Q_RE_EXPIRE, now);
}

st_t store_checkpoint(store *s)
{
	st_t st = ST_OK;

	int nlog = 0, ndone = 0;

	pthread_mutex_lock(&s->mu);
	/* Only a WAL with frames is truncated: truncating an empty one would
	 * still stamp its mtime with the time of the pass. */
	if (sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_PASSIVE, &nlog, &ndone) != SQLITE_OK ||
	    (nlog > 0 &&
	     sqlite3_wal_checkpoint_v2(s->db, NULL, SQLITE_CHECKPOINT_TRUNCATE, NULL, NULL) != SQLITE_OK))
		st = store_err(s);
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_nonce_add(store *s, const uint8_t *nonce, size_t len, int64_t until)
{
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_blob(s->q[Q_NONCE_ADD], 1, nonce, (int)len, SQLITE_STATIC);
	sqlite3_bind_int64(s->q[Q_NONCE_ADD], 2, until);
	st = store_exec(s, Q_NONCE_ADD);
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_nonce_expire(store *s, int64_t now)
{
	return store_expire(s, Q_NONCE_EXPIRE, now);
}

st_t store_usage(store *s, uint64_t *used)
{
	int64_t v = 0;
	st_t st;

	pthread_mutex_lock(&s->mu);
	st = store_int_query(s, s->q[Q_USAGE], &v);
	pthread_mutex_unlock(&s->mu);
	*used = (uint64_t)v;
	return st;
}

st_t store_upload_oldest_empty(store *s, char id[STORE_ID_HEX + 1])
{
	sqlite3_stmt *q = s->q[Q_UP_EMPTY];
	int rc;
	st_t st;

	pthread_mutex_lock(&s->mu);
	rc = sqlite3_step(q);
	if (rc == SQLITE_ROW) {
		store_copy_text(id, STORE_ID_HEX + 1, q, 0);
		st = ST_OK;
	} else {
		st = rc == SQLITE_DONE ? ST_NOTFOUND : store_err(s);
	}
	sqlite3_reset(q);
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_upload_hold(store *s, const char *id, int64_t expires)
{
	st_t st;

	pthread_mutex_lock(&s->mu);
	sqlite3_bind_text(s->q[Q_UP_HOLD], 1, id, -1, SQLITE_STATIC);
	sqlite3_bind_int64(s->q[Q_UP_HOLD], 2, expires);
	st = store_write_one(s, Q_UP_HOLD);
	pthread_mutex_unlock(&s->mu);
	return st;
}

st_t store_upload_held(store *s, store_upload **out, size_t *n)
{
	void *v;
	st_t st;

	pthread_mutex_lock(&s->mu);
	st = store_collect(s, s->q[Q_UP_HELD], sizeof **out, store_row_upload, &v, n);
	*out = v;
	pthread_mutex_unlock(&s->mu);
	return st;
}
