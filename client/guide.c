/* guide.c: the guided mode's screens. Every answer is read with echo on
 * (the person sees what she types) except nothing: the receipt is shown
 * once and typed back visibly on purpose, so she can compare. Lines are
 * bounded; typed receipts are held in sodium_malloc'd memory. */
#include "guide.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>

#include "cli.h"
#include "i18n.h"
#include "ui.h"

#define GUIDE_TYPEBACK_TRIES 5
#define GUIDE_LINE_MAX 1024
/* 12 words of 11 bits, in whole bytes */
#define GUIDE_WORD_BYTES ((RECEIPT_WORDS * WORDS_BITS + 7) / 8)

static int guide_hex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return -1;
}

st_t guide_path(const char *in, char *out, size_t cap)
{
	const char *home;
	size_t n, len, o = 0, i;
	int url = 0, quoted = 0;
	char ch;

	while (*in == ' ' || *in == '\t')
		in++;
	len = strlen(in);
	while (len > 0 && (in[len - 1] == ' ' || in[len - 1] == '\t' ||
	                   in[len - 1] == '\r'))
		len--;
	if (len >= 2 && (in[0] == '\'' || in[0] == '"') && in[len - 1] == in[0]) {
		quoted = in[0];
		in++;
		len -= 2;
	}
	if (len > 7 && strncmp(in, "file://", 7) == 0) {
		url = 1;
		in += 7;
		len -= 7;
	}
	if (len == 0)
		return ST_USAGE;
	if (len >= 2 && in[0] == '~' && in[1] == '/' &&
	    (home = getenv("HOME")) != NULL) {
		n = strlen(home);
		if (n + 1 > cap)
			return ST_TOOBIG;
		memcpy(out, home, n);
		o = n;
		in++;
		len--;
	}
	for (i = 0; i < len; i++) {
		ch = in[i];
		if (url && ch == '%' && i + 2 < len &&
		    guide_hex(in[i + 1]) >= 0 && guide_hex(in[i + 2]) >= 0) {
			ch = (char)(guide_hex(in[i + 1]) * 16 + guide_hex(in[i + 2]));
			i += 2;
		} else if (quoted == '\'' && ch == '\'' &&
		           strncmp(in + i, "'\\''", 4) == 0) {
			i += 3; /* the shell's way to put ' inside '...' */
		} else if (!quoted && !url && ch == '\\' && i + 1 < len) {
			ch = in[++i];
		}
		if (o + 1 >= cap)
			return ST_TOOBIG;
		out[o++] = ch;
	}
	out[o] = '\0';
	return o > 0 ? ST_OK : ST_USAGE;
}

void guide_intro(void)
{
	fputs(_("This program sends your letter and files to the organization.\n"
	        "They are encrypted on this computer: only the organization can "
	        "read them.\n\n"), stderr);
}

/* Why a file cannot be attached, in her words. */
static void guide_file_refused(const char *path, st_t st)
{
	if (st == ST_BADDATA)
		fprintf(stderr, _("\"%s\" is a folder or not an ordinary file. "
		                  "Give one file.\n"), path);
	else
		fprintf(stderr, _("Cannot open \"%s\". Check the name and try "
		                  "again.\n"), path);
}

st_t guide_attachments(int fd, compose *c)
{
	char line[GUIDE_PATH_MAX], path[GUIDE_PATH_MAX], size[32];
	size_t i;
	st_t st;

	fputs(_("Do you want to attach files (photos, documents)?\n"
	        "Type the path of a file, or drag the file into this window, "
	        "and press Enter.\n"
	        "When there are no more files, just press Enter.\n"), stderr);
	for (i = 0; i < c->m.nfiles; i++) {
		ui_format_size(size, sizeof(size), c->m.files[i].size);
		fprintf(stderr, _("  added: %s (%s)\n"), c->m.files[i].name, size);
	}
	for (;;) {
		fprintf(stderr, _("File %zu: "), c->m.nfiles + 1);
		fflush(stderr);
		st = ui_read_line(fd, line, sizeof(line), 1);
		if (st == ST_TOOBIG) {
			fputs(_("That name is too long.\n"), stderr);
			continue;
		}
		/* Ctrl-D here means "no more files", as an empty line. */
		if (st == ST_NOINPUT)
			break;
		if (st != ST_OK)
			return st;
		st = guide_path(line, path, sizeof(path));
		if (st == ST_USAGE)
			break;
		if (st != ST_OK) {
			fputs(_("That name is too long.\n"), stderr);
			continue;
		}
		st = compose_add_file(c, path);
		if (st == ST_TOOBIG) {
			fputs(_("No more files can be added.\n"), stderr);
			return st;
		}
		if (st != ST_OK) {
			guide_file_refused(path, st);
			continue;
		}
		ui_format_size(size, sizeof(size),
		               c->m.files[c->m.nfiles - 1].size);
		fprintf(stderr, _("  added: %s (%s)\n"),
		        c->m.files[c->m.nfiles - 1].name, size);
	}
	fputc('\n', stderr);
	return ST_OK;
}

void guide_letter_hint(void)
{
	fputs(_("Now write your letter. It stays on this computer until it is "
	        "encrypted and sent.\n"
	        "When you are done, press Ctrl-D (hold Ctrl and press D).\n"
	        "----\n"), stderr);
}

