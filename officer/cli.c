/* cli.c: shared command-line plumbing for intake-officer. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>
#include <sodium.h>
#include "fsio.h"
#include "term.h"
#include "tty.h"

st_t cli_fail(st_t st, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, CLI_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", st_str(st));
	return st;
}

st_t cli_usage(const char *usage, const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, CLI_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n%s", usage);
	return ST_USAGE;
}

void cli_puts(FILE *f, const char *s, unsigned flags)
{
	char *clean = NULL;

	if (s == NULL) {
		fputs("-", f);
		return;
	}
	if (term_clean(s, strlen(s), flags, &clean) != ST_OK) {
		fputs("?", f);
		return;
	}
	fputs(clean, f);
	free(clean);
}

const char *cli_safe(const char *s, char buf[CLI_SAFE_MAX])
{
	size_t n, used;

	if (s == NULL)
		return "-";
	n = strlen(s);
	used = term_clean_buf(s, n, 0, buf, CLI_SAFE_MAX - 3);
	if (used < n)
		memcpy(buf + strlen(buf), "...", 4);
	return buf;
}

st_t cli_unlock(const char *secfile, const char *passfile, key_secret **out)
{
	uint8_t *file = NULL;
	char *pass = NULL;
	size_t flen = 0, plen = 0;
	st_t st;

	st = fsio_read_secret_file(secfile, KEY_FILE_MAX, &file, &flen);
	if (st != ST_OK) {
		cli_fail(st, "cannot read secret key '%s'", secfile);
		goto cleanup;
	}
	st = tty_passphrase(passfile, "passphrase: ", 0, &pass, &plen);
	if (st != ST_OK) {
		cli_fail(st, "cannot read the passphrase");
		goto cleanup;
	}
	st = key_secret_open(file, flen, pass, plen, out);
	if (st == ST_DECRYPT)
		fprintf(stderr, CLI_PROG ": wrong passphrase or damaged key file\n");
	else if (st != ST_OK)
		cli_fail(st, "cannot open secret key '%s'", secfile);
cleanup:
	tty_pass_free(pass);
	if (file != NULL)
		sodium_free(file);
	return st;
}

st_t cli_mkdir(const char *path)
{
	struct stat sb;

	if (mkdir(path, 0700) == 0)
		return ST_OK;
	if (errno == EEXIST && stat(path, &sb) == 0 && S_ISDIR(sb.st_mode))
		return ST_OK;
	return fsio_errno_status(errno == EEXIST ? ENOTDIR : errno);
}

st_t cli_write_new(const char *path, const void *buf, size_t len,
                   mode_t mode)
{
	int fd;
	st_t st;

	fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
	          mode);
	if (fd < 0)
		return errno == EEXIST ? ST_EXISTS : fsio_errno_status(errno);
	st = fsio_write_all(fd, buf, len);
	if (st == ST_OK && fsync(fd) != 0)
		st = fsio_errno_status(errno);
	if (close(fd) != 0 && st == ST_OK)
		st = ST_IO;
	if (st != ST_OK)
		unlink(path);
	else
		st = fsio_fsync_parent(path);
	return st;
}

st_t cli_parse_id(const char *text, long long *id)
{
	char *end;
	long long v;

	/* Accept "12", "000012" and the folder name "case-000012". */
	if (strncmp(text, "case-", 5) == 0)
		text += 5;
	if (*text < '0' || *text > '9')
		return ST_USAGE;
	errno = 0;
	v = strtoll(text, &end, 10);
	if (errno != 0 || *end != '\0' || v < 1 || v > (1LL << 53))
		return ST_USAGE;
	*id = v;
	return ST_OK;
}
