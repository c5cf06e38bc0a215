/* cli.c: the parts intake-submit's commands share: option parsing, the
 * configuration file, network settings, the key bundle check (refused
 * before any network traffic) and the receipt, typed or read from a
 * private file. No message here ever quotes testimony or a receipt. */
#include "cli.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fsio.h"
#include "i18n.h"
#include "tor.h"
#include "ui.h"
#include "version.h"

#define CLI_THREADS_MAX 64  /* as in the --threads message */
#define CLI_RECEIPT_LINE 1024
#define CLI_RECEIPT_TRIES 5

void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("intake-submit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Print why (or the status's message) and return the exit code. */
int cli_fail(st_t st, const char *why)
{
	cli_err("%s", why ? _(why) : i18n_status(st));
	return st_exit_code(st);
}

void cli_say(const cli_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

void cli_notice(void *ctx, const char *msg)
{
	const cli_opts *o = ctx;

	if (o->quiet)
		return;
	if (ui_is_tty(STDERR_FILENO))
		fprintf(stderr, "\r%*s\r", UI_WIDTH, ""); /* over the progress bar */
	fprintf(stderr, "%s\n", msg);
}

void cli_opts_init(cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tor = -1;
	o->retries = NET_RETRIES_DEFAULT;
	conf_init(&o->conf);
}

void cli_opts_release(cli_opts *o)
{
	conf_release(&o->conf);
	free(o->conf_path);
	free(o->default_keys);
}

static int cli_parse_uint(const char *s, unsigned max, unsigned *out)
{
	char *end;
	unsigned long v;

	if (s[0] < '0' || s[0] > '9')
		return 0;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v > max)
		return 0;
	*out = (unsigned)v;
	return 1;
}

/* getopt_long over one command's table; ST_USAGE with *why, or ST_OK
 * with *help set for --help. */
st_t cli_parse(cli_opts *o, int argc, char **argv,
                      const char *shortopts, const struct option *longopts,
                      int *help, const char **why)
{
	static char msg[320];
	int c;

	*help = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			*help = CLI_HELP;
			return ST_OK;
		case OPT_VERSION:
			*help = CLI_VERSION;
			return ST_OK;
		case OPT_LANG:
			/* Applied by i18n_init before parsing; checked here. */
			if (strcmp(optarg, "ru") != 0 && strcmp(optarg, "en") != 0) {
				*why = N_("--lang wants ru or en");
				return ST_USAGE;
			}
			break;
		case 'c':
			o->config = optarg;
			break;
		case OPT_NO_CONFIG:
			o->no_config = 1;
			break;
		case 's':
			o->server = optarg;
			break;
		case 'k':
			o->keys = optarg;
			break;
		case OPT_KEYSET:
			o->keyset = optarg;
			break;
		case 'f':
			o->fingerprint = optarg;
			break;
		case OPT_NO_FP:
			o->no_fp_check = 1;
			break;
		case 'm':
			o->message_file = optarg;
			break;
		case 'o':
			o->output = optarg;
			break;
		case OPT_FORCE:
			o->force = 1;
			break;
		case OPT_RECEIPT:
			o->receipt_prompt = 1;
			break;
		case OPT_RECEIPT_FILE:
			o->receipt_file = optarg;
			break;
		case OPT_TOR:
			o->tor = 1;
			break;
		case OPT_PROXY:
			o->proxy = optarg;
			break;
		case OPT_CACERT:
			o->cacert = optarg;
			break;
		case OPT_PIN:
			o->pin = optarg;
			break;
		case 'q':
			o->quiet = 1;
			break;
		case OPT_JSON:
			o->json = 1;
			break;
		case OPT_DATE:
			o->date = 1;
			break;
		case 'j':
			if (strcmp(optarg, "auto") == 0) {
				o->threads = 0;
			} else if (!cli_parse_uint(optarg, CLI_THREADS_MAX,
			                           &o->threads) ||
			           o->threads == 0) {
				*why = N_("--threads wants a number from 1 to 64 or "
				       "\"auto\"");
				return ST_USAGE;
			}
			break;
		case OPT_RETRIES:
			if (!cli_parse_uint(optarg, 1000, &o->retries)) {
				*why = N_("--retries wants a number from 0 to 1000");
				return ST_USAGE;
			}
			break;
		case ':':
			snprintf(msg, sizeof(msg),
			         _("option '%.80s' needs a value (see --help)"),
			         argv[optind - 1]);
			*why = msg;
			return ST_USAGE;
		default:
			snprintf(msg, sizeof(msg),
			         _("unknown option '%.80s' (see --help)"),
			         argv[optind - 1]);
			*why = msg;
			return ST_USAGE;
		}
	}
	o->args = argv + optind;
	o->nargs = argc - optind;
	return ST_OK;
}

