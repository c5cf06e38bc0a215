/* conf.c: configuration for intake-server. The file and the flags share
 * one table of names and one setter, so every option is available both
 * ways and `--help` lists them all. Inputs come from the operator. */
#include <ctype.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include "conf.h"
#include "fsio.h"

enum { OPT_HELP = 'h', OPT_CONFIG = 'c', OPT_FIRST = 256 };

static const struct option conf_opts[] = {
	{ "listen", required_argument, NULL, OPT_FIRST },
	{ "data-dir", required_argument, NULL, OPT_FIRST },
	{ "officer-key", required_argument, NULL, OPT_FIRST },
	{ "host", required_argument, NULL, OPT_FIRST },
	{ "max-size", required_argument, NULL, OPT_FIRST },
	{ "quota", required_argument, NULL, OPT_FIRST },
	{ "max-uploads", required_argument, NULL, OPT_FIRST },
	{ "max-connections", required_argument, NULL, OPT_FIRST },
	{ "idle-timeout", required_argument, NULL, OPT_FIRST },
	{ "header-timeout", required_argument, NULL, OPT_FIRST },
	{ "threads", required_argument, NULL, OPT_FIRST },
	{ "expire", required_argument, NULL, OPT_FIRST },
	{ "date-granularity", required_argument, NULL, OPT_FIRST },
	{ "retention", required_argument, NULL, OPT_FIRST },
	{ "tls-cert", required_argument, NULL, OPT_FIRST },
	{ "tls-key", required_argument, NULL, OPT_FIRST },
	{ "mailbox-rate", required_argument, NULL, OPT_FIRST },
	{ "mailbox-rate-total", required_argument, NULL, OPT_FIRST },
	{ "empty-expire", required_argument, NULL, OPT_FIRST },
	{ "pow-max", required_argument, NULL, OPT_FIRST },
	{ "land-every", required_argument, NULL, OPT_FIRST },
	{ "test-clock", required_argument, NULL, OPT_FIRST },
	{ "pow-free", required_argument, NULL, OPT_FIRST },
	{ "mailbox-max", required_argument, NULL, OPT_FIRST },
	{ "reply-expire", required_argument, NULL, OPT_FIRST },
	{ "connection-memory", required_argument, NULL, OPT_FIRST },
	{ "root-fingerprint", required_argument, NULL, OPT_FIRST },
	{ "config", required_argument, NULL, OPT_CONFIG },
	{ "help", no_argument, NULL, OPT_HELP },
	{ NULL, 0, NULL, 0 },
};

