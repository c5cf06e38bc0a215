/* test_off_catalog.c: the officer's sqlite catalog: schema creation and
 * reopening, adding cases, idempotency lookups, states, notes, FTS5
 * search with hostile query text, reply targets, and refusing a database
 * that is not a catalog. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>
#include <sqlite3.h>
#include "../../officer/catalog.h"

typedef struct {
	char dir[64];
	char path[128];
	catalog *c;
} fx;

static int setup(void **state)
{
	fx *f = calloc(1, sizeof *f);

	snprintf(f->dir, sizeof f->dir, "/tmp/test_off_catalog.XXXXXX");
	if (mkdtemp(f->dir) == NULL)
		return -1;
	snprintf(f->path, sizeof f->path, "%s/catalog.db", f->dir);
	if (catalog_open(f->path, &f->c) != ST_OK)
		return -1;
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	fx *f = *state;
	char cmd[128];

	catalog_close(f->c);
	snprintf(cmd, sizeof cmd, "rm -rf '%s'", f->dir);
	if (system(cmd) != 0)
		return -1;
	free(f);
	return 0;
}

/* Add case id with the given envelope name, id and text. */
static st_t add(catalog *c, long long id, const char *env, const char *eid,
                const char *text, int with_reply)
{
	catalog_file files[2] = {
		{ "testimony.txt", "testimony.txt", 5, "text/plain", "text", "", "aa" },
		{ "x.jpg", "files/x.jpg", 7, "image/jpeg", "image", "", "bb" },
	};
	catalog_case cc;
	st_t st;

	memset(&cc, 0, sizeof cc);
	cc.id = id;
	cc.envelope = env;
	cc.envelope_id = eid;
	cc.envelope_size = 65760;
	cc.received = "2026-11-23";
	cc.submitted = "2026-11";
	cc.opened = "2026-11-23T10:00:00Z";
	cc.text_size = strlen(text);
	cc.content_size = strlen(text) + 7;
	cc.key_id = "0011223344556677";
	if (with_reply) {
		cc.reply_pk = "0101010101010101010101010101010101010101010101010101010101010101";
		cc.mailbox = "abababababababababababababababab";
	}
	cc.text = text;
	cc.text_len = strlen(text);
	cc.files = files;
	cc.nfiles = 2;
	st = catalog_begin(c);
	if (st == ST_OK)
		st = catalog_add(c, &cc);
	if (st == ST_OK)
		st = catalog_commit(c);
	else
		catalog_rollback(c);
	return st;
}

static void add_find_list(void **state)
{
	fx *f = *state;
	long long id = -1;
	json_t *rows = NULL, *one = NULL;

	assert_int_equal(catalog_next_id(f->c, &id), ST_OK);
	assert_int_equal(id, 1);
	assert_int_equal(add(f->c, 1, "a.env", "e1", "soldiers at the river", 1),
	                 ST_OK);
	assert_int_equal(catalog_next_id(f->c, &id), ST_OK);
	assert_int_equal(id, 2);
	assert_int_equal(catalog_find_envelope(f->c, "a.env", &id), ST_OK);
	assert_int_equal(id, 1);
	assert_int_equal(catalog_find_envelope(f->c, "b.env", &id), ST_OK);
	assert_int_equal(id, 0);
	assert_int_equal(catalog_find_hash(f->c, "e1", &id), ST_OK);
	assert_int_equal(id, 1);
	/* the same envelope name twice is refused by the schema */
	assert_int_not_equal(add(f->c, 2, "a.env", "e2", "x", 0), ST_OK);
	assert_int_equal(catalog_list(f->c, NULL, &rows), ST_OK);
	assert_int_equal(json_array_size(rows), 1);
	one = json_array_get(rows, 0);
	assert_string_equal(json_string_value(json_object_get(one, "state")),
	                    "new");
	assert_int_equal(json_integer_value(json_object_get(one, "nfiles")), 1);
	json_decref(rows);
}