/* Load the configuration (the named one must exist; the default one may
 * not) and fill in what the command line left open. */
st_t cli_config(cli_opts *o, const char **why)
{
	size_t line = 0;
	int named = o->config != NULL;
	struct stat sb;
	static char msg[512];
	st_t st;

	*why = NULL;
	if (o->no_config)
		return ST_OK;
	if (named) {
		o->conf_path = strdup(o->config);
		if (o->conf_path == NULL)
			return ST_NOMEM;
	} else if (conf_default_path(&o->conf_path) != ST_OK) {
		return ST_OK;
	}
	st = conf_load(&o->conf, o->conf_path, &line);
	if (st == ST_NOINPUT && !named)
		return ST_OK;
	if (st == ST_NOINPUT) {
		*why = N_("the configuration file named with --config cannot be read");
		return st;
	}
	if (st != ST_OK) {
		snprintf(msg, sizeof(msg),
		         _("configuration file \"%s\": line %zu is not valid "
		           "(key = value; keys: server, keys, fingerprint, proxy, "
		           "tor, cacert, pin)"), o->conf_path, line);
		*why = msg;
		return st;
	}
	if (o->server == NULL)
		o->server = o->conf.server;
	if (o->keys == NULL)
		o->keys = o->conf.keys;
	if (o->fingerprint == NULL)
		o->fingerprint = o->conf.fingerprint;
	if (o->proxy == NULL)
		o->proxy = o->conf.proxy;
	if (o->cacert == NULL)
		o->cacert = o->conf.cacert;
	if (o->pin == NULL)
		o->pin = o->conf.pin;
	if (o->tor == -1)
		o->tor = o->conf.tor;
	/* The default bundle sits next to the configuration file. */
	if (o->keys == NULL &&
	    conf_sibling(o->conf_path, "bundle.txt", &o->default_keys) == ST_OK &&
	    stat(o->default_keys, &sb) == 0)
		o->keys = o->default_keys;
	return ST_OK;
}

/* --tor: the proxy the person named, when it is a local Tor port, else
 * the first local Tor that answers, said out loud; nothing answering is a
 * quick, plain refusal with the next step. */
static st_t cli_tor(cli_opts *o, const char **why)
{
	unsigned port = 0;

	if (o->proxy != NULL) {
		if (tor_is_local(o->proxy))
			return ST_OK;
		*why = N_("--tor and --proxy name different proxies: choose one");
		return ST_USAGE;
	}
	if (tor_find(o->tor_proxy, &port) != ST_OK) {
		*why = N_("Tor is not running on this computer (nothing answers "
		          "on 127.0.0.1:9050 or 9150). Start Tor Browser, keep it "
		          "open, and try again");
		return ST_UNAVAILABLE;
	}
	cli_say(o, port == TOR_PORT_BROWSER
	               ? _("connecting through Tor Browser (127.0.0.1:9150)\n")
	               : _("connecting through Tor (127.0.0.1:9050)\n"));
	o->proxy = o->tor_proxy;
	return ST_OK;
}

