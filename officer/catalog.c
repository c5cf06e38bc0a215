/* catalog.c: the sqlite case catalog. Every statement is prepared with
 * bound parameters; results leave this file as jansson values. */
#include "catalog.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sqlite3.h>
#include "enc.h"
#include "fsio.h"
#include "stem.h"

/* 1: the first catalog; 2: stemmed search over testimony, notes and
 * attachment names, file kinds and risk flags, key fingerprints. */
#define CATALOG_VERSION 2

struct catalog {
	sqlite3 *db;
	stem *stem; /* owned by the FTS5 tokenizer registration */
};

/* Version 1, as it was: a new catalog is made by running this, then the
 * migration to version 2, so there is one path to the current schema. */
static const char catalog_schema_v1[] =
	"CREATE TABLE IF NOT EXISTS cases ("
	" id INTEGER PRIMARY KEY,"
	" envelope TEXT NOT NULL UNIQUE,"
	" envelope_id TEXT NOT NULL,"
	" envelope_size INTEGER NOT NULL,"
	" received TEXT NOT NULL,"
	" submitted TEXT NOT NULL,"
	" opened TEXT NOT NULL,"
	" text_size INTEGER NOT NULL,"
	" content_size INTEGER NOT NULL,"
	" nfiles INTEGER NOT NULL,"
	" key_id TEXT NOT NULL,"
	" reply_pk TEXT,"
	" mailbox TEXT,"
	" state TEXT NOT NULL DEFAULT 'new'"
	"  CHECK (state IN ('new','reviewed','replied','archived')));"
	"CREATE INDEX IF NOT EXISTS cases_envelope_id ON cases(envelope_id);"
	"CREATE TABLE IF NOT EXISTS files ("
	" case_id INTEGER NOT NULL REFERENCES cases(id),"
	" idx INTEGER NOT NULL,"
	" name TEXT NOT NULL,"
	" path TEXT NOT NULL,"
	" size INTEGER NOT NULL,"
	" type TEXT NOT NULL,"
	" sha256 TEXT NOT NULL,"
	" PRIMARY KEY (case_id, idx));"
	"CREATE TABLE IF NOT EXISTS notes ("
	" case_id INTEGER NOT NULL REFERENCES cases(id),"
	" at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
	" text TEXT NOT NULL);"
	"CREATE VIRTUAL TABLE IF NOT EXISTS testimony USING fts5(text);";

/* 1 -> 2: the index moves to the stemming tokenizer and gains notes and
 * attachment names (rebuilt from what version 1 holds); files gain their
 * kind by content and risk flags, cases the fingerprint of their key. */
static const char catalog_migrate_v2[] =
	"ALTER TABLE cases ADD COLUMN key_fp TEXT;"
	"ALTER TABLE files ADD COLUMN kind TEXT NOT NULL DEFAULT '';"
	"ALTER TABLE files ADD COLUMN flags TEXT NOT NULL DEFAULT '';"
	"CREATE INDEX cases_received ON cases(received);"
	"CREATE VIRTUAL TABLE search USING fts5(text, notes, names,"
	" tokenize = 'intake');"
	"INSERT INTO search (rowid, text, notes, names)"
	" SELECT c.id, coalesce(t.text, ''),"
	"  coalesce((SELECT group_concat(n.text, char(10)) FROM notes n"
	"   WHERE n.case_id = c.id), ''),"
	"  coalesce((SELECT group_concat(f.name, char(10)) FROM files f"
	"   WHERE f.case_id = c.id AND f.idx > 0), '')"
	" FROM cases c LEFT JOIN testimony t ON t.rowid = c.id;"
	"DROP TABLE testimony;"
	"PRAGMA user_version = 2;";

/* Prepare, step to the end and finalize each statement of sql in turn,
 * for fixed SQL without parameters (pragmas, schema, transactions). */
