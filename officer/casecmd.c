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
#include "term.h"
#include "tty.h"

enum {
	OPT_CASES = 1 << 0,
	OPT_FROM = 1 << 1,
	OPT_KEY = 1 << 2,
	OPT_PASS = 1 << 3,
	OPT_MSG = 1 << 4,
	OPT_OUT = 1 << 5,
	OPT_JSON = 1 << 6,
	OPT_STATS = 1 << 7,
	OPT_STATE = 1 << 8,
	OPT_SINCE = 1 << 9,
	OPT_UNTIL = 1 << 10,
	OPT_QUIET = 1 << 11,
	OPT_RETRY = 1 << 12,
};

typedef struct {
	const char *cases, *from, *key, *passfile, *message, *out;
	catalog_filter filter; /* list and search (--key is the filter's) */
	int json;
	int stats;
	int quiet;
	int retry;        /* --retry-quarantine */
	char **pos;       /* positional arguments */
	int help;         /* --help was shown */
} casecmd_opts;

static const char open_usage[] =
	"usage: intake-officer open --from DIR --cases CASES --key SECFILE\n"
	"                           [--passphrase-file FILE] [--stats] [--quiet]\n"
	"       intake-officer open --retry-quarantine --cases CASES --key SECFILE\n"
	"  (air-gapped) decrypt every DIR/*.env not yet in the catalog into\n"
	"  CASES/case-NNNNNN/. Damaged envelopes go to CASES/quarantine/ (with\n"
	"  a .reason file); envelopes sealed to none of this key's ids are not\n"
	"  damaged and are left where they are, named with the key ids they\n"
	"  are for. --retry-quarantine tries CASES/quarantine/ again (for\n"
	"  envelopes quarantined by a wrong key before). Attachments are\n"
	"  classified by content and never opened. On a terminal, progress is\n"
	"  shown on stderr unless --quiet. --stats prints time, throughput\n"
	"  and peak memory after the unlock.\n";
static const char list_usage[] =
	"usage: intake-officer list --cases CASES [--state STATE]\n"
	"                           [--since DATE] [--until DATE] [--key KEY]\n"
	"                           [--json]\n"
	"  (air-gapped) list the cases in the catalog: sizes, files (with how\n"
	"  many are flagged risky, '!'), and the fingerprint of the key that\n"
	"  opened each, as keygen and fingerprint print it. STATE is new,\n"
	"  reviewed, replied or archived; DATE is YYYY-MM-DD, the day the\n"
	"  envelope was received; KEY a fingerprint or hex key id.\n";
static const char show_usage[] =
	"usage: intake-officer show CASE --cases CASES [--json]\n"
	"  (air-gapped) one case: its folder, its files with SHA-256 and kind\n"
	"  by content (risky ones flagged), its notes, and the testimony.\n"
	"  Text from the envelope is shown with control and invisible\n"
	"  characters escaped (\\xHH, \\u{HHHH}); --json is exact.\n";
static const char note_usage[] =
	"usage: intake-officer note CASE TEXT --cases CASES\n"
	"  (air-gapped) add a note to a case.\n";
static const char state_usage[] =
	"usage: intake-officer state CASE new|reviewed|replied|archived "
	"--cases CASES\n"
	"  (air-gapped) set the state of a case.\n";
static const char search_usage[] =
	"usage: intake-officer search TEXT --cases CASES [--state STATE]\n"
	"                             [--since DATE] [--until DATE] [--key KEY]\n"
	"                             [--json]\n"
	"  (air-gapped) cases whose testimony, notes or attachment names\n"
	"  contain every word of TEXT in any inflected form (Russian and\n"
	"  English stemming; ё is е; case ignored), best match first, with\n"
	"  the hits in [brackets]. A word ending in * is a prefix (подвал*).\n"
	"  Nothing else in TEXT is an operator. Filters as for list.\n";
static const char reply_usage[] =
	"usage: intake-officer reply CASE --message-file FILE --out DIR\n"
	"                            --cases CASES --key SECFILE\n"
	"                            [--passphrase-file FILE]\n"
	"  (air-gapped) encrypt a reply to the submitter of CASE into\n"
	"  DIR/MAILBOX.RANDOM.reply, for 'intake-officer push' online.\n";

static int casecmd_valid_state(const char *s)
{
	return strcmp(s, "new") == 0 || strcmp(s, "reviewed") == 0 ||
	       strcmp(s, "replied") == 0 || strcmp(s, "archived") == 0;
}

