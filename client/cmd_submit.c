/* cmd_submit.c: "intake-submit [submit]". Order of work: options and
 * configuration, URL rules, the organization's keys (client/keys.c; the
 * only traffic before they check out is fetching them), receipt, text and attachments, then sealing
 * straight into the upload (or --output file). The testimony lives only
 * in sodium_malloc'd memory and open files; no message here ever quotes
 * it, and the receipt code is printed once. */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "cli.h"
#include "compose.h"
#include "fsio.h"
#include "keys.h"
#include "guide.h"
#include "i18n.h"
#include "seal.h"
#include "ui.h"

#define SUBMIT_OUT_BUF ((size_t)256 * 1024)

static const char *const submit_help = N_(
"usage: intake-submit [options] [FILE...]\n"
"Encrypt testimony and attachments to the organization's keys and upload\n"
"them. The text comes from --message-file, from standard input, or, on a\n"
"terminal, from a guided prompt. FILEs are attachments. A receipt is\n"
"printed once at the end: keep it secret; it lets you read replies.\n"
"\n"
"  -s, --server URL        intake server (https://, or http:// to .onion)\n"
"  -f, --fingerprint FP    the organization's published root fingerprint:\n"
"                          its keys are fetched from the server and checked\n"
"      --keyset FILE       the organization's keys from a file (offline)\n"
"  -k, --keys FILE         bundle mode: an older key bundle, no rotation;\n"
"                          --fingerprint is then the bundle's\n"
"      --no-fingerprint-check  send without checking the bundle (unsafe)\n"
"  -m, --message-file F    the text ('-' for standard input)\n"
"  -o, --output FILE       write the envelope to FILE instead of uploading\n"
"      --force             overwrite FILE if it exists\n"
"      --receipt           reuse your receipt (asked on the terminal)\n"
"      --receipt-file F    reuse the receipt stored in F\n"
"      --tor               connect through Tor (127.0.0.1:9050 or 9150)\n"
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
"      --lang ru|en        language of the messages (default: from LANG)\n"
"  -h, --help              this help\n"
"      --version           the program's version\n"
"\n"
"Other commands: intake-submit upload FILE, intake-submit replies.\n"
"Exit codes: 0 done, 1 refused (fingerprint mismatch, cancelled),\n"
"64 usage, 65 bad input, 66 missing file, 69 server unreachable,\n"
"70 internal error, 71 out of memory, 73 output exists, 74 I/O error,\n"
"75 try again later, 77 TLS verification failed, 78 configuration.\n");

static const struct option submit_opts[] = {
	{ "server", required_argument, NULL, 's' },
	{ "keys", required_argument, NULL, 'k' },
	{ "keyset", required_argument, NULL, OPT_KEYSET },
	{ "fingerprint", required_argument, NULL, 'f' },
	{ "no-fingerprint-check", no_argument, NULL, OPT_NO_FP },
	{ "message-file", required_argument, NULL, 'm' },
	{ "output", required_argument, NULL, 'o' },
	{ "force", no_argument, NULL, OPT_FORCE },
	{ "receipt", no_argument, NULL, OPT_RECEIPT },
	{ "receipt-file", required_argument, NULL, OPT_RECEIPT_FILE },
	CLI_OPTS_NET,
	{ "date", no_argument, NULL, OPT_DATE },
	{ "threads", required_argument, NULL, 'j' },
	{ "retries", required_argument, NULL, OPT_RETRIES },
	CLI_OPTS_TAIL,
};

/* Adapters with the exact signatures the callers expect. */
static st_t submit_seal_read(void *ctx, uint64_t off, uint8_t *buf, size_t len,
                          size_t *got)
{
	return seal_read(ctx, off, buf, len, got);
}

/* The text: from --message-file, piped in, or typed at the prompt. */
static st_t submit_text(const cli_opts *o, int guided, compose *c,
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
			guide_letter_hint();
		st = compose_read_text(STDIN_FILENO, COMPOSE_TEXT_MAX, &text,
		                       &len);
	}
	if (st == ST_TOOBIG)
		*why = N_("the text is too long (over 64 MiB): send it as an "
		       "attachment instead");
	else if (st != ST_OK)
		*why = N_("the text could not be read");
	else
		compose_set_text(c, text, len);
	return st;
}

/* --output: the envelope into a new file the user named. */
/* With --force the output may already exist: it must not be one of the
 * attachments (truncating it would destroy what is being sent). Checked
 * before truncating. */
