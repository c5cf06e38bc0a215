/* casecmd.c: the air-gapped case subcommands over the catalog and the
 * open pipeline. Case data goes to stdout (a table, or JSON with --json);
 * progress and problems go to stderr. */
#include "casecmd.h"

#include <dirent.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <sodium.h>
#include "case.h"
#include "catalog.h"
#include "cli.h"
#include "enc.h"
#include "fsio.h"
#include "key.h"
#include "reply.h"

enum {
	OPT_CASES = 1 << 0,
	OPT_FROM = 1 << 1,
	OPT_KEY = 1 << 2,
	OPT_PASS = 1 << 3,
	OPT_MSG = 1 << 4,
	OPT_OUT = 1 << 5,
	OPT_JSON = 1 << 6,
	OPT_STATS = 1 << 7,
};

typedef struct {
	const char *cases, *from, *key, *passfile, *message, *out;
	int json;
	int stats;
	char **pos;       /* positional arguments */
	int help;         /* --help was shown */
} casecmd_opts;

static const char open_usage[] =
	"usage: intake-officer open --from DIR --cases CASES --key SECFILE\n"
	"                           [--passphrase-file FILE] [--stats]\n"
	"  (air-gapped) decrypt every DIR/*.env not yet in the catalog into\n"
	"  CASES/case-NNNNNN/; bad envelopes go to CASES/quarantine/.\n"
	"  --stats prints time, throughput and peak memory after the unlock.\n";
static const char list_usage[] =
	"usage: intake-officer list --cases CASES [--json]\n"
	"  (air-gapped) list the cases in the catalog.\n";
static const char show_usage[] =
	"usage: intake-officer show CASE --cases CASES [--json]\n"
	"  (air-gapped) one case: its files with SHA-256, and its notes.\n";
static const char note_usage[] =
	"usage: intake-officer note CASE TEXT --cases CASES\n"
	"  (air-gapped) add a note to a case.\n";
static const char state_usage[] =
	"usage: intake-officer state CASE new|reviewed|replied|archived "
	"--cases CASES\n"
	"  (air-gapped) set the state of a case.\n";
static const char search_usage[] =
	"usage: intake-officer search TEXT --cases CASES [--json]\n"
	"  (air-gapped) cases whose testimony contains every word of TEXT.\n";
static const char reply_usage[] =
	"usage: intake-officer reply CASE --message-file FILE --out DIR\n"
	"                            --cases CASES --key SECFILE\n"
	"                            [--passphrase-file FILE]\n"
	"  (air-gapped) encrypt a reply to the submitter of CASE into\n"
	"  DIR/MAILBOX.RANDOM.reply, for 'intake-officer push' online.\n";

/* Parse the options `allowed` (all of `required` must be given) and
 * exactly npos positional arguments. */
static st_t casecmd_parse(int argc, char **argv, const char *usage,
                          unsigned allowed, unsigned required, int npos,
                          casecmd_opts *o)
{
	static const struct option opts[] = {
		{ "cases", required_argument, NULL, 'c' },
		{ "from", required_argument, NULL, 'f' },
		{ "key", required_argument, NULL, 'k' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "message-file", required_argument, NULL, 'm' },
		{ "out", required_argument, NULL, 'o' },
		{ "json", no_argument, NULL, 'j' },
		{ "stats", no_argument, NULL, 's' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { int c; unsigned bit; const char *name; } map[] = {
		{ 'c', OPT_CASES, "--cases" }, { 'f', OPT_FROM, "--from" },
		{ 'k', OPT_KEY, "--key" }, { 'p', OPT_PASS, "--passphrase-file" },
		{ 'm', OPT_MSG, "--message-file" }, { 'o', OPT_OUT, "--out" },
		{ 'j', OPT_JSON, "--json" }, { 's', OPT_STATS, "--stats" },
	};
	unsigned seen = 0;
	size_t i;
	int c;

	memset(o, 0, sizeof *o);
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			o->help = 1;
			return ST_OK;
		}
		for (i = 0; i < sizeof map / sizeof map[0]; i++)
			if (map[i].c == c)
				break;
		if (i == sizeof map / sizeof map[0] || !(allowed & map[i].bit))
			return cli_usage(usage, "bad option");
		seen |= map[i].bit;
		switch (c) {
		case 'c': o->cases = optarg; break;
		case 'f': o->from = optarg; break;
		case 'k': o->key = optarg; break;
		case 'p': o->passfile = optarg; break;
		case 'm': o->message = optarg; break;
		case 'o': o->out = optarg; break;
		case 's': o->stats = 1; break;
		default: o->json = 1; break;
		}
	}
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if ((required & map[i].bit) && !(seen & map[i].bit))
			return cli_usage(usage, "%s is required", map[i].name);
	if (argc - optind != npos)
		return cli_usage(usage, "expected %d argument%s", npos,
		                 npos == 1 ? "" : "s");
	o->pos = argv + optind;
	return ST_OK;
}

