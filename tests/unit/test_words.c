/* test_words.c: the shipped word lists (data/words/) have every property
 * FORMAT.md §4 promises, the build embeds exactly those files, and bit
 * strings survive words both ways, in either list, 12 or 15 words. */
#include "testutil.h"
#include "fsio.h"
#include "words.h"

static const char *const lang_file[] = { "data/words/ru.txt", "data/words/en.txt" };

/* Stems no list word may start with: offensive, political, military,
 * violent, religious, frightening, prison slang. */
static const char *const blocked[] = {
	"war", "army", "gun", "bomb", "kill", "dead", "death", "blood", "skull",
	"grave", "tomb", "coffin", "prison", "jail", "knife", "sword", "rifle",
	"tank", "missile", "rocket", "drone", "bullet", "soldier", "church",
	"bible", "angel", "devil", "demon", "ghost", "cross", "saint", "priest",
	"king", "queen", "vote", "flag", "police", "judge", "court", "cock",
	"bitch", "pussy", "dick", "shit", "fuck", "arse",
	"война", "армия", "танк", "пуля", "пушк", "бомб", "ракет", "дрон",
	"снаряд", "солдат", "убий", "смерт", "труп", "гроб", "могил", "кладбищ",
	"кровь", "череп", "нож", "топор", "тюрьм", "зона", "камер", "решетк",
	"церк", "храм", "икон", "ангел", "черт", "крест", "свят", "царь",
	"флаг", "герб", "полиц", "суд", "петух", "козел", "козл", "петл", "крыса", "мусор",
	"параш", "баланд", "свин", "осел", "баран", "педал", "член", "хуй",
	"пизд", "бляд", "сука", "жоп", "говн",
};

static uint8_t *load_list(words_lang lang, size_t *len)
{
	char path[512];
	const char *top = getenv("INTAKE_TOP");
	uint8_t *buf = NULL;

	snprintf(path, sizeof path, "%s/%s", top != NULL ? top : ".", lang_file[lang]);
	assert_int_equal(fsio_read_file(path, 1 << 20, &buf, len), ST_OK);
	return buf;
}

/* Letters of a word as code points with ё folded to е; the count. */
static size_t letters(const char *w, uint32_t *cp, size_t max)
{
	const unsigned char *s = (const unsigned char *)w;
	size_t n = 0;

	while (*s != '\0' && n < max) {
		if (*s < 0x80) {
			cp[n] = *s++;
		} else {
			cp[n] = (uint32_t)(s[0] & 0x1f) << 6 | (s[1] & 0x3f);
			s += 2;
		}
		if (cp[n] == 0x451)
			cp[n] = 0x435;
		n++;
	}
	return n;
}

/* True when b is at most one insertion, deletion or substitution from a. */
static int within_one(const uint32_t *a, size_t na, const uint32_t *b, size_t nb)
{
	size_t i = 0, j = 0;
	int edits = 0;

	if (na > nb + 1 || nb > na + 1)
		return 0;
	while (i < na && j < nb) {
		if (a[i] == b[j]) {
			i++;
			j++;
			continue;
		}
		if (++edits > 1)
			return 0;
		if (na > nb)
			i++;
		else if (nb > na)
			j++;
		else {
			i++;
			j++;
		}
	}
	return edits + (int)(na - i) + (int)(nb - j) <= 1;
}

static const char lat[] = "aeopcxykmtbh";
static const uint32_t cyr[] = {
	0x430, 0x435, 0x43e, 0x440, 0x441, 0x445, 0x443, 0x43a, 0x43c, 0x442, 0x432, 0x43d
};

/* The Latin look-alike of a Cyrillic letter, or 0. */
static uint32_t as_latin(uint32_t c)
{
	for (size_t i = 0; i < sizeof cyr / sizeof *cyr; i++)
		if (cyr[i] == c)
			return (uint32_t)lat[i];
	return 0;
}