static st_t submit_output_clash(int fd, const compose *c, const char **why)
{
	struct stat out, in;
	size_t i;

	if (fstat(fd, &out) != 0)
		return ST_IO;
	for (i = 0; i < c->nfds; i++) {
		if (fstat(c->fds[i], &in) == 0 && in.st_dev == out.st_dev &&
		    in.st_ino == out.st_ino) {
			*why = N_("the output file is one of the attachments");
			return ST_USAGE;
		}
	}
	if (S_ISREG(out.st_mode) && ftruncate(fd, 0) != 0)
		return ST_IO;
	return ST_OK;
}

static st_t submit_write_output(const cli_opts *o, const compose *c, seal *sl,
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
		*why = st == ST_EXISTS ? N_("the output file exists; choose "
		                            "another name or add --force")
		                       : N_("the output file cannot be created");
		return st;
	}
	if (o->force) {
		st = submit_output_clash(fd, c, why);
		if (st != ST_OK) {
			close(fd);
			return st;
		}
	}
	buf = malloc(SUBMIT_OUT_BUF);
	if (buf == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	while (off < total) {
		st = seal_read(sl, off, buf, SUBMIT_OUT_BUF, &got);
		if (st != ST_OK || got == 0) {
			*why = N_("the attachments changed while being read");
			st = st != ST_OK ? st : ST_INTERNAL;
			goto cleanup;
		}
		st = fsio_write_all(fd, buf, got);
		if (st != ST_OK) {
			*why = N_("writing the output file failed");
			goto cleanup;
		}
		off += got;
		ui_progress_update(pg, off);
	}
	/* Only a regular file can be synced (not /dev/null or a pipe). */
	if (fstat(fd, &sb) == 0 && S_ISREG(sb.st_mode) && fsync(fd) != 0) {
		st = ST_IO;
		*why = N_("writing the output file failed");
	}
cleanup:
	free(buf);
	if (close(fd) != 0 && st == ST_OK) {
		st = ST_IO;
		*why = N_("writing the output file failed");
	}
	/* A partial envelope is useless: remove it, but only when this run
	 * created it (with --force the name may be anything, even a device). */
	if (st != ST_OK && !o->force)
		unlink(o->output);
	else if (st != ST_OK)
		cli_err(_("\"%s\" is incomplete: do not use it"), o->output);
	return st;
}

/* Print the result: the receipt once, on stdout: its 12 words in the
 * messages' language, then (not in the guided mode, where one form is
 * enough to copy) the same receipt as a code. */
static st_t submit_result(const cli_opts *o, const receipt *r, int guided,
                          uint64_t bytes, const char *id)
{
	char code[RECEIPT_TEXT_MAX], words[RECEIPT_WORDS_MAX];
	json_t *j = NULL;
	st_t st;

	receipt_format(r, code);
	st = receipt_format_words(r, cli_words_lang(), words, sizeof(words));
	if (st != ST_OK)
		goto cleanup;
	if (o->json) {
		j = json_pack("{s:s, s:s, s:I}", "receipt", code, "receipt_words",
		              words, "bytes", (json_int_t)bytes);
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
		cli_say(o, "%s", _("\nYour receipt is below: 12 words. Write them "
		                   "down on paper and keep them secret: with them "
		                   "you can read the reply. They are not stored "
		                   "anywhere and will not be shown again.\n\n"));
		printf("%s\n", words);
		if (!guided) {
			fflush(stdout);
			cli_say(o, "%s", _("The same receipt as a code (either "
			                   "form works):\n"));
			printf("%s\n", code);
		}
	}
	if (fflush(stdout) != 0)
		st = ST_IO;
cleanup:
	json_decref(j);
	sodium_memzero(code, sizeof(code));
	sodium_memzero(words, sizeof(words));
	return st;
}

static st_t submit_date(char out[MANIFEST_DATE_MAX])
{
	time_t now = time(NULL);
	struct tm tm;

	if (gmtime_r(&now, &tm) == NULL ||
	    strftime(out, MANIFEST_DATE_MAX, "%Y-%m", &tm) == 0)
		return ST_INTERNAL;
	return ST_OK;
}