/* Open the catalog of an existing CASES folder. */
static st_t casecmd_catalog(const char *cases, catalog **cat)
{
	char path[PATH_MAX];
	struct stat sb;
	st_t st;

	if (snprintf(path, sizeof path, "%s/%s", cases, CATALOG_FILE) >=
	    (int)sizeof path)
		return cli_fail(ST_USAGE, "'%s'", cases);
	if (stat(path, &sb) != 0)
		return cli_fail(ST_NOINPUT, "no catalog in '%s'", cases);
	st = catalog_open(path, cat);
	if (st != ST_OK)
		cli_fail(st, "cannot open the catalog '%s'", path);
	return st;
}

static int casecmd_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/* Names of DIR's *.env files not yet in the catalog, sorted. */
static st_t casecmd_pending(DIR *d, catalog *cat, char ***names, size_t *n)
{
	struct dirent *e;
	size_t len, cap = 0;
	long long id;
	char **v = NULL, **nv;
	st_t st = ST_OK;

	*n = 0;
	while ((e = readdir(d)) != NULL) {
		len = strlen(e->d_name);
		if (e->d_name[0] == '.' || len <= strlen(CASE_ENV_SUFFIX) ||
		    strcmp(e->d_name + len - strlen(CASE_ENV_SUFFIX),
		           CASE_ENV_SUFFIX) != 0)
			continue;
		st = catalog_find_envelope(cat, e->d_name, &id);
		if (st != ST_OK)
			break;
		if (id != 0)
			continue;
		if (*n == cap) {
			cap = cap ? 2 * cap : 64;
			nv = realloc(v, cap * sizeof *v);
			if (nv == NULL) {
				st = ST_NOMEM;
				break;
			}
			v = nv;
		}
		v[*n] = strdup(e->d_name);
		if (v[*n] == NULL) {
			st = ST_NOMEM;
			break;
		}
		(*n)++;
	}
	if (v != NULL)
		qsort(v, *n, sizeof *v, casecmd_cmp);
	*names = v;
	return st;
}

static double casecmd_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec / 1e9;
}

/* Start measuring: the key unlock's Argon2id memory is behind us, so
 * reset the peak-RSS mark (Linux: "5" > /proc/self/clear_refs). */
static double casecmd_stats_begin(void)
{
	int fd = open("/proc/self/clear_refs", O_WRONLY | O_CLOEXEC);

	if (fd >= 0) {
		if (write(fd, "5", 1) != 1)
			fprintf(stderr, CLI_PROG ": cannot reset the peak RSS\n");
		close(fd);
	}
	return casecmd_now();
}

static void casecmd_stats_end(double t0, size_t n, uint64_t bytes)
{
	char line[256];
	long hwm = -1;
	double dt = casecmd_now() - t0;
	FILE *f = fopen("/proc/self/status", "re");

	while (f != NULL && fgets(line, sizeof line, f) != NULL)
		if (sscanf(line, "VmHWM: %ld kB", &hwm) == 1)
			break;
	if (f != NULL)
		fclose(f);
	fprintf(stderr, "stats: %zu envelopes, %" PRIu64 " bytes, %.3f s, "
	        "%.1f MB/s, peak rss %ld KiB\n", n, bytes, dt,
	        dt > 0 ? (double)bytes / dt / 1e6 : 0.0, hwm);
}

