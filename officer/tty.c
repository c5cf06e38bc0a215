/* tty.c: passphrases from /dev/tty with echo off or from a file, and the
 * progress line. The terminal state is restored on every path, including
 * a signal while the passphrase is being typed. */
#include "tty.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "fsio.h"

#define TTY_FILE_MAX (64 * 1024)

static volatile sig_atomic_t tty_caught;

static void tty_on_signal(int sig)
{
	tty_caught = sig;
}

static const int tty_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGTSTP };
#define TTY_NSIG (sizeof tty_signals / sizeof tty_signals[0])

/* One line from the terminal fd into buf (cap bytes incl. NUL) with echo
 * off. A signal restores the terminal, then is re-raised. */
static st_t tty_read_line(int fd, const char *prompt, char *buf, size_t cap,
                          size_t *len)
{
	struct termios saved, quiet;
	struct sigaction sa, old[TTY_NSIG];
	size_t n = 0, i;
	int have_term = tcgetattr(fd, &saved) == 0, overflow = 0;
	st_t st = ST_OK;
	char c;
	ssize_t r;

	memset(&sa, 0, sizeof sa);
	sa.sa_handler = tty_on_signal; /* no SA_RESTART: read returns EINTR */
	sigemptyset(&sa.sa_mask);
	tty_caught = 0;
	for (i = 0; i < TTY_NSIG; i++)
		sigaction(tty_signals[i], &sa, &old[i]);
	if (have_term) {
		quiet = saved;
		quiet.c_lflag &= ~(tcflag_t)(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		if (tcsetattr(fd, TCSAFLUSH, &quiet) != 0) {
			st = ST_IO;
			goto cleanup;
		}
	}
	if (write(fd, prompt, strlen(prompt)) < 0) {
		st = ST_IO;
		goto cleanup;
	}
	for (;;) {
		r = read(fd, &c, 1);
		if (r < 0 && errno == EINTR && !tty_caught)
			continue;
		if (r < 0) {
			st = tty_caught ? ST_USAGE : ST_IO;
			goto cleanup;
		}
		if (r == 0 || c == '\n' || c == '\r')
			break;
		if (n + 1 < cap)
			buf[n++] = c;
		else
			overflow = 1;
	}
	if (overflow)
		st = ST_TOOBIG;
cleanup:
	sodium_memzero(&c, sizeof c);
	buf[n] = '\0';
	*len = n;
	if (have_term) {
		tcsetattr(fd, TCSAFLUSH, &saved);
		if (write(fd, "\n", 1) < 0)
			st = st == ST_OK ? ST_IO : st;
	}
	for (i = 0; i < TTY_NSIG; i++)
		sigaction(tty_signals[i], &old[i], NULL);
	if (tty_caught)
		raise(tty_caught);
	return st;
}

/* First line of a secret file (CR/LF stripped). */
static st_t tty_from_file(const char *file, char *buf, size_t cap, size_t *len)
{
	uint8_t *data = NULL;
	size_t dlen = 0, n;
	st_t st;

	st = fsio_read_secret_file(file, TTY_FILE_MAX, &data, &dlen);
	if (st != ST_OK)
		goto cleanup;
	for (n = 0; n < dlen && data[n] != '\n' && data[n] != '\r'; n++)
		;
	if (n >= cap) {
		st = ST_TOOBIG;
		goto cleanup;
	}
	memcpy(buf, data, n);
	buf[n] = '\0';
	*len = n;
cleanup:
	if (data != NULL)
		sodium_free(data);
	return st;
}

st_t tty_passphrase(const char *file, const char *prompt, int confirm,
                    char **out, size_t *len)
{
	char *a = NULL, *b = NULL;
	size_t alen = 0, blen = 0;
	int fd = -1;
	st_t st;

	a = sodium_malloc(TTY_PASS_MAX + 1);
	b = sodium_malloc(TTY_PASS_MAX + 1);
	if (a == NULL || b == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	if (file != NULL) {
		st = tty_from_file(file, a, TTY_PASS_MAX + 1, &alen);
		if (st != ST_OK)
			goto cleanup;
	} else {
		fd = open("/dev/tty", O_RDWR | O_NOCTTY | O_CLOEXEC);
		if (fd < 0) {
			st = ST_NOINPUT;
			goto cleanup;
		}
		st = tty_read_line(fd, prompt, a, TTY_PASS_MAX + 1, &alen);
		if (st == ST_OK && confirm && alen > 0) {
			st = tty_read_line(fd, "again: ", b, TTY_PASS_MAX + 1,
			                   &blen);
			if (st == ST_OK && (alen != blen ||
			                    sodium_memcmp(a, b, alen) != 0))
				st = ST_MISMATCH;
		}
		if (st != ST_OK)
			goto cleanup;
	}
	if (alen == 0) {
		st = ST_USAGE;
		goto cleanup;
	}
	*out = a;
	*len = alen;
	a = NULL;
cleanup:
	if (fd >= 0)
		close(fd);
	tty_pass_free(a);
	tty_pass_free(b);
	return st;
}

void tty_pass_free(char *pass)
{
	if (pass != NULL)
		sodium_free(pass); /* sodium_free wipes before freeing */
}

static int64_t tty_now_ms(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (int64_t)ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

void tty_progress_init(tty_progress *p, int quiet)
{
	p->on = !quiet && isatty(STDERR_FILENO);
	p->drawn = 0;
	p->last_ms = 0;
	p->start_ms = tty_now_ms();
}

int tty_progress_due(tty_progress *p, int force)
{
	int64_t now;

	if (!p->on)
		return 0;
	now = tty_now_ms();
	if (!force && now - p->last_ms < 100)
		return 0;
	p->last_ms = now;
	return 1;
}

void tty_progress_show(tty_progress *p, const char *line)
{
	if (!p->on)
		return;
	p->drawn = 1;
	fprintf(stderr, "\r%s\033[K", line);
	fflush(stderr);
}

const char *tty_human(uint64_t n, char buf[16])
{
	static const char *const unit[] = { "B", "KiB", "MiB", "GiB", "TiB" };
	double v = (double)n;
	size_t u = 0;

	while (v >= 1024 && u + 1 < sizeof unit / sizeof unit[0]) {
		v /= 1024;
		u++;
	}
	if (u == 0)
		snprintf(buf, 16, "%llu B", (unsigned long long)n);
	else
		snprintf(buf, 16, "%.1f %s", v, unit[u]);
	return buf;
}

void tty_progress_bytes(const tty_progress *p, uint64_t done,
                        uint64_t total, char *out, size_t cap)
{
	char a[16], b[16], r[16];
	double secs = (double)(tty_now_ms() - p->start_ms) / 1000.0;
	double rate = secs > 0.2 ? (double)done / secs : 0;
	unsigned long left;

	if (total == 0 || done > total) {
		snprintf(out, cap, "%s  %s/s", tty_human(done, a),
		         tty_human((uint64_t)rate, r));
		return;
	}
	left = rate > 0 ? (unsigned long)((double)(total - done) / rate) : 0;
	snprintf(out, cap, "%s of %s  %3u%%  %s/s  %lu:%02lu left",
	         tty_human(done, a), tty_human(total, b),
	         (unsigned)(total > 0 ? done * 100 / total : 0),
	         tty_human((uint64_t)rate, r), left / 60, left % 60);
}

void tty_progress_end(tty_progress *p)
{
	if (p->on && p->drawn) {
		fprintf(stderr, "\r\033[K");
		fflush(stderr);
	}
	p->drawn = 0;
}