static void check_list(words_lang lang)
{
	size_t len, n = 0;
	uint8_t *buf = load_list(lang, &len);
	static uint32_t cp[WORDS_COUNT][8];
	static size_t ncp[WORDS_COUNT];
	char *line = (char *)buf, *nl, *prev = NULL;

	/* exactly 2048 LF-terminated lines, the same bytes the build embedded */
	assert_true(len > 0 && buf[len - 1] == '\n');
	while ((nl = memchr(line, '\n', len - (size_t)(line - (char *)buf))) != NULL) {
		*nl = '\0';
		assert_true(n < WORDS_COUNT);
		assert_string_equal(line, words_get(lang, (unsigned)n));
		/* sorted by code point (UTF-8 byte order is the same), no ё */
		assert_true(prev == NULL || strcmp(prev, line) < 0);
		assert_null(strstr(line, "ё"));
		prev = line;
		ncp[n] = letters(line, cp[n], 9);
		/* 4 to 8 letters, lowercase, one alphabet */
		assert_in_range(ncp[n], 4, 8);
		for (size_t k = 0; k < ncp[n]; k++) {
			if (lang == WORDS_EN)
				assert_in_range(cp[n][k], 'a', 'z');
			else
				assert_in_range(cp[n][k], 0x430, 0x44f);
		}
		for (size_t b = 0; b < sizeof blocked / sizeof *blocked; b++)
			if (strncmp(line, blocked[b], strlen(blocked[b])) == 0)
				fail_msg("'%s' starts with blocked '%s'", line, blocked[b]);
		line = nl + 1;
		n++;
	}
	assert_int_equal(n, WORDS_COUNT);
	assert_null(words_get(lang, WORDS_COUNT));
	for (size_t i = 0; i < WORDS_COUNT; i++) {
		for (size_t j = i + 1; j < WORDS_COUNT; j++) {
			if (memcmp(cp[i], cp[j], WORDS_PREFIX * sizeof cp[i][0]) == 0)
				fail_msg("'%s' and '%s' share 4 letters", words_get(lang, (unsigned)i),
				         words_get(lang, (unsigned)j));
			if (within_one(cp[i], ncp[i], cp[j], ncp[j]))
				fail_msg("'%s' and '%s' are one edit apart", words_get(lang, (unsigned)i),
				         words_get(lang, (unsigned)j));
		}
	}
	free(buf);
}

/* The property checker itself: it must see one edit, and only one. */
static void one_edit_checker(void **state)
{
	static const char *const pairs[][3] = {
		{ "кошка", "кошки", "1" }, { "кошка", "ошка", "1" }, { "кошка", "кошкаа", "1" },
		{ "apple", "apply", "1" }, { "kiwi", "kiwi", "1" }, { "кошка", "мышка", "0" },
		{ "apple", "ample", "1" }, { "tiger", "tigress", "0" }, { "abcd", "badc", "0" },
	};

	(void)state;
	for (size_t i = 0; i < sizeof pairs / sizeof *pairs; i++) {
		uint32_t a[16], b[16];
		size_t na = letters(pairs[i][0], a, 16), nb = letters(pairs[i][1], b, 16);

		assert_int_equal(within_one(a, na, b, nb), pairs[i][2][0] == '1');
		assert_int_equal(within_one(b, nb, a, na), pairs[i][2][0] == '1');
	}
}

static void russian_list(void **state)
{
	(void)state;
	check_list(WORDS_RU);
}

static void english_list(void **state)
{
	(void)state;
	check_list(WORDS_EN);
}

/* No Russian word's first 4 letters, all Latin look-alikes, spell an
 * English word's first 4: a token typed in either script means one word. */
static void lists_apart_through_lookalikes(void **state)
{
	(void)state;
	for (unsigned i = 0; i < WORDS_COUNT; i++) {
		uint32_t r[8], p[WORDS_PREFIX];
		size_t k;

		(void)letters(words_get(WORDS_RU, i), r, 8);
		for (k = 0; k < WORDS_PREFIX && (p[k] = as_latin(r[k])) != 0; k++)
			;
		if (k < WORDS_PREFIX)
			continue;
		for (unsigned j = 0; j < WORDS_COUNT; j++) {
			const char *e = words_get(WORDS_EN, j);
			size_t m;

			for (m = 0; m < WORDS_PREFIX && (uint32_t)(unsigned char)e[m] == p[m]; m++)
				;
			if (m == WORDS_PREFIX)
				fail_msg("'%s' looks like '%s'", words_get(WORDS_RU, i), e);
		}
	}
}

/* Every word of both lists, alone, decodes to its own index. */
static void every_word_decodes_to_itself(void **state)
{
	(void)state;
	for (int lang = WORDS_RU; lang <= WORDS_EN; lang++) {
		for (unsigned i = 0; i < WORDS_COUNT; i++) {
			uint8_t out[2];
			unsigned v;

			assert_int_equal(words_decode_bits(words_get((words_lang)lang, i), 1, out,
			                                   sizeof out, NULL), ST_OK);
			v = (unsigned)out[0] << 3 | out[1] >> 5;
			if (v != i)
				fail_msg("'%s' decodes as %u", words_get((words_lang)lang, i), v);
		}
	}
}