void conf_usage(FILE *f)
{
	fputs("usage: intake-server [options]\n"
	      "stores encrypted intake envelopes; runs in the foreground, logs to stderr.\n"
	      "every option may also be set in the --config file as `name = value`.\n\n"
	      "  --listen ADDR:PORT        address to listen on (default 127.0.0.1:8080;\n"
	      "                            IPv6 as [ADDR]:PORT)\n"
	      "  --data-dir DIR            data directory (required)\n"
	      "  --config FILE             configuration file, read before the flags\n"
	      "  --officer-key FILE        officer public auth key file (repeatable)\n"
	      "  --host NAME               a Host header value officers sign for, e.g.\n"
	      "                            abc.onion (repeatable; default: the --listen\n"
	      "                            address and port, and localhost:PORT on loopback)\n"
	      "  --max-size BYTES          largest envelope accepted (default 8G)\n"
	      "  --quota BYTES             total store size, 0 for the disk (default 0)\n"
	      "  --max-uploads N           unfinished uploads at once (default 1000)\n"
	      "  --max-connections N       connections at once (default 1024)\n"
	      "  --idle-timeout SECONDS    drop a connection idle this long (default 60)\n"
	      "  --header-timeout SECONDS  drop a connection whose request headers take\n"
	      "                            longer than this in all (default 10)\n"
	      "  --threads N               event threads, and as many for fsync (default 4)\n"
	      "  --expire SECONDS          lifetime of an idle partial upload (default 7d)\n"
	      "  --empty-expire SECONDS    lifetime of an upload no byte reached (default 10m)\n"
	      "  --date-granularity G      day, week or month for stored dates (default day)\n"
	      "  --land-every SECONDS      land completed uploads in one shuffled batch at\n"
	      "                            the end of each such period, 0 for at once\n"
	      "                            (default 1h)\n"
	      "  --test-clock FILE         for tests only: read the time (unix seconds)\n"
	      "                            from FILE instead of the system clock\n"
	      "  --retention R             delete-on-fetch or keep (default delete-on-fetch)\n"
	      "  --tls-cert FILE           serve TLS with this PEM certificate ...\n"
	      "  --tls-key FILE            ... and this PEM key\n"
	      "  --mailbox-rate N          anonymous reads per second of one mailbox\n"
	      "                            (default 5)\n"
	      "  --mailbox-rate-total N    anonymous mailbox reads per second in all\n"
	      "                            (default 1000)\n"
	      "  --mailbox-max N           replies kept per mailbox (default 32)\n"
	      "  --pow-max D               highest proof-of-work difficulty asked of\n"
	      "                            upload creation, 0 for none (default 20)\n"
	      "  --pow-free N              upload creations per second free of work\n"
	      "                            (smoothed over 10 s; default 2)\n"
	      "  --reply-expire SECONDS    lifetime of a reply (default 90d)\n"
	      "  --connection-memory BYTES memory per connection (default 128K)\n"
	      "  --root-fingerprint FP     accept and serve keysets signed by this root\n"
	      "  -h, --help                this text\n"
	      "  --version                 the program's version\n\n"
	      "sizes take K, M, G, T suffixes (binary); durations s, m, h, d.\n"
	      "exit codes: 0 after a clean shutdown, 64 usage error,\n"
	      "74 data directory unusable, 78 configuration error.\n",
	      f);
}

st_t conf_init(conf *c)
{
	memset(c, 0, sizeof *c);
	c->listen_host = strdup("127.0.0.1");
	if (c->listen_host == NULL)
		return ST_NOMEM;
	c->port = 8080;
	c->max_size = (uint64_t)8 << 30;
	c->max_uploads = 1000;
	c->max_connections = 1024;
	c->idle_timeout = 60;
	c->header_timeout = 10;
	c->threads = 4;
	c->expire = 7 * 86400;
	c->granularity = CONF_GRAN_DAY;
	c->retention = CONF_RET_DELETE;
	c->mailbox_rate = 5;
	c->mailbox_rate_total = 1000;
	c->empty_expire = 600;
	c->pow_max = 20;
	c->land_every = 3600;
	c->pow_free = 2;
	c->mailbox_max = 32;
	c->reply_expire = 90 * 86400;
	c->conn_memory = 128 << 10;
	return ST_OK;
}

void conf_free(conf *c)
{
	size_t i;

	free(c->listen_host);
	free(c->data_dir);
	free(c->tls_cert);
	free(c->tls_key);
	free(c->root_fingerprint);
	free(c->test_clock);
	for (i = 0; i < c->n_officer_key_files; i++)
		free(c->officer_key_files[i]);
	for (i = 0; i < c->n_hosts; i++)
		free(c->hosts[i]);
	sodium_memzero(c, sizeof *c);
}

static st_t conf_parse_suffixed(const char *s, const char *suffixes,
                                const uint64_t *mult, uint64_t *out)
{
	char *end;
	const char *p;
	unsigned long long v;

	if (!isdigit((unsigned char)s[0]))
		return ST_CONFIG;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno != 0)
		return ST_CONFIG;
	if (*end != '\0') {
		p = strchr(suffixes, toupper((unsigned char)*end));
		if (p == NULL || end[1] != '\0')
			return ST_CONFIG;
		if (v > UINT64_MAX / mult[p - suffixes])
			return ST_CONFIG;
		v *= mult[p - suffixes];
	}
	*out = v;
	return ST_OK;
}

st_t conf_parse_size(const char *s, uint64_t *out)
{
	static const uint64_t mult[] = { 1ULL << 10, 1ULL << 20, 1ULL << 30, 1ULL << 40 };

	return conf_parse_suffixed(s, "KMGT", mult, out);
}

st_t conf_parse_duration(const char *s, uint64_t *out)
{
	static const uint64_t mult[] = { 1, 60, 3600, 86400 };

	return conf_parse_suffixed(s, "SMHD", mult, out);
}

