/* test_cli_compose.c: text and attachments into a manifest and payload
 * stream: the stream parses back to exactly the inputs, attachment names
 * are reduced to safe base names, and non-files, missing files and empty
 * submissions are refused. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>
#include <cmocka.h>

#include "../../client/compose.h"

typedef struct {
	uint8_t *got[4];
	size_t len[4];
	int ended[4];
	char names[3][MANIFEST_NAME_MAX + 1];
	uint8_t mailbox[16];
	int has_reply;
} sink_state;

static st_t on_manifest(void *ctx, const manifest *m)
{
	sink_state *s = ctx;
	size_t i;

	for (i = 0; i < m->nfiles && i < 3; i++)
		snprintf(s->names[i], sizeof s->names[i], "%s", m->files[i].name);
	memcpy(s->mailbox, m->mailbox, 16);
	s->has_reply = m->has_reply;
	return ST_OK;
}

static st_t on_data(void *ctx, int part, const uint8_t *p, size_t n)
{
	sink_state *s = ctx;
	int k = part + 1;

	s->got[k] = realloc(s->got[k], s->len[k] + n + 1);
	if (s->got[k] == NULL)
		return ST_NOMEM;
	memcpy(s->got[k] + s->len[k], p, n);
	s->len[k] += n;
	return ST_OK;
}

static st_t on_part_end(void *ctx, int part)
{
	sink_state *s = ctx;

	s->ended[part + 1] = 1;
	return ST_OK;
}

static char dir[] = "/tmp/test_cli_compose.XXXXXX";

static char *make_file(const char *name, const uint8_t *data, size_t n)
{
	size_t cap = strlen(dir) + strlen(name) + 2;
	char *path = malloc(cap);
	FILE *f;

	assert_non_null(path);
	snprintf(path, cap, "%s/%s", dir, name);
	f = fopen(path, "wb");
	assert_non_null(f);
	assert_int_equal(fwrite(data, 1, n, f), n);
	fclose(f);
	return path;
}

static int pipe_with(const void *s, size_t n)
{
	int p[2];

	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], s, n), (ssize_t)n);
	close(p[1]);
	return p[0];
}

static void round_trip(void **state)
{
	static const char msg[] = "what happened on the 3rd";
	uint8_t *big = malloc(300000), *text, *buf;
	uint8_t pk[32], mb[16];
	char *p1, *p2, *p3;
	size_t tl, i;
	compose c;
	payload_parser *pp = NULL;
	payload_sink sink = { on_manifest, on_data, on_part_end };
	sink_state s;
	uint64_t total, off;
	int fd;

	(void)state;
	assert_non_null(big);
	randombytes_buf(big, 300000);
	randombytes_buf(pk, sizeof(pk));
	randombytes_buf(mb, sizeof(mb));
	p1 = make_file("video.mp4", big, 300000);
	p2 = make_file("..notes\x01.txt", (const uint8_t *)"n", 1);
	p3 = make_file("empty", (const uint8_t *)"", 0);

	compose_init(&c);
	fd = pipe_with(msg, sizeof(msg) - 1);
	assert_int_equal(compose_read_text(fd, COMPOSE_TEXT_MAX, &text, &tl), ST_OK);
	close(fd);
	assert_int_equal(tl, sizeof(msg) - 1);
	compose_set_text(&c, text, tl);
	assert_int_equal(compose_add_file(&c, p1), ST_OK);
	assert_int_equal(compose_add_file(&c, p2), ST_OK);
	assert_int_equal(compose_add_file(&c, p3), ST_OK);
	assert_int_equal(compose_finish(&c, pk, mb, "2026-11"), ST_OK);
	assert_string_equal(c.m.files[0].type, "video/mp4");

	memset(&s, 0, sizeof(s));
	total = payload_src_stream_len(c.src);
	assert_int_equal(payload_parser_new(total, &sink, &s, &pp), ST_OK);
	buf = malloc(70000);
	assert_non_null(buf);
	for (off = 0; off < total; off += 70000) {
		size_t n = total - off < 70000 ? (size_t)(total - off) : 70000;
		assert_int_equal(payload_src_read(c.src, off, buf, n), ST_OK);
		assert_int_equal(payload_parser_feed(pp, buf, n), ST_OK);
	}
	assert_int_equal(payload_parser_finish(pp), ST_OK);
	payload_parser_free(pp);

	assert_int_equal(s.len[0], sizeof(msg) - 1);
	assert_memory_equal(s.got[0], msg, sizeof(msg) - 1);
	assert_int_equal(s.len[1], 300000);
	assert_memory_equal(s.got[1], big, 300000);
	assert_int_equal(s.len[2], 1);
	assert_int_equal(s.len[3], 0);
	for (i = 0; i < 4; i++)
		assert_int_equal(s.ended[i], 1);
	assert_string_equal(s.names[0], "video.mp4");
	assert_null(strchr(s.names[1], '\x01'));
	assert_true(s.names[1][0] != '.');
	assert_string_equal(s.names[2], "empty");
	assert_int_equal(s.has_reply, 1);
	assert_memory_equal(s.mailbox, mb, 16);

	compose_release(&c);
	for (i = 0; i < 4; i++)
		free(s.got[i]);
	unlink(p1);
	unlink(p2);
	unlink(p3);
	free(p1);
	free(p2);
	free(p3);
	free(big);
	free(buf);
}

static void refusals(void **state)
{
	uint8_t pk[32] = { 0 }, mb[16] = { 0 }, *text;
	size_t tl;
	char missing[256];
	compose c;
	int fd;

	(void)state;
	compose_init(&c);
	assert_int_equal(compose_add_file(&c, dir), ST_BADDATA);
	snprintf(missing, sizeof(missing), "%s/nope", dir);
	assert_int_equal(compose_add_file(&c, missing), ST_NOINPUT);
	assert_int_equal(compose_add_file(&c, "/dev/null"), ST_BADDATA);
	assert_int_equal(compose_finish(&c, pk, mb, ""), ST_USAGE);
	compose_release(&c);

	fd = pipe_with("0123456789", 10);
	assert_int_equal(compose_read_text(fd, 9, &text, &tl), ST_TOOBIG);
	close(fd);
	fd = pipe_with("", 0);
	assert_int_equal(compose_read_text(fd, 9, &text, &tl), ST_OK);
	assert_int_equal(tl, 0);
	assert_non_null(text);
	sodium_free(text);
	close(fd);
	assert_int_equal(compose_read_text_file(missing, 9, &text, &tl),
	                 ST_NOINPUT);
}

static int setup(void **state)
{
	(void)state;
	if (sodium_init() < 0 || mkdtemp(dir) == NULL)
		return -1;
	return 0;
}

static int teardown(void **state)
{
	(void)state;
	return rmdir(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(round_trip),
		cmocka_unit_test(refusals),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
