/* cmd_upload.c: "intake-submit upload FILE": send an envelope written
 * earlier with --output. The file is checked to be exactly one intake
 * envelope before any byte of it leaves the machine. */
#include "cmd.h"

#include <errno.h>
#include <fcntl.h>
#include <jansson.h>
#include <stdio.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "env.h"
#include "fsio.h"
#include "i18n.h"
#include "ui.h"

static const char *const upload_help = N_(
"usage: intake-submit upload [options] FILE\n"
"Upload an envelope written earlier with --output (for example carried\n"
"on a USB stick). The file is checked to be an intake envelope first; a\n"
"cut connection is resumed. The file holds no receipt: the receipt was\n"
"shown when it was made.\n"
"\n"
"  -s, --server URL        intake server (https://, or http:// to .onion)\n"
"      --tor               connect through Tor (127.0.0.1:9050 or 9150)\n"
"      --proxy URL         connect through this proxy\n"
"      --cacert FILE       trust these CA certificates for https\n"
"      --pin sha256//B64   require this server public key\n"
"      --retries N         failed attempts in a row before giving up (20)\n"
"  -c, --config FILE       configuration file\n"
"      --no-config         read no configuration file\n"
"  -q, --quiet             no progress or messages\n"
"      --json              print the result as JSON\n"
"      --lang ru|en        language of the messages\n"
"  -h, --help              this help\n"
"      --version           the program's version\n"
"\n"
"Exit codes: 0 done, 64 usage, 65 not an envelope, 66 missing file,\n"
"69 server unreachable, 70 internal error, 71 out of memory,\n"
"74 I/O error, 75 try again later, 77 TLS verification failed,\n"
"78 configuration.\n");

static const struct option upload_opts[] = {
	{ "server", required_argument, NULL, 's' },
	CLI_OPTS_NET,
	{ "retries", required_argument, NULL, OPT_RETRIES },
	CLI_OPTS_TAIL,
};

static st_t upload_file_read(void *ctx, uint64_t off, uint8_t *buf, size_t len,
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
static st_t upload_check_envelope(int fd, uint64_t size, const char **why)
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
		*why = st == ST_VERSION ? N_("the file is an envelope of a newer "
		                             "version than this program knows")
		                        : N_("the file is not a complete intake "
		                             "envelope");
	return st;
}

int cmd_upload(int argc, char **argv)
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
		cli_help(help, upload_help);
		goto cleanup;
	}
	if (o.nargs != 1) {
		why = N_("upload wants exactly one FILE (see --help)");
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
		why = N_("the envelope file cannot be opened");
		st = ST_NOINPUT;
		goto cleanup;
	}
	if (fstat(fd, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		why = N_("the envelope is not a regular file");
		st = ST_BADDATA;
		goto cleanup;
	}
	st = upload_check_envelope(fd, (uint64_t)sb.st_size, &why);
	if (st != ST_OK)
		goto cleanup;
	ui_progress_start(&pg, !o.quiet && ui_is_tty(STDERR_FILENO),
	                  (uint64_t)sb.st_size);
	st = net_upload(&cfg, (uint64_t)sb.st_size, upload_file_read, &fd,
	                cli_progress, &pg, id, &why);
	ui_progress_end(&pg);
	if (st == ST_MISMATCH)
		why = N_("the envelope file changed while it was being sent");
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
		cli_say(&o, _("sent and stored: %llu bytes\n"),
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
