/* cmd_replies.c: "intake-submit replies": fetch the mailbox the receipt
 * names and show the replies that open with its key and are signed by an
 * officer of the checked keyset (client/keys.c), in numbered order, with
 * what is missing or repeated. The server's answer is hostile:
 * bounded, parsed strictly, and printed without terminal controls. */
#include "cmd.h"

#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include <unistd.h>

#include "cli.h"
#include "enc.h"
#include "keys.h"
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
"signed by an officer in the organization's keys, checked against the\n"
"root fingerprint, are shown; a missing or repeated reply is reported.\n"
"\n"
"  -s, --server URL        intake server\n"
"  -f, --fingerprint FP    the organization's published root fingerprint\n"
"      --keyset FILE       the organization's keys from a file, not the server\n"
"  -k, --keys FILE         bundle mode: an older key bundle, no rotation, and\n"
"                          replies shown without checking who signed them\n"
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
	{ "keyset", required_argument, NULL, OPT_KEYSET },
	{ "fingerprint", required_argument, NULL, 'f' },
	{ "no-fingerprint-check", no_argument, NULL, OPT_NO_FP },
	{ "receipt-file", required_argument, NULL, OPT_RECEIPT_FILE },
	CLI_OPTS_NET,
	CLI_OPTS_TAIL,
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

/* One opened reply, kept until all are in, to be shown in seq order. */
typedef struct {
	reply_msg m;
	size_t pos; /* place in the server's list */
} replies_item;

static int replies_by_seq(const void *a, const void *b)
{
	const replies_item *x = a, *y = b;

	if (x->m.seq != y->m.seq)
		return x->m.seq < y->m.seq ? -1 : 1;
	return x->pos < y->pos ? -1 : x->pos > y->pos;
}

/* "YYYY-MM-DD" of a day number. */
static void replies_day(uint32_t day, char out[16])
{
	time_t t = (time_t)day * 86400;
	struct tm tm;

	if (gmtime_r(&t, &tm) == NULL || strftime(out, 16, "%Y-%m-%d", &tm) == 0)
		snprintf(out, 16, "?");
}

/* Sequence findings over the signed replies, on stderr (and in *warn for
 * --json): a withheld reply, a copy, a changed order. */
static st_t replies_sequence(const keys_org *k, const replies_item *it,
                             size_t n, json_t *warn)
{
	reply_seq_issue is[16];
	uint32_t *seq;
	size_t m = 0, total;
	char line[160];

	if (!k->is_keyset || n == 0)
		return ST_OK;
	seq = malloc(n * sizeof *seq);
	if (seq == NULL)
		return ST_NOMEM;
	/* Server order: items are still in it here. */
	for (size_t i = 0; i < n; i++)
		if (it[i].m.cls == REPLY_VERIFIED || it[i].m.cls == REPLY_VERIFIED_RETIRED)
			seq[m++] = it[i].m.seq;
	total = reply_seq_check(seq, m, is, 16);
	free(seq);
	for (size_t i = 0; i < total && i < 16; i++) {
		snprintf(line, sizeof line, is[i].kind == REPLY_SEQ_MISSING ?
		         _("reply %u is missing: the server withheld or lost it") :
		         is[i].kind == REPLY_SEQ_COPY ?
		         _("reply %u came more than once: a copy was replayed") :
		         _("reply %u came after a later one: the server reordered them"),
		         is[i].seq);
		cli_err(_("warning: %s"), line);
		if (warn != NULL && json_array_append_new(warn, json_string(line)) != 0)
			return ST_NOMEM;
	}
	if (total > 16)
		cli_err(_("warning: %zu more problems with the numbering of replies"),
		        total - 16);
	return ST_OK;
}

/* Show one reply (or add it to *arr). Only replies from the organization
 * (or any bundle key, in bundle mode) are shown; *bad counts the rest. */
