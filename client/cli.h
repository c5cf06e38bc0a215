/* cli.h: what intake-submit's commands share: the options a command may
 * be told, their parsing, the configuration file, the network, key bundle
 * and receipt set-up, and how messages reach the person. Arguments come
 * from the person at the keyboard; the receipt code is never accepted in
 * argv. The commands themselves are in cmd_*.c (see cmd.h). */
#ifndef INTAKE_CLIENT_CLI_H
#define INTAKE_CLIENT_CLI_H

#include <getopt.h>
#include <stdint.h>

#include "conf.h"
#include "key.h"
#include "net.h"
#include "receipt.h"
#include "status.h"
#include "tor.h"
#include "words.h"

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
	OPT_KEYSET,
	OPT_LANG,
	OPT_VERSION,
};

/* Everything a command may be told; strings borrow from argv or from
 * the loaded configuration. */
typedef struct {
	const char *config;
	int no_config;
	const char *server;
	const char *keys;
	const char *keyset;      /* --keyset FILE: keyset mode offline */
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
	char tor_proxy[TOR_PROXY_MAX];  /* the local Tor --tor found */
} cli_opts;

enum { CLI_HELP = 1, CLI_VERSION = 2 };

/* "intake-submit: " and the message on stderr. */
void cli_err(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Print why (or the status's message) and return the exit code. */
int cli_fail(st_t st, const char *why);

/* Progress chatter on stderr, unless --quiet. */
void cli_say(const cli_opts *o, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* net_cfg's notice callback: one line over the progress bar. */
void cli_notice(void *ctx, const char *msg);

/* A net_progress_fn drawing into a ui_progress. */
void cli_progress(void *ctx, uint64_t done);

void cli_opts_init(cli_opts *o);
void cli_opts_release(cli_opts *o);

/* Rows of the long-option tables that several commands share; the
 * meaning of each is in cli_parse, so the names are written once here.
 * CLI_OPTS_TAIL ends a table. */
#define CLI_OPTS_NET \
	{ "tor", no_argument, NULL, OPT_TOR }, \
	{ "proxy", required_argument, NULL, OPT_PROXY }, \
	{ "cacert", required_argument, NULL, OPT_CACERT }, \
	{ "pin", required_argument, NULL, OPT_PIN }
#define CLI_OPTS_TAIL \
	{ "config", required_argument, NULL, 'c' }, \
	{ "no-config", no_argument, NULL, OPT_NO_CONFIG }, \
	{ "quiet", no_argument, NULL, 'q' }, \
	{ "json", no_argument, NULL, OPT_JSON }, \
	{ "lang", required_argument, NULL, OPT_LANG }, \
	{ "help", no_argument, NULL, 'h' }, \
	{ "version", no_argument, NULL, OPT_VERSION }, \
	{ NULL, 0, NULL, 0 }

/* getopt_long over one command's table; ST_USAGE with *why, or ST_OK
 * with *help set: CLI_HELP for --help, CLI_VERSION for --version. */
st_t cli_parse(cli_opts *o, int argc, char **argv, const char *shortopts,
               const struct option *longopts, int *help, const char **why);

/* Load the configuration (the named one must exist; the default one may
 * not) and fill in what the command line left open. */
st_t cli_config(cli_opts *o, const char **why);

/* Server and proxy settings, checked against the URL rules. */
st_t cli_network(cli_opts *o, net_cfg *cfg, const char **why);

/* The organization's keys, checked against the expected fingerprint
 * before anything leaves this machine. */
st_t cli_bundle(const cli_opts *o, key_bundle *b, const char **why);

/* The receipt: a new one (fresh and none given), or the one the
 * submitter already has (from a file or typed on the terminal, never from
 * argv). *r is the caller's to receipt_free. */
st_t cli_receipt(const cli_opts *o, int fresh, receipt **r, const char **why);

/* The word list receipts are shown in: the messages' language. */
words_lang cli_words_lang(void);

/* Why a typed receipt was refused (receipt_parse_ex's typo), in plain
 * words, into msg (cap bytes); returns msg. Names the word's position and
 * the nearest list words, never the typed text. */
const char *cli_receipt_typo(const receipt_typo *t, char *msg, size_t cap);

/* The overview printed by "intake-submit help". */
void cli_usage(void);

/* "intake-submit VERSION" on stdout, for --version. */
void cli_version(void);

/* --help's or --version's text on stdout (help: the command's help text,
 * translated here). */
void cli_help(int help, const char *text);

#endif