static st_t catalog_run(catalog *c, const char *sql)
{
	sqlite3_stmt *s = NULL;
	const char *tail = sql;
	int rc;

	while (*tail != '\0') {
		rc = sqlite3_prepare_v2(c->db, tail, -1, &s, &tail);
		if (rc != SQLITE_OK)
			return ST_IO;
		if (s == NULL) /* only whitespace left */
			break;
		do
			rc = sqlite3_step(s);
		while (rc == SQLITE_ROW);
		sqlite3_finalize(s);
		if (rc != SQLITE_DONE)
			return rc == SQLITE_FULL ? ST_NOSPACE : ST_IO;
	}
	return ST_OK;
}

static st_t catalog_prepare(catalog *c, const char *sql, sqlite3_stmt **s)
{
	return sqlite3_prepare_v2(c->db, sql, -1, s, NULL) == SQLITE_OK ?
	       ST_OK : ST_IO;
}

/* Step a statement that returns no rows, then finalize it. */
static st_t catalog_done(sqlite3_stmt *s)
{
	int rc = sqlite3_step(s);

	sqlite3_finalize(s);
	if (rc == SQLITE_DONE)
		return ST_OK;
	return rc == SQLITE_FULL ? ST_NOSPACE : ST_IO;
}

/* Bind text or NULL. */
static int catalog_bind_text(sqlite3_stmt *s, int i, const char *v)
{
	if (v == NULL)
		return sqlite3_bind_null(s, i);
	return sqlite3_bind_text(s, i, v, -1, SQLITE_TRANSIENT);
}

/* ---- the FTS5 tokenizer "intake" (officer/stem.c) ---- */

typedef struct {
	void *ctx;
	int (*token)(void *, int, const char *, int, int, int);
} catalog_tok_call;

static st_t catalog_tok_emit(void *ctx, const char *tok, size_t len,
                             size_t start, size_t end, int colocated)
{
	catalog_tok_call *k = ctx;

	return k->token(k->ctx, colocated ? FTS5_TOKEN_COLOCATED : 0, tok,
	                (int)len, (int)start, (int)end) == SQLITE_OK ? ST_OK :
	       ST_IO;
}

static int catalog_tok_create(void *ctx, const char **argv, int argc,
                              Fts5Tokenizer **out)
{
	(void)argv;
	(void)argc;
	*out = ctx; /* the stem object: no per-table state */
	return SQLITE_OK;
}

static void catalog_tok_delete(Fts5Tokenizer *t)
{
	(void)t;
}

static int catalog_tok_tokenize(Fts5Tokenizer *t, void *ctx, int flags,
                                const char *text, int n,
                                int (*token)(void *, int, const char *, int,
                                             int, int))
{
	catalog_tok_call k = { ctx, token };
	stem_mode mode = STEM_INDEX;

	if (flags & FTS5_TOKENIZE_QUERY)
		mode = flags & FTS5_TOKENIZE_PREFIX ? STEM_PREFIX : STEM_QUERY;
	if (n < 0)
		return SQLITE_ERROR;
	return stem_tokens((stem *)t, text, (size_t)n, mode, catalog_tok_emit,
	                   &k) == ST_OK ? SQLITE_OK : SQLITE_ERROR;
}

static void catalog_tok_destroy(void *ctx)
{
	stem_free(ctx);
}

/* Register "intake" on this connection; the stem object then belongs to
 * sqlite (freed with the connection). */
static st_t catalog_tokenizer(catalog *c)
{
	static fts5_tokenizer tok = { catalog_tok_create, catalog_tok_delete,
	                              catalog_tok_tokenize };
	fts5_api *api = NULL;
	sqlite3_stmt *s = NULL;
	stem *sm = NULL;
	st_t st;

	if (sqlite3_prepare_v2(c->db, "SELECT fts5(?1)", -1, &s, NULL) !=
	    SQLITE_OK)
		return ST_INTERNAL;
	sqlite3_bind_pointer(s, 1, (void *)&api, "fts5_api_ptr", NULL);
	sqlite3_step(s);
	sqlite3_finalize(s);
	if (api == NULL || api->iVersion < 2)
		return ST_INTERNAL;
	st = stem_new(&sm);
	if (st != ST_OK)
		return st;
	if (api->xCreateTokenizer(api, "intake", sm, &tok,
	                          catalog_tok_destroy) != SQLITE_OK) {
		stem_free(sm);
		return ST_INTERNAL;
	}
	c->stem = sm;
	return ST_OK;
}

