/* cmd_replies.c: "intake-submit replies": fetch the mailbox the receipt
 * names and show the replies that open with its key and come from an
 * officer of the checked key bundle. The server's answer is hostile:
 * bounded, parsed strictly, and printed without terminal controls. */
#include "cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <unistd.h>

#include "cli.h"
#include "enc.h"
#include "i18n.h"
#include "reply.h"
#include "term.h"
#include "ui.h"

#define REPLIES_MAX 10000

static const char *const replies_help = N_(
"usage: intake-submit replies [options]\n"
"Read the organization's replies to your submission. You are asked for\n"
"your receipt (not shown as you type); it can also come from a private\n"
"file (--receipt-file) or one line on standard input. Only replies\n"
"signed by a key of the checked key bundle are shown.\n"
"\n"
"  -s, --server URL        intake server\n"
"  -k, --keys FILE         organization's key bundle\n"
"  -f, --fingerprint FP    expected fingerprint of the key bundle\n"
"      --no-fingerprint-check  do not check the bundle (unsafe)\n"
"      --receipt-file F    read the receipt from F (mode 0600)\n"
"      --tor               connect through Tor (127.0.0.1:9050 or 9150)\n"
"      --proxy URL         connect through this proxy\n"
"      --cacert FILE       trust these CA certificates for https\n"
"      --pin sha256//B64   require this server public key\n"
"  -c, --config FILE       configuration file\n"
"      --no-config         read no configuration file\n"
"  -q, --quiet             no messages besides the replies\n"
"      --json              print the replies as JSON\n"
"      --lang ru|en        language of the messages\n"
"  -h, --help              this help\n"
"      --version           the program's version\n"
"\n"
"Exit codes: 0 done, 1 a reply could not be verified,\n"
"64 usage, 65 bad input, 66 missing file, 69 server unreachable,\n"
"70 internal error, 71 out of memory, 74 I/O error, 75 try again later,\n"
"77 TLS verification failed, 78 configuration.\n");

static const struct option replies_opts[] = {
	{ "server", required_argument, NULL, 's' },
	{ "keys", required_argument, NULL, 'k' },
	{ "fingerprint", required_argument, NULL, 'f' },
	{ "no-fingerprint-check", no_argument, NULL, OPT_NO_FP },
	{ "receipt-file", required_argument, NULL, OPT_RECEIPT_FILE },
	{ "tor", no_argument, NULL, OPT_TOR },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "config", required_argument, NULL, 'c' },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "quiet", no_argument, NULL, 'q' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "lang", required_argument, NULL, OPT_LANG },
	{ "help", no_argument, NULL, 'h' },
	{ "version", no_argument, NULL, OPT_VERSION },
	{ NULL, 0, NULL, 0 },
};

/* One base64 reply from the mailbox into a malloc'd byte string. */
static st_t replies_b64(const char *text, size_t tl, uint8_t **out, size_t *len)
{
	size_t n;
	st_t st;

	*out = NULL;
	if (tl == 0 || tl % 4 != 0 || tl / 4 * 3 > REPLY_MAX_LEN)
		return ST_BADDATA;
	n = tl / 4 * 3 - (text[tl - 1] == '=') - (text[tl - 2] == '=');
	*out = malloc(n ? n : 1);
	if (*out == NULL)
		return ST_NOMEM;
	st = enc_b64_decode(*out, n, text, tl);
	if (st != ST_OK) {
		free(*out);
		*out = NULL;
		return st;
	}
	*len = n;
	return ST_OK;
}

/* A reply's text: on a terminal through term_clean (controls, C1,
 * bidi and invisible characters shown escaped), so a reply cannot drive
 * the terminal or disguise itself; raw when piped. */
static void replies_print_text(const uint8_t *t, size_t n, int tty)
{
	char *clean = NULL;

	if (!tty)
		fwrite(t, 1, n, stdout);
	else if (term_clean((const char *)t, n, TERM_LINES, &clean) == ST_OK)
		fputs(clean, stdout);
	else
		fputs("?", stdout);
	if (clean != NULL) /* the reply's plaintext */
		sodium_memzero(clean, strlen(clean));
	free(clean);
	if (n == 0 || t[n - 1] != '\n')
		putchar('\n');
}