st_t casecmd_open(int argc, char **argv)
{
	casecmd_opts o;
	case_store *cs = NULL;
	key_secret *k = NULL;
	case_outcome out;
	char **names = NULL;
	size_t n = 0, i, opened = 0, quarantined = 0;
	uint64_t bytes = 0;
	double t0 = 0;
	struct stat sb;
	long long id;
	DIR *d = NULL;
	st_t st, one, worst = ST_OK;

	st = casecmd_parse(argc, argv, open_usage, OPT_FROM | OPT_CASES |
	                   OPT_KEY | OPT_PASS | OPT_STATS, OPT_FROM | OPT_CASES |
	                   OPT_KEY, 0, &o);
	if (st != ST_OK || o.help)
		return st;
	d = opendir(o.from);
	if (d == NULL) {
		st = cli_fail(ST_NOINPUT, "cannot read '%s'", o.from);
		goto cleanup;
	}
	st = case_store_open(o.cases, &cs);
	if (st != ST_OK) {
		cli_fail(st, "cannot use '%s' for cases", o.cases);
		goto cleanup;
	}
	st = casecmd_pending(d, case_store_catalog(cs), &names, &n);
	if (st != ST_OK) {
		cli_fail(st, "cannot list '%s'", o.from);
		goto cleanup;
	}
	if (n == 0) {
		fprintf(stderr, "nothing new in '%s'\n", o.from);
		goto cleanup;
	}
	st = cli_unlock(o.key, o.passfile, &k);
	if (st != ST_OK)
		goto cleanup;
	if (o.stats)
		t0 = casecmd_stats_begin();
	for (i = 0; i < n; i++) {
		one = case_open_envelope(cs, k, dirfd(d), names[i], &out, &id);
		switch (out) {
		case CASE_OPENED:
			printf("case-%06lld\t%s\n", id, names[i]);
			opened++;
			if (fstatat(dirfd(d), names[i], &sb, AT_SYMLINK_NOFOLLOW) == 0)
				bytes += (uint64_t)sb.st_size;
			break;
		case CASE_KNOWN:
			fprintf(stderr, "'%s': already opened as case-%06lld\n",
			        names[i], id);
			break;
		case CASE_QUARANTINED:
			fprintf(stderr, "'%s': %s: moved to quarantine\n",
			        names[i], st_str(one));
			quarantined++;
			worst = ST_BADDATA;
			break;
		case CASE_FAILED:
			/* Our disk or memory, not the envelope: stop here. */
			st = cli_fail(one, "cannot open '%s'", names[i]);
			goto cleanup;
		}
	}
	fflush(stdout);
	fprintf(stderr, "%zu opened, %zu quarantined\n", opened, quarantined);
	if (o.stats)
		casecmd_stats_end(t0, opened, bytes);
	st = worst;
cleanup:
	for (i = 0; i < n; i++)
		free(names[i]);
	free(names);
	if (d != NULL)
		closedir(d);
	key_secret_free(k);
	case_store_close(cs);
	return st;
}

/* Print a JSON value on stdout. */
static st_t casecmd_print_json(json_t *v)
{
	if (json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER) != 0)
		return ST_IO;
	putchar('\n');
	return ST_OK;
}

static const char *casecmd_str(json_t *o, const char *key)
{
	const char *s = json_string_value(json_object_get(o, key));

	return s != NULL ? s : "-";
}