/* Bring a version 0 (new) or 1 catalog to CATALOG_VERSION, all in one
 * transaction: an interrupted migration leaves version 1 as it was. */
static st_t catalog_migrate(catalog *c, int version)
{
	st_t st;

	st = catalog_run(c, "BEGIN IMMEDIATE");
	if (st != ST_OK)
		return st;
	if (version == 0)
		st = catalog_run(c, catalog_schema_v1);
	if (st == ST_OK)
		st = catalog_run(c, catalog_migrate_v2);
	if (st == ST_OK)
		st = catalog_run(c, "COMMIT");
	if (st != ST_OK)
		catalog_run(c, "ROLLBACK");
	return st;
}

/* The catalog holds testimony: catalog.db (created here, before sqlite
 * would make it 0644 under a usual umask) and its -wal and -shm files,
 * which sqlite creates with the database's mode, are 0600 whatever
 * existed before. */
static st_t catalog_private(const char *path)
{
	static const char *const suffix[] = { "", "-wal", "-shm" };
	char p[4096];
	size_t i;
	int fd;

	for (i = 0; i < sizeof suffix / sizeof suffix[0]; i++) {
		if (snprintf(p, sizeof p, "%s%s", path, suffix[i]) >= (int)sizeof p)
			return ST_USAGE;
		fd = open(p, O_RDWR | O_NOFOLLOW | O_CLOEXEC |
		          (i == 0 ? O_CREAT : 0), 0600);
		if (fd < 0 && (i > 0 && errno == ENOENT))
			continue;
		if (fd < 0)
			return fsio_errno_status(errno);
		if (fchmod(fd, 0600) != 0) {
			close(fd);
			return ST_PERM;
		}
		close(fd);
	}
	return ST_OK;
}

st_t catalog_open(const char *path, catalog **out)
{
	catalog *c;
	sqlite3_stmt *s = NULL;
	int version = -1;
	st_t st;

	*out = NULL;
	st = catalog_private(path);
	if (st != ST_OK)
		return st;
	c = calloc(1, sizeof *c);
	if (c == NULL)
		return ST_NOMEM;
	if (sqlite3_open_v2(path, &c->db, SQLITE_OPEN_READWRITE |
	                    SQLITE_OPEN_CREATE | SQLITE_OPEN_NOFOLLOW, NULL) !=
	    SQLITE_OK) {
		st = ST_IO;
		goto cleanup;
	}
	sqlite3_busy_timeout(c->db, 10000);
	sqlite3_extended_result_codes(c->db, 1);
	st = catalog_tokenizer(c);
	if (st != ST_OK)
		goto cleanup;
	/* Chain of custody: a committed case survives a power cut. */
	st = catalog_run(c, "PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;"
	                    "PRAGMA foreign_keys=ON;");
	if (st != ST_OK)
		goto cleanup;
	st = catalog_prepare(c, "PRAGMA user_version", &s);
	if (st != ST_OK)
		goto cleanup;
	if (sqlite3_step(s) == SQLITE_ROW)
		version = sqlite3_column_int(s, 0);
	sqlite3_finalize(s);
	if (version < 0 || version > CATALOG_VERSION) {
		st = ST_CONFIG; /* some other database, or a newer catalog */
		goto cleanup;
	}
	if (version < CATALOG_VERSION) {
		st = catalog_migrate(c, version);
		if (st != ST_OK)
			goto cleanup;
	}
	*out = c;
	c = NULL;
cleanup:
	catalog_close(c);
	return st;
}