/* Server and proxy settings, checked against the URL rules. */
st_t cli_network(cli_opts *o, net_cfg *cfg, const char **why)
{
	st_t st;

	memset(cfg, 0, sizeof(*cfg));
	if (o->server == NULL) {
		*why = N_("no server address: give --server URL or put "
		       "\"server = URL\" in the configuration");
		return ST_USAGE;
	}
	if (o->pin != NULL && strncmp(o->pin, "sha256//", 8) != 0) {
		*why = N_("--pin wants sha256//<base64 of the key's SHA-256>");
		return ST_USAGE;
	}
	if (o->tor == 1) {
		st = cli_tor(o, why);
		if (st != ST_OK)
			return st;
		cfg->isolate = 1;
	}
	st = net_check_target(o->server, o->proxy, why);
	if (st != ST_OK)
		return st;
	cfg->server = o->server;
	cfg->proxy = o->proxy;
	cfg->cacert = o->cacert;
	cfg->pin = o->pin;
	cfg->retries = o->retries;
	cfg->notice = cli_notice;
	cfg->notice_ctx = o;
	return ST_OK;
}

/* The organization's keys, checked against the expected fingerprint
 * before anything leaves this machine. */
st_t cli_bundle(const cli_opts *o, key_bundle *b, const char **why)
{
	uint8_t *text = NULL;
	size_t len = 0;
	char fp[KEY_FP_TEXT_MAX];
	st_t st;

	if (o->keys == NULL) {
		*why = N_("no key bundle: give --keys FILE or put \"keys = FILE\" "
		       "in the configuration");
		return ST_USAGE;
	}
	if (!o->no_fp_check && o->fingerprint == NULL) {
		*why = N_("no fingerprint to check the key bundle against: give "
		       "--fingerprint (as published by the organization) or put "
		       "\"fingerprint = ...\" in the configuration");
		return ST_USAGE;
	}
	st = fsio_read_file(o->keys, KEY_FILE_MAX, &text, &len);
	if (st != ST_OK) {
		*why = N_("the key bundle file cannot be read");
		goto cleanup;
	}
	st = key_bundle_parse((const char *)text, len, b);
	if (st != ST_OK) {
		*why = N_("the key bundle file is not a valid intake key bundle");
		goto cleanup;
	}
	/* A fingerprint that was given is checked even with
	 * --no-fingerprint-check: the safer reading of both. */
	if (o->fingerprint == NULL) {
		key_bundle_fingerprint(b, fp);
		cli_say(o, _("warning: not checking the key bundle; its "
		             "fingerprint is %s\n"), fp);
		goto cleanup;
	}
	st = key_fingerprint_check(b, o->fingerprint);
	if (st == ST_MISMATCH)
		*why = N_("the key bundle does NOT match the expected fingerprint: "
		       "nothing was sent. get the keys again from the "
		       "organization, by a channel you trust");
	else if (st != ST_OK)
		*why = N_("the expected fingerprint is not written correctly "
		       "(groups of letters and digits, as published)");
cleanup:
	free(text);
	return st;
}

/* The receipt: a new one, or the one the submitter already has (from a
 * file or typed on the terminal, never from argv). */
words_lang cli_words_lang(void)
{
	return strcmp(i18n_lang(), "ru") == 0 ? WORDS_RU : WORDS_EN;
}

const char *cli_receipt_typo(const receipt_typo *t, char *msg, size_t cap)
{
	char near[WORDS_NEAR * (WORDS_MAX + 2)] = "";
	size_t i, n = 0;

	switch (t->kind) {
	case RECEIPT_TYPO_WORD:
		for (i = 0; i < t->nnear && i < WORDS_NEAR; i++)
			n += (size_t)snprintf(near + n, sizeof(near) - n, "%s%s",
			                      i ? ", " : "", t->near[i]);
		if (t->nnear > 0)
			snprintf(msg, cap, _("word %u is not one of the receipt "
			                     "words; did you mean: %s?"),
			         t->position, near);
		else
			snprintf(msg, cap, _("word %u is not one of the receipt "
			                     "words"), t->position);
		break;
	case RECEIPT_TYPO_CHECK:
		snprintf(msg, cap, "%s", _("the words do not fit together: one "
		                           "of them is wrong, or two are swapped"));
		break;
	case RECEIPT_TYPO_CODE:
		snprintf(msg, cap, "%s", _("the code has a mistake: check it "
		                           "letter by letter"));
		break;
	default:
		snprintf(msg, cap, ngettext("that is not a receipt: a receipt is "
		                            "12 words (or 28 letters and digits), "
		                            "and %u word was typed",
		                            "that is not a receipt: a receipt is "
		                            "12 words (or 28 letters and digits), "
		                            "and %u words were typed", t->found),
		         t->found);
		break;
	}
	return msg;
}

