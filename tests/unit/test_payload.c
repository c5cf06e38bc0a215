/* test_payload.c: the plaintext stream: source reads at any offset, and a
 * parser fed hostile streams (bad lengths, sizes past the stream, nonzero
 * padding, short or long streams) in pieces of every size. */
#include "testutil.h"
#include "enc.h"
#include "pad.h"

/* A stream by hand: length field, manifest JSON, content, zero padding. */
static uint8_t *make_stream(const char *json, const uint8_t *content,
                            size_t clen, uint64_t stream_len)
{
	uint8_t *s = calloc(1, (size_t)stream_len);
	size_t jl = strlen(json);

	enc_put_u32le(s, (uint32_t)jl);
	memcpy(s + 4, json, jl);
	if (clen > 0)
		memcpy(s + 4 + jl, content, clen);
	return s;
}

static st_t parse_all(const uint8_t *s, uint64_t len, uint64_t declared,
                      size_t step, tu_opened *o)
{
	payload_parser *p = NULL;
	st_t ret;

	memset(o, 0, sizeof *o);
	ret = payload_parser_new(declared, &tu_sink, o, &p);
	for (uint64_t off = 0; ret == ST_OK && off < len; off += step) {
		size_t n = len - off < step ? (size_t)(len - off) : step;

		ret = payload_parser_feed(p, s + off, n);
	}
	if (ret == ST_OK)
		ret = payload_parser_finish(p);
	payload_parser_free(p);
	if (ret != ST_OK)
		tu_opened_clear(o);
	return ret;
}

static void good_stream_any_piece_size(void **state)
{
	const char *j = "{\"v\":1,\"text_size\":5,\"files\":[{\"name\":\"a\",\"size\":0,\"type\":\"\"},{\"name\":\"b\",\"size\":3,\"type\":\"\"}]}";
	uint8_t *s = make_stream(j, (const uint8_t *)"helloxyz", 8, 65536);
	size_t steps[] = { 1, 2, 3, 7, 64, 65536 };
	tu_opened o;

	(void)state;
	for (size_t i = 0; i < sizeof steps / sizeof steps[0]; i++) {
		assert_int_equal(parse_all(s, 65536, 65536, steps[i], &o), ST_OK);
		assert_int_equal(o.lens[0], 5);
		assert_memory_equal(o.parts[0], "hello", 5);
		assert_int_equal(o.lens[1], 0);
		assert_memory_equal(o.parts[2], "xyz", 3);
		assert_int_equal(o.ends, 3); /* text, empty file, file */
		tu_opened_clear(&o);
	}
	free(s);
}

static void hostile_streams(void **state)
{
	const char *j = "{\"v\":1,\"text_size\":5,\"files\":[]}";
	uint8_t *s;
	tu_opened o;

	(void)state;
	s = make_stream(j, (const uint8_t *)"hello", 5, 65536);
	/* nonzero padding */
	s[60000] = 1;
	assert_int_equal(parse_all(s, 65536, 65536, 100, &o), ST_BADDATA);
	s[60000] = 0;
	/* stream shorter than declared */
	assert_int_equal(parse_all(s, 60000, 65536, 100, &o), ST_BADDATA);
	/* stream longer than declared */
	{
		payload_parser *p = NULL;

		payload_parser_new(100, &tu_sink, &o, &p);
		assert_int_equal(payload_parser_feed(p, s, 101), ST_BADDATA);
		assert_int_equal(payload_parser_feed(p, s, 1), ST_BADDATA); /* stays failed */
		payload_parser_free(p);
		tu_opened_clear(&o);
	}
	/* manifest length 0, huge, and past the stream */
	enc_put_u32le(s, 0);
	assert_int_equal(parse_all(s, 65536, 65536, 65536, &o), ST_BADDATA);
	enc_put_u32le(s, 0xffffffffu);
	assert_int_equal(parse_all(s, 65536, 65536, 65536, &o), ST_BADDATA);
	enc_put_u32le(s, 65533);
	assert_int_equal(parse_all(s, 65536, 65536, 65536, &o), ST_BADDATA);
	/* manifest that is not JSON */
	enc_put_u32le(s, 5);
	assert_int_equal(parse_all(s, 65536, 65536, 65536, &o), ST_BADDATA);
	free(s);
	/* declared sizes past the stream */
	s = make_stream("{\"v\":1,\"text_size\":70000,\"files\":[]}", NULL, 0, 65536);
	assert_int_equal(parse_all(s, 65536, 65536, 65536, &o), ST_BADDATA);
	free(s);
	s = make_stream("{\"v\":1,\"text_size\":1,\"files\":[{\"name\":\"a\",\"size\":9007199254740992,\"type\":\"\"},{\"name\":\"b\",\"size\":9007199254740992,\"type\":\"\"}]}", NULL, 0, 65536);
	assert_int_equal(parse_all(s, 65536, 65536, 65536, &o), ST_BADDATA);
	free(s);
	/* a stream too short for the length field */
	s = calloc(1, 3);
	assert_int_equal(parse_all(s, 3, 3, 3, &o), ST_BADDATA);
	free(s);
}

