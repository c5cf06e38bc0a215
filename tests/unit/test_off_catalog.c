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
		{ "testimony.txt", "testimony.txt", 5, "text/plain", "aa" },
		{ "x.jpg", "files/x.jpg", 7, "image/jpeg", "bb" },
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
	assert_int_equal(catalog_list(f->c, &rows), ST_OK);
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

	assert_int_equal(catalog_search(c, q, &rows), ST_OK);
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
	assert_int_equal(catalog_search(f->c, "   ", &rows), ST_USAGE);
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
		cmocka_unit_test_setup_teardown(reply_target, setup, teardown),
		cmocka_unit_test_setup_teardown(reopen_keeps_cases, setup, teardown),
		cmocka_unit_test_setup_teardown(refuses_foreign_database, setup,
		                                teardown),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
