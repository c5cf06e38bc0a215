/* cli.c: the three commands of intake-submit and their options. Order of
 * work in a submission: options and configuration, URL rules, key bundle
 * and fingerprint (refused before any network traffic), receipt, text and
 * attachments, then sealing straight into the upload (or --output file).
 * The testimony lives only in sodium_malloc'd memory and open files; no
 * message here ever quotes it, and the receipt code is printed once. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <jansson.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "compose.h"
#include "conf.h"
#include "enc.h"
#include "env.h"
#include "fsio.h"
#include "key.h"
#include "net.h"
#include "receipt.h"
#include "reply.h"
#include "seal.h"
#include "ui.h"

#define CLI_OUT_BUF ((size_t)256 * 1024)
#define CLI_MAX_REPLIES 10000
#define CLI_THREADS_MAX 64  /* as in the --threads message */
#define CLI_RECEIPT_TRIES 5

enum {
	OPT_NO_FP = 256,
	OPT_FORCE,
	OPT_RECEIPT,
	OPT_RECEIPT_FILE,
	OPT_TOR,
	OPT_PROXY,
	OPT_CACERT,
	OPT_PIN,
	OPT_JSON,
	OPT_RETRIES,
	OPT_DATE,
	OPT_NO_CONFIG,
};

/* Everything a command may be told; strings borrow from argv or from
 * the loaded configuration. */
typedef struct {
	const char *config;
	int no_config;
	const char *server;
	const char *keys;
	const char *fingerprint;
	const char *proxy;
	const char *cacert;
	const char *pin;
	int tor;
	int no_fp_check;
	const char *message_file;
	const char *output;
	int force;
	int receipt_prompt;
	const char *receipt_file;
	int quiet;
	int json;
	int date;
	unsigned threads;
	unsigned retries;
	char **args;
	int nargs;
	conf conf;
	char *conf_path;
	char *default_keys;
} cli_opts;

static void cli_err(const char *fmt, ...)
{
	va_list ap;

	fputs("intake-submit: ", stderr);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
}

/* Print why (or the status's message) and return the exit code. */
static int cli_fail(st_t st, const char *why)
{
	cli_err("%s", why ? why : st_str(st));
	return st_exit_code(st);
}

static void cli_say(const cli_opts *o, const char *fmt, ...)
{
	va_list ap;

	if (o->quiet)
		return;
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
}

static void cli_notice(void *ctx, const char *msg)
{
	const cli_opts *o = ctx;

	if (o->quiet)
		return;
	if (ui_is_tty(STDERR_FILENO))
		fprintf(stderr, "\r%-78s\r", ""); /* over the progress bar */
	fprintf(stderr, "%s\n", msg);
}

static void cli_opts_init(cli_opts *o)
{
	memset(o, 0, sizeof(*o));
	o->tor = -1;
	o->retries = NET_RETRIES_DEFAULT;
	conf_init(&o->conf);
}