void catalog_close(catalog *c)
{
	if (c == NULL)
		return;
	sqlite3_close_v2(c->db);
	free(c);
}

st_t catalog_begin(catalog *c)
{
	return catalog_run(c, "BEGIN IMMEDIATE");
}

st_t catalog_commit(catalog *c)
{
	return catalog_run(c, "COMMIT");
}

void catalog_rollback(catalog *c)
{
	if (!sqlite3_get_autocommit(c->db))
		catalog_run(c, "ROLLBACK");
}

/* *found = first column of the first row of sql bound to text, or 0. */
static st_t catalog_find(catalog *c, const char *sql, const char *text,
                         long long *found)
{
	sqlite3_stmt *s = NULL;
	int rc;
	st_t st;

	*found = 0;
	st = catalog_prepare(c, sql, &s);
	if (st != ST_OK)
		return st;
	catalog_bind_text(s, 1, text);
	rc = sqlite3_step(s);
	if (rc == SQLITE_ROW)
		*found = sqlite3_column_int64(s, 0);
	else if (rc != SQLITE_DONE)
		st = ST_IO;
	sqlite3_finalize(s);
	return st;
}

st_t catalog_find_envelope(catalog *c, const char *name, long long *found)
{
	return catalog_find(c, "SELECT id FROM cases WHERE envelope = ?1",
	                    name, found);
}

st_t catalog_find_hash(catalog *c, const char *hash, long long *found)
{
	return catalog_find(c, "SELECT id FROM cases WHERE envelope_id = ?1",
	                    hash, found);
}

st_t catalog_next_id(catalog *c, long long *id)
{
	sqlite3_stmt *s = NULL;
	st_t st;

	st = catalog_prepare(c, "SELECT coalesce(max(id), 0) + 1 FROM cases", &s);
	if (st != ST_OK)
		return st;
	if (sqlite3_step(s) == SQLITE_ROW)
		*id = sqlite3_column_int64(s, 0);
	else
		st = ST_IO;
	sqlite3_finalize(s);
	return st;
}

/* Attachment names, one a line, for the index (caller frees). */
static char *catalog_names(const catalog_case *cs)
{
	size_t i, n = 1, k = 0, len;
	char *out;

	for (i = 1; i < cs->nfiles; i++)
		n += strlen(cs->files[i].name) + 1;
	out = malloc(n);
	if (out == NULL)
		return NULL;
	for (i = 1; i < cs->nfiles; i++) {
		len = strlen(cs->files[i].name);
		memcpy(out + k, cs->files[i].name, len);
		k += len;
		out[k++] = '\n';
	}
	out[k] = '\0';
	return out;
}