st_t guide_confirm(int fd, const compose *c, int *yes)
{
	char size[32];
	size_t i;

	/* Ctrl-D right after the text leaves the cursor on its last line. */
	if (c->text_len > 0 && c->text[c->text_len - 1] != '\n')
		fputc('\n', stderr);
	fputs("----\n", stderr);
	ui_format_size(size, sizeof(size), c->text_len);
	if (c->m.nfiles == 0)
		fprintf(stderr, _("You are about to send your letter (%s) and no "
		                  "files.\n"), size);
	else
		fprintf(stderr, ngettext("You are about to send your letter (%s) "
		                         "and %zu file:\n",
		                         "You are about to send your letter (%s) "
		                         "and %zu files:\n", c->m.nfiles),
		        size, c->m.nfiles);
	for (i = 0; i < c->m.nfiles; i++) {
		ui_format_size(size, sizeof(size), c->m.files[i].size);
		fprintf(stderr, "  %zu. %s (%s)\n", i + 1, c->m.files[i].name, size);
	}
	return ui_confirm(fd, _("Send it now?"), yes);
}

/* The 11-bit word number i (0-based) of a decoded word receipt. */
static unsigned guide_word_bits(const uint8_t *b, unsigned i)
{
	unsigned v = 0, k, at;

	for (k = 0; k < WORDS_BITS; k++) {
		at = i * WORDS_BITS + k;
		v = v << 1 | ((b[at / 8] >> (7 - at % 8)) & 1u);
	}
	return v;
}

/* Which of 12 typed words differ from the shown ones, as "3, 7" in out;
 * the count, 0 when typed is not 12 list words. */
static unsigned guide_diff(const char *typed, const char *shown, char *out,
                           size_t cap)
{
	uint8_t a[GUIDE_WORD_BYTES], b[GUIDE_WORD_BYTES];
	unsigned i, n = 0;
	size_t o = 0;

	out[0] = '\0';
	if (words_decode_bits(typed, RECEIPT_WORDS, a, sizeof(a), NULL) == ST_OK &&
	    words_decode_bits(shown, RECEIPT_WORDS, b, sizeof(b), NULL) == ST_OK) {
		for (i = 0; i < RECEIPT_WORDS; i++) {
			if (guide_word_bits(a, i) == guide_word_bits(b, i))
				continue;
			if (o < cap)
				o += (size_t)snprintf(out + o, cap - o, "%s%u",
				                      n ? ", " : "", i + 1);
			n++;
		}
	}
	sodium_memzero(a, sizeof(a));
	sodium_memzero(b, sizeof(b));
	return n;
}

/* One typed-back receipt against the shown one: 1 when it is the same;
 * otherwise what is wrong is said, word by word where it can be. */
static int guide_check(const char *line, const receipt *r, const char *shown)
{
	receipt *typed = NULL;
	receipt_typo typo;
	char msg[512], pos[64];
	unsigned n;
	int same = 0;
	st_t st;

	st = receipt_parse_ex(line, &typed, &typo);
	if (st == ST_OK) {
		same = sodium_memcmp(typed->secret, r->secret,
		                     RECEIPT_SECRET_LEN) == 0;
		receipt_free(typed);
	}
	if (same)
		goto cleanup;
	n = guide_diff(line, shown, pos, sizeof(pos));
	if (n > 0)
		fprintf(stderr, ngettext("Word %s is not the same as in the "
		                         "receipt above.\n",
		                         "Words %s are not the same as in the "
		                         "receipt above.\n", n), pos);
	else if (st == ST_BADDATA)
		fprintf(stderr, "%s\n", cli_receipt_typo(&typo, msg, sizeof(msg)));
	else
		fputs(_("That is not the same receipt. Look at it again above, "
		        "carefully.\n"), stderr);
cleanup:
	sodium_memzero(&typo, sizeof(typo));
	return same;
}

void guide_typeback(int fd, const receipt *r)
{
	char *line = sodium_malloc(GUIDE_LINE_MAX);
	char *shown = sodium_malloc(RECEIPT_WORDS_MAX);
	unsigned i;

	if (line == NULL || shown == NULL ||
	    receipt_format_words(r, cli_words_lang(), shown,
	                         RECEIPT_WORDS_MAX) != ST_OK)
		goto cleanup;
	for (i = 0; i < GUIDE_TYPEBACK_TRIES; i++) {
		fputs(_("\nType the receipt back to check you have it right (the "
		        "first 4 letters of each word are enough): "), stderr);
		fflush(stderr);
		if (ui_read_line(fd, line, GUIDE_LINE_MAX, 1) == ST_NOINPUT)
			break;
		if (guide_check(line, r, shown)) {
			fputs(_("Correct. Keep it safe.\n"), stderr);
			goto cleanup;
		}
	}
	fputs(_("Make sure you have copied the receipt above before you close "
	        "this window.\n"), stderr);
cleanup:
	if (line != NULL)
		sodium_free(line);
	if (shown != NULL)
		sodium_free(shown);
}

void guide_farewell(void)
{
	fputs(_("\nWhat to do now:\n"
	        "  1. Keep the receipt you wrote down, on paper, in a safe place. "
	        "Do not throw it away: without it you cannot read the reply.\n"
	        "  2. Close this window: it still shows your letter and the "
	        "receipt.\n"
	        "  3. If the letter or the files you sent are saved on this "
	        "computer and could harm you, delete them and empty the "
	        "trash.\n"), stderr);
}