static void cli_opts_release(cli_opts *o)
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
static st_t cli_parse(cli_opts *o, int argc, char **argv,
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
static st_t cli_config(cli_opts *o, const char **why)
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
static st_t cli_network(cli_opts *o, net_cfg *cfg, const char **why)
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
static st_t cli_bundle(const cli_opts *o, key_bundle *b, const char **why)
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
static st_t cli_receipt(const cli_opts *o, int fresh, receipt **r,
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

/* --- submit ------------------------------------------------------------ */

static const char submit_help[] =
"usage: intake-submit [options] [FILE...]\n"
"Encrypt testimony and attachments to the organisation's keys and upload\n"
"them. The text comes from --message-file, from standard input, or, on a\n"
"terminal, from a guided prompt. FILEs are attachments. A receipt code is\n"
"printed once at the end: keep it secret; it lets you read replies.\n"
"\n"
"  -s, --server URL        intake server (https://, or http:// to .onion)\n"
"  -k, --keys FILE         organisation's key bundle\n"
"  -f, --fingerprint FP    expected fingerprint of the key bundle\n"
"      --no-fingerprint-check  send without checking the bundle (unsafe)\n"
"  -m, --message-file F    the text ('-' for standard input)\n"
"  -o, --output FILE       write the envelope to FILE instead of uploading\n"
"      --force             overwrite FILE if it exists\n"
"      --receipt           reuse your receipt code (asked on the terminal)\n"
"      --receipt-file F    reuse the receipt code stored in F\n"
"      --tor               connect through Tor (socks5h://127.0.0.1:9050)\n"
"      --proxy URL         connect through this proxy (socks5h://, http://)\n"
"      --cacert FILE       trust these CA certificates for https\n"
"      --pin sha256//B64   require this server public key\n"
"      --date              put the current month in the submission\n"
"  -j, --threads N|auto    encryption threads (default auto)\n"
"      --retries N         failed attempts in a row before giving up (20)\n"
"  -c, --config FILE       configuration file (default\n"
"                          ~/.config/intake/submit.conf)\n"
"      --no-config         read no configuration file\n"
"  -q, --quiet             no progress or messages, only the receipt\n"
"      --json              print the result as JSON\n"
"  -h, --help              this help\n"
"\n"
"Other commands: intake-submit upload FILE, intake-submit replies.\n"
"Exit codes: 0 done, 1 refused (fingerprint mismatch, cancelled),\n"
"64 usage, 65 bad input, 66 missing file, 69 server unreachable,\n"
"73 output exists, 74 I/O error, 77 TLS verification failed, 78 config.\n";

static const struct option submit_opts[] = {
	{ "server", required_argument, NULL, 's' },
	{ "keys", required_argument, NULL, 'k' },
	{ "fingerprint", required_argument, NULL, 'f' },
	{ "no-fingerprint-check", no_argument, NULL, OPT_NO_FP },
	{ "message-file", required_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "receipt", no_argument, NULL, OPT_RECEIPT },
	{ "receipt-file", required_argument, NULL, OPT_RECEIPT_FILE },
	{ "tor", no_argument, NULL, OPT_TOR },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "date", no_argument, NULL, OPT_DATE },
	{ "threads", required_argument, NULL, 'j' },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "config", required_argument, NULL, 'c' },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "quiet", no_argument, NULL, 'q' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* Adapters with the exact signatures the callers expect. */
static st_t cli_seal_read(void *ctx, uint64_t off, uint8_t *buf, size_t len,
                          size_t *got)
{
	return seal_read(ctx, off, buf, len, got);
}

static void cli_progress(void *ctx, uint64_t done)
{
	ui_progress_update(ctx, done);
}

/* The text: from --message-file, piped in, or typed at the prompt. */
static st_t cli_text(const cli_opts *o, int guided, compose *c,
                     const char **why)
{
	uint8_t *text = NULL;
	size_t len = 0;
	st_t st;

	if (o->message_file != NULL) {
		st = compose_read_text_file(o->message_file, COMPOSE_TEXT_MAX,
		                            &text, &len);
	} else {
		if (guided)
			fprintf(stderr,
			        "Type your message. It stays on this computer, "
			        "encrypted, until it is sent.\n"
			        "When you are done, press Enter and then Ctrl-D.\n"
			        "----\n");
		st = compose_read_text(STDIN_FILENO, COMPOSE_TEXT_MAX, &text,
		                       &len);
		if (guided)
			fprintf(stderr, "----\n");
	}
	if (st == ST_TOOBIG)
		*why = "the text is too long (over 64 MiB): send it as an "
		       "attachment instead";
	else if (st != ST_OK)
		*why = "the text could not be read";
	else
		compose_set_text(c, text, len);
	return st;
}

/* Guided mode: show what will be sent and ask. */
static st_t cli_confirm(const compose *c, int *yes)
{
	char size[32];
	size_t i;

	ui_format_size(size, sizeof(size), c->text_len);
	fprintf(stderr, "You are about to send your text (%s)", size);
	if (c->m.nfiles == 0)
		fprintf(stderr, " and no attachments.\n");
	else
		fprintf(stderr, " and %zu attachment%s:\n", c->m.nfiles,
		        c->m.nfiles == 1 ? "" : "s");
	for (i = 0; i < c->m.nfiles; i++) {
		ui_format_size(size, sizeof(size), c->m.files[i].size);
		fprintf(stderr, "  %zu. %s (%s)\n", i + 1, c->m.files[i].name, size);
	}
	return ui_confirm(STDIN_FILENO, "Send it now?", yes);
}

/* --output: the envelope into a new file the user named. */
/* With --force the output may already exist: it must not be one of the
 * attachments (truncating it would destroy what is being sent). Checked
 * before truncating. */
static st_t cli_output_clash(int fd, const compose *c, const char **why)
{
	struct stat out, in;
	size_t i;

	if (fstat(fd, &out) != 0)
		return ST_IO;
	for (i = 0; i < c->nfds; i++) {
		if (fstat(c->fds[i], &in) == 0 && in.st_dev == out.st_dev &&
		    in.st_ino == out.st_ino) {
			*why = "the output file is one of the attachments";
			return ST_USAGE;
		}
	}
	if (S_ISREG(out.st_mode) && ftruncate(fd, 0) != 0)
		return ST_IO;
	return ST_OK;
}

static st_t cli_write_output(const cli_opts *o, const compose *c, seal *sl,
                             uint64_t total, ui_progress *pg,
                             const char **why)
{
	uint8_t *buf = NULL;
	uint64_t off = 0;
	size_t got = 0;
	struct stat sb;
	int fd = -1, flags = O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC;
	st_t st = ST_OK;

	if (!o->force)
		flags |= O_EXCL;
	fd = open(o->output, flags, 0600);
	if (fd < 0) {
		st = errno == EEXIST ? ST_EXISTS : fsio_errno_status(errno);
		*why = st == ST_EXISTS ? "the output file exists; choose another "
		                         "name or add --force"
		                       : "the output file cannot be created";
		return st;
	}
	if (o->force) {
		st = cli_output_clash(fd, c, why);
		if (st != ST_OK) {
			close(fd);
			return st;
		}
	}
	buf = malloc(CLI_OUT_BUF);
	if (buf == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	while (off < total) {
		st = seal_read(sl, off, buf, CLI_OUT_BUF, &got);
		if (st != ST_OK || got == 0) {
			*why = "the attachments changed while being read";
			st = st != ST_OK ? st : ST_INTERNAL;
			goto cleanup;
		}
		st = fsio_write_all(fd, buf, got);
		if (st != ST_OK) {
			*why = "writing the output file failed";
			goto cleanup;
		}
		off += got;
		ui_progress_update(pg, off);
	}
	/* Only a regular file can be synced (not /dev/null or a pipe). */
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && fsync(fd) != 0) {
		st = ST_IO;
		*why = "writing the output file failed";
	}
cleanup:
	free(buf);
	if (close(fd) != 0 && st == ST_OK) {
		st = ST_IO;
		*why = "writing the output file failed";
	}
	/* A partial envelope is useless: remove it, but only when this run
	 * created it (with --force the name may be anything, even a device). */
	if (st != ST_OK && !o->force)
		unlink(o->output);
	else if (st != ST_OK)
		cli_err("\"%s\" is incomplete: do not use it", o->output);
	return st;
}

/* Print the result: the receipt once, on stdout. */
static st_t cli_result(const cli_opts *o, const receipt *r, uint64_t bytes,
                       const char *id)
{
	char code[RECEIPT_TEXT_MAX];
	json_t *j = NULL;
	st_t st = ST_OK;

	receipt_format(r, code);
	if (o->json) {
		j = json_pack("{s:s, s:I}", "receipt", code, "bytes",
		              (json_int_t)bytes);
		if (j != NULL && id != NULL &&
		    json_object_set_new(j, "upload_id", json_string(id)) != 0)
			st = ST_NOMEM;
		if (j != NULL && o->output != NULL &&
		    json_object_set_new(j, "output", json_string(o->output)) != 0)
			st = ST_NOMEM;
		if (j == NULL || json_dumpf(j, stdout, JSON_COMPACT) != 0)
			st = ST_NOMEM;
		else
			putchar('\n');
	} else {
		cli_say(o, "\nYour receipt code is below. Write it down and keep "
		        "it secret: with it you can read replies\n(intake-submit "
		        "replies). It is not stored anywhere and will not be "
		        "shown again.\n\n");
		printf("%s\n", code);
	}
	if (fflush(stdout) != 0)
		st = ST_IO;
	json_decref(j);
	sodium_memzero(code, sizeof(code));
	return st;
}

/* Guided mode: the submitter types the code back, so a lost receipt is
 * noticed while it can still be copied. */
static void cli_receipt_typeback(const receipt *r)
{
	char *line = sodium_malloc(256);
	receipt *typed = NULL;
	unsigned i;
	int same;

	if (line == NULL)
		return;
	for (i = 0; i < CLI_RECEIPT_TRIES; i++) {
		fprintf(stderr, "\nType the receipt code back to check you have "
		        "it right: ");
		fflush(stderr);
		if (ui_read_line(STDIN_FILENO, line, 256, 1) == ST_NOINPUT)
			break;
		same = 0;
		if (receipt_parse(line, &typed) == ST_OK) {
			same = sodium_memcmp(typed->secret, r->secret,
			                     RECEIPT_SECRET_LEN) == 0;
			receipt_free(typed);
			typed = NULL;
		}
		if (same) {
			fprintf(stderr, "Correct. Keep it safe.\n");
			goto cleanup;
		}
		fprintf(stderr, "That is not the same code. Look at it again "
		        "above, carefully.\n");
	}
	fprintf(stderr, "Make sure you have copied the receipt code above "
	        "before you close this window.\n");
cleanup:
	sodium_free(line);
}

static st_t cli_date(char out[MANIFEST_DATE_MAX])
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, MANIFEST_DATE_MAX, "%Y-%m", &tm) == 0)
		return ST_INTERNAL;
	return ST_OK;
}