st_t catalog_add(catalog *c, const catalog_case *cs)
{
	sqlite3_stmt *s = NULL;
	char *names;
	size_t i;
	st_t st;

	st = catalog_prepare(c,
		"INSERT INTO cases (id, envelope, envelope_id, envelope_size,"
		" received, opened, text_size, content_size, nfiles, key_id,"
		" reply_pk, mailbox, submitted, key_fp) VALUES (?1,?2,?3,?4,?5,"
		"?6,?7,?8,?9,?10,?11,?12,?13,?14)", &s);
	if (st != ST_OK)
		return st;
	sqlite3_bind_int64(s, 1, cs->id);
	catalog_bind_text(s, 2, cs->envelope);
	catalog_bind_text(s, 3, cs->envelope_id);
	sqlite3_bind_int64(s, 4, (sqlite3_int64)cs->envelope_size);
	catalog_bind_text(s, 5, cs->received);
	catalog_bind_text(s, 6, cs->opened);
	sqlite3_bind_int64(s, 7, (sqlite3_int64)cs->text_size);
	sqlite3_bind_int64(s, 8, (sqlite3_int64)cs->content_size);
	/* the row counts attachments; files[0] is the text */
	sqlite3_bind_int64(s, 9, (sqlite3_int64)(cs->nfiles - 1));
	catalog_bind_text(s, 10, cs->key_id);
	catalog_bind_text(s, 11, cs->reply_pk);
	catalog_bind_text(s, 12, cs->mailbox);
	catalog_bind_text(s, 13, cs->submitted);
	catalog_bind_text(s, 14, cs->key_fp);
	st = catalog_done(s);
	for (i = 0; st == ST_OK && i < cs->nfiles; i++) {
		const catalog_file *f = &cs->files[i];

		st = catalog_prepare(c,
			"INSERT INTO files (case_id, idx, name, path, size, type,"
			" sha256, kind, flags) VALUES (?1,?2,?3,?4,?5,?6,?7,?8,?9)",
			&s);
		if (st != ST_OK)
			break;
		sqlite3_bind_int64(s, 1, cs->id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
		catalog_bind_text(s, 3, f->name);
		catalog_bind_text(s, 4, f->path);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)f->size);
		catalog_bind_text(s, 6, f->type);
		catalog_bind_text(s, 7, f->sha256);
		catalog_bind_text(s, 8, f->kind != NULL ? f->kind : "");
		catalog_bind_text(s, 9, f->flags != NULL ? f->flags : "");
		st = catalog_done(s);
	}
	if (st != ST_OK)
		return st;
	names = catalog_names(cs);
	if (names == NULL)
		return ST_NOMEM;
	st = catalog_prepare(c, "INSERT INTO search (rowid, text, notes, names)"
	                        " VALUES (?1, ?2, '', ?3)", &s);
	if (st == ST_OK) {
		sqlite3_bind_int64(s, 1, cs->id);
		sqlite3_bind_text(s, 2, cs->text != NULL ? cs->text : "",
		                  (int)cs->text_len, SQLITE_TRANSIENT);
		catalog_bind_text(s, 3, names);
		st = catalog_done(s);
	}
	free(names);
	return st;
}

/* Run an UPDATE/INSERT bound to (id, text); ST_NOTFOUND when the case
 * does not exist. */
static st_t catalog_case_write(catalog *c, const char *sql, long long id,
                               const char *text)
{
	sqlite3_stmt *s = NULL;
	long long found = 0;
	st_t st;

	st = catalog_prepare(c, "SELECT id FROM cases WHERE id = ?1", &s);
	if (st != ST_OK)
		return st;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) == SQLITE_ROW)
		found = sqlite3_column_int64(s, 0);
	sqlite3_finalize(s);
	if (found == 0)
		return ST_NOTFOUND;
	st = catalog_prepare(c, sql, &s);
	if (st != ST_OK)
		return st;
	sqlite3_bind_int64(s, 1, id);
	catalog_bind_text(s, 2, text);
	return catalog_done(s);
}

st_t catalog_set_state(catalog *c, long long id, const char *state)
{
	static const char *const states[] = { "new", "reviewed", "replied",
	                                      "archived" };
	size_t i;

	for (i = 0; i < sizeof states / sizeof states[0]; i++)
		if (strcmp(state, states[i]) == 0)
			return catalog_case_write(c, "UPDATE cases SET state = ?2"
			                             " WHERE id = ?1", id, state);
	return ST_USAGE;
}

st_t catalog_add_note(catalog *c, long long id, const char *text)
{
	st_t st;

	/* the note and its index entry together, or neither; a savepoint
	 * works inside a caller's transaction as well as alone */
	st = catalog_run(c, "SAVEPOINT note");
	if (st != ST_OK)
		return st;
	st = catalog_case_write(c, "INSERT INTO notes (case_id, text)"
	                           " VALUES (?1, ?2)", id, text);
	if (st == ST_OK)
		st = catalog_case_write(c, "UPDATE search SET notes ="
		                           " notes || char(10) || ?2"
		                           " WHERE rowid = ?1", id, text);
	if (st != ST_OK)
		catalog_run(c, "ROLLBACK TO note");
	catalog_run(c, "RELEASE note");
	return st;
}

/* A JSON string for column i; bytes that are not valid UTF-8 (possible in
 * a snippet of submitter text) become '?'. */
