/* fuzz_receipt.c: receipt_parse_ex (both written forms, every forgiveness
 * rule, typo detail) and the 15-word decoder on arbitrary bytes. */
#include "fuzz.h"
#include "receipt.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int ready;
	receipt *r = NULL;
	receipt_typo typo;
	uint8_t fp[21];
	char *text;

	if (!ready) {
		if (sodium_init() < 0)
			abort();
		ready = 1;
	}
	/* the parsers take C strings: stop at the first NUL like a caller */
	text = malloc(size + 1);
	if (text == NULL)
		return 0;
	memcpy(text, data, size);
	text[size] = '\0';
	if (receipt_parse_ex(text, &r, &typo) == ST_OK) {
		char back[RECEIPT_WORDS_MAX];

		/* what was accepted formats and parses back to itself */
		if (receipt_format_words(r, WORDS_RU, back, sizeof back) != ST_OK)
			abort();
		receipt_free(r);
		r = NULL;
		if (receipt_parse(back, &r) != ST_OK)
			abort();
		receipt_free(r);
	} else if (typo.nnear > WORDS_NEAR || typo.position > RECEIPT_WORDS) {
		abort();
	}
	(void)words_decode_bits(text, 15, fp, sizeof fp, NULL);
	free(text);
	return 0;
}
