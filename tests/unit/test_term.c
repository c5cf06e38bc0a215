/* test_term.c: the terminal sanitizer: every escape sequence the issue
 * names (OSC 52, OSC 0, CSI 2J, C1 CSI raw and UTF-8 encoded, RLO and
 * the other invisible format characters), invalid UTF-8, plain text kept
 * as it is, the TERM_LINES flag, the size bound, and random input that
 * never yields a control byte. */
#include "testutil.h"
#include "term.h"

/* term_clean of a literal (its length from sizeof: NULs allowed). */
#define CHECK(lit, flags, want) check_clean(lit, sizeof lit - 1, flags, want)

static void check_clean(const char *in, size_t n, unsigned flags,
                        const char *want)
{
	char *out = NULL;

	assert_int_equal(term_clean(in, n, flags, &out), ST_OK);
	assert_string_equal(out, want);
	free(out);
}

/* Nothing a terminal acts on, nothing invisible: no byte below 0x20
 * (except \n and \t with TERM_LINES), no DEL, valid UTF-8, and no code
 * point term_hidden names. */
static void assert_safe(const char *out, unsigned flags)
{
	const unsigned char *u = (const unsigned char *)out;
	unsigned long c;
	size_t i = 0, len;

	while (u[i] != '\0') {
		if (u[i] < 0x80) {
			if (flags & TERM_LINES)
				assert_true(u[i] >= 0x20 || u[i] == '\n' ||
				            u[i] == '\t');
			else
				assert_true(u[i] >= 0x20);
			assert_true(u[i] != 0x7f);
			i++;
			continue;
		}
		/* a lead byte: decode */
		if (u[i] >= 0xf0) { len = 4; c = u[i] & 7; }
		else if (u[i] >= 0xe0) { len = 3; c = u[i] & 15; }
		else { assert_true(u[i] >= 0xc2); len = 2; c = u[i] & 31; }
		for (size_t k = 1; k < len; k++) {
			assert_true((u[i + k] & 0xc0) == 0x80);
			c = (c << 6) | (u[i + k] & 0x3f);
		}
		assert_false(term_hidden(c));
		i += len;
	}
}

static void plain_text_kept(void **state)
{
	(void)state;
	CHECK("hello, world", 0, "hello, world");
	CHECK("в подвале ещё", 0,
	            "в подвале ещё");
	CHECK("emoji \xf0\x9f\x99\x82 ok", 0,
	            "emoji \xf0\x9f\x99\x82 ok");
	CHECK("", 0, "");
}

static void escapes_named_in_the_issue(void **state)
{
	(void)state;
	/* OSC 52: write the clipboard */
	CHECK("\x1b]52;c;ZWNobyBoaQ==\x07", 0,
	            "\\x1b]52;c;ZWNobyBoaQ==\\x07");
	/* OSC 0: the window title, ended by ST */
	CHECK("\x1b]0;pwned\x1b\\", 0, "\\x1b]0;pwned\\x1b\\\\");
	/* CSI 2J clear screen, then a forged line */
	CHECK("\x1b[2J\rcase-000001 reviewed", 0,
	            "\\x1b[2J\\x0dcase-000001 reviewed");
	/* raw C1 CSI byte: not UTF-8, shown as a byte */
	CHECK("\x9b" "31m", 0, "\\x9b31m");
	/* C1 CSI and OSC encoded as UTF-8 (U+009B, U+009D) */
	CHECK("\xc2\x9b" "2J\xc2\x9d" "0;t", 0,
	            "\\u{009b}2J\\u{009d}0;t");
	/* RLO, PDI, LRI, zero width space, BOM, soft hyphen, NEL */
	CHECK("a\xe2\x80\xae" "gpj.exe", 0, "a\\u{202e}gpj.exe");
	CHECK("\xe2\x81\xa9\xe2\x81\xa6\xe2\x80\x8b\xef\xbb\xbf"
	            "\xc2\xad\xc2\x85", 0,
	            "\\u{2069}\\u{2066}\\u{200b}\\u{feff}\\u{00ad}\\u{0085}");
	/* line and paragraph separators, word joiner, invisible times */
	CHECK("\xe2\x80\xa8\xe2\x80\xa9\xe2\x81\xa0\xe2\x81\xa2", 0,
	            "\\u{2028}\\u{2029}\\u{2060}\\u{2062}");
	/* DEL, NUL inside, backspace */
	CHECK("a\x7f" "b\0c\bd", 0, "a\\x7fb\\x00c\\x08d");
	/* a tag character */
	CHECK("\xf3\xa0\x80\x81", 0, "\\u{e0001}");
}