/* "YYYY-MM-DD", a real calendar day. */
static int casecmd_valid_date(const char *s)
{
	struct tm tm;
	const char *end;

	memset(&tm, 0, sizeof tm);
	end = strptime(s, "%Y-%m-%d", &tm);
	return end != NULL && *end == '\0' && strlen(s) == 10 &&
	       tm.tm_year >= 100;
}

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
		{ "state", required_argument, NULL, 'S' },
		{ "since", required_argument, NULL, 'F' },
		{ "until", required_argument, NULL, 'U' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "retry-quarantine", no_argument, NULL, 'R' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static const struct { int c; unsigned bit; const char *name; } map[] = {
		{ 'c', OPT_CASES, "--cases" }, { 'f', OPT_FROM, "--from" },
		{ 'k', OPT_KEY, "--key" }, { 'p', OPT_PASS, "--passphrase-file" },
		{ 'm', OPT_MSG, "--message-file" }, { 'o', OPT_OUT, "--out" },
		{ 'j', OPT_JSON, "--json" }, { 's', OPT_STATS, "--stats" },
		{ 'S', OPT_STATE, "--state" }, { 'F', OPT_SINCE, "--since" },
		{ 'U', OPT_UNTIL, "--until" }, { 'q', OPT_QUIET, "--quiet" },
		{ 'R', OPT_RETRY, "--retry-quarantine" },
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
		case 'S': o->filter.state = optarg; break;
		case 'F': o->filter.since = optarg; break;
		case 'U': o->filter.until = optarg; break;
		case 'q': o->quiet = 1; break;
		case 'R': o->retry = 1; break;
		default: o->json = 1; break;
		}
	}
	for (i = 0; i < sizeof map / sizeof map[0]; i++)
		if ((required & map[i].bit) && !(seen & map[i].bit))
			return cli_usage(usage, "%s is required", map[i].name);
	if (o->filter.state != NULL && !casecmd_valid_state(o->filter.state))
		return cli_usage(usage, "unknown state '%s'", o->filter.state);
	if ((o->filter.since != NULL && !casecmd_valid_date(o->filter.since)) ||
	    (o->filter.until != NULL && !casecmd_valid_date(o->filter.until)))
		return cli_usage(usage, "dates are YYYY-MM-DD");
	if (allowed & OPT_STATE)
		o->filter.key = o->key;
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

/* What the progress line of open knows. */
typedef struct {
	tty_progress bar;
	size_t i, n;            /* envelope i (0-based) of n */
	const char *name;
	uint64_t before, all;   /* bytes of earlier envelopes; of all */
} casecmd_prog;

/* "open 2 of 5 'a.env' 512.0 MiB of 1.0 GiB 50%  all: 1.5 GiB of
 * 4.0 GiB  37%  250.0 MiB/s  0:12 left" */
static void casecmd_progress(void *ctx, uint64_t done, uint64_t total)
{
	casecmd_prog *p = ctx;
	char line[320], bytes[128], name[48], d[16], t[16];

	if (!tty_progress_due(&p->bar, 0))
		return;
	if (done > total)
		done = total;
	term_clean_buf(p->name, strlen(p->name), 0, name, sizeof name);
	tty_progress_bytes(&p->bar, p->before + done, p->all, bytes,
	                   sizeof bytes);
	snprintf(line, sizeof line, "open %zu of %zu '%s' %s of %s %3u%%  "
	         "all: %s", p->i + 1, p->n, name, tty_human(done, d),
	         tty_human(total, t),
	         (unsigned)(total > 0 ? done * 100 / total : 0), bytes);
	tty_progress_show(&p->bar, line);
}

/* "XXXX-...-XXXX (key id 0011223344556677)" for the key we hold. */
static void casecmd_held(const key_secret *k, char *out, size_t cap)
{
	key_bundle one;
	char fp[KEY_FP_TEXT_MAX], id[2 * KEY_ID_LEN + 1];
	uint8_t raw[KEY_ID_LEN];

	one.n = 0;
	key_bundle_add(&one, k->pk);
	key_bundle_fingerprint(&one, fp);
	key_id(k->pk, raw);
	enc_hex_encode(id, raw, sizeof raw);
	snprintf(out, cap, "%s (key id %s)", fp, id);
}