static json_t *catalog_json_text(sqlite3_stmt *s, int i)
{
	const char *v = (const char *)sqlite3_column_text(s, i);
	size_t n = (size_t)sqlite3_column_bytes(s, i), k;
	json_t *j;
	char *copy;

	if (v == NULL)
		return json_null();
	j = json_stringn(v, n);
	if (j != NULL)
		return j;
	copy = malloc(n + 1);
	if (copy == NULL)
		return NULL;
	for (k = 0; k < n; k++)
		copy[k] = (unsigned char)v[k] < 0x80 && v[k] != '\0' ? v[k] : '?';
	j = json_stringn(copy, n);
	free(copy);
	return j;
}

/* The current row as an object keyed by column names. */
static json_t *catalog_row(sqlite3_stmt *s)
{
	json_t *o = json_object(), *v;
	int i, n = sqlite3_column_count(s);

	if (o == NULL)
		return NULL;
	for (i = 0; i < n; i++) {
		switch (sqlite3_column_type(s, i)) {
		case SQLITE_INTEGER:
			v = json_integer(sqlite3_column_int64(s, i));
			break;
		case SQLITE_NULL:
			v = json_null();
			break;
		default:
			v = catalog_json_text(s, i);
			break;
		}
		if (v == NULL || json_object_set_new(o, sqlite3_column_name(s, i),
		                                     v) != 0) {
			json_decref(o);
			return NULL;
		}
	}
	return o;
}

/* All rows of a prepared statement as an array; finalizes it. */
static st_t catalog_rows(sqlite3_stmt *s, json_t **out)
{
	json_t *arr = json_array(), *row;
	int rc;
	st_t st = ST_OK;

	if (arr == NULL) {
		sqlite3_finalize(s);
		return ST_NOMEM;
	}
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		row = catalog_row(s);
		if (row == NULL || json_array_append_new(arr, row) != 0) {
			st = ST_NOMEM;
			break;
		}
	}
	if (st == ST_OK && rc != SQLITE_DONE)
		st = ST_IO;
	sqlite3_finalize(s);
	if (st != ST_OK) {
		json_decref(arr);
		return st;
	}
	*out = arr;
	return ST_OK;
}

#define CATALOG_SUMMARY \
	"SELECT id, state, received, opened, content_size, nfiles," \
	" key_id, key_fp, envelope, reply_pk IS NOT NULL AS can_reply," \
	" (SELECT count(*) FROM files f WHERE f.case_id = cases.id" \
	"  AND f.flags != '') AS risky FROM cases"

/* The filter as SQL conditions on cases, parameters ?1..?4 (NULL: no
 * condition). A key matches its hex id or its fingerprint, whatever the
 * case, dashes or spaces. */
#define CATALOG_FILTER \
	" (?1 IS NULL OR cases.state = ?1)" \
	" AND (?2 IS NULL OR cases.received >= ?2)" \
	" AND (?3 IS NULL OR cases.received <= ?3)" \
	" AND (?4 IS NULL OR cases.key_id = lower(?4) OR" \
	"  replace(cases.key_fp, '-', '') =" \
	"  upper(replace(replace(?4, '-', ''), ' ', '')))"

static void catalog_bind_filter(sqlite3_stmt *s, const catalog_filter *f)
{
	catalog_bind_text(s, 1, f != NULL ? f->state : NULL);
	catalog_bind_text(s, 2, f != NULL ? f->since : NULL);
	catalog_bind_text(s, 3, f != NULL ? f->until : NULL);
	catalog_bind_text(s, 4, f != NULL ? f->key : NULL);
}

st_t catalog_list(catalog *c, const catalog_filter *f, json_t **out)
{
	sqlite3_stmt *s = NULL;
	st_t st = catalog_prepare(c, CATALOG_SUMMARY " WHERE" CATALOG_FILTER
	                             " ORDER BY id", &s);

	if (st != ST_OK)
		return st;
	catalog_bind_filter(s, f);
	return catalog_rows(s, out);
}