static st_t conf_parse_uint(const char *s, unsigned min, unsigned max,
                            unsigned *out)
{
	char *end;
	unsigned long v;

	if (!isdigit((unsigned char)s[0]))
		return ST_CONFIG;
	errno = 0;
	v = strtoul(s, &end, 10);
	if (errno != 0 || *end != '\0' || v < min || v > max)
		return ST_CONFIG;
	*out = (unsigned)v;
	return ST_OK;
}

/* "host:port" or "[v6]:port"; the host must be a numeric address (checked
 * when binding). */
static st_t conf_parse_listen(conf *c, const char *s)
{
	const char *colon, *host = s;
	size_t hostlen;
	unsigned port;
	char *h;

	colon = strrchr(s, ':');
	if (colon == NULL || colon == s)
		return ST_CONFIG;
	hostlen = (size_t)(colon - s);
	if (s[0] == '[') {
		if (hostlen < 3 || s[hostlen - 1] != ']')
			return ST_CONFIG;
		host = s + 1;
		hostlen -= 2;
	}
	if (conf_parse_uint(colon + 1, 1, 65535, &port) != ST_OK)
		return ST_CONFIG;
	h = strndup(host, hostlen);
	if (h == NULL)
		return ST_NOMEM;
	free(c->listen_host);
	c->listen_host = h;
	c->port = (uint16_t)port;
	return ST_OK;
}

static st_t conf_set_str(char **slot, const char *value)
{
	char *d;

	if (value[0] == '\0')
		return ST_CONFIG;
	d = strdup(value);
	if (d == NULL)
		return ST_NOMEM;
	free(*slot);
	*slot = d;
	return ST_OK;
}

/* Append to a repeatable setting; ST_TOOBIG past max. */
static st_t conf_add_str(char **slots, size_t *n, size_t max, const char *v)
{
	st_t st;

	if (*n == max)
		return ST_TOOBIG;
	st = conf_set_str(&slots[*n], v);
	if (st == ST_OK)
		(*n)++;
	return st;
}

