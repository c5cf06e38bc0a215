/* ui.c: terminal output and input for intake-submit. The progress bar is
 * drawn on stderr only, at most ten times a second; lines are read one
 * byte at a time so a prompt never swallows what follows it. */
#include "ui.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sodium.h>
#include <termios.h>
#include <unistd.h>

#include "i18n.h"

int ui_is_tty(int fd)
{
	return isatty(fd);
}

void ui_format_size(char *out, size_t cap, uint64_t n)
{
	static const char *const unit[] = { N_("KiB"), N_("MiB"), N_("GiB"),
	                                    N_("TiB") };
	double v = (double)n;
	size_t u = 0;
	char *dot;

	if (n < 1024) {
		snprintf(out, cap, _("%llu B"), (unsigned long long)n);
		return;
	}
	v /= 1024.0;
	while (v >= 1024.0 && u + 1 < sizeof(unit) / sizeof(unit[0])) {
		v /= 1024.0;
		u++;
	}
	snprintf(out, cap, "%.1f %s", v, _(unit[u]));
	/* Russian writes 1,5 where English writes 1.5 (numbers stay in the C
	 * locale, so printf cannot). */
	if (strcmp(i18n_lang(), "ru") == 0 && (dot = strchr(out, '.')) != NULL)
		*dot = ',';
}

static void ui_format_secs(char *out, size_t cap, double secs)
{
	unsigned long s;

	if (secs < 0 || secs > 99.0 * 3600) {
		snprintf(out, cap, "--:--");
		return;
	}
	s = (unsigned long)(secs + 0.5);
	if (s >= 3600)
		snprintf(out, cap, "%lu:%02lu:%02lu", s / 3600, s / 60 % 60, s % 60);
	else
		snprintf(out, cap, "%lu:%02lu", s / 60, s % 60);
}

void ui_progress_line(char *out, size_t cap, uint64_t done, uint64_t total,
                      double secs)
{
	char d[32], t[32], r[32], eta[32];
	double rate = secs > 0 ? (double)done / secs : 0;
	unsigned pct = total ? (unsigned)((double)done * 100.0 / (double)total) : 100;

	if (done > total)
		done = total;
	ui_format_size(d, sizeof(d), done);
	ui_format_size(t, sizeof(t), total);
	ui_format_size(r, sizeof(r), (uint64_t)rate);
	if (rate > 0)
		ui_format_secs(eta, sizeof(eta), (double)(total - done) / rate);
	else
		ui_format_secs(eta, sizeof(eta), -1);
	snprintf(out, cap, _("sending %s of %s  %3u%%  %s/s  %s left"), d, t,
	         pct > 100 ? 100 : pct, r, eta);
}

/* Characters of a UTF-8 string (its continuation bytes not counted), at
 * most UI_WIDTH. */
static size_t ui_columns(const char *s)
{
	size_t n = 0;

	for (; *s != '\0'; s++)
		if (((unsigned char)*s & 0xc0) != 0x80)
			n++;
	return n < UI_WIDTH ? n : UI_WIDTH;
}

static double ui_elapsed(const struct timespec *a, const struct timespec *b)
{
	return (double)(b->tv_sec - a->tv_sec) +
	       (double)(b->tv_nsec - a->tv_nsec) / 1e9;
}

void ui_progress_start(ui_progress *p, int on, uint64_t total)
{
	memset(p, 0, sizeof(*p));
	p->on = on;
	p->total = total;
	clock_gettime(CLOCK_MONOTONIC, &p->start);
}

void ui_progress_update(ui_progress *p, uint64_t done)
{
	struct timespec now;
	char line[160];

	if (!p->on)
		return;
	clock_gettime(CLOCK_MONOTONIC, &now);
	if (p->drawn && done < p->total &&
	    ui_elapsed(&p->last, &now) * 1e9 < (double)UI_REDRAW_NS)
		return;
	p->last = now;
	p->drawn = 1;
	ui_progress_line(line, sizeof(line), done, p->total,
	                 ui_elapsed(&p->start, &now));
	/* Padded to 78 columns, not bytes: a Russian line has two bytes a
	 * letter, and a shorter redraw must cover the longer one before. */
	fprintf(stderr, "\r%s%*s", line, (int)(UI_WIDTH - ui_columns(line)), "");
	fflush(stderr);
}