static void states_and_notes(void **state)
{
	fx *f = *state;
	json_t *c = NULL, *notes;

	assert_int_equal(add(f->c, 1, "a.env", "e1", "text", 0), ST_OK);
	assert_int_equal(catalog_set_state(f->c, 1, "reviewed"), ST_OK);
	assert_int_equal(catalog_set_state(f->c, 1, "bogus"), ST_USAGE);
	assert_int_equal(catalog_set_state(f->c, 9, "reviewed"), ST_NOTFOUND);
	assert_int_equal(catalog_add_note(f->c, 1, "called back"), ST_OK);
	assert_int_equal(catalog_add_note(f->c, 1, "'); DROP TABLE cases; --"),
	                 ST_OK);
	assert_int_equal(catalog_add_note(f->c, 7, "nope"), ST_NOTFOUND);
	assert_int_equal(catalog_show(f->c, 1, &c), ST_OK);
	assert_string_equal(json_string_value(json_object_get(c, "state")),
	                    "reviewed");
	notes = json_object_get(c, "notes");
	assert_int_equal(json_array_size(notes), 2);
	assert_string_equal(json_string_value(json_object_get(
	                    json_array_get(notes, 1), "text")),
	                    "'); DROP TABLE cases; --");
	assert_int_equal(json_array_size(json_object_get(c, "files")), 2);
	json_decref(c);
	assert_int_equal(catalog_show(f->c, 2, &c), ST_NOTFOUND);
}

static size_t hits(catalog *c, const char *q)
{
	json_t *rows = NULL;
	size_t n;

	assert_int_equal(catalog_search(c, q, NULL, &rows), ST_OK);
	n = json_array_size(rows);
	json_decref(rows);
	return n;
}

static void search_plain_words(void **state)
{
	fx *f = *state;
	json_t *rows = NULL;

	assert_int_equal(add(f->c, 1, "a.env", "e1",
	                     "They took my brother at the river checkpoint", 0),
	                 ST_OK);
	assert_int_equal(add(f->c, 2, "b.env", "e2", "Nothing happened here", 0),
	                 ST_OK);
	assert_int_equal(hits(f->c, "river"), 1);
	assert_int_equal(hits(f->c, "RIVER brother"), 1);
	assert_int_equal(hits(f->c, "river nothing"), 0);
	assert_int_equal(hits(f->c, "happened"), 1);
	/* FTS5 syntax in the query is just text, never an error */
	assert_int_equal(hits(f->c, "\"river"), 1);
	assert_int_equal(hits(f->c, "river AND"), 0);
	assert_int_equal(hits(f->c, "NEAR(river"), 0);
	assert_int_equal(hits(f->c, "*"), 0);
	assert_int_equal(hits(f->c, "text:river"), 0);
	assert_int_equal(catalog_search(f->c, "   ", NULL, &rows), ST_USAGE);
}

/* Russian in any inflected form, ё as е, prefixes, notes and attachment
 * names; hostile FTS5 syntax neither errors nor injects. */