static st_t replies_one(const keys_org *k, const replies_item *it, int tty,
                        json_t *arr, size_t *shown, size_t *bad)
{
	const reply_msg *m = &it->m;
	uint8_t reason;
	const keyset_officer *from = keyset_find(&k->ks, m->key_id, &reason);
	key_bundle one;
	char fp[KEY_FP_TEXT_MAX], day[16];
	json_t *item;

	if (k->is_keyset && m->cls != REPLY_VERIFIED &&
	    m->cls != REPLY_VERIFIED_RETIRED) {
		cli_err(_("reply %zu is %s; it is not shown"), it->pos + 1,
		        keys_class_text(k, m->cls));
		(*bad)++;
		return ST_OK;
	}
	memset(&one, 0, sizeof(one));
	memcpy(one.pk[0], from->box_pk, KEY_PUB_LEN);
	one.n = 1;
	key_bundle_fingerprint(&one, fp);
	replies_day(m->day, day);
	if (arr != NULL) {
		item = json_pack("{s:s, s:s, s:I, s:s, s:s%}", "officer", fp,
		                 "verified", keys_class_word(k, m->cls),
		                 "seq", (json_int_t)m->seq, "date", day,
		                 "text", (const char *)m->text, m->len);
		if (item == NULL) {
			/* Not UTF-8: jansson refuses it, so do we. */
			(*bad)++;
			return ST_OK;
		}
		if (json_array_append_new(arr, item) != 0)
			return ST_NOMEM;
	} else {
		printf(_("--- reply %u (%s), %s, officer key %s ---\n"), m->seq, day,
		       keys_class_text(k, m->cls), fp);
		replies_print_text(m->text, m->len, tty);
	}
	(*shown)++;
	return ST_OK;
}

/* Open every reply; print them in sequence order (or gather them into
 * *arr for --json), then the sequence findings. */
static st_t replies_show(const receipt *r, const keys_org *k, json_t *list,
                         json_t *arr, json_t *warn, size_t *shown, size_t *bad)
{
	size_t n = json_array_size(list), nit = 0, i, rawlen = 0;
	replies_item *it = calloc(n ? n : 1, sizeof *it);
	int tty = ui_is_tty(STDOUT_FILENO);
	uint8_t *raw = NULL;
	json_t *e;
	st_t st = ST_OK;

	*shown = *bad = 0;
	if (it == NULL)
		return ST_NOMEM;
	for (i = 0; i < n; i++) {
		e = json_array_get(list, i);
		if (!json_is_string(e) ||
		    replies_b64(json_string_value(e), json_string_length(e), &raw,
		                &rawlen) != ST_OK ||
		    reply_open(r, &k->ks, raw, rawlen, &it[nit].m) != ST_OK) {
			(*bad)++;
		} else {
			it[nit++].pos = i;
		}
		free(raw);
		raw = NULL;
	}
	st = replies_sequence(k, it, nit, warn);
	if (k->is_keyset)
		qsort(it, nit, sizeof *it, replies_by_seq);
	for (i = 0; i < nit && st == ST_OK; i++) {
		/* A replayed copy (same number, same text) is reported above
		 * and shown once. */
		if (k->is_keyset && i > 0 && it[i].m.cls == it[i - 1].m.cls &&
		    it[i].m.seq == it[i - 1].m.seq &&
		    it[i].m.len == it[i - 1].m.len &&
		    memcmp(it[i].m.text, it[i - 1].m.text, it[i].m.len) == 0)
			continue;
		st = replies_one(k, &it[i], tty, arr, shown, bad);
	}
	for (i = 0; i < nit; i++)
		reply_msg_clear(&it[i].m);
	free(it);
	return st;
}

int cmd_replies(int argc, char **argv)
{
	cli_opts o;
	net_cfg cfg;
	keys_org org;
	receipt *r = NULL;
	char mailbox[RECEIPT_MAILBOX_HEX];
	char *body = NULL;
	size_t blen = 0, shown = 0, bad = 0;
	json_t *doc = NULL, *list, *arr = NULL, *warn = NULL, *res = NULL;
	json_error_t jerr;
	const char *why = NULL;
	int help, rc;
	st_t st;

	cli_opts_init(&o);
	memset(&org, 0, sizeof(org));
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
		st = keys_load(&o, &cfg, &org, &why);
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
		warn = json_array();
		if (arr == NULL || warn == NULL) {
			st = ST_NOMEM;
			goto cleanup;
		}
	}
	st = replies_show(r, &org, list, arr, warn, &shown, &bad);
	if (st != ST_OK)
		goto cleanup;
	if (o.json) {
		res = json_pack("{s:O, s:I, s:O}", "replies", arr, "unreadable",
		                (json_int_t)bad, "warnings", warn);
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
	json_decref(warn);
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