int cli_submit(int argc, char **argv)
{
	cli_opts o;
	net_cfg cfg;
	key_bundle bundle;
	compose c;
	receipt *r = NULL;
	seal *sl = NULL;
	ui_progress pg;
	char id[NET_ID_LEN + 1] = "";
	char date[MANIFEST_DATE_MAX] = "";
	const char *why = NULL;
	uint64_t total = 0;
	int help, guided, yes, i, rc;
	st_t st;

	cli_opts_init(&o);
	compose_init(&c);
	memset(&bundle, 0, sizeof(bundle));
	st = cli_parse(&o, argc, argv, ":s:k:f:m:o:j:c:qh", submit_opts, &help,
	               &why);
	if (st != ST_OK)
		goto cleanup;
	if (help) {
		fputs(submit_help, stdout);
		goto cleanup;
	}
	st = cli_config(&o, &why);
	if (st != ST_OK)
		goto cleanup;
	if (o.receipt_prompt && o.receipt_file != NULL) {
		why = "give either --receipt or --receipt-file, not both";
		st = ST_USAGE;
		goto cleanup;
	}
	guided = o.message_file == NULL && ui_is_tty(STDIN_FILENO);
	if (o.receipt_prompt && !guided && o.message_file == NULL) {
		why = "--receipt reads the code from the terminal, so the text "
		      "must come from --message-file";
		st = ST_USAGE;
		goto cleanup;
	}
	if (o.output == NULL) {
		st = cli_network(&o, &cfg, &why);
		if (st != ST_OK)
			goto cleanup;
	}
	st = cli_bundle(&o, &bundle, &why);
	if (st != ST_OK)
		goto cleanup;
	st = cli_receipt(&o, 1, &r, &why);
	if (st != ST_OK)
		goto cleanup;
	st = cli_text(&o, guided, &c, &why);
	if (st != ST_OK)
		goto cleanup;
	for (i = 0; i < o.nargs; i++) {
		st = compose_add_file(&c, o.args[i]);
		if (st != ST_OK) {
			cli_err("attachment \"%s\": %s", o.args[i],
			        st == ST_BADDATA ? "not a regular file"
			        : st == ST_NOINPUT ? "cannot be opened"
			                           : st_str(st));
			why = "nothing was sent";
			goto cleanup;
		}
	}
	if (o.date) {
		st = cli_date(date);
		if (st != ST_OK)
			goto cleanup;
	}
	st = compose_finish(&c, r->reply_pk, r->mailbox, date);
	if (st == ST_USAGE) {
		why = "there is nothing to send: no text and no attachments";
		goto cleanup;
	}
	if (st != ST_OK) {
		why = "the submission is too large";
		goto cleanup;
	}
	if (guided) {
		st = cli_confirm(&c, &yes);
		if (st != ST_OK || !yes) {
			cli_err("cancelled; nothing was sent");
			rc = 1;
			goto done;
		}
	}
	st = seal_new(&bundle, payload_src_stream_len(c.src), payload_src_read,
	              c.src, o.threads, &sl);
	if (st != ST_OK) {
		why = "encryption could not start";
		goto cleanup;
	}
	total = seal_total_len(sl);
	ui_progress_start(&pg, !o.quiet && ui_is_tty(STDERR_FILENO), total);
	if (o.output != NULL)
		st = cli_write_output(&o, &c, sl, total, &pg, &why);
	else
		st = net_upload(&cfg, total, cli_seal_read, sl, cli_progress, &pg,
		                id, &why);
	ui_progress_end(&pg);
	if (st == ST_MISMATCH)
		why = "an attachment changed while it was being sent; nothing "
		      "usable was stored. run the command again";
	if (st != ST_OK)
		goto cleanup;
	if (o.output != NULL)
		cli_say(&o, "wrote the encrypted envelope (%llu bytes) to \"%s\"; "
		        "upload it later with: intake-submit upload FILE\n",
		        (unsigned long long)total, o.output);
	else
		cli_say(&o, "sent and stored: %llu bytes\n",
		        (unsigned long long)total);
	st = cli_result(&o, r, total, id[0] ? id : NULL);
	if (st == ST_OK && guided && !o.json)
		cli_receipt_typeback(r);
cleanup:
	rc = st == ST_OK ? 0 : cli_fail(st, why);
done:
	seal_free(sl);
	compose_release(&c);
	receipt_free(r);
	sodium_memzero(&bundle, sizeof(bundle));
	cli_opts_release(&o);
	return rc;
}