st_t conf_set(conf *c, const char *key, const char *v)
{
	st_t st = ST_CONFIG;
	uint64_t u = 0;

	if (strcmp(key, "listen") == 0) {
		st = conf_parse_listen(c, v);
	} else if (strcmp(key, "data-dir") == 0) {
		st = conf_set_str(&c->data_dir, v);
	} else if (strcmp(key, "tls-cert") == 0) {
		st = conf_set_str(&c->tls_cert, v);
	} else if (strcmp(key, "tls-key") == 0) {
		st = conf_set_str(&c->tls_key, v);
	} else if (strcmp(key, "root-fingerprint") == 0) {
		st = conf_set_str(&c->root_fingerprint, v);
	} else if (strcmp(key, "officer-key") == 0) {
		st = conf_add_str(c->officer_key_files, &c->n_officer_key_files,
		                  CONF_MAX_OFFICERS, v);
	} else if (strcmp(key, "host") == 0) {
		/* A Host value: no spaces, controls or commas. */
		st = strpbrk(v, " \t,/") != NULL || strlen(v) > 255 ? ST_CONFIG
		     : conf_add_str(c->hosts, &c->n_hosts, CONF_MAX_HOSTS, v);
	} else if (strcmp(key, "max-size") == 0) {
		st = conf_parse_size(v, &c->max_size);
		if (st == ST_OK && c->max_size == 0)
			st = ST_CONFIG;
	} else if (strcmp(key, "quota") == 0) {
		st = conf_parse_size(v, &c->quota);
	} else if (strcmp(key, "max-uploads") == 0) {
		st = conf_parse_uint(v, 1, 1000000, &c->max_uploads);
	} else if (strcmp(key, "max-connections") == 0) {
		st = conf_parse_uint(v, 1, 10000, &c->max_connections);
	} else if (strcmp(key, "idle-timeout") == 0) {
		st = conf_parse_duration(v, &u);
		if (st == ST_OK && (u == 0 || u > 86400))
			st = ST_CONFIG;
		c->idle_timeout = (unsigned)u;
	} else if (strcmp(key, "header-timeout") == 0) {
		st = conf_parse_duration(v, &u);
		if (st == ST_OK && (u == 0 || u > 3600))
			st = ST_CONFIG;
		c->header_timeout = (unsigned)u;
	} else if (strcmp(key, "threads") == 0) {
		st = conf_parse_uint(v, 1, 64, &c->threads);
	} else if (strcmp(key, "expire") == 0) {
		st = conf_parse_duration(v, &c->expire);
		if (st == ST_OK && (c->expire == 0 || c->expire > 3650ULL * 86400))
			st = ST_CONFIG;
	} else if (strcmp(key, "reply-expire") == 0) {
		st = conf_parse_duration(v, &c->reply_expire);
		if (st == ST_OK && (c->reply_expire == 0 || c->reply_expire > 3650ULL * 86400))
			st = ST_CONFIG;
	} else if (strcmp(key, "date-granularity") == 0) {
		st = ST_OK;
		if (strcmp(v, "day") == 0)
			c->granularity = CONF_GRAN_DAY;
		else if (strcmp(v, "week") == 0)
			c->granularity = CONF_GRAN_WEEK;
		else if (strcmp(v, "month") == 0)
			c->granularity = CONF_GRAN_MONTH;
		else
			st = ST_CONFIG;
	} else if (strcmp(key, "retention") == 0) {
		st = ST_OK;
		if (strcmp(v, "delete-on-fetch") == 0)
			c->retention = CONF_RET_DELETE;
		else if (strcmp(v, "keep") == 0)
			c->retention = CONF_RET_KEEP;
		else
			st = ST_CONFIG;
	} else if (strcmp(key, "mailbox-rate") == 0) {
		st = conf_parse_uint(v, 1, 100000, &c->mailbox_rate);
	} else if (strcmp(key, "mailbox-rate-total") == 0) {
		st = conf_parse_uint(v, 1, 1000000, &c->mailbox_rate_total);
	} else if (strcmp(key, "land-every") == 0) {
		st = conf_parse_duration(v, &c->land_every);
		if (st == ST_OK && c->land_every > 31 * 86400)
			st = ST_CONFIG;
	} else if (strcmp(key, "test-clock") == 0) {
		st = conf_set_str(&c->test_clock, v);
	} else if (strcmp(key, "pow-max") == 0) {
		st = conf_parse_uint(v, 0, 20, &c->pow_max);
	} else if (strcmp(key, "pow-free") == 0) {
		st = conf_parse_uint(v, 1, 100000, &c->pow_free);
	} else if (strcmp(key, "empty-expire") == 0) {
		st = conf_parse_duration(v, &c->empty_expire);
		if (st == ST_OK && (c->empty_expire == 0 || c->empty_expire > 86400))
			st = ST_CONFIG;
	} else if (strcmp(key, "mailbox-max") == 0) {
		st = conf_parse_uint(v, 1, 10000, &c->mailbox_max);
	} else if (strcmp(key, "connection-memory") == 0) {
		st = conf_parse_size(v, &u);
		if (st == ST_OK && (u < 16384 || u > (64u << 20)))
			st = ST_CONFIG;
		c->conn_memory = (size_t)u;
	} else {
		fprintf(stderr, "intake-server: unknown setting '%s'\n", key);
		return ST_CONFIG;
	}
	if (st == ST_TOOBIG)
		fprintf(stderr, "intake-server: too many '%s' settings\n", key);
	else if (st != ST_OK && st != ST_NOMEM)
		fprintf(stderr, "intake-server: bad value for '%s'\n", key);
	return st == ST_TOOBIG ? ST_CONFIG : st;
}

static char *conf_trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

