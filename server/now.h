/* now.h: the server's wall clock. Normally time(); with --test-clock
 * FILE (for tests only) the decimal unix time written in FILE, read at
 * every call, so a test can move time across a landing period. */
#ifndef INTAKE_SRV_NOW_H
#define INTAKE_SRV_NOW_H

#include <stdint.h>

/* path NULL: the system clock. Call once, before any thread starts. */
void now_init(const char *path);
int64_t now_get(void);

#endif
