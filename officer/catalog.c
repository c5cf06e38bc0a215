/* catalog.c: the sqlite case catalog. Every statement is prepared with
 * bound parameters; results leave this file as jansson values. */
#include "catalog.h"

#include <stdlib.h>
#include <string.h>
#include <sqlite3.h>
#include "enc.h"

#define CATALOG_VERSION 1

struct catalog {
	sqlite3 *db;
};

static const char catalog_schema[] =
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

st_t catalog_open(const char *path, catalog **out)
{
	catalog *c;
	sqlite3_stmt *s = NULL;
	int version = -1;
	st_t st;

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
	if (version != 0 && version != CATALOG_VERSION) {
		st = ST_CONFIG; /* some other database, or a newer catalog */
		goto cleanup;
	}
	if (version == 0) {
		st = catalog_run(c, "BEGIN IMMEDIATE");
		if (st == ST_OK)
			st = catalog_run(c, catalog_schema);
		if (st == ST_OK)
			st = catalog_run(c, "PRAGMA user_version=1; COMMIT");
		if (st != ST_OK) {
			catalog_run(c, "ROLLBACK");
			goto cleanup;
		}
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

st_t catalog_add(catalog *c, const catalog_case *cs)
{
	sqlite3_stmt *s = NULL;
	size_t i;
	st_t st;

	st = catalog_prepare(c,
		"INSERT INTO cases (id, envelope, envelope_id, envelope_size,"
		" received, opened, text_size, content_size, nfiles, key_id,"
		" reply_pk, mailbox, submitted) VALUES (?1,?2,?3,?4,?5,?6,?7,"
		"?8,?9,?10,?11,?12,?13)", &s);
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
	st = catalog_done(s);
	for (i = 0; st == ST_OK && i < cs->nfiles; i++) {
		const catalog_file *f = &cs->files[i];

		st = catalog_prepare(c,
			"INSERT INTO files (case_id, idx, name, path, size, type,"
			" sha256) VALUES (?1,?2,?3,?4,?5,?6,?7)", &s);
		if (st != ST_OK)
			break;
		sqlite3_bind_int64(s, 1, cs->id);
		sqlite3_bind_int64(s, 2, (sqlite3_int64)i);
		catalog_bind_text(s, 3, f->name);
		catalog_bind_text(s, 4, f->path);
		sqlite3_bind_int64(s, 5, (sqlite3_int64)f->size);
		catalog_bind_text(s, 6, f->type);
		catalog_bind_text(s, 7, f->sha256);
		st = catalog_done(s);
	}
	if (st != ST_OK)
		return st;
	st = catalog_prepare(c, "INSERT INTO testimony (rowid, text)"
	                        " VALUES (?1, ?2)", &s);
	if (st != ST_OK)
		return st;
	sqlite3_bind_int64(s, 1, cs->id);
	sqlite3_bind_text(s, 2, cs->text != NULL ? cs->text : "",
	                  (int)cs->text_len, SQLITE_TRANSIENT);
	return catalog_done(s);
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
	return catalog_case_write(c, "INSERT INTO notes (case_id, text)"
	                             " VALUES (?1, ?2)", id, text);
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
	" key_id, envelope, reply_pk IS NOT NULL AS can_reply FROM cases"

st_t catalog_list(catalog *c, json_t **out)
{
	sqlite3_stmt *s = NULL;
	st_t st = catalog_prepare(c, CATALOG_SUMMARY " ORDER BY id", &s);

	return st == ST_OK ? catalog_rows(s, out) : st;
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
	                         " content_size, nfiles, key_id, reply_pk,"
	                         " mailbox FROM cases WHERE id = ?1", id, &cases);
	if (st == ST_OK)
		st = catalog_rows_for(c, "SELECT name, path, size, type, sha256"
		                         " FROM files WHERE case_id = ?1"
		                         " ORDER BY idx", id, &files);
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

/* Each whitespace-separated word of q as a quoted FTS5 string ("" for a
 * quote inside), so no query text is ever read as FTS5 syntax. Caller
 * frees *out; ST_USAGE for a query without words. */
static st_t catalog_fts_query(const char *q, char **out)
{
	size_t n = strlen(q), i, k = 0;
	char *buf = malloc(3 * n + 3);
	int inword = 0, words = 0;

	if (buf == NULL)
		return ST_NOMEM;
	for (i = 0; i <= n; i++) {
		int space = q[i] == '\0' || q[i] == ' ' || q[i] == '\t' ||
		            q[i] == '\n' || q[i] == '\r';

		if (space && inword) {
			buf[k++] = '"';
			inword = 0;
		} else if (!space) {
			if (!inword) {
				if (words++ > 0)
					buf[k++] = ' ';
				buf[k++] = '"';
				inword = 1;
			}
			if (q[i] == '"')
				buf[k++] = '"';
			buf[k++] = q[i];
		}
	}
	buf[k] = '\0';
	if (words == 0) {
		free(buf);
		return ST_USAGE;
	}
	*out = buf;
	return ST_OK;
}

st_t catalog_search(catalog *c, const char *query, json_t **out)
{
	sqlite3_stmt *s = NULL;
	char *fq = NULL;
	st_t st;

	st = catalog_fts_query(query, &fq);
	if (st != ST_OK)
		return st;
	st = catalog_prepare(c,
		"SELECT cases.id AS id, cases.state AS state,"
		" cases.received AS received,"
		" snippet(testimony, 0, '[', ']', '...', 12) AS snippet"
		" FROM testimony JOIN cases ON cases.id = testimony.rowid"
		" WHERE testimony MATCH ?1 ORDER BY rank", &s);
	if (st == ST_OK) {
		sqlite3_bind_text(s, 1, fq, -1, SQLITE_TRANSIENT);
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
