/* conf.h: intake-server configuration from a `key = value` file and from
 * command-line flags (the same names; flags win). Officer public key files
 * are loaded here. Trust boundary: the operator's own files and argv. */
#ifndef INTAKE_SRV_CONF_H
#define INTAKE_SRV_CONF_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include "auth.h"
#include "status.h"

#define CONF_MAX_OFFICERS 32
#define CONF_MAX_HOSTS 16
#define CONF_FILE_MAX (64 * 1024)

typedef enum { CONF_GRAN_DAY, CONF_GRAN_WEEK, CONF_GRAN_MONTH } conf_gran;
typedef enum { CONF_RET_DELETE, CONF_RET_KEEP } conf_ret;

typedef struct {
	char *listen_host;          /* numeric IPv4 or IPv6 address */
	uint16_t port;
	char *data_dir;
	char *tls_cert, *tls_key;
	char *test_clock;           /* tests only: a file holding the time */
	uint64_t land_every;        /* seconds between landings; 0: at once */
	char *hosts[CONF_MAX_HOSTS]; /* names officers sign for (--host) */
	size_t n_hosts;
	char *officer_key_files[CONF_MAX_OFFICERS];
	size_t n_officer_key_files;
	uint64_t max_size;          /* largest Upload-Length accepted */
	uint64_t quota;             /* store bytes incl. reserved; 0 = disk only */
	unsigned max_uploads;       /* unfinished uploads at once */
	unsigned max_connections;
	unsigned idle_timeout;      /* seconds */
	unsigned header_timeout;    /* seconds to send a request's headers */
	unsigned threads;           /* event threads, and as many for fsync */
	uint64_t expire;            /* seconds an idle partial upload lives */
	conf_gran granularity;
	conf_ret retention;
	unsigned mailbox_rate;      /* anonymous GETs per second, per mailbox */
	unsigned mailbox_rate_total; /* ... and for all mailboxes together */
	uint64_t empty_expire;      /* seconds an upload without bytes lives */
	unsigned pow_max;           /* highest proof-of-work difficulty; 0: off */
	unsigned pow_free;          /* creations per second free of work */
	unsigned mailbox_max;       /* replies held per mailbox */
	uint64_t reply_expire;      /* seconds a reply is kept */
	size_t conn_memory;         /* libmicrohttpd memory per connection */
	char *root_fingerprint;     /* pin for uploaded keysets; NULL = none */
	/* Loaded by conf_load_officers. */
	uint8_t officer_pk[CONF_MAX_OFFICERS][AUTH_PK_LEN];
	size_t n_officers;
} conf;

/* Defaults; every pointer NULL except listen_host. ST_NOMEM. */
st_t conf_init(conf *c);
/* Frees the strings; c may then be conf_init'ed again. */
void conf_free(conf *c);

/* Apply one setting by its long-option name. ST_CONFIG with a message on
 * stderr naming the key (never the value of a secret: there is none). */
st_t conf_set(conf *c, const char *key, const char *value);

/* Read a `key = value` file ('#' comments, blank lines). ST_NOINPUT,
 * ST_TOOBIG, ST_CONFIG with the line number on stderr. */
st_t conf_load_file(conf *c, const char *path);

/* Parse argv: --config FILE is read first, then every flag is applied on
 * top. *help is set when --help was given (nothing else is checked).
 * ST_USAGE on a bad flag, ST_CONFIG on a bad value or missing data dir. */
st_t conf_parse_args(conf *c, int argc, char **argv, int *help);

/* Usage text listing every option, to f. */
void conf_usage(FILE *f);

/* Parse each officer key file (lines of AUTH_PUB_PREFIX + base64, '#'
 * comments) into c->officer_pk. ST_NOINPUT, ST_CONFIG, ST_TOOBIG. */
st_t conf_load_officers(conf *c);

/* Decimal byte count with an optional K/M/G/T (binary) suffix. */
st_t conf_parse_size(const char *s, uint64_t *out);
/* Seconds with an optional s/m/h/d suffix. */
st_t conf_parse_duration(const char *s, uint64_t *out);

#endif
