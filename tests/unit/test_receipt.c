/* test_receipt.c: receipt codes: format, typing forgiveness, check
 * character, and a stable derivation. */
#include "testutil.h"
#include "receipt.h"

#define MAILBOX_KAT "d70d07410677319509fc6b6aff38af0a"

static void format_and_parse(void **state)
{
	receipt *r = NULL, *p = NULL;
	char code[RECEIPT_TEXT_MAX], typed[RECEIPT_TEXT_MAX];

	(void)state;
	assert_int_equal(receipt_generate(&r), ST_OK);
	receipt_format(r, code);
	assert_int_equal(strlen(code), 34); /* 7 groups of 4 */
	for (int i = 4; i < 34; i += 5)
		assert_int_equal(code[i], '-');
	/* lowercase, no dashes, spaces: the same receipt */
	size_t n = 0;
	for (const char *c = code; *c; c++)
		if (*c != '-')
			typed[n++] = (char)((*c >= 'A' && *c <= 'Z') ? *c - 'A' + 'a' : *c);
	typed[n] = 0;
	assert_int_equal(receipt_parse(typed, &p), ST_OK);
	assert_memory_equal(p->mailbox, r->mailbox, RECEIPT_MAILBOX_LEN);
	assert_memory_equal(p->reply_pk, r->reply_pk, 32);
	assert_memory_equal(p->reply_sk, r->reply_sk, 32);
	receipt_free(p);
	receipt_free(r);
}

static void typos_are_caught(void **state)
{
	receipt *r = NULL, *p = NULL;
	char code[RECEIPT_TEXT_MAX];
	int caught = 0;

	(void)state;
	assert_int_equal(receipt_generate(&r), ST_OK);
	receipt_format(r, code);
	/* change one character at each position: the check byte, or the
	 * length/padding rules, reject nearly all of them */
	for (int i = 0; i < 34; i++) {
		char t[RECEIPT_TEXT_MAX];

		if (code[i] == '-')
			continue;
		memcpy(t, code, sizeof t);
		t[i] = t[i] == 'Z' ? 'Y' : 'Z';
		if (receipt_parse(t, &p) == ST_BADDATA)
			caught++;
		else
			receipt_free(p);
		p = NULL;
	}
	assert_true(caught >= 26);
	assert_int_equal(receipt_parse("", &p), ST_BADDATA);
	assert_int_equal(receipt_parse("AAAA-BBBB", &p), ST_BADDATA);
	assert_int_equal(receipt_parse("UUUU-UUUU-UUUU-UUUU-UUUU-UUUU-UUUU", &p), ST_BADDATA);
	receipt_free(r);
}

static void derivation_known_answer(void **state)
{
	/* 16 zero bytes and their check byte: a fixed code whose derived
	 * mailbox must never change, or every submitter loses replies. */
	receipt *p = NULL, *z = NULL;
	char code[RECEIPT_TEXT_MAX], hex[RECEIPT_MAILBOX_HEX];

	(void)state;
	z = sodium_malloc(sizeof *z);
	memset(z, 0, sizeof *z);
	receipt_format(z, code);
	assert_int_equal(receipt_parse(code, &p), ST_OK);
	receipt_mailbox_hex(p, hex);
	assert_string_equal(hex, MAILBOX_KAT);
	receipt_free(p);
	receipt_free(z);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(format_and_parse),
		cmocka_unit_test(typos_are_caught),
		cmocka_unit_test(derivation_known_answer),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
