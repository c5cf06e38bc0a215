/* cli.c: shared command-line plumbing for intake-officer. */
#include "cli.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
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
	sodium_memzero(clean, strlen(clean)); /* case text, notes */
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
		cli_pass_fail(st, passfile);
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
	char buf[PATH_MAX];
	struct stat sb;
	size_t n = strlen(path), i;

	if (n == 0 || n >= sizeof buf) {
		errno = ENAMETOOLONG;
		return ST_USAGE;
	}
	memcpy(buf, path, n + 1);
	/* each missing parent first, then the folder itself: all 0700 */
	for (i = 1; i <= n; i++) {
		if (buf[i] != '/' && buf[i] != '\0')
			continue;
		buf[i] = '\0';
		if (mkdir(buf, 0700) != 0) {
			if (errno != EEXIST)
				return fsio_errno_status(errno);
			if (stat(buf, &sb) != 0 || !S_ISDIR(sb.st_mode)) {
				errno = ENOTDIR;
				return fsio_errno_status(ENOTDIR);
			}
		}
		buf[i] = path[i];
	}
	return ST_OK;
}

st_t cli_fail_sys(st_t st, const char *fmt, ...)
{
	int err = errno;
	va_list ap;

	fprintf(stderr, CLI_PROG ": ");
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, ": %s\n", strerror(err));
	return st;
}

st_t cli_pass_fail(st_t st, const char *passfile)
{
	char safe[CLI_SAFE_MAX];

	switch (st) {
	case ST_MISMATCH:
		fprintf(stderr, CLI_PROG ": the two passphrases differ\n");
		break;
	case ST_USAGE:
		fprintf(stderr, CLI_PROG ": the passphrase is empty\n");
		break;
	case ST_TOOBIG:
		fprintf(stderr, CLI_PROG ": the passphrase is longer than %d "
		        "bytes\n", TTY_PASS_MAX);
		break;
	case ST_PERM:
		fprintf(stderr, CLI_PROG ": the passphrase file '%s' may be read "
		        "by others: chmod 600 it\n", cli_safe(passfile, safe));
		break;
	case ST_NOINPUT:
		if (passfile == NULL)
			fprintf(stderr, CLI_PROG ": no terminal to ask for the "
			        "passphrase on: use --passphrase-file FILE\n");
		else
			fprintf(stderr, CLI_PROG ": the passphrase file '%s' does "
			        "not exist or cannot be read\n",
			        cli_safe(passfile, safe));
		break;
	default:
		cli_fail(st, "cannot read the passphrase");
		break;
	}
	return st;
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