/* Rows of sql bound to the case id. */
static st_t catalog_rows_for(catalog *c, const char *sql, long long id,
                             json_t **out)
{
	sqlite3_stmt *s = NULL;
	st_t st = catalog_prepare(c, sql, &s);

	if (st != ST_OK)
		return st;
	sqlite3_bind_int64(s, 1, id);
	return catalog_rows(s, out);
}

st_t catalog_show(catalog *c, long long id, json_t **out)
{
	json_t *cases = NULL, *files = NULL, *notes = NULL, *one;
	st_t st;

	st = catalog_rows_for(c, "SELECT id, state, envelope, envelope_id,"
	                         " envelope_size, received, submitted, opened, text_size,"
	                         " content_size, nfiles, key_id, key_fp, reply_pk,"
	                         " mailbox FROM cases WHERE id = ?1", id, &cases);
	if (st == ST_OK)
		st = catalog_rows_for(c, "SELECT name, path, size, type, kind,"
		                         " flags, sha256 FROM files"
		                         " WHERE case_id = ?1 ORDER BY idx", id,
		                      &files);
	if (st == ST_OK)
		st = catalog_rows_for(c, "SELECT at, text FROM notes"
		                         " WHERE case_id = ?1 ORDER BY rowid",
		                      id, &notes);
	if (st != ST_OK)
		goto cleanup;
	one = json_array_get(cases, 0);
	if (one == NULL) {
		st = ST_NOTFOUND;
		goto cleanup;
	}
	if (json_object_set(one, "files", files) != 0 ||
	    json_object_set(one, "notes", notes) != 0) {
		st = ST_NOMEM;
		goto cleanup;
	}
	*out = json_incref(one);
cleanup:
	json_decref(cases);
	json_decref(files);
	json_decref(notes);
	return st;
}

/* The FTS5 query for what the officer typed. Each whitespace-separated
 * term is cut into words by the same tokenizer as the index and becomes
 * one quoted phrase of those words (letters and digits only, so nothing
 * in it is FTS5 syntax); a term ending in '*' becomes a prefix phrase.
 * All phrases must match. A term without words is dropped. */
typedef struct {
	char *buf;
	size_t k, cap;
	int words; /* in the current phrase */
} catalog_q;

static st_t catalog_q_word(void *ctx, const char *tok, size_t len,
                           size_t start, size_t end, int colocated)
{
	catalog_q *q = ctx;

	(void)start;
	(void)end;
	(void)colocated;
	if (len + 4 > q->cap - q->k)
		return ST_INTERNAL;
	if (q->words++ == 0)
		q->buf[q->k++] = '"';
	else
		q->buf[q->k++] = ' ';
	memcpy(q->buf + q->k, tok, len);
	q->k += len;
	return ST_OK;
}

static st_t catalog_fts_query(catalog *c, const char *text, char **out)
{
	size_t n = strlen(text), i = 0, j, tl;
	catalog_q q;
	int prefix;
	st_t st = ST_OK;

	*out = NULL;
	if (strspn(text, " \t\r\n") == n)
		return ST_USAGE;
	/* a folded word is never longer than 4/3 of its bytes: 2x is ample */
	q.cap = 2 * n + 16;
	q.buf = malloc(q.cap);
	q.k = 0;
	if (q.buf == NULL)
		return ST_NOMEM;
	while (st == ST_OK && i < n) {
		i += strspn(text + i, " \t\r\n");
		j = i + strcspn(text + i, " \t\r\n");
		tl = j - i;
		prefix = tl > 1 && text[j - 1] == '*';
		q.words = 0;
		if (q.k > 0)
			q.buf[q.k++] = ' ';
		st = stem_tokens(c->stem, text + i, prefix ? tl - 1 : tl,
		                 STEM_PREFIX, catalog_q_word, &q);
		if (st == ST_OK && q.words > 0) {
			q.buf[q.k++] = '"';
			if (prefix)
				q.buf[q.k++] = '*';
		} else if (q.k > 0) {
			q.k--; /* no words: drop the separator */
		}
		i = j;
	}
	q.buf[q.k] = '\0';
	if (st != ST_OK) {
		free(q.buf);
		return st;
	}
	*out = q.buf;
	return ST_OK;
}