/* Typed: on a terminal, without echo, asked again after a mistake (a few
 * times), each time saying what was wrong; from a pipe, one line. */
static st_t cli_receipt_typed(receipt **r, const char **why)
{
	static char msg[512];
	char *line = sodium_malloc(CLI_RECEIPT_LINE);
	receipt_typo typo;
	int tty = ui_is_tty(STDIN_FILENO);
	unsigned i, tries = tty ? CLI_RECEIPT_TRIES : 1;
	st_t st = ST_NOMEM;

	if (line == NULL)
		return ST_NOMEM;
	for (i = 0; i < tries; i++) {
		if (tty) {
			fputs(_("receipt (not shown as you type): "), stderr);
			fflush(stderr);
		}
		st = ui_read_line(STDIN_FILENO, line, CLI_RECEIPT_LINE, 0);
		if (st == ST_NOINPUT || st == ST_IO)
			break;
		if (st == ST_TOOBIG) {
			*why = N_("that is too long to be a receipt");
		} else {
			st = receipt_parse_ex(line, r, &typo);
			if (st != ST_BADDATA)
				break;
			*why = cli_receipt_typo(&typo, msg, sizeof(msg));
		}
		st = ST_BADDATA;
		if (i + 1 < tries)
			fprintf(stderr, _("%s; try again\n"), _(*why));
	}
	if (st == ST_NOINPUT)
		*why = N_("no receipt was given");
	sodium_free(line);
	sodium_memzero(&typo, sizeof(typo));
	return st;
}

st_t cli_receipt(const cli_opts *o, int fresh, receipt **r,
                 const char **why)
{
	static char msg[512];
	uint8_t *text = NULL;
	size_t len = 0;
	receipt_typo typo;
	st_t st;

	if (fresh && o->receipt_file == NULL && !o->receipt_prompt)
		return receipt_generate(r);
	if (o->receipt_file == NULL)
		return cli_receipt_typed(r, why);
	st = fsio_read_secret_file(o->receipt_file, CLI_RECEIPT_LINE, &text,
	                           &len);
	if (st == ST_PERM) {
		*why = N_("the receipt file may be read by other users; make it "
		          "private (chmod 600) first");
		return st;
	}
	if (st != ST_OK) {
		*why = N_("the receipt file cannot be read");
		return st;
	}
	while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
	                   text[len - 1] == ' '))
		text[--len] = '\0';
	st = receipt_parse_ex((const char *)text, r, &typo);
	if (st == ST_BADDATA)
		*why = cli_receipt_typo(&typo, msg, sizeof(msg));
	sodium_free(text);
	sodium_memzero(&typo, sizeof(typo));
	return st;
}

void cli_progress(void *ctx, uint64_t done)
{
	ui_progress_update(ctx, done);
}

void cli_usage(void)
{
	fputs(_("usage: intake-submit [submit] [options] [FILE...]\n"
	        "       intake-submit upload [options] FILE\n"
	        "       intake-submit replies [options]\n"
	        "       intake-submit help\n"
	        "Send testimony and files, encrypted on this computer, to an "
	        "organization's\nintake server; read its replies. "
	        "\"intake-submit COMMAND --help\" for details.\n"), stdout);
}

void cli_version(void)
{
	printf("intake-submit %s\n", INTAKE_VERSION);
}

void cli_help(int help, const char *text)
{
	if (help == CLI_VERSION)
		cli_version();
	else
		fputs(_(text), stdout);
}