/* --- upload ------------------------------------------------------------ */

static const char upload_help[] =
"usage: intake-submit upload [options] FILE\n"
"Upload an envelope written earlier with --output (for example carried\n"
"on a USB stick). The file is checked to be an intake envelope first; a\n"
"cut connection is resumed. The file holds no receipt: the receipt code\n"
"was shown when it was made.\n"
"\n"
"  -s, --server URL        intake server (https://, or http:// to .onion)\n"
"      --tor               connect through Tor (socks5h://127.0.0.1:9050)\n"
"      --proxy URL         connect through this proxy\n"
"      --cacert FILE       trust these CA certificates for https\n"
"      --pin sha256//B64   require this server public key\n"
"      --retries N         failed attempts in a row before giving up (20)\n"
"  -c, --config FILE       configuration file\n"
"      --no-config         read no configuration file\n"
"  -q, --quiet             no progress or messages\n"
"      --json              print the result as JSON\n"
"  -h, --help              this help\n";

static const struct option upload_opts[] = {
	{ "server", required_argument, NULL, 's' },
	{ "tor", no_argument, NULL, OPT_TOR },
	{ "proxy", required_argument, NULL, OPT_PROXY },
	{ "cacert", required_argument, NULL, OPT_CACERT },
	{ "pin", required_argument, NULL, OPT_PIN },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	{ "config", required_argument, NULL, 'c' },
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG },
	{ "quiet", no_argument, NULL, 'q' },
	{ "json", no_argument, NULL, OPT_JSON },
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