st_t casecmd_open(int argc, char **argv)
{
	casecmd_opts o;
	casecmd_prog prog;
	case_store *cs = NULL;
	key_secret *k = NULL;
	case_outcome out;
	case_io io;
	char **names = NULL, safe[CLI_SAFE_MAX], held[128];
	char qdir[PATH_MAX];
	size_t n = 0, i, opened = 0, quarantined = 0, foreign = 0;
	uint64_t bytes = 0;
	double t0 = 0;
	struct stat sb;
	long long id;
	DIR *d = NULL;
	st_t st, one, worst = ST_OK;

	st = casecmd_parse(argc, argv, open_usage, OPT_FROM | OPT_CASES |
	                   OPT_KEY | OPT_PASS | OPT_STATS | OPT_QUIET |
	                   OPT_RETRY, OPT_CASES | OPT_KEY, 0, &o);
	if (st != ST_OK || o.help)
		return st;
	if ((o.from == NULL) == !o.retry)
		return cli_usage(open_usage, "give either --from or "
		                 "--retry-quarantine");
	if (o.retry) {
		if (snprintf(qdir, sizeof qdir, "%s/%s", o.cases,
		             CASE_QUARANTINE) >= (int)sizeof qdir)
			return cli_usage(open_usage, "--cases path too long");
		o.from = qdir;
	}
	st = case_store_open(o.cases, &cs);
	if (st != ST_OK) {
		cli_fail(st, "cannot use '%s' for cases", o.cases);
		goto cleanup;
	}
	d = opendir(o.from);
	if (d == NULL) {
		st = cli_fail(ST_NOINPUT, "cannot read '%s'", o.from);
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
	casecmd_held(k, held, sizeof held);
	memset(&prog, 0, sizeof prog);
	prog.n = n;
	for (i = 0; i < n; i++)
		if (fstatat(dirfd(d), names[i], &sb, AT_SYMLINK_NOFOLLOW) == 0)
			prog.all += (uint64_t)sb.st_size;
	if (o.stats)
		t0 = casecmd_stats_begin();
	tty_progress_init(&prog.bar, o.quiet);
	for (i = 0; i < n; i++) {
		memset(&io, 0, sizeof io);
		io.progress = casecmd_progress;
		io.ctx = &prog;
		prog.i = i;
		prog.name = names[i];
		if (fstatat(dirfd(d), names[i], &sb, AT_SYMLINK_NOFOLLOW) != 0)
			sb.st_size = 0;
		one = case_open_envelope(cs, k, dirfd(d), names[i], &io, &out, &id);
		tty_progress_end(&prog.bar);
		switch (out) {
		case CASE_OPENED:
			printf("case-%06lld\t%s\n", id, cli_safe(names[i], safe));
			fflush(stdout);
			opened++;
			bytes += (uint64_t)sb.st_size;
			break;
		case CASE_KNOWN:
			fprintf(stderr, "'%s': already opened as case-%06lld\n",
			        cli_safe(names[i], safe), id);
			break;
		case CASE_NOT_MINE:
			fprintf(stderr, "'%s': sealed to key id %s, not to the key "
			        "held here, %s: left in place for that officer\n",
			        cli_safe(names[i], safe), io.sealed_to, held);
			foreign++;
			break;
		case CASE_QUARANTINED:
			fprintf(stderr, "'%s': %s: %s\n", cli_safe(names[i], safe),
			        st_str(one), o.retry ? "still damaged, left in "
			        "quarantine" : "damaged, moved to quarantine");
			quarantined++;
			worst = ST_BADDATA;
			break;
		case CASE_FAILED:
			/* Our disk or memory, not the envelope: stop here. */
			st = cli_fail(one, "cannot open '%s'",
			              cli_safe(names[i], safe));
			goto cleanup;
		}
		prog.before += (uint64_t)sb.st_size;
	}
	fflush(stdout);
	fprintf(stderr, "%zu opened, %zu quarantined, %zu for another key "
	        "(left in place)\n", opened, quarantined, foreign);
	if (foreign > 0)
		fprintf(stderr, "this machine holds %s; 'intake-officer "
		        "fingerprint' prints a key's fingerprint and key id\n",
		        held);
	if (o.stats)
		casecmd_stats_end(t0, opened, bytes);
	/* Envelopes for a colleague are normal on a shared stick; only
	 * when none at all was ours is the key probably the wrong one. */
	if (worst == ST_OK && opened == 0 && foreign > 0)
		worst = ST_NOKEY;
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

/* Print a JSON value on stdout, ASCII only: exact for a parser, and no
 * raw C1 or bidi character reaches a terminal. */
static st_t casecmd_print_json(json_t *v)
{
	if (json_dumpf(v, stdout, JSON_INDENT(2) | JSON_PRESERVE_ORDER |
	                          JSON_ENSURE_ASCII) != 0)
		return ST_IO;
	putchar('\n');
	return ST_OK;
}

/* A string member cleaned for the terminal (see cli_safe). */
static const char *casecmd_safe(json_t *o, const char *key,
                                char buf[CLI_SAFE_MAX])
{
	return cli_safe(json_string_value(json_object_get(o, key)), buf);
}

static long long casecmd_int(json_t *o, const char *key)
{
	return (long long)json_integer_value(json_object_get(o, key));
}

/* The key of a case as keygen and fingerprint print it; catalogs from
 * before version 2 know only the hex id. */
static const char *casecmd_key(json_t *r, char buf[CLI_SAFE_MAX])
{
	const char *fp = json_string_value(json_object_get(r, "key_fp"));

	return cli_safe(fp != NULL ? fp : json_string_value(
	                json_object_get(r, "key_id")), buf);
}

st_t casecmd_list(int argc, char **argv)
{
	char safe[CLI_SAFE_MAX], safe2[CLI_SAFE_MAX], safe3[CLI_SAFE_MAX];
	char size[16], files[24];
	casecmd_opts o;
	catalog *cat = NULL;
	json_t *rows = NULL, *r;
	size_t i;
	st_t st;

	st = casecmd_parse(argc, argv, list_usage, OPT_CASES | OPT_JSON |
	                   OPT_STATE | OPT_SINCE | OPT_UNTIL | OPT_KEY,
	                   OPT_CASES, 0, &o);
	if (st != ST_OK || o.help)
		return st;
	st = casecmd_catalog(o.cases, &cat);
	if (st != ST_OK)
		return st;
	st = catalog_list(cat, &o.filter, &rows);
	if (st != ST_OK) {
		cli_fail(st, "cannot read the catalog");
		goto cleanup;
	}
	if (o.json) {
		st = casecmd_print_json(rows);
		goto cleanup;
	}
	if (json_array_size(rows) == 0) {
		fprintf(stderr, "no cases%s\n", o.filter.state != NULL ||
		        o.filter.since != NULL || o.filter.until != NULL ||
		        o.filter.key != NULL ? " match" : "");
		goto cleanup;
	}
	printf("%-11s %-9s %-10s %10s %-6s %-5s %s\n", "case", "state",
	       "received", "size", "files", "reply", "key");
	json_array_foreach(rows, i, r) {
		if (casecmd_int(r, "risky") > 0)
			snprintf(files, sizeof files, "%lld!%lld",
			         casecmd_int(r, "nfiles"), casecmd_int(r, "risky"));
		else
			snprintf(files, sizeof files, "%lld", casecmd_int(r, "nfiles"));
		printf("case-%06lld %-9s %-10s %10s %-6s %-5s %s\n",
		       casecmd_int(r, "id"), casecmd_safe(r, "state", safe),
		       casecmd_safe(r, "received", safe2),
		       tty_human((uint64_t)casecmd_int(r, "content_size"), size),
		       files, casecmd_int(r, "can_reply") ? "yes" : "no",
		       casecmd_key(r, safe3));
	}
cleanup:
	json_decref(rows);
	catalog_close(cat);
	return st;
}

/* The testimony of a case, from its folder, sanitized; at most
 * CASECMD_SHOW_TEXT bytes, with a pointer to the rest. */
#define CASECMD_SHOW_TEXT ((size_t)1 << 20)
static void casecmd_show_text(const char *folder)
{
	char path[PATH_MAX], *clean = NULL, safe[CLI_SAFE_MAX];
	uint8_t *text;
	size_t got = 0;
	struct stat sb;
	int fd = -1;

	if (snprintf(path, sizeof path, "%s/%s", folder, CASE_TEXT_NAME) <
	    (int)sizeof path)
		fd = open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	text = malloc(CASECMD_SHOW_TEXT);
	if (fd < 0 || fstat(fd, &sb) != 0 || text == NULL ||
	    fsio_read_full(fd, text, CASECMD_SHOW_TEXT, &got) != ST_OK ||
	    term_clean((const char *)text, got, TERM_LINES, &clean) != ST_OK) {
		printf("(cannot read '%s')\n", cli_safe(path, safe));
		goto cleanup;
	}
	fputs(clean, stdout);
	if (got > 0 && text[got - 1] != '\n')
		putchar('\n');
	if ((uint64_t)sb.st_size > got)
		printf("(the first %zu of %llu bytes; all of it is in '%s')\n", got,
		       (unsigned long long)sb.st_size, cli_safe(path, safe));
cleanup:
	if (text != NULL) {
		sodium_memzero(text, CASECMD_SHOW_TEXT);
		free(text);
	}
	if (clean != NULL) /* testimony */
		sodium_memzero(clean, strlen(clean));
	free(clean);
	if (fd >= 0)
		close(fd);
}

st_t casecmd_show(int argc, char **argv)
{
	char safe[CLI_SAFE_MAX], size[16], folder[PATH_MAX];
	casecmd_opts o;
	catalog *cat = NULL;
	json_t *c = NULL, *f;
	const char *key, *flags, *kind;
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
	snprintf(folder, sizeof folder, "%s/case-%06lld", o.cases, id);
	if (o.json) {
		json_object_set_new(c, "folder", json_string(folder));
		st = casecmd_print_json(c);
		goto cleanup;
	}
	printf("%-14s ", "folder");
	cli_puts(stdout, folder, 0);
	putchar('\n');
	json_object_foreach(c, key, v) {
		if (json_is_string(v)) {
			printf("%-14s ", key);
			cli_puts(stdout, json_string_value(v), 0);
			putchar('\n');
		} else if (json_is_integer(v)) {
			printf("%-14s %lld\n", key, (long long)json_integer_value(v));
		}
	}
	printf("files:\n");
	json_array_foreach(json_object_get(c, "files"), i, f) {
		flags = json_string_value(json_object_get(f, "flags"));
		kind = json_string_value(json_object_get(f, "kind"));
		printf("  %s %s %10s  %-10s ", flags != NULL && *flags != '\0' ?
		       "RISK" : "    ", casecmd_safe(f, "sha256", safe),
		       tty_human((uint64_t)casecmd_int(f, "size"), size),
		       kind != NULL && *kind != '\0' ? kind : "-");
		cli_puts(stdout, json_string_value(json_object_get(f, "path")), 0);
		if (flags != NULL && *flags != '\0') {
			fputs("  (", stdout);
			cli_puts(stdout, flags, 0);
			fputs(")", stdout);
		}
		putchar('\n');
	}
	printf("notes:\n");
	json_array_foreach(json_object_get(c, "notes"), i, f) {
		printf("  %s  ", casecmd_safe(f, "at", safe));
		cli_puts(stdout, json_string_value(json_object_get(f, "text")), 0);
		putchar('\n');
	}
	printf("testimony:\n");
	casecmd_show_text(folder);
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

/* A snippet on one line: its line breaks and tabs become spaces (here
 * they only lay out the text), then the rest is cleaned as ever. */
static void casecmd_snippet(const char *snip)
{
	char *flat = snip != NULL ? strdup(snip) : NULL;
	size_t i;

	for (i = 0; flat != NULL && flat[i] != '\0'; i++)
		if (flat[i] == '\n' || flat[i] == '\r' || flat[i] == '\t')
			flat[i] = ' ';
	cli_puts(stdout, flat != NULL ? flat : snip, 0);
	putchar('\n');
	free(flat);
}

st_t casecmd_search(int argc, char **argv)
{
	char safe[CLI_SAFE_MAX], safe2[CLI_SAFE_MAX];
	casecmd_opts o;
	catalog *cat = NULL;
	json_t *rows = NULL, *r;
	size_t i;
	st_t st;

	st = casecmd_parse(argc, argv, search_usage, OPT_CASES | OPT_JSON |
	                   OPT_STATE | OPT_SINCE | OPT_UNTIL | OPT_KEY,
	                   OPT_CASES, 1, &o);
	if (st != ST_OK || o.help)
		return st;
	st = casecmd_catalog(o.cases, &cat);
	if (st != ST_OK)
		return st;
	st = catalog_search(cat, o.pos[0], &o.filter, &rows);
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
	json_array_foreach(rows, i, r) {
		printf("case-%06lld %-9s %s  ", casecmd_int(r, "id"),
		       casecmd_safe(r, "state", safe),
		       casecmd_safe(r, "received", safe2));
		casecmd_snippet(json_string_value(json_object_get(r, "snippet")));
	}
	if (json_array_size(rows) == 0)
		fprintf(stderr, "no matches for '%s'\n", cli_safe(o.pos[0], safe));
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
