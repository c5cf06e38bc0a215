/* status.c: messages and exit codes for st_t, in one table. */
#include "status.h"

static const struct {
	const char *msg;
	int code;
} st_table[ST__COUNT] = {
	[ST_OK] = { "ok", 0 },
	[ST_USAGE] = { "usage error", 64 },
	[ST_BADDATA] = { "malformed input", 65 },
	[ST_VERSION] = { "unsupported format version", 65 },
	[ST_NOINPUT] = { "input not found or unreadable", 66 },
	[ST_EXISTS] = { "file exists, not overwritten", 73 },
	[ST_UNAVAILABLE] = { "service unavailable", 69 },
	[ST_IO] = { "input/output error", 74 },
	[ST_NOSPACE] = { "no space left", 74 },
	[ST_TEMPFAIL] = { "temporary failure, try again later", 75 },
	[ST_PERM] = { "permission denied or unsafe permissions", 77 },
	[ST_CONFIG] = { "configuration error", 78 },
	[ST_NOMEM] = { "out of memory", 71 },
	[ST_TOOBIG] = { "input too large", 65 },
	[ST_DECRYPT] = { "decryption failed", 1 },
	[ST_NOKEY] = { "no matching key", 1 },
	[ST_MISMATCH] = { "fingerprint or length mismatch", 1 },
	[ST_NOTFOUND] = { "not found", 66 },
	[ST_CONFLICT] = { "conflict", 75 },
	[ST_INTERNAL] = { "internal error", 70 },
	[ST_CHANGED] = { "a file changed while it was sent", 65 },
	[ST_EXPIRED] = { "expired", 65 },
	[ST_POW] = { "proof of work required", 75 },
};

const char *st_str(st_t st)
{
	if ((unsigned)st >= ST__COUNT)
		return "unknown status";
	return st_table[st].msg;
}

int st_exit_code(st_t st)
{
	if ((unsigned)st >= ST__COUNT)
		return 70;
	return st_table[st].code;
}