void ui_progress_end(ui_progress *p)
{
	if (p->on && p->drawn) {
		fprintf(stderr, "\r%*s\r", (int)UI_WIDTH, "");
		fflush(stderr);
	}
	p->drawn = 0;
}

st_t ui_read_line(int fd, char *buf, size_t cap, int echo)
{
	struct termios old, quiet;
	int restore = 0, any = 0, over = 0;
	size_t n = 0;
	ssize_t r;
	char ch;
	st_t st = ST_OK;

	if (!echo && isatty(fd) && tcgetattr(fd, &old) == 0) {
		quiet = old;
		quiet.c_lflag &= (tcflag_t)~(ECHO | ECHONL);
		quiet.c_lflag |= ICANON;
		if (tcsetattr(fd, TCSAFLUSH, &quiet) == 0)
			restore = 1;
	}
	for (;;) {
		r = read(fd, &ch, 1);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st = ST_IO;
			goto cleanup;
		}
		if (r == 0) {
			if (!any)
				st = ST_NOINPUT;
			break;
		}
		any = 1;
		if (ch == '\n')
			break;
		if (n + 1 >= cap)
			over = 1;
		else
			buf[n++] = ch;
	}
	while (n > 0 && buf[n - 1] == '\r')
		n--;
	if (cap > 0)
		buf[n] = '\0';
	if (over)
		st = ST_TOOBIG;
cleanup:
	sodium_memzero(&ch, sizeof(ch));
	if (st != ST_OK && cap > 0)
		sodium_memzero(buf, cap);
	if (restore) {
		tcsetattr(fd, TCSAFLUSH, &old);
		fputc('\n', stderr);
	}
	return st;
}

/* Case-folded copies of the answers, with what people type: Russian
 * words and their first letters, the English ones, the Russian-layout key
 * on N ("т"), and "да"/"нет" typed with the English layout on ("lf",
 * "ytn"). A lone "н" is both "нет" and the Y key on a Russian layout: it
 * is asked again rather than guessed. */
int ui_answer(const char *s)
{
	static const char *const yes[] = { "y", "yes", "д", "да", "Д", "ДА",
	                                   "Да", "Y", "YES", "Yes", "lf", "LF" };
	static const char *const no[] = { "n", "no", "нет", "Нет", "НЕТ", "т",
	                                  "Т", "N", "NO", "No", "ytn", "YTN" };
	size_t i, n;

	while (*s == ' ' || *s == '\t')
		s++;
	n = strlen(s);
	while (n > 0 && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	for (i = 0; i < sizeof(yes) / sizeof(yes[0]); i++)
		if (strlen(yes[i]) == n && memcmp(s, yes[i], n) == 0)
			return 1;
	for (i = 0; i < sizeof(no) / sizeof(no[0]); i++)
		if (strlen(no[i]) == n && memcmp(s, no[i], n) == 0)
			return 0;
	return -1;
}

st_t ui_confirm(int fd, const char *question, int *yes)
{
	char ans[64];
	int a;
	st_t st;

	*yes = 0;
	for (;;) {
		fprintf(stderr, "%s %s ", question, _("[yes/no]"));
		fflush(stderr);
		st = ui_read_line(fd, ans, sizeof(ans), 1);
		if (st != ST_OK && st != ST_TOOBIG)
			return st;
		a = st == ST_OK ? ui_answer(ans) : -1;
		if (a >= 0) {
			*yes = a;
			return ST_OK;
		}
		fputs(_("Please write \"yes\" or \"no\".\n"), stderr);
	}
}