static st_t cli_file_read(void *ctx, uint64_t off, uint8_t *buf, size_t len,
                          size_t *got)
{
	const int *fd = ctx;
	ssize_t r;

	do
		r = pread(*fd, buf, len, (off_t)off);
	while (r < 0 && errno == EINTR);
	if (r <= 0)
		return r == 0 ? ST_MISMATCH : ST_IO;
	*got = (size_t)r;
	return ST_OK;
}

/* The file must be exactly one envelope: its header names its length. */
static st_t cli_check_envelope(int fd, uint64_t size, const char **why)
{
	uint8_t head[ENV_MAX_HEADER];
	size_t want = size < sizeof(head) ? (size_t)size : sizeof(head), got = 0;
	env_info info;
	st_t st;

	st = fsio_read_full(fd, head, want, &got);
	if (st == ST_OK && got == want)
		st = env_inspect(head, got, &info);
	else if (st == ST_OK)
		st = ST_BADDATA;
	if (st == ST_OK && info.total_len != size)
		st = ST_BADDATA;
	if (st != ST_OK)
		*why = st == ST_VERSION ? "the file is an envelope of a newer "
		                          "version than this program knows"
		                        : "the file is not a complete intake "
		                          "envelope";
	return st;
}

int cli_upload(int argc, char **argv)
{
	cli_opts o;
	net_cfg cfg;
	ui_progress pg;
	struct stat sb;
	char id[NET_ID_LEN + 1] = "";
	const char *why = NULL;
	json_t *j = NULL;
	int help, fd = -1, rc;
	st_t st;

	cli_opts_init(&o);
	st = cli_parse(&o, argc, argv, ":s:c:qh", upload_opts, &help, &why);
	if (st != ST_OK)
		goto cleanup;
	if (help) {
		fputs(upload_help, stdout);
		goto cleanup;
	}
	if (o.nargs != 1) {
		why = "upload wants exactly one FILE (see --help)";
		st = ST_USAGE;
		goto cleanup;
	}
	st = cli_config(&o, &why);
	if (st == ST_OK)
		st = cli_network(&o, &cfg, &why);
	if (st != ST_OK)
		goto cleanup;
	fd = open(o.args[0], O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0) {
		why = "the envelope file cannot be opened";
		st = ST_NOINPUT;
		goto cleanup;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		why = "the envelope is not a regular file";
		st = ST_BADDATA;
		goto cleanup;
	}
	st = cli_check_envelope(fd, (uint64_t)sb.st_size, &why);
	if (st != ST_OK)
		goto cleanup;
	ui_progress_start(&pg, !o.quiet && ui_is_tty(STDERR_FILENO),
	                  (uint64_t)sb.st_size);
	st = net_upload(&cfg, (uint64_t)sb.st_size, cli_file_read, &fd,
	                cli_progress, &pg, id, &why);
	ui_progress_end(&pg);
	if (st == ST_MISMATCH)
		why = "the envelope file changed while it was being sent";
	if (st != ST_OK)
		goto cleanup;
	if (o.json) {
		j = json_pack("{s:I, s:s}", "bytes", (json_int_t)sb.st_size,
		              "upload_id", id);
		if (j == NULL || json_dumpf(j, stdout, JSON_COMPACT) != 0) {
			st = ST_NOMEM;
			goto cleanup;
		}
		putchar('\n');
	} else {
		cli_say(&o, "sent and stored: %llu bytes\n",
		        (unsigned long long)sb.st_size);
	}
	if (fflush(stdout) != 0)
		st = ST_IO;
cleanup:
	rc = st == ST_OK ? 0 : cli_fail(st, why);
	json_decref(j);
	if (fd >= 0)
		close(fd);
	cli_opts_release(&o);
	return rc;
}