static long long casecmd_int(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

st_t casecmd_list(int argc, char **argv)
{
	casecmd_opts o;
	catalog *cat = NULL;
	json_t *rows = NULL, *r;
	size_t i;
	st_t st;

	st = casecmd_parse(argc, argv, list_usage, OPT_CASES | OPT_JSON,
	                   OPT_CASES, 0, &o);
	if (st != ST_OK || o.help)
		return st;
	st = casecmd_catalog(o.cases, &cat);
	if (st != ST_OK)
		return st;
	st = catalog_list(cat, &rows);
	if (st != ST_OK) {
		cli_fail(st, "cannot read the catalog");
		goto cleanup;
	}
	if (o.json) {
		st = casecmd_print_json(rows);
		goto cleanup;
	}
	printf("%-11s %-9s %-10s %12s %5s %-16s %s\n", "case", "state",
	       "received", "bytes", "files", "key", "reply");
	json_array_foreach(rows, i, r)
		printf("case-%06lld %-9s %-10s %12lld %5lld %-16s %s\n",
		       casecmd_int(r, "id"), casecmd_str(r, "state"),
		       casecmd_str(r, "received"), casecmd_int(r, "content_size"),
		       casecmd_int(r, "nfiles"), casecmd_str(r, "key_id"),
		       casecmd_int(r, "can_reply") ? "yes" : "no");
cleanup:
	json_decref(rows);
	catalog_close(cat);
	return st;
}

st_t casecmd_show(int argc, char **argv)
{
	casecmd_opts o;
	catalog *cat = NULL;
	json_t *c = NULL, *f;
	const char *key;
	json_t *v;
	long long id;
	size_t i;
	st_t st;

	st = casecmd_parse(argc, argv, show_usage, OPT_CASES | OPT_JSON,
	                   OPT_CASES, 1, &o);
	if (st != ST_OK || o.help)
		return st;
	if (cli_parse_id(o.pos[0], &id) != ST_OK)
		return cli_usage(show_usage, "bad case '%s'", o.pos[0]);
	st = casecmd_catalog(o.cases, &cat);
	if (st != ST_OK)
		return st;
	st = catalog_show(cat, id, &c);
	if (st != ST_OK) {
		cli_fail(st, "case '%s'", o.pos[0]);
		goto cleanup;
	}
	if (o.json) {
		st = casecmd_print_json(c);
		goto cleanup;
	}
	json_object_foreach(c, key, v) {
		if (json_is_string(v))
			printf("%-14s %s\n", key, json_string_value(v));
		else if (json_is_integer(v))
			printf("%-14s %lld\n", key, (long long)json_integer_value(v));
	}
	printf("files:\n");
	json_array_foreach(json_object_get(c, "files"), i, f)
		printf("  %s  %12lld  %s\n", casecmd_str(f, "sha256"),
		       casecmd_int(f, "size"), casecmd_str(f, "path"));
	printf("notes:\n");
	json_array_foreach(json_object_get(c, "notes"), i, f)
		printf("  %s  %s\n", casecmd_str(f, "at"), casecmd_str(f, "text"));
cleanup:
	json_decref(c);
	catalog_close(cat);
	return st;
}

/* note and state: one write to one case. */
static st_t casecmd_write(int argc, char **argv, const char *usage,
                          int is_state)
{
	casecmd_opts o;
	catalog *cat = NULL;
	long long id;
	json_t *check;
	int valid;
	st_t st;

	st = casecmd_parse(argc, argv, usage, OPT_CASES, OPT_CASES, 2, &o);
	if (st != ST_OK || o.help)
		return st;
	if (cli_parse_id(o.pos[0], &id) != ST_OK)
		return cli_usage(usage, "bad case '%s'", o.pos[0]);
	/* Notes are shown as JSON: they must be valid UTF-8. */
	check = json_string(o.pos[1]);
	valid = check != NULL && o.pos[1][0] != '\0';
	json_decref(check);
	if (!valid)
		return cli_usage(usage, "the text must be non-empty UTF-8");
	st = casecmd_catalog(o.cases, &cat);
	if (st != ST_OK)
		return st;
	st = is_state ? catalog_set_state(cat, id, o.pos[1]) :
	     catalog_add_note(cat, id, o.pos[1]);
	if (st == ST_USAGE)
		cli_usage(usage, "unknown state '%s'", o.pos[1]);
	else if (st != ST_OK)
		cli_fail(st, "case '%s'", o.pos[0]);
	catalog_close(cat);
	return st;
}

st_t casecmd_note(int argc, char **argv)
{
	return casecmd_write(argc, argv, note_usage, 0);
}

st_t casecmd_state(int argc, char **argv)
{
	return casecmd_write(argc, argv, state_usage, 1);
}

st_t casecmd_search(int argc, char **argv)
{
	casecmd_opts o;
	catalog *cat = NULL;
	json_t *rows = NULL, *r;
	size_t i;
	st_t st;

	st = casecmd_parse(argc, argv, search_usage, OPT_CASES | OPT_JSON,
	                   OPT_CASES, 1, &o);
	if (st != ST_OK || o.help)
		return st;
	st = casecmd_catalog(o.cases, &cat);
	if (st != ST_OK)
		return st;
	st = catalog_search(cat, o.pos[0], &rows);
	if (st == ST_USAGE) {
		cli_usage(search_usage, "nothing to search for");
		goto cleanup;
	}
	if (st != ST_OK) {
		cli_fail(st, "search");
		goto cleanup;
	}
	if (o.json) {
		st = casecmd_print_json(rows);
		goto cleanup;
	}
	json_array_foreach(rows, i, r)
		printf("case-%06lld %-9s %s\n", casecmd_int(r, "id"),
		       casecmd_str(r, "state"), casecmd_str(r, "snippet"));
	if (json_array_size(rows) == 0)
		fprintf(stderr, "no match\n");
cleanup:
	json_decref(rows);
	catalog_close(cat);
	return st;
}

st_t casecmd_reply(int argc, char **argv)
{
	casecmd_opts o;
	catalog *cat = NULL;
	key_secret *k = NULL;
	uint8_t pk[32], mailbox[16], rnd[8];
	uint8_t *msg = NULL, *sealed = NULL;
	size_t msglen = 0, sealedlen = 0;
	uint32_t seq = 0;
	char mbhex[33], rndhex[17], path[PATH_MAX], note[128];
	long long id;
	st_t st;

	st = casecmd_parse(argc, argv, reply_usage, OPT_CASES | OPT_KEY |
	                   OPT_PASS | OPT_MSG | OPT_OUT, OPT_CASES | OPT_KEY |
	                   OPT_MSG | OPT_OUT, 1, &o);
	if (st != ST_OK || o.help)
		return st;
	if (cli_parse_id(o.pos[0], &id) != ST_OK)
		return cli_usage(reply_usage, "bad case '%s'", o.pos[0]);
	st = casecmd_catalog(o.cases, &cat);
	if (st != ST_OK)
		return st;
	st = catalog_reply_target(cat, id, pk, mailbox);
	if (st == ST_NOKEY) {
		fprintf(stderr, CLI_PROG ": case-%06lld left no reply key\n", id);
		goto cleanup;
	}
	if (st != ST_OK) {
		cli_fail(st, "case '%s'", o.pos[0]);
		goto cleanup;
	}
	st = fsio_read_file(o.message, REPLY_TEXT_MAX, &msg, &msglen);
	if (st == ST_OK && msglen == 0)
		st = ST_BADDATA;
	if (st != ST_OK) {
		cli_fail(st, "cannot read the message '%s'", o.message);
		goto cleanup;
	}
	st = cli_mkdir(o.out);
	if (st != ST_OK) {
		cli_fail(st, "cannot create '%s'", o.out);
		goto cleanup;
	}
	st = cli_unlock(o.key, o.passfile, &k);
	if (st != ST_OK)
		goto cleanup;
	enc_hex_encode(mbhex, mailbox, sizeof mailbox);
	st = catalog_next_reply_seq(cat, mbhex, &seq);
	if (st == ST_OK)
		st = reply_seal(k, mailbox, pk, seq, (uint32_t)(time(NULL) / 86400),
		                msg, msglen, &sealed, &sealedlen);
	if (st != ST_OK) {
		cli_fail(st, "cannot seal the reply");
		goto cleanup;
	}
	randombytes_buf(rnd, sizeof rnd);
	enc_hex_encode(rndhex, rnd, sizeof rnd);
	if (snprintf(path, sizeof path, "%s/%s.%s.reply", o.out, mbhex,
	             rndhex) >= (int)sizeof path) {
		st = cli_fail(ST_USAGE, "--out path too long");
		goto cleanup;
	}
	st = fsio_write_file_atomic(path, sealed, sealedlen, 0600, 0);
	if (st != ST_OK) {
		cli_fail(st, "cannot write '%s'", path);
		goto cleanup;
	}
	snprintf(note, sizeof note, "reply %u written: %s.%s.reply", seq, mbhex,
	         rndhex);
	st = catalog_set_state(cat, id, "replied");
	if (st == ST_OK)
		st = catalog_add_note(cat, id, note);
	if (st != ST_OK)
		cli_fail(st, "the reply is written but the catalog was not "
		             "updated");
	printf("%s\n", path);
cleanup:
	if (msg != NULL) {
		sodium_memzero(msg, msglen);
		free(msg);
	}
	free(sealed);
	key_secret_free(k);
	catalog_close(cat);
	return st;
}
