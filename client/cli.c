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
#include "ui.h"

#define CLI_THREADS_MAX 64  /* as in the --threads message */

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
	cli_err("%s", why ? why : st_str(st));
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
		fprintf(stderr, "\r%-78s\r", ""); /* over the progress bar */
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
	static char msg[160];
	int c;

	*help = 0;
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		switch (c) {
		case 'h':
			*help = 1;
			return ST_OK;
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
				*why = "--threads wants a number from 1 to 64 or "
				       "\"auto\"";
				return ST_USAGE;
			}
			break;
		case OPT_RETRIES:
			if (!cli_parse_uint(optarg, 1000, &o->retries)) {
				*why = "--retries wants a number from 0 to 1000";
				return ST_USAGE;
			}
			break;
		case ':':
			snprintf(msg, sizeof(msg),
			         "option '%.80s' needs a value (see --help)",
			         argv[optind - 1]);
			*why = msg;
			return ST_USAGE;
		default:
			snprintf(msg, sizeof(msg),
			         "unknown option '%.80s' (see --help)",
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
	static char msg[256];
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
		*why = "the configuration file named with --config cannot be read";
		return st;
	}
	if (st != ST_OK) {
		snprintf(msg, sizeof(msg),
		         "configuration file \"%s\": line %zu is not valid "
		         "(key = value; keys: server, keys, fingerprint, proxy, "
		         "tor, cacert, pin)", o->conf_path, line);
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

/* Server and proxy settings, checked against the URL rules. */
st_t cli_network(cli_opts *o, net_cfg *cfg, const char **why)
{
	st_t st;

	memset(cfg, 0, sizeof(*cfg));
	if (o->server == NULL) {
		*why = "no server address: give --server URL or put "
		       "\"server = URL\" in the configuration";
		return ST_USAGE;
	}
	if (o->tor == 1) {
		if (o->proxy != NULL && strcmp(o->proxy, NET_TOR_PROXY) != 0) {
			*why = "--tor and --proxy name different proxies: "
			       "choose one";
			return ST_USAGE;
		}
		o->proxy = NET_TOR_PROXY;
	}
	if (o->pin != NULL && strncmp(o->pin, "sha256//", 8) != 0) {
		*why = "--pin wants sha256//<base64 of the key's SHA-256>";
		return ST_USAGE;
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

/* The organisation's keys, checked against the expected fingerprint
 * before anything leaves this machine. */
st_t cli_bundle(const cli_opts *o, key_bundle *b, const char **why)
{
	uint8_t *text = NULL;
	size_t len = 0;
	char fp[KEY_FP_TEXT_MAX];
	st_t st;

	if (o->keys == NULL) {
		*why = "no key bundle: give --keys FILE or put \"keys = FILE\" "
		       "in the configuration";
		return ST_USAGE;
	}
	if (!o->no_fp_check && o->fingerprint == NULL) {
		*why = "no fingerprint to check the key bundle against: give "
		       "--fingerprint (as published by the organisation) or put "
		       "\"fingerprint = ...\" in the configuration";
		return ST_USAGE;
	}
	st = fsio_read_file(o->keys, KEY_FILE_MAX, &text, &len);
	if (st != ST_OK) {
		*why = "the key bundle file cannot be read";
		goto cleanup;
	}
	st = key_bundle_parse((const char *)text, len, b);
	if (st != ST_OK) {
		*why = "the key bundle file is not a valid intake key bundle";
		goto cleanup;
	}
	/* A fingerprint that was given is checked even with
	 * --no-fingerprint-check: the safer reading of both. */
	if (o->fingerprint == NULL) {
		key_bundle_fingerprint(b, fp);
		cli_say(o, "warning: not checking the key bundle; its "
		        "fingerprint is %s\n", fp);
		goto cleanup;
	}
	st = key_fingerprint_check(b, o->fingerprint);
	if (st == ST_MISMATCH)
		*why = "the key bundle does NOT match the expected fingerprint: "
		       "nothing was sent. get the keys again from the "
		       "organisation, by a channel you trust";
	else if (st != ST_OK)
		*why = "the expected fingerprint is not written correctly "
		       "(groups of letters and digits, as published)";
cleanup:
	free(text);
	return st;
}

/* The receipt: a new one, or the one the submitter already has (from a
 * file or typed on the terminal, never from argv). */
st_t cli_receipt(const cli_opts *o, int fresh, receipt **r,
                        const char **why)
{
	uint8_t *text = NULL;
	size_t len = 0;
	char *line = NULL;
	st_t st;

	if (fresh && o->receipt_file == NULL && !o->receipt_prompt)
		return receipt_generate(r);
	if (o->receipt_file != NULL) {
		st = fsio_read_secret_file(o->receipt_file, 256, &text, &len);
		if (st == ST_PERM) {
			*why = "the receipt file may be read by other users; "
			       "make it private (chmod 600) first";
			goto cleanup;
		}
		if (st != ST_OK) {
			*why = "the receipt file cannot be read";
			goto cleanup;
		}
		while (len > 0 && (text[len - 1] == '\n' || text[len - 1] == '\r' ||
		                   text[len - 1] == ' '))
			text[--len] = '\0';
		st = receipt_parse((const char *)text, r);
	} else {
		line = sodium_malloc(256);
		if (line == NULL)
			return ST_NOMEM;
		if (ui_is_tty(STDIN_FILENO)) {
			fprintf(stderr, "receipt code (not shown as you type): ");
			fflush(stderr);
		}
		st = ui_read_line(STDIN_FILENO, line, 256, 0);
		if (st == ST_OK)
			st = receipt_parse(line, r);
	}
	if (st != ST_OK)
		*why = "that is not a valid receipt code (28 letters and digits "
		       "in groups of four); check it and try again";
cleanup:
	if (text != NULL)
		sodium_free(text);
	if (line != NULL)
		sodium_free(line);
	return st;
}

void cli_progress(void *ctx, uint64_t done)
{
	ui_progress_update(ctx, done);
}

void cli_usage(void)
{
	fputs("usage: intake-submit [submit] [options] [FILE...]\n"
	      "       intake-submit upload [options] FILE\n"
	      "       intake-submit replies [options]\n"
	      "       intake-submit help\n"
	      "Send testimony and files, encrypted on this computer, to an "
	      "organisation's\nintake server; read its replies. "
	      "\"intake-submit COMMAND --help\" for details.\n", stdout);
}
