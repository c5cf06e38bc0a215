/* ui.h: what the submitter sees and types on the terminal: the progress
 * bar on stderr, yes/no questions, and single lines read with or without
 * echo (the receipt code). Input comes from the local person; lines are
 * bounded and held in buffers the caller wipes. */
#ifndef INTAKE_CLIENT_UI_H
#define INTAKE_CLIENT_UI_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "status.h"

#define UI_REDRAW_NS 100000000L  /* at most 10 redraws a second */
#define UI_WIDTH 78               /* columns of the progress line */

typedef struct {
	int on;
	uint64_t total;
	struct timespec start;
	struct timespec last;
	int drawn;
} ui_progress;

/* Nonzero when fd is a terminal. */
int ui_is_tty(int fd);

/* "1.5 MiB" style sizes into out. */
void ui_format_size(char *out, size_t cap, uint64_t n);

/* One progress line (no \r): bytes done of total, percent, average rate
 * over secs and time left. */
void ui_progress_line(char *out, size_t cap, uint64_t done, uint64_t total,
                      double secs);

/* Draws only when on is nonzero (stderr is a terminal, not --quiet). */
void ui_progress_start(ui_progress *p, int on, uint64_t total);
void ui_progress_update(ui_progress *p, uint64_t done);
/* Clears the line. */
void ui_progress_end(ui_progress *p);

/* Read one line from fd into buf (cap bytes incl. NUL), without the
 * newline, byte by byte so nothing past it is consumed. With echo == 0 and
 * fd a terminal, echo is off while typing. ST_NOINPUT at end of input
 * before any byte, ST_TOOBIG when the line does not fit (the rest of the
 * line is consumed and buf wiped), ST_IO. */
st_t ui_read_line(int fd, char *buf, size_t cap, int echo);

/* 1 for a yes (y, yes, д, да, ...), 0 for a no (n, no, нет, т, ...), -1
 * when unclear (anything else, a lone "н" included: see ui.c). */
int ui_answer(const char *s);

/* Ask question on stderr and read the answer from fd until it is clear
 * (ui_answer): *yes is 1 or 0. ST_NOINPUT at end of input. */
st_t ui_confirm(int fd, const char *question, int *yes);

#endif