/* Open every reply; print them (or gather them into *arr for --json). */
static st_t replies_show(const receipt *r,
                             const key_bundle *b, json_t *list,
                             json_t *arr, size_t *shown, size_t *bad)
{
	key_bundle one;
	char fp[KEY_FP_TEXT_MAX];
	uint8_t *raw = NULL, *text = NULL;
	size_t i, rawlen = 0, tl = 0, sender = 0;
	int tty = ui_is_tty(STDOUT_FILENO);
	json_t *e, *item;
	st_t st = ST_OK;

	*shown = *bad = 0;
	for (i = 0; i < json_array_size(list); i++) {
		e = json_array_get(list, i);
		if (!json_is_string(e) ||
		    replies_b64(json_string_value(e), json_string_length(e), &raw,
		            &rawlen) != ST_OK ||
		    reply_open(r->reply_sk, b, raw, rawlen, &text, &tl,
		               &sender) != ST_OK) {
			(*bad)++;
			goto next;
		}
		memset(&one, 0, sizeof(one));
		memcpy(one.pk[0], b->pk[sender], KEY_PUB_LEN);
		one.n = 1;
		key_bundle_fingerprint(&one, fp);
		if (arr != NULL) {
			item = json_pack("{s:s, s:s%}", "officer", fp, "text",
			                 (const char *)text, tl);
			if (item == NULL) {
				/* Not UTF-8: jansson refuses it, so do we. */
				(*bad)++;
				goto next;
			}
			if (json_array_append_new(arr, item) != 0) {
				st = ST_NOMEM;
				goto cleanup;
			}
		} else {
			printf(_("--- reply %zu, from the officer key %s ---\n"),
			       *shown + 1, fp);
			replies_print_text(text, tl, tty);
		}
		(*shown)++;
next:
		free(raw);
		raw = NULL;
		if (text != NULL)
			sodium_free(text);
		text = NULL;
	}
cleanup:
	free(raw);
	if (text != NULL)
		sodium_free(text);
	return st;
}

int cmd_replies(int argc, char **argv)
{
	cli_opts o;
	net_cfg cfg;
	key_bundle bundle;
	receipt *r = NULL;
	char mailbox[RECEIPT_MAILBOX_HEX];
	char *body = NULL;
	size_t blen = 0, shown = 0, bad = 0;
	json_t *doc = NULL, *list, *arr = NULL, *res = NULL;
	json_error_t jerr;
	const char *why = NULL;
	int help, rc;
	st_t st;

	cli_opts_init(&o);
	memset(&bundle, 0, sizeof(bundle));
	st = cli_parse(&o, argc, argv, ":s:k:f:c:qh", replies_opts, &help, &why);
	if (st != ST_OK)
		goto cleanup;
	if (help) {
		cli_help(help, replies_help);
		goto cleanup;
	}
	if (o.nargs != 0) {
		why = N_("replies takes no arguments; the receipt code is asked "
		      "for, never given on the command line");
		st = ST_USAGE;
		goto cleanup;
	}
	st = cli_config(&o, &why);
	if (st == ST_OK)
		st = cli_network(&o, &cfg, &why);
	if (st == ST_OK)
		st = cli_bundle(&o, &bundle, &why);
	if (st == ST_OK)
		st = cli_receipt(&o, 0, &r, &why);
	if (st != ST_OK)
		goto cleanup;
	receipt_mailbox_hex(r, mailbox);
	st = net_mailbox_get(&cfg, mailbox, &body, &blen, &why);
	if (st != ST_OK)
		goto cleanup;
	doc = json_loadb(body, blen, JSON_REJECT_DUPLICATES, &jerr);
	list = doc ? json_object_get(doc, "replies") : NULL;
	if (!json_is_array(list) || json_array_size(list) > REPLIES_MAX) {
		why = N_("the server's answer was malformed");
		st = ST_BADDATA;
		goto cleanup;
	}
	if (o.json) {
		arr = json_array();
		if (arr == NULL) {
			st = ST_NOMEM;
			goto cleanup;
		}
	}
	st = replies_show(r, &bundle, list, arr, &shown, &bad);
	if (st != ST_OK)
		goto cleanup;
	if (o.json) {
		res = json_pack("{s:O, s:I}", "replies", arr, "unreadable",
		                (json_int_t)bad);
		if (res == NULL || json_dumpf(res, stdout, JSON_COMPACT) != 0) {
			st = ST_NOMEM;
			goto cleanup;
		}
		putchar('\n');
	} else if (shown == 0 && bad == 0) {
		cli_say(&o, "%s", _("no replies yet\n"));
	}
	if (bad > 0)
		cli_err(ngettext("%zu reply could not be verified as coming "
		                 "from the organization and was not shown",
		                 "%zu replies could not be verified as coming "
		                 "from the organization and were not shown",
		                 bad), bad);
	if (fflush(stdout) != 0)
		st = ST_IO;
	else if (bad > 0)
		st = ST_DECRYPT;
	why = bad > 0 ? N_("some replies were not shown") : NULL;
cleanup:
	rc = st == ST_OK ? 0 : cli_fail(st, why);
	json_decref(res);
	json_decref(arr);
	json_decref(doc);
	if (body != NULL) {
		sodium_memzero(body, blen);
		free(body);
	}
	receipt_free(r);
	sodium_memzero(mailbox, sizeof(mailbox));
	cli_opts_release(&o);
	return rc;
}