/* --- replies ----------------------------------------------------------- */

static const char replies_help[] =
"usage: intake-submit replies [options]\n"
"Read the organisation's replies to your submission. You are asked for\n"
"your receipt code (not shown as you type); it can also come from a\n"
"private file (--receipt-file) or one line on standard input. Only\n"
"replies signed by a key of the checked key bundle are shown.\n"
"\n"
"  -s, --server URL        intake server\n"
"  -k, --keys FILE         organisation's key bundle\n"
"  -f, --fingerprint FP    expected fingerprint of the key bundle\n"
"      --no-fingerprint-check  do not check the bundle (unsafe)\n"
"      --receipt-file F    read the receipt code from F (mode 0600)\n"
"      --tor               connect through Tor (socks5h://127.0.0.1:9050)\n"
"      --proxy URL         connect through this proxy\n"
"      --cacert FILE       trust these CA certificates for https\n"
"      --pin sha256//B64   require this server public key\n"
"  -c, --config FILE       configuration file\n"
"      --no-config         read no configuration file\n"
"  -q, --quiet             no messages besides the replies\n"
"      --json              print the replies as JSON\n"
"  -h, --help              this help\n";

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
	{ "help", no_argument, NULL, 'h' },
	{ NULL, 0, NULL, 0 },
};

