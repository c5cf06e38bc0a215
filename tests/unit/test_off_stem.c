/* test_off_stem.c: the search tokenizer: words of any script with their
 * byte offsets, folding (case, ё to е, combining accents dropped),
 * Russian and English stems, the three modes, invalid UTF-8 and
 * overlong words never copied whole, and random input. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <sodium.h>
#include "../../officer/stem.h"

/* Tokens as "tok@start-end" (a '+' before colocated ones), joined by
 * spaces. */
typedef struct {
	char out[2048];
	size_t k;
} acc;

static st_t collect(void *ctx, const char *tok, size_t len, size_t start,
                    size_t end, int colocated)
{
	acc *a = ctx;
	int n;

	assert_true(len > 0 && len <= STEM_TOKEN_MAX);
	assert_true(start < end);
	n = snprintf(a->out + a->k, sizeof a->out - a->k, "%s%s%.*s@%zu-%zu",
	             a->k > 0 ? " " : "", colocated ? "+" : "", (int)len, tok,
	             start, end);
	assert_true(n > 0 && (size_t)n < sizeof a->out - a->k);
	a->k += (size_t)n;
	return ST_OK;
}

static const char *run(stem *s, const char *text, stem_mode mode, acc *a)
{
	a->k = 0;
	a->out[0] = '\0';
	assert_int_equal(stem_tokens(s, text, strlen(text), mode, collect, a),
	                 ST_OK);
	return a->out;
}

static void modes_and_folding(void **state)
{
	stem *s = *state;
	acc a;

	assert_string_equal(run(s, "В Подвале", STEM_INDEX, &a),
	                    "в@0-2 подвал@3-17 +подвале@3-17");
	assert_string_equal(run(s, "ЕЩЁ", STEM_PREFIX, &a), "еще@0-6");
	assert_string_equal(run(s, "сына", STEM_QUERY, &a), "сын@0-8 +сына@0-8");
	assert_string_equal(run(s, "Brothers, 2026!", STEM_INDEX, &a),
	                    "brother@0-8 +brothers@0-8 2026@10-14");
	/* a combining acute accent (stress mark) does not split the word */
	assert_string_equal(run(s, "доро\xcc\x81га", STEM_PREFIX, &a),
	                    "дорога@0-14");
	/* punctuation, symbols and format characters separate words */
	assert_string_equal(run(s, "a\xe2\x80\xae" "b\xe2\x80\x94" "c", STEM_PREFIX,
	                        &a), "a@0-1 b@4-5 c@8-9");
}

static void hostile_input(void **state)
{
	stem *s = *state;
	char big[4000];
	acc a;

	assert_string_equal(run(s, "ab\xff\xfe" "cd\xc0\xaf", STEM_PREFIX, &a),
	                    "ab@0-2 cd@4-6");
	assert_string_equal(run(s, "", STEM_INDEX, &a), "");
	assert_string_equal(run(s, "\"()*:^", STEM_INDEX, &a), "");
	memset(big, 'x', sizeof big - 1);
	big[sizeof big - 1] = '\0';
	run(s, big, STEM_INDEX, &a); /* cut at STEM_TOKEN_MAX, one token */
	assert_non_null(strstr(a.out, "@0-3999"));
}

static void random_input(void **state)
{
	stem *s = *state;
	unsigned char buf[600];
	size_t i, n;
	acc a;

	for (i = 0; i < 2000; i++) {
		n = randombytes_uniform(sizeof buf);
		randombytes_buf(buf, n);
		a.k = 0;
		assert_int_equal(stem_tokens(s, (const char *)buf, n,
		                             (stem_mode)(i % 3), collect, &a),
		                 ST_OK);
	}
}

static int setup(void **state)
{
	stem *s = NULL;

	if (sodium_init() < 0 || stem_new(&s) != ST_OK)
		return -1;
	*state = s;
	return 0;
}

static int teardown(void **state)
{
	stem_free(*state);
	return 0;
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(modes_and_folding),
		cmocka_unit_test(hostile_input),
		cmocka_unit_test(random_input),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