st_t catalog_search(catalog *c, const char *query, const catalog_filter *f,
                    json_t **out)
{
	sqlite3_stmt *s = NULL;
	char *fq = NULL;
	st_t st;

	st = catalog_fts_query(c, query, &fq);
	if (st != ST_OK)
		return st;
	if (fq[0] == '\0') { /* nothing searchable was typed: no hit */
		free(fq);
		*out = json_array();
		return *out != NULL ? ST_OK : ST_NOMEM;
	}
	/* bm25 weights: testimony 1, notes 1, attachment names 0.5 */
	st = catalog_prepare(c,
		"SELECT cases.id AS id, cases.state AS state,"
		" cases.received AS received,"
		" snippet(search, -1, '[', ']', '...', 12) AS snippet"
		" FROM search JOIN cases ON cases.id = search.rowid"
		" WHERE search MATCH ?5 AND" CATALOG_FILTER
		" ORDER BY bm25(search, 1.0, 1.0, 0.5), cases.id", &s);
	if (st == ST_OK) {
		catalog_bind_filter(s, f);
		sqlite3_bind_text(s, 5, fq, -1, SQLITE_TRANSIENT);
		st = catalog_rows(s, out);
	}
	free(fq);
	return st;
}

st_t catalog_reply_target(catalog *c, long long id, uint8_t reply_pk[32],
                          uint8_t mailbox[16])
{
	sqlite3_stmt *s = NULL;
	const char *pk, *mb;
	st_t st;

	st = catalog_prepare(c, "SELECT reply_pk, mailbox FROM cases"
	                        " WHERE id = ?1", &s);
	if (st != ST_OK)
		return st;
	sqlite3_bind_int64(s, 1, id);
	if (sqlite3_step(s) != SQLITE_ROW) {
		st = ST_NOTFOUND;
		goto cleanup;
	}
	pk = (const char *)sqlite3_column_text(s, 0);
	mb = (const char *)sqlite3_column_text(s, 1);
	if (pk == NULL || mb == NULL) {
		st = ST_NOKEY;
		goto cleanup;
	}
	st = enc_hex_decode(reply_pk, 32, pk);
	if (st == ST_OK)
		st = enc_hex_decode(mailbox, 16, mb);
cleanup:
	sqlite3_finalize(s);
	return st;
}

st_t catalog_next_reply_seq(catalog *c, const char *mailbox, uint32_t *seq)
{
	sqlite3_stmt *s = NULL;
	st_t st;

	/* Per mailbox, not per case: one receipt may serve several cases and
	 * the submitter sees one numbered series. Made here, so older
	 * catalogs gain the table on first use. */
	st = catalog_run(c, "CREATE TABLE IF NOT EXISTS reply_seq ("
	                    " mailbox TEXT PRIMARY KEY,"
	                    " seq INTEGER NOT NULL CHECK (seq BETWEEN 1 AND 4294967295));");
	if (st == ST_OK)
		st = catalog_prepare(c, "INSERT INTO reply_seq (mailbox, seq)"
		                        " VALUES (?1, 1) ON CONFLICT (mailbox)"
		                        " DO UPDATE SET seq = seq + 1 RETURNING seq", &s);
	if (st != ST_OK)
		return st;
	catalog_bind_text(s, 1, mailbox);
	if (sqlite3_step(s) == SQLITE_ROW)
		*seq = (uint32_t)sqlite3_column_int64(s, 0);
	else
		st = ST_IO;
	/* Finalizing commits the autocommit statement. */
	if (sqlite3_finalize(s) != SQLITE_OK && st == ST_OK)
		st = ST_IO;
	return st;
}