/* One base64 reply from the mailbox into a malloc'd byte string. */
static st_t cli_b64(const char *text, size_t tl, uint8_t **out, size_t *len)
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

/* A reply's text for a terminal: control characters other than newline
 * and tab become '?', so a reply cannot drive the terminal. */
static void cli_print_text(const uint8_t *t, size_t n, int tty)
{
	size_t i;

	for (i = 0; i < n; i++) {
		uint8_t ch = t[i];
		if (tty && ((ch < 0x20 && ch != '\n' && ch != '\t') || ch == 0x7f))
			ch = '?';
		putchar(ch);
	}
	if (n == 0 || t[n - 1] != '\n')
		putchar('\n');
}

/* Open every reply; print them (or gather them into *arr for --json). */
static st_t cli_show_replies(const receipt *r,
                             const key_bundle *b, json_t *list,
                             json_t *arr, size_t *shown, size_t *bad)
{
	key_bundle one;
	keyset ks;
	reply_msg m;
	char fp[KEY_FP_TEXT_MAX];
	uint8_t *raw = NULL, *text = NULL, reason;
	size_t i, rawlen = 0, tl = 0;
	int tty = ui_is_tty(STDOUT_FILENO);
	json_t *e, *item;
	st_t st = ST_OK;

	*shown = *bad = 0;
	keyset_from_bundle(b, &ks);
	for (i = 0; i < json_array_size(list); i++) {
		e = json_array_get(list, i);
		if (!json_is_string(e) ||
		    cli_b64(json_string_value(e), json_string_length(e), &raw,
		            &rawlen) != ST_OK ||
		    reply_open(r, &ks, raw, rawlen, &m) != ST_OK) {
			(*bad)++;
			goto next;
		}
		text = m.text;
		tl = m.len;
		memset(&one, 0, sizeof(one));
		memcpy(one.pk[0], keyset_find(&ks, m.key_id, &reason)->box_pk,
		       KEY_PUB_LEN);
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
			printf("--- reply %zu, from the officer key %s ---\n",
			       *shown + 1, fp);
			cli_print_text(text, tl, tty);
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

int cli_replies(int argc, char **argv)
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
		fputs(replies_help, stdout);
		goto cleanup;
	}
	if (o.nargs != 0) {
		why = "replies takes no arguments; the receipt code is asked "
		      "for, never given on the command line";
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
	if (!json_is_array(list) || json_array_size(list) > CLI_MAX_REPLIES) {
		why = "the server's answer was malformed";
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
	st = cli_show_replies(r, &bundle, list, arr, &shown, &bad);
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
		cli_say(&o, "no replies yet\n");
	}
	if (bad > 0)
		cli_err("%zu repl%s could not be verified as coming from the "
		        "organisation and %s not shown", bad,
		        bad == 1 ? "y" : "ies", bad == 1 ? "was" : "were");
	if (fflush(stdout) != 0)
		st = ST_IO;
	else if (bad > 0)
		st = ST_DECRYPT;
	why = bad > 0 ? "some replies were not shown" : NULL;
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