static void search_russian(void **state)
{
	fx *f = *state;
	json_t *rows = NULL;
	const char *snip;
	catalog_filter flt;

	assert_int_equal(add(f->c, 1, "a.env", "e1",
	                     "Его держали в подвале. Ещё нашли сына в Луганске.",
	                     0), ST_OK);
	assert_int_equal(add(f->c, 2, "b.env", "e2",
	                     "Nothing happened here, the brothers said", 0),
	                 ST_OK);
	assert_int_equal(hits(f->c, "подвал"), 1);
	assert_int_equal(hits(f->c, "ПОДВАЛЫ"), 1);
	assert_int_equal(hits(f->c, "сын"), 1);
	assert_int_equal(hits(f->c, "еще"), 1);
	assert_int_equal(hits(f->c, "ещё"), 1);
	assert_int_equal(hits(f->c, "Луганск"), 1);
	assert_int_equal(hits(f->c, "подвал*"), 1);
	assert_int_equal(hits(f->c, "подва*"), 1);
	assert_int_equal(hits(f->c, "подвале*"), 1);
	assert_int_equal(hits(f->c, "подвал сын"), 1);
	assert_int_equal(hits(f->c, "подвал brother"), 0);
	assert_int_equal(hits(f->c, "brother"), 1);  /* English stemming */
	assert_int_equal(hits(f->c, "happen"), 1);
	assert_int_equal(hits(f->c, "Киев"), 0);
	/* the snippet marks the hit */
	assert_int_equal(catalog_search(f->c, "подвал", NULL, &rows), ST_OK);
	snip = json_string_value(json_object_get(json_array_get(rows, 0),
	                                         "snippet"));
	assert_non_null(snip);
	assert_non_null(strstr(snip, "[подвале]"));
	json_decref(rows);
	/* notes and attachment names ("x.jpg" from add()) are searched */
	assert_int_equal(catalog_add_note(f->c, 2, "звонила матери"), ST_OK);
	assert_int_equal(hits(f->c, "мать"), 0);
	assert_int_equal(hits(f->c, "матери"), 1);
	assert_int_equal(hits(f->c, "звонил"), 1);
	assert_int_equal(hits(f->c, "x"), 2);
	assert_int_equal(hits(f->c, "jpg"), 2);
	/* hostile syntax: never an error, never more than plain words */
	assert_int_equal(hits(f->c, "\"подвал"), 1);
	assert_int_equal(hits(f->c, "подвал\""), 1);
	assert_int_equal(hits(f->c, "подвал OR brother"), 0);
	assert_int_equal(hits(f->c, "подвал AND"), 0);
	assert_int_equal(hits(f->c, "NOT подвал"), 0);
	assert_int_equal(hits(f->c, "NEAR(подвал сын)"), 0);
	assert_int_equal(hits(f->c, "(подвал)"), 1);
	assert_int_equal(hits(f->c, "text:подвал"), 0);
	assert_int_equal(hits(f->c, "{text notes}:подвал"), 0);
	assert_int_equal(hits(f->c, "^подвал"), 1);
	assert_int_equal(hits(f->c, "подвал +"), 1);
	assert_int_equal(hits(f->c, "* ** \" ( ) : ^"), 0);
	assert_int_equal(hits(f->c, "\xff\xfe"), 0);
	/* filters */
	memset(&flt, 0, sizeof flt);
	flt.state = "new";
	assert_int_equal(catalog_search(f->c, "подвал", &flt, &rows), ST_OK);
	assert_int_equal(json_array_size(rows), 1);
	json_decref(rows);
	flt.state = "archived";
	assert_int_equal(catalog_search(f->c, "подвал", &flt, &rows), ST_OK);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	flt.state = NULL;
	flt.since = "2026-11-24";
	assert_int_equal(catalog_list(f->c, &flt, &rows), ST_OK);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
	flt.since = "2026-11-23";
	flt.until = "2026-11-23";
	flt.key = "0011223344556677";
	assert_int_equal(catalog_list(f->c, &flt, &rows), ST_OK);
	assert_int_equal(json_array_size(rows), 2);
	json_decref(rows);
	flt.key = "aaaa-bbbb";
	assert_int_equal(catalog_list(f->c, &flt, &rows), ST_OK);
	assert_int_equal(json_array_size(rows), 0);
	json_decref(rows);
}

/* A version 1 catalog (as the first release made it) is migrated: its
 * cases stay, and the new index finds their text in any form. */