int cmd_submit(int argc, char **argv)
{
	cli_opts o;
	net_cfg cfg;
	keys_org org;
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
	memset(&org, 0, sizeof(org));
	st = cli_parse(&o, argc, argv, ":s:k:f:m:o:j:c:qh", submit_opts, &help,
	               &why);
	if (st != ST_OK)
		goto cleanup;
	if (help) {
		cli_help(help, submit_help);
		goto cleanup;
	}
	st = cli_config(&o, &why);
	if (st != ST_OK)
		goto cleanup;
	if (o.receipt_prompt && o.receipt_file != NULL) {
		why = N_("give either --receipt or --receipt-file, not both");
		st = ST_USAGE;
		goto cleanup;
	}
	guided = o.message_file == NULL && ui_is_tty(STDIN_FILENO);
	if (o.receipt_prompt && !guided && o.message_file == NULL) {
		why = N_("--receipt reads the code from the terminal, so the text "
		      "must come from --message-file");
		st = ST_USAGE;
		goto cleanup;
	}
	if (guided && !o.quiet)
		guide_intro();
	if (o.output == NULL) {
		st = cli_network(&o, &cfg, &why);
		if (st != ST_OK)
			goto cleanup;
	}
	st = keys_load(&o, o.output == NULL ? &cfg : NULL, &org, &why);
	if (st != ST_OK)
		goto cleanup;
	st = cli_receipt(&o, 1, &r, &why);
	if (st != ST_OK)
		goto cleanup;
	/* Attachments before the text: a wrong name is caught before
	 * anything is typed. */
	for (i = 0; i < o.nargs; i++) {
		st = compose_add_file(&c, o.args[i]);
		if (st != ST_OK) {
			cli_err(_("attachment \"%s\": %s"), o.args[i],
			        st == ST_BADDATA ? _("not a regular file")
			        : st == ST_NOINPUT ? _("cannot be opened")
			                           : i18n_status(st));
			why = N_("nothing was sent");
			goto cleanup;
		}
	}
	if (guided) {
		st = guide_attachments(STDIN_FILENO, &c);
		if (st != ST_OK) {
			why = N_("nothing was sent");
			goto cleanup;
		}
	}
	st = submit_text(&o, guided, &c, &why);
	if (st != ST_OK)
		goto cleanup;
	if (o.date) {
		st = submit_date(date);
		if (st != ST_OK)
			goto cleanup;
	}
	st = compose_finish(&c, r->reply_pk, r->mailbox, date);
	if (st == ST_USAGE) {
		why = N_("there is nothing to send: no text and no attachments");
		goto cleanup;
	}
	if (st != ST_OK) {
		why = N_("the submission is too large");
		goto cleanup;
	}
	if (guided) {
		st = guide_confirm(STDIN_FILENO, &c, &yes);
		if (st != ST_OK || !yes) {
			cli_err("%s", _("cancelled; nothing was sent"));
			rc = 1;
			goto done;
		}
	}
	st = seal_new(&org.to, payload_src_stream_len(c.src), payload_src_read,
	              c.src, o.threads, &sl);
	if (st != ST_OK) {
		why = N_("encryption could not start");
		goto cleanup;
	}
	total = seal_total_len(sl);
	ui_progress_start(&pg, !o.quiet && ui_is_tty(STDERR_FILENO), total);
	if (o.output != NULL)
		st = submit_write_output(&o, &c, sl, total, &pg, &why);
	else
		st = net_upload(&cfg, total, submit_seal_read, sl, cli_progress, &pg,
		                id, &why);
	ui_progress_end(&pg);
	if (st == ST_MISMATCH)
		why = N_("an attachment changed while it was being sent; nothing "
		      "usable was stored. run the command again");
	if (st == ST_CHANGED)
		why = N_("a file changed while it was sent: the upload stopped so "
		      "that nothing is encrypted twice with one key. nothing "
		      "usable was stored; run the command again");
	if (st != ST_OK)
		goto cleanup;
	if (o.output != NULL)
		cli_say(&o, _("wrote the encrypted envelope (%llu bytes) to "
		              "\"%s\"; upload it later with: intake-submit upload "
		              "FILE\n"), (unsigned long long)total, o.output);
	else
		cli_say(&o, _("sent and stored: %llu bytes\n"),
		        (unsigned long long)total);
	st = submit_result(&o, r, guided, total, id[0] ? id : NULL);
	if (st == ST_OK && guided && !o.json) {
		guide_typeback(STDIN_FILENO, r);
		guide_farewell();
	}
cleanup:
	rc = st == ST_OK ? 0 : cli_fail(st, why);
done:
	seal_free(sl);
	compose_release(&c);
	receipt_free(r);
	sodium_memzero(&org, sizeof(org));
	cli_opts_release(&o);
	return rc;
}
