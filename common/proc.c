/* proc.c: process hardening: no core dumps (they would hold keys and
 * plaintext), not dumpable or ptrace-attachable by same-uid processes. */
#include "proc.h"

#include <sodium.h>
#include <sys/prctl.h>
#include <sys/resource.h>

st_t proc_harden(void)
{
	struct rlimit rl = { 0, 0 };

	/* Best effort: both fail only in exotic sandboxes, and a missing
	 * core-dump limit must not stop a submitter. */
	(void)setrlimit(RLIMIT_CORE, &rl);
	(void)prctl(PR_SET_DUMPABLE, 0, 0, 0, 0);
	if (sodium_init() < 0)
		return ST_INTERNAL;
	return ST_OK;
}