st_t conf_load_file(conf *c, const char *path)
{
	uint8_t *buf = NULL;
	size_t len, lineno = 0;
	char *line, *next, *eq;
	st_t st;

	st = fsio_read_file(path, CONF_FILE_MAX, &buf, &len);
	if (st != ST_OK) {
		fprintf(stderr, "intake-server: cannot read config '%s': %s\n", path, st_str(st));
		goto cleanup;
	}
	if (memchr(buf, '\0', len) != NULL) {
		fprintf(stderr, "intake-server: config '%s' is not text\n", path);
		st = ST_CONFIG;
		goto cleanup;
	}
	for (line = (char *)buf; line != NULL; line = next) {
		lineno++;
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line = conf_trim(line);
		if (line[0] == '\0' || line[0] == '#')
			continue;
		eq = strchr(line, '=');
		if (eq == NULL) {
			fprintf(stderr, "intake-server: %s:%zu: expected 'name = value'\n", path, lineno);
			st = ST_CONFIG;
			goto cleanup;
		}
		*eq = '\0';
		if (strcmp(conf_trim(line), "config") == 0) {
			fprintf(stderr, "intake-server: %s:%zu: 'config' cannot be nested\n", path, lineno);
			st = ST_CONFIG;
			goto cleanup;
		}
		st = conf_set(c, conf_trim(line), conf_trim(eq + 1));
		if (st != ST_OK) {
			fprintf(stderr, "intake-server: in %s line %zu\n", path, lineno);
			goto cleanup;
		}
	}
	st = ST_OK;
cleanup:
	free(buf);
	return st;
}

st_t conf_parse_args(conf *c, int argc, char **argv, int *help)
{
	const char *config = NULL;
	int o, idx;
	st_t st;

	*help = 0;
	/* First pass: syntax, --help and --config only. */
	optind = 0;
	opterr = 1;
	while ((o = getopt_long(argc, argv, "", conf_opts, &idx)) != -1) {
		if (o == OPT_HELP)
			*help = 1;
		else if (o == OPT_CONFIG)
			config = optarg;
		else if (o != OPT_FIRST)
			return ST_USAGE;
	}
	if (optind != argc) {
		fprintf(stderr, "intake-server: unexpected argument '%s'\n", argv[optind]);
		return ST_USAGE;
	}
	if (*help)
		return ST_OK;
	if (config != NULL) {
		st = conf_load_file(c, config);
		if (st != ST_OK)
			return st;
	}
	/* Second pass: flags override the file. */
	optind = 0;
	opterr = 0;
	while ((o = getopt_long(argc, argv, "", conf_opts, &idx)) != -1) {
		if (o != OPT_FIRST)
			continue;
		st = conf_set(c, conf_opts[idx].name, optarg);
		if (st != ST_OK)
			return st;
	}
	if (c->data_dir == NULL) {
		fprintf(stderr, "intake-server: --data-dir is required\n");
		return ST_USAGE;
	}
	if ((c->tls_cert == NULL) != (c->tls_key == NULL)) {
		fprintf(stderr, "intake-server: --tls-cert and --tls-key go together\n");
		return ST_USAGE;
	}
	return ST_OK;
}

static st_t conf_load_officer_file(conf *c, const char *path)
{
	uint8_t *buf = NULL;
	size_t len;
	char *line, *next;
	st_t st;

	st = fsio_read_file(path, CONF_FILE_MAX, &buf, &len);
	if (st != ST_OK) {
		fprintf(stderr, "intake-server: cannot read officer key '%s': %s\n", path, st_str(st));
		goto cleanup;
	}
	for (line = (char *)buf; line != NULL; line = next) {
		next = strchr(line, '\n');
		if (next != NULL)
			*next++ = '\0';
		line = conf_trim(line);
		if (line[0] == '\0' || line[0] == '#')
			continue;
		if (c->n_officers == CONF_MAX_OFFICERS) {
			fprintf(stderr, "intake-server: more than %d officer keys\n", CONF_MAX_OFFICERS);
			st = ST_CONFIG;
			goto cleanup;
		}
		st = auth_pub_parse(line, strlen(line), c->officer_pk[c->n_officers]);
		if (st != ST_OK) {
			fprintf(stderr, "intake-server: '%s' is not an officer auth public key file\n", path);
			st = ST_CONFIG;
			goto cleanup;
		}
		c->n_officers++;
	}
	st = ST_OK;
cleanup:
	free(buf);
	return st;
}

st_t conf_load_officers(conf *c)
{
	size_t i;
	st_t st;

	c->n_officers = 0;
	for (i = 0; i < c->n_officer_key_files; i++) {
		st = conf_load_officer_file(c, c->officer_key_files[i]);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}