/* FORMAT.md 3: L is exactly padme(max(4 + M + content, 65536)); a longer
 * stream (a size class a modified client chose) is refused even when its
 * padding is all zeros. And a manifest of another version says so. */
static void stream_length_is_the_minimal_one(void **state)
{
	const char *j = "{\"v\":1,\"text_size\":5,\"files\":[]}";
	uint8_t *s = make_stream(j, (const uint8_t *)"hello", 5, 2 * 65536);
	uint8_t *big;
	char *jb;
	size_t jl, content;
	uint64_t L;
	tu_opened o;

	(void)state;
	assert_int_equal(parse_all(s, 65536, 65536, 1000, &o), ST_OK);
	tu_opened_clear(&o);
	assert_int_equal(parse_all(s, 2 * 65536, 2 * 65536, 1000, &o), ST_BADDATA);
	free(s);
	/* past the floor: 100000 bytes of content pad to one class only */
	content = 100000;
	jb = malloc(64);
	snprintf(jb, 64, "{\"v\":1,\"text_size\":%zu,\"files\":[]}", content);
	jl = strlen(jb);
	assert_int_equal(pad_stream_len(4 + jl + content, &L), ST_OK);
	big = calloc(1, (size_t)pad_padme(L + 1));
	enc_put_u32le(big, (uint32_t)jl);
	memcpy(big + 4, jb, jl);
	assert_int_equal(parse_all(big, L, L, 4096, &o), ST_OK);
	tu_opened_clear(&o);
	assert_int_equal(parse_all(big, pad_padme(L + 1), pad_padme(L + 1), 4096, &o), ST_BADDATA);
	free(big);
	free(jb);
	s = make_stream("{\"v\":2,\"text_size\":0,\"files\":[]}", NULL, 0, 65536);
	assert_int_equal(parse_all(s, 65536, 65536, 65536, &o), ST_VERSION);
	free(s);
}

static void source_reads_at_any_offset(void **state)
{
	manifest m;
	payload_src *src = NULL;
	const char *text = "testimony";
	uint8_t data[3000], *whole, piece[777];
	FILE *f = tmpfile();
	int fd;
	uint64_t len;

	(void)state;
	randombytes_buf(data, sizeof data);
	fwrite(data, 1, sizeof data, f);
	fflush(f);
	fd = fileno(f);
	memset(&m, 0, sizeof m);
	m.text_size = strlen(text);
	manifest_add_file(&m, "d.bin", sizeof data, "");
	assert_int_equal(payload_src_new(&m, (const uint8_t *)text, &fd, &src), ST_OK);
	len = payload_src_stream_len(src);
	assert_true(len == PAD_MIN_STREAM);
	whole = malloc((size_t)len);
	assert_int_equal(payload_src_read(src, 0, whole, (size_t)len), ST_OK);
	for (uint64_t off = 0; off + sizeof piece <= len; off += 1000) {
		assert_int_equal(payload_src_read(src, off, piece, sizeof piece), ST_OK);
		assert_memory_equal(piece, whole + off, sizeof piece);
	}
	assert_int_equal(payload_src_read(src, len - 1, piece, 2), ST_INTERNAL);
	/* the file shrinks after the manifest was made */
	assert_int_equal(ftruncate(fd, 100), 0);
	assert_int_equal(payload_src_read(src, 0, whole, (size_t)len), ST_MISMATCH);
	free(whole);
	payload_src_free(src);
	manifest_clear(&m);
	fclose(f);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(good_stream_any_piece_size),
		cmocka_unit_test(hostile_streams),
		cmocka_unit_test(stream_length_is_the_minimal_one),
		cmocka_unit_test(source_reads_at_any_offset),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