static void migrates_version_1(void **state)
{
	fx *f = *state;
	char path[160];
	sqlite3 *db;
	catalog *c = NULL;
	json_t *rows = NULL;

	snprintf(path, sizeof path, "%s/v1.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_exec(db,
		"CREATE TABLE cases (id INTEGER PRIMARY KEY, envelope TEXT NOT NULL"
		" UNIQUE, envelope_id TEXT NOT NULL, envelope_size INTEGER NOT NULL,"
		" received TEXT NOT NULL, submitted TEXT NOT NULL, opened TEXT NOT"
		" NULL, text_size INTEGER NOT NULL, content_size INTEGER NOT NULL,"
		" nfiles INTEGER NOT NULL, key_id TEXT NOT NULL, reply_pk TEXT,"
		" mailbox TEXT, state TEXT NOT NULL DEFAULT 'new' CHECK (state IN"
		" ('new','reviewed','replied','archived')));"
		"CREATE INDEX cases_envelope_id ON cases(envelope_id);"
		"CREATE TABLE files (case_id INTEGER NOT NULL REFERENCES cases(id),"
		" idx INTEGER NOT NULL, name TEXT NOT NULL, path TEXT NOT NULL,"
		" size INTEGER NOT NULL, type TEXT NOT NULL, sha256 TEXT NOT NULL,"
		" PRIMARY KEY (case_id, idx));"
		"CREATE TABLE notes (case_id INTEGER NOT NULL REFERENCES cases(id),"
		" at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ','now')),"
		" text TEXT NOT NULL);"
		"CREATE VIRTUAL TABLE testimony USING fts5(text);"
		"INSERT INTO cases VALUES (1, 'a.env', 'e1', 100, '2026-11-20',"
		" '', '2026-11-21T00:00:00Z', 10, 20, 1, '0011223344556677', NULL,"
		" NULL, 'reviewed');"
		"INSERT INTO files VALUES (1, 0, 'testimony.txt', 'testimony.txt',"
		" 10, 'text/plain', 'aa'), (1, 1, 'протокол.pdf', 'files/p.pdf', 10,"
		" 'application/pdf', 'bb');"
		"INSERT INTO notes (case_id, text) VALUES (1, 'позвонить брату');"
		"INSERT INTO testimony (rowid, text) VALUES (1, 'держали в подвале');"
		"PRAGMA user_version = 1;", NULL, NULL, NULL), SQLITE_OK);
	sqlite3_close(db);
	assert_int_equal(catalog_open(path, &c), ST_OK);
	assert_int_equal(hits(c, "подвал"), 1);
	assert_int_equal(hits(c, "брат"), 1);
	assert_int_equal(hits(c, "протоколы"), 1);
	assert_int_equal(catalog_list(c, NULL, &rows), ST_OK);
	assert_int_equal(json_array_size(rows), 1);
	assert_string_equal(json_string_value(json_object_get(
	                    json_array_get(rows, 0), "state")), "reviewed");
	json_decref(rows);
	catalog_close(c);
	/* and it opens again as version 2 */
	assert_int_equal(catalog_open(path, &c), ST_OK);
	assert_int_equal(hits(c, "подвалы"), 1);
	catalog_close(c);
}

static void reply_target(void **state)
{
	fx *f = *state;
	uint8_t pk[32], mb[16];

	assert_int_equal(add(f->c, 1, "a.env", "e1", "t", 1), ST_OK);
	assert_int_equal(add(f->c, 2, "b.env", "e2", "t", 0), ST_OK);
	assert_int_equal(catalog_reply_target(f->c, 1, pk, mb), ST_OK);
	assert_int_equal(pk[0], 0x01);
	assert_int_equal(mb[15], 0xab);
	assert_int_equal(catalog_reply_target(f->c, 2, pk, mb), ST_NOKEY);
	assert_int_equal(catalog_reply_target(f->c, 3, pk, mb), ST_NOTFOUND);
}

static void reopen_keeps_cases(void **state)
{
	fx *f = *state;
	long long id = 0;

	assert_int_equal(add(f->c, 1, "a.env", "e1", "t", 0), ST_OK);
	catalog_close(f->c);
	f->c = NULL;
	assert_int_equal(catalog_open(f->path, &f->c), ST_OK);
	assert_int_equal(catalog_find_envelope(f->c, "a.env", &id), ST_OK);
	assert_int_equal(id, 1);
}

static void refuses_foreign_database(void **state)
{
	fx *f = *state;
	char path[160];
	sqlite3 *db;
	sqlite3_stmt *s;
	catalog *c = NULL;

	snprintf(path, sizeof path, "%s/other.db", f->dir);
	assert_int_equal(sqlite3_open(path, &db), SQLITE_OK);
	assert_int_equal(sqlite3_prepare_v2(db, "PRAGMA user_version=42", -1,
	                                    &s, NULL), SQLITE_OK);
	assert_int_equal(sqlite3_step(s), SQLITE_DONE);
	sqlite3_finalize(s);
	sqlite3_close(db);
	assert_int_equal(catalog_open(path, &c), ST_CONFIG);
	assert_null(c);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(add_find_list, setup, teardown),
		cmocka_unit_test_setup_teardown(states_and_notes, setup, teardown),
		cmocka_unit_test_setup_teardown(search_plain_words, setup, teardown),
		cmocka_unit_test_setup_teardown(search_russian, setup, teardown),
		cmocka_unit_test_setup_teardown(migrates_version_1, setup,
		                                teardown),
		cmocka_unit_test_setup_teardown(reply_target, setup, teardown),
		cmocka_unit_test_setup_teardown(reopen_keeps_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_foreign_database, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
