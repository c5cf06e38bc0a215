/* status.h: the one status enum every fallible function in intake returns.
 * Each status has a short message and a sysexits-style exit code; the
 * programs map statuses to exit codes (and the server to HTTP codes) from
 * this single table. Crypto failures are one status with no detail. */
#ifndef INTAKE_STATUS_H
#define INTAKE_STATUS_H

typedef enum {
	ST_OK = 0,
	ST_USAGE,       /* bad command line */
	ST_BADDATA,     /* malformed input: a parser refused it */
	ST_VERSION,     /* well-formed but an unknown format version */
	ST_NOINPUT,     /* a named input does not exist or cannot be opened */
	ST_EXISTS,      /* refusing to overwrite an existing file */
	ST_UNAVAILABLE, /* a server or service could not be reached */
	ST_IO,          /* read, write or fsync failed */
	ST_NOSPACE,     /* disk full or quota reached */
	ST_TEMPFAIL,    /* try again later */
	ST_PERM,        /* permission denied, or unsafe file permissions */
	ST_CONFIG,      /* bad configuration */
	ST_NOMEM,       /* allocation failed */
	ST_TOOBIG,      /* input over a hard limit */
	ST_DECRYPT,     /* authentication or decryption failed: no detail */
	ST_NOKEY,       /* none of our keys is a recipient */
	ST_MISMATCH,    /* a fingerprint or length did not match */
	ST_NOTFOUND,    /* the thing asked for does not exist */
	ST_CONFLICT,    /* state conflict (wrong offset, already done) */
	ST_INTERNAL,    /* a bug: should never happen */
	ST_CHANGED,     /* an input changed while it was being sent */
	ST_EXPIRED,     /* a signed object is past its expiry */
	ST_POW,         /* the server asks for proof of work first */
	ST__COUNT
} st_t;

/* Short lowercase message for a status; never NULL. */
const char *st_str(st_t st);

/* sysexits-style process exit code for a status (0 for ST_OK). */
int st_exit_code(st_t st);

#endif