/* Variation selectors are invisible: a run of them after one letter (or
 * the supplementary ones, 240 of them) can carry a hidden message byte by
 * byte, as tag characters can. Only the emoji pair U+FE0E/U+FE0F right
 * after a shown character stays, so emoji look as sent. */
static void variation_selectors(void **state)
{
	(void)state;
	CHECK("\xe2\x9d\xa4\xef\xb8\x8f ok", 0, "\xe2\x9d\xa4\xef\xb8\x8f ok");
	CHECK("a\xf3\xa0\x84\x80\xf3\xa0\x87\xaf" "b", 0,
	      "a\\u{e0100}\\u{e01ef}b");
	CHECK("a\xef\xb8\x80\xef\xb8\x8d", 0, "a\\u{fe00}\\u{fe0d}");
	CHECK("a\xef\xb8\x8f\xef\xb8\x8f\xef\xb8\x8e", 0,
	      "a\xef\xb8\x8f\\u{fe0f}\\u{fe0e}");
	CHECK("\xef\xb8\x8fx\n\xef\xb8\x8e", TERM_LINES,
	      "\\u{fe0f}x\n\\u{fe0e}");
	CHECK("\xe1\xa0\x8b\xe1\xa0\x8f", 0, "\\u{180b}\\u{180f}");
}

static void invalid_utf8_escaped(void **state)
{
	(void)state;
	CHECK("\xc0\xaf", 0, "\\xc0\\xaf");           /* overlong / */
	CHECK("\xed\xa0\x80", 0, "\\xed\\xa0\\x80");  /* surrogate */
	CHECK("\xf4\x90\x80\x80", 0,
	            "\\xf4\\x90\\x80\\x80");                   /* > U+10FFFF */
	CHECK("ab\xe2\x80", 0, "ab\\xe2\\x80");       /* cut short */
	CHECK("\xff\xfe", 0, "\\xff\\xfe");
}

static void lines_flag(void **state)
{
	(void)state;
	CHECK("one\ntwo\tthree", 0, "one\\x0atwo\\x09three");
	CHECK("one\ntwo\tthree", TERM_LINES, "one\ntwo\tthree");
	/* carriage return can overwrite a line: escaped even then */
	CHECK("ok\rforged", TERM_LINES, "ok\\x0dforged");
}

static void backslash_unambiguous(void **state)
{
	(void)state;
	/* a literal "\x1b" typed by the submitter cannot pass for ours */
	CHECK("\\x1b", 0, "\\\\x1b");
}

static void bounded_buffer(void **state)
{
	char small[10];
	size_t used;

	(void)state;
	used = term_clean_buf("\x1b\x1b\x1b\x1b", 4, 0, small, sizeof small);
	assert_int_equal(used, 2);               /* two whole escapes fit */
	assert_string_equal(small, "\\x1b\\x1b");
	used = term_clean_buf("абв", 6, 0, small, 5);
	assert_int_equal(used, 4);               /* never half a code point */
	assert_string_equal(small, "аб");
	assert_int_equal(term_clean_buf("x", 1, 0, small, 0), 0);
}

static void random_input_is_safe(void **state)
{
	unsigned char in[512];
	char *out;
	size_t n, round, i;

	(void)state;
	for (round = 0; round < 3000; round++) {
		n = randombytes_uniform(sizeof in + 1);
		randombytes_buf(in, n);
		/* bias towards the interesting lead bytes */
		for (i = 0; i < n; i += 1 + randombytes_uniform(8))
			in[i] = (unsigned char[]){ 0x1b, 0xc2, 0xe2, 0x9b,
			                           0xef, 0xf3, 0x7f,
			                           '\\' }[randombytes_uniform(8)];
		assert_int_equal(term_clean((const char *)in, n,
		                            round & 1 ? TERM_LINES : 0, &out),
		                 ST_OK);
		assert_true(strlen(out) <= 4 * n);
		assert_safe(out, round & 1 ? TERM_LINES : 0);
		free(out);
	}
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(plain_text_kept),
		cmocka_unit_test(escapes_named_in_the_issue),
		cmocka_unit_test(variation_selectors),
		cmocka_unit_test(invalid_utf8_escaped),
		cmocka_unit_test(lines_flag),
		cmocka_unit_test(backslash_unambiguous),
		cmocka_unit_test(bounded_buffer),
		cmocka_unit_test(random_input_is_safe),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