/* Random 132- and 165-bit strings through words of each list and back. */
static void bits_round_trip(void **state)
{
	static const size_t sizes[] = { 132, 165, 11 };

	(void)state;
	for (int t = 0; t < 200; t++) {
		size_t nbits = sizes[t % 3], nbytes = (nbits + 7) / 8;
		uint8_t in[32], out[32];
		char text[512];
		words_typo typo;

		randombytes_buf(in, sizeof in);
		/* bits past nbits are not encoded: clear them for the compare */
		memset(in + nbytes, 0, sizeof in - nbytes);
		if (nbits % 8)
			in[nbytes - 1] &= (uint8_t)(0xff << (8 - nbits % 8));
		assert_int_equal(words_encode_bits(in, nbytes, nbits, (words_lang)(t & 1),
		                                   text, sizeof text), ST_OK);
		assert_int_equal(words_decode_bits(text, nbits / WORDS_BITS, out, nbytes,
		                                   &typo), ST_OK);
		assert_int_equal(typo.kind, WORDS_TYPO_NONE);
		assert_memory_equal(in, out, nbytes);
	}
}

/* Known bits: index 0, 1, 2047 in order, in both lists. */
static void encoding_is_msb_first(void **state)
{
	/* 00000000 00000000 00000111 11111111 1: 33 bits */
	const uint8_t in[5] = { 0x00, 0x00, 0x07, 0xff, 0x80 };
	char text[128], want[128];

	(void)state;
	assert_int_equal(words_encode_bits(in, sizeof in, 33, WORDS_EN, text, sizeof text), ST_OK);
	snprintf(want, sizeof want, "%s %s %s", words_get(WORDS_EN, 0), words_get(WORDS_EN, 1),
	         words_get(WORDS_EN, 2047));
	assert_string_equal(text, want);
	/* bad sizes and a short buffer are refused, never overrun */
	assert_int_equal(words_encode_bits(in, sizeof in, 34, WORDS_EN, text, sizeof text), ST_USAGE);
	assert_int_equal(words_encode_bits(in, 4, 33, WORDS_EN, text, sizeof text), ST_USAGE);
	assert_int_equal(words_encode_bits(in, sizeof in, 33, WORDS_EN, text, 8), ST_TOOBIG);
	assert_string_equal(text, "");
}

static void typo_and_count(void **state)
{
	uint8_t out[5];
	char text[256];
	words_typo typo;

	(void)state;
	/* the second word mistyped by one letter: named, the word suggested */
	snprintf(text, sizeof text, "%s ъ%s", words_get(WORDS_RU, 5), words_get(WORDS_RU, 9) + 2);
	assert_int_equal(words_decode_bits(text, 2, out, sizeof out, &typo), ST_BADDATA);
	assert_int_equal(typo.kind, WORDS_TYPO_WORD);
	assert_int_equal(typo.position, 2);
	assert_int_equal(typo.nbad, 1);
	assert_true(typo.nnear >= 1);
	assert_true(strcmp(typo.near[0], words_get(WORDS_RU, 9)) == 0 ||
	            strcmp(typo.near[1], words_get(WORDS_RU, 9)) == 0 ||
	            strcmp(typo.near[2], words_get(WORDS_RU, 9)) == 0);
	/* wrong count, invalid UTF-8, too long */
	assert_int_equal(words_decode_bits("a b c", 2, out, sizeof out, &typo), ST_BADDATA);
	assert_int_equal(typo.kind, WORDS_TYPO_COUNT);
	assert_int_equal(typo.found, 3);
	assert_int_equal(words_decode_bits("\xd0 \xff", 2, out, sizeof out, &typo), ST_BADDATA);
	assert_int_equal(typo.kind, WORDS_TYPO_TEXT);
	{
		char *big = malloc(WORDS_TEXT_MAX + 2);

		memset(big, 'a', WORDS_TEXT_MAX + 1);
		big[WORDS_TEXT_MAX + 1] = '\0';
		assert_int_equal(words_decode_bits(big, 2, out, sizeof out, &typo), ST_BADDATA);
		assert_int_equal(typo.kind, WORDS_TYPO_TEXT);
		free(big);
	}
	/* out too small for the words asked */
	assert_int_equal(words_decode_bits("a b c", 3, out, 5, &typo), ST_BADDATA);
	assert_int_equal(words_decode_bits("a b c", 3, out, 4, &typo), ST_USAGE);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(one_edit_checker),
		cmocka_unit_test(russian_list),
		cmocka_unit_test(english_list),
		cmocka_unit_test(lists_apart_through_lookalikes),
		cmocka_unit_test(every_word_decodes_to_itself),
		cmocka_unit_test(bits_round_trip),
		cmocka_unit_test(encoding_is_msb_first),
		cmocka_unit_test(typo_and_count),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
