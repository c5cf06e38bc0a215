/* netcmd.c: fetch and push on the online machine. An envelope is written
 * to .partial/ID (resumable), checked for length and structure, fsync'd
 * and renamed to ID.env, the folder fsync'd, and only then reported to
 * the server as fetched: the server never drops what we do not hold.
 * Trust boundary: the server's lists and bodies are hostile input: ids
 * are checked before they name a file, sizes bound every download. */
#include "netcmd.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <inttypes.h>
#include <limits.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <sodium.h>
#include "auth.h"
#include "cli.h"
#include "env.h"
#include "fsio.h"
#include "net.h"
#include "reply.h"
#include "tty.h"

#define NETCMD_ID_LEN 32
#define NETCMD_LIST_MAX (4 * 1024 * 1024) /* a page of 1000 entries */
#define NETCMD_CURSOR ".cursor"
#define NETCMD_CURSOR_MAX 256
#define NETCMD_PARTIAL ".partial"
#define NETCMD_SENT "sent"
#define NETCMD_MARK_BATCH 64 /* envelopes per folder fsync */
#define NETCMD_MAX_PAGES 100000 /* a server that never ends its list */
#define NETCMD_MAX_CONN 16
#define NETCMD_CONN 4        /* connections by default */

static const char fetch_usage[] =
	"usage: intake-officer fetch --server URL --to DIR --auth-key FILE\n"
	"                            [--delete] [--limit-rate BYTES]\n"
	"                            [--connections N] [--quiet]\n"
	"                            [--tor | --proxy URL]\n"
	"  (online) download every new submission into DIR/ID.env (resuming\n"
	"  partial downloads), then mark it fetched on the server; --delete\n"
	"  also deletes it there. --limit-rate caps bytes per second per\n"
	"  connection; --connections (default 4, at most 16) sets how many\n"
	"  reused connections work at once. On a terminal, progress (count\n"
	"  and bytes of the total, percent) is shown on stderr unless --quiet.\n"
	"  --tor connects through the local Tor (127.0.0.1:9050, else 9150),\n"
	"  --proxy\n"
	"  through socks5h://, socks4a://, http:// or https://; an .onion\n"
	"  server needs one; plain http:// only to this machine or an .onion.\n";

static const char push_usage[] =
	"usage: intake-officer push --server URL --from DIR --auth-key FILE\n"
	"                           [--tor | --proxy URL]\n"
	"  (online) post each DIR/*.reply to its mailbox; posted replies move\n"
	"  to DIR/sent/. --tor and --proxy as for fetch.\n";

typedef struct {
	const char *server, *dir, *authkey, *proxy;
	char torproxy[TOR_PROXY_MAX];
	int tor;
	int del;
	uint64_t rate;
	size_t conns;
	int quiet;
	int help;
} netcmd_opts;

static st_t netcmd_parse(int argc, char **argv, const char *usage,
                         int is_fetch, netcmd_opts *o)
{
	static const struct option opts[] = {
		{ "server", required_argument, NULL, 's' },
		{ "to", required_argument, NULL, 't' },
		{ "from", required_argument, NULL, 'f' },
		{ "auth-key", required_argument, NULL, 'a' },
		{ "delete", no_argument, NULL, 'd' },
		{ "limit-rate", required_argument, NULL, 'r' },
		{ "connections", required_argument, NULL, 'c' },
		{ "quiet", no_argument, NULL, 'q' },
		{ "tor", no_argument, NULL, 'T' },
		{ "proxy", required_argument, NULL, 'P' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char *end;
	int c;

	memset(o, 0, sizeof *o);
	o->conns = NETCMD_CONN;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			o->help = 1;
			return ST_OK;
		} else if (c == 's') {
			o->server = optarg;
		} else if (c == 'a') {
			o->authkey = optarg;
		} else if ((c == 't' && is_fetch) || (c == 'f' && !is_fetch)) {
			o->dir = optarg;
		} else if (c == 'd' && is_fetch) {
			o->del = 1;
		} else if (c == 'q' && is_fetch) {
			o->quiet = 1;
		} else if (c == 'T') {
			o->tor = 1;
		} else if (c == 'P') {
			o->proxy = optarg;
		} else if (c == 'r' && is_fetch) {
			errno = 0;
			o->rate = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || *optarg == '-')
				return cli_usage(usage, "bad --limit-rate '%s'",
				                 optarg);
		} else if (c == 'c' && is_fetch) {
			errno = 0;
			o->conns = strtoull(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || o->conns < 1 ||
			    o->conns > NETCMD_MAX_CONN)
				return cli_usage(usage, "--connections takes 1 to %d",
				                 NETCMD_MAX_CONN);
		} else {
			return cli_usage(usage, "bad option");
		}
	}
	if (optind != argc)
		return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
	if (o->server == NULL || o->dir == NULL || o->authkey == NULL)
		return cli_usage(usage, "--server, %s and --auth-key are required",
		                 is_fetch ? "--to" : "--from");
	return netcmd_pick_proxy(usage, o->tor, &o->proxy, o->torproxy);
}

st_t netcmd_pick_proxy(const char *usage, int tor, const char **proxy,
                       char found[TOR_PROXY_MAX])
{
	unsigned port = 0;

	if (!tor)
		return ST_OK;
	if (*proxy != NULL)
		return tor_is_local(*proxy) ? ST_OK :
		       cli_usage(usage, "--tor and --proxy name different "
		                 "proxies: choose one");
	if (tor_find(found, &port) != ST_OK)
		return cli_fail(ST_UNAVAILABLE, "--tor: nothing answers as Tor on "
		                "127.0.0.1:9050 or 9150; start the tor service "
		                "(or Tor Browser) and try again");
	*proxy = found;
	return ST_OK;
}

st_t netcmd_client(const char *server, const uint8_t *sk, const char *proxy,
                   uint64_t rate, net **n)
{
	const char *why = NULL;
	st_t st;

	st = net_new(server, sk, n);
	if (st != ST_OK)
		return cli_fail(st, "bad server URL '%s'", server);
	st = net_set_proxy(*n, proxy, &why);
	if (st != ST_OK) {
		fprintf(stderr, CLI_PROG ": %s\n", why);
		return st;
	}
	net_set_rate(*n, rate);
	return ST_OK;
}

st_t netcmd_authkey(const char *path, uint8_t **sk)
{
	uint8_t *text = NULL;
	size_t len = 0;
	st_t st;

	*sk = sodium_malloc(AUTH_SK_LEN);
	if (*sk == NULL)
		return cli_fail(ST_NOMEM, "auth key");
	st = fsio_read_secret_file(path, 4096, &text, &len);
	if (st == ST_OK)
		st = auth_sec_parse((const char *)text, len, *sk);
	if (st != ST_OK)
		cli_fail(st, "cannot load the auth key '%s'", path);
	if (text != NULL)
		sodium_free(text);
	return st;
}

/* Set up the client and the folder; reports its own errors. */
static st_t netcmd_setup(const netcmd_opts *o, uint8_t **sk, net **n,
                         int *dirfd)
{
	st_t st;

	st = netcmd_authkey(o->authkey, sk);
	if (st != ST_OK)
		return st;
	st = netcmd_client(o->server, *sk, o->proxy, o->rate, n);
	if (st != ST_OK)
		return st;
	st = cli_mkdir(o->dir);
	if (st != ST_OK)
		return cli_fail(st, "cannot create '%s'", o->dir);
	*dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (*dirfd < 0)
		return cli_fail(fsio_errno_status(errno), "cannot open '%s'",
		                o->dir);
	return ST_OK;
}

/* A submission id from the server names a file: 32 lowercase hex only. */
static int netcmd_valid_id(const char *id)
{
	size_t i;

	for (i = 0; i < NETCMD_ID_LEN; i++)
		if (!((id[i] >= '0' && id[i] <= '9') ||
		      (id[i] >= 'a' && id[i] <= 'f')))
			return 0;
	return id[i] == '\0';
}

/* What a fetch run's connections share; mu guards the fields that
 * change (every field from `list` down). */
typedef struct {
	pthread_mutex_t mu;
	int dirfd, partfd;
	int del;
	json_t *list;          /* the page being worked on */
	size_t next;           /* its next entry to take */
	size_t fetched, present, failed;
	uint64_t bytes;        /* of downloads completed this run */
	size_t total;          /* entries listed so far */
	uint64_t total_bytes;  /* their sizes, less what was here already */
	tty_progress prog;
	st_t worst;
} netcmd_fetch_run;

/* One connection, with what it has written but not yet reported. */
typedef struct {
	netcmd_fetch_run *r;
	net *n;
	char marks[NETCMD_MARK_BATCH][NETCMD_ID_LEN + 1];
	size_t nmarks;
	uint64_t base;         /* bytes present when this download began */
} netcmd_worker;

/* Report one failed submission (one line on stderr at a time). */
static void netcmd_fail(netcmd_fetch_run *r, st_t st, const char *what,
                        const char *id)
{
	char safe[CLI_SAFE_MAX];

	pthread_mutex_lock(&r->mu);
	tty_progress_end(&r->prog);
	/* the id may be anything a hostile server sent */
	cli_fail(st, "%s '%s'", what, cli_safe(id, safe));
	r->failed++;
	if (r->worst == ST_OK)
		r->worst = st;
	pthread_mutex_unlock(&r->mu);
}

/* "fetch 3 of 10  12.5 MiB of 40.0 MiB  31%  2.1 MiB/s  0:13 left" */
static void netcmd_draw(netcmd_fetch_run *r, uint64_t extra)
{
	char line[160], bytes[128];

	if (!tty_progress_due(&r->prog, 0))
		return;
	tty_progress_bytes(&r->prog, r->bytes + extra, r->total_bytes, bytes,
	                   sizeof bytes);
	snprintf(line, sizeof line, "fetch %zu of %zu  %s", r->fetched +
	         r->present + r->failed, r->total, bytes);
	tty_progress_show(&r->prog, line);
}

static void netcmd_progress(void *ctx, uint64_t have)
{
	netcmd_worker *w = ctx;

	if (!w->r->prog.on)
		return;
	pthread_mutex_lock(&w->r->mu);
	netcmd_draw(w->r, have - w->base);
	pthread_mutex_unlock(&w->r->mu);
}

/* Make the batch durable (one folder fsync), then tell the server. */
static void netcmd_flush_marks(netcmd_worker *w)
{
	char path[96];
	size_t i;
	long code = 0;
	st_t st;

	if (w->nmarks == 0)
		return;
	if (fsync(w->r->dirfd) != 0 || fsync(w->r->partfd) != 0) {
		netcmd_fail(w->r, fsio_errno_status(errno), "cannot sync before "
		            "marking", w->marks[0]);
		w->nmarks = 0;
		return;
	}
	for (i = 0; i < w->nmarks; i++) {
		snprintf(path, sizeof path, "/v1/submissions/%s/fetched",
		         w->marks[i]);
		st = net_request(w->n, "POST", path, NULL, NULL, 0, 4096, NULL,
		                 NULL, &code);
		if (st == ST_OK && code != 204 && code != 200)
			st = net_code_status(code);
		if (st == ST_OK && w->r->del) {
			snprintf(path, sizeof path, "/v1/submissions/%s",
			         w->marks[i]);
			st = net_request(w->n, "DELETE", path, NULL, NULL, 0, 4096,
			                 NULL, NULL, &code);
			/* the retention policy may have deleted it already */
			if (st == ST_OK && code != 204 && code != 200 &&
			    code != 404)
				st = net_code_status(code);
		}
		if (st != ST_OK)
			netcmd_fail(w->r, st, "cannot mark fetched", w->marks[i]);
	}
	w->nmarks = 0;
}

static void netcmd_mark(netcmd_worker *w, const char *id)
{
	memcpy(w->marks[w->nmarks++], id, NETCMD_ID_LEN + 1);
	if (w->nmarks == NETCMD_MARK_BATCH)
		netcmd_flush_marks(w);
}

/* Date the file with the day the server received it. */
static void netcmd_set_date(int fd, const char *date)
{
	struct timespec ts[2];
	struct tm tm;

	memset(&tm, 0, sizeof tm);
	if (date == NULL || strlen(date) != 10 ||
	    sscanf(date, "%4d-%2d-%2d", &tm.tm_year, &tm.tm_mon,
	           &tm.tm_mday) != 3)
		return;
	tm.tm_year -= 1900;
	tm.tm_mon -= 1;
	tm.tm_hour = 12;
	ts[0].tv_sec = ts[1].tv_sec = timegm(&tm);
	ts[0].tv_nsec = ts[1].tv_nsec = 0;
	if (ts[0].tv_sec > 0)
		futimens(fd, ts);
}

/* Check a complete download: the length the server announced, and an
 * envelope header that implies exactly that length. */
static st_t netcmd_check(int fd, uint64_t size)
{
	uint8_t hdr[ENV_MAX_HEADER];
	struct stat sb;
	env_info info;
	size_t n = size < sizeof hdr ? (size_t)size : sizeof hdr;
	st_t st;

	if (fstat(fd, &sb) != 0)
		return fsio_errno_status(errno);
	if ((uint64_t)sb.st_size != size)
		return ST_MISMATCH;
	st = fsio_pread_exact(fd, hdr, n, 0);
	if (st == ST_OK)
		st = env_inspect(hdr, n, &info);
	if (st == ST_OK && info.total_len != size)
		st = ST_MISMATCH;
	return st;
}

/* Download one submission into DIR/ID.env. */
static st_t netcmd_fetch_one(netcmd_worker *w, const char *id,
                             uint64_t size, const char *date)
{
	netcmd_fetch_run *r = w->r;
	char path[64], final[NETCMD_ID_LEN + 8];
	struct stat sb;
	long code = 0;
	int fd;
	st_t st;

	snprintf(final, sizeof final, "%s.env", id);
	fd = openat(r->partfd, id, O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC,
	            0600);
	if (fd < 0)
		return fsio_errno_status(errno);
	st = fstat(fd, &sb) == 0 ? ST_OK : fsio_errno_status(errno);
	if (st == ST_OK && (uint64_t)sb.st_size > size &&
	    ftruncate(fd, 0) != 0)
		st = fsio_errno_status(errno);
	if (st != ST_OK)
		goto cleanup;
	w->base = (uint64_t)sb.st_size > size ? 0 : (uint64_t)sb.st_size;
	if (w->base > 0 && w->base < size) {
		pthread_mutex_lock(&r->mu);
		tty_progress_end(&r->prog);
		fprintf(stderr, "resuming '%s' at %" PRIu64 " of %" PRIu64 "\n",
		        id, w->base, size);
		pthread_mutex_unlock(&r->mu);
	}
	if (w->base < size) {
		snprintf(path, sizeof path, "/v1/submissions/%s", id);
		st = net_download(w->n, path, fd, w->base, size, netcmd_progress,
		                  w, &code);
		if (st == ST_OK && code != 200 && code != 206)
			st = net_code_status(code);
		if (st != ST_OK)
			goto cleanup;
	}
	st = netcmd_check(fd, size);
	if (st != ST_OK) {
		/* complete but wrong: drop it so the next run starts clean */
		unlinkat(r->partfd, id, 0);
		goto cleanup;
	}
	netcmd_set_date(fd, date);
	if (fsync(fd) != 0) {
		st = fsio_errno_status(errno);
		goto cleanup;
	}
	if (renameat2(r->partfd, id, r->dirfd, final, RENAME_NOREPLACE) != 0)
		st = fsio_errno_status(errno);
cleanup:
	close(fd);
	return st;
}

/* One entry of a list page. */
static void netcmd_entry(netcmd_worker *w, json_t *e)
{
	netcmd_fetch_run *r = w->r;
	const char *id = json_string_value(json_object_get(e, "id"));
	const char *state = json_string_value(json_object_get(e, "state"));
	const char *date = json_string_value(json_object_get(e, "date"));
	json_t *jsize = json_object_get(e, "size");
	uint64_t max = env_total_len(ENV_MAX_RECIPIENTS, ENV_MAX_STREAM);
	char final[NETCMD_ID_LEN + 8];
	struct stat sb;
	json_int_t size;
	st_t st;

	if (id == NULL || !netcmd_valid_id(id) || !json_is_integer(jsize) ||
	    (size = json_integer_value(jsize)) <= 0 || (uint64_t)size > max) {
		netcmd_fail(r, ST_BADDATA, "the server listed a malformed "
		            "submission", id != NULL ? id : "?");
		return;
	}
	snprintf(final, sizeof final, "%s.env", id);
	if (fstatat(r->dirfd, final, &sb, AT_SYMLINK_NOFOLLOW) == 0) {
		/* written by an earlier run that did not get to report it */
		if (!S_ISREG(sb.st_mode) || (uint64_t)sb.st_size != (uint64_t)size) {
			netcmd_fail(r, ST_CONFLICT, "exists with another size", final);
			return;
		}
		pthread_mutex_lock(&r->mu);
		r->present++;
		if (state == NULL || strcmp(state, "fetched") != 0)
			r->total_bytes -= (uint64_t)size; /* nothing to download */
		pthread_mutex_unlock(&r->mu);
		if (state == NULL || strcmp(state, "fetched") != 0)
			netcmd_mark(w, id);
		return;
	}
	if (state != NULL && strcmp(state, "fetched") == 0) {
		pthread_mutex_lock(&r->mu);
		r->present++; /* another run or officer holds it safely */
		pthread_mutex_unlock(&r->mu);
		return;
	}
	st = netcmd_fetch_one(w, id, (uint64_t)size, date);
	if (st != ST_OK) {
		netcmd_fail(r, st, "cannot fetch", id);
		return;
	}
	pthread_mutex_lock(&r->mu);
	r->fetched++;
	r->bytes += (uint64_t)size;
	tty_progress_end(&r->prog);
	printf("%s\n", final);
	fflush(stdout);
	netcmd_draw(r, 0);
	pthread_mutex_unlock(&r->mu);
	netcmd_mark(w, id);
}

/* A connection's share of the page: take entries until none is left,
 * then report what it wrote. */
static void *netcmd_worker_run(void *arg)
{
	netcmd_worker *w = arg;
	netcmd_fetch_run *r = w->r;
	size_t i;

	for (;;) {
		pthread_mutex_lock(&r->mu);
		i = r->next++;
		pthread_mutex_unlock(&r->mu);
		if (i >= json_array_size(r->list))
			break;
		netcmd_entry(w, json_array_get(r->list, i));
	}
	netcmd_flush_marks(w);
	return NULL;
}

/* Add a page to the totals the progress line shows: entries, and the
 * bytes of those still to download. */
static void netcmd_count(netcmd_fetch_run *r, json_t *list)
{
	json_t *e, *sz;
	const char *state;
	size_t i;

	r->total += json_array_size(list);
	json_array_foreach(list, i, e) {
		sz = json_object_get(e, "size");
		state = json_string_value(json_object_get(e, "state"));
		if (json_is_integer(sz) && json_integer_value(sz) > 0 &&
		    (state == NULL || strcmp(state, "fetched") != 0))
			r->total_bytes += (uint64_t)json_integer_value(sz);
	}
}

/* Work through one page with every connection at once. */
static void netcmd_run_page(netcmd_fetch_run *r, netcmd_worker *ws,
                            size_t nw)
{
	pthread_t th[NETCMD_MAX_CONN];
	int started[NETCMD_MAX_CONN] = { 0 };
	size_t i;

	r->next = 0;
	for (i = 1; i < nw; i++)
		started[i] = pthread_create(&th[i], NULL, netcmd_worker_run,
		                            &ws[i]) == 0;
	netcmd_worker_run(&ws[0]);
	for (i = 1; i < nw; i++)
		if (started[i])
			pthread_join(th[i], NULL);
}

/* Read the saved cursor, if any, into cur (empty when none). */
static void netcmd_load_cursor(int dirfd, char cur[NETCMD_CURSOR_MAX + 1])
{
	ssize_t n;
	int fd;

	cur[0] = '\0';
	fd = openat(dirfd, NETCMD_CURSOR, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return;
	n = read(fd, cur, NETCMD_CURSOR_MAX);
	close(fd);
	cur[n > 0 ? n : 0] = '\0';
	cur[strcspn(cur, "\r\n")] = '\0';
}

/* A cursor is opaque but printable and short; anything else is refused. */
static int netcmd_valid_cursor(const char *c)
{
	size_t i;

	for (i = 0; c[i] != '\0'; i++)
		if (c[i] <= ' ' || c[i] > '~')
			return 0;
	return i <= NETCMD_CURSOR_MAX;
}

/* GET one page; *list and *next borrowed from *doc (json_decref it). */
static st_t netcmd_page(net *n, const char *cursor, json_t **doc,
                        json_t **list, const char **next)
{
	char query[3 * NETCMD_CURSOR_MAX + 32];
	char *esc = NULL;
	uint8_t *body = NULL;
	size_t len = 0;
	long code = 0;
	st_t st;

	if (cursor[0] != '\0') {
		st = net_escape(n, cursor, &esc);
		if (st != ST_OK)
			return st;
		snprintf(query, sizeof query, "since=%s&limit=1000", esc);
		free(esc);
	} else {
		snprintf(query, sizeof query, "limit=1000");
	}
	st = net_request(n, "GET", "/v1/submissions", query, NULL, 0,
	                 NETCMD_LIST_MAX, &body, &len, &code);
	if (st == ST_OK && code != 200)
		st = net_code_status(code);
	if (st != ST_OK)
		goto cleanup;
	*doc = json_loadb((const char *)body, len, JSON_REJECT_DUPLICATES, NULL);
	*list = json_object_get(*doc, "submissions");
	*next = json_string_value(json_object_get(*doc, "cursor"));
	if (!json_is_array(*list) || (*next != NULL &&
	                              !netcmd_valid_cursor(*next)))
		st = ST_BADDATA;
cleanup:
	free(body);
	return st;
}

/* Open DIR and DIR/.partial (made 0700, never through a symlink). */
static st_t netcmd_fetch_dirs(const netcmd_opts *o, netcmd_fetch_run *r)
{
	r->dirfd = open(o->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (r->dirfd < 0)
		return cli_fail(fsio_errno_status(errno), "cannot open '%s'",
		                o->dir);
	if (mkdirat(r->dirfd, NETCMD_PARTIAL, 0700) != 0 && errno != EEXIST)
		return cli_fail(fsio_errno_status(errno), "cannot create '%s/%s'",
		                o->dir, NETCMD_PARTIAL);
	r->partfd = openat(r->dirfd, NETCMD_PARTIAL, O_RDONLY | O_DIRECTORY |
	                   O_NOFOLLOW | O_CLOEXEC);
	if (r->partfd < 0)
		return cli_fail(fsio_errno_status(errno), "cannot open '%s/%s'",
		                o->dir, NETCMD_PARTIAL);
	return ST_OK;
}

st_t netcmd_fetch(int argc, char **argv)
{
	netcmd_opts o;
	netcmd_fetch_run r;
	netcmd_worker *ws = NULL;
	char cursor[NETCMD_CURSOR_MAX + 1], path[PATH_MAX];
	json_t *doc = NULL, *list = NULL;
	const char *next = NULL;
	uint8_t *sk = NULL;
	size_t i, nw = 0;
	int clean = 1, pages;
	st_t st;

	st = netcmd_parse(argc, argv, fetch_usage, 1, &o);
	if (st != ST_OK || o.help)
		return st;
	memset(&r, 0, sizeof r);
	pthread_mutex_init(&r.mu, NULL);
	r.dirfd = r.partfd = -1;
	r.del = o.del;
	tty_progress_init(&r.prog, o.quiet);
	ws = calloc(o.conns, sizeof *ws);
	if (ws == NULL) {
		st = cli_fail(ST_NOMEM, "fetch");
		goto cleanup;
	}
	st = netcmd_authkey(o.authkey, &sk);
	if (st == ST_OK && (st = cli_mkdir(o.dir)) != ST_OK)
		cli_fail(st, "cannot create '%s'", o.dir);
	if (st == ST_OK)
		st = netcmd_fetch_dirs(&o, &r);
	/* one connection each, all made here before any thread starts */
	for (; st == ST_OK && nw < o.conns; nw++) {
		ws[nw].r = &r;
		st = netcmd_client(o.server, sk, o.proxy, o.rate, &ws[nw].n);
	}
	if (st != ST_OK)
		goto cleanup;
	netcmd_load_cursor(r.dirfd, cursor);
	if (!netcmd_valid_cursor(cursor))
		cursor[0] = '\0';
	for (pages = 0; pages < NETCMD_MAX_PAGES; pages++) {
		st = netcmd_page(ws[0].n, cursor, &doc, &list, &next);
		if (st != ST_OK) {
			tty_progress_end(&r.prog);
			cli_fail(st, "cannot list submissions on '%s'", o.server);
			goto cleanup;
		}
		if (json_array_size(list) == 0)
			break;
		r.list = list;
		netcmd_count(&r, list);
		netcmd_run_page(&r, ws, nw);
		r.list = NULL;
		if (r.failed > 0)
			clean = 0;
		if (next == NULL || strcmp(next, cursor) == 0)
			break; /* a server that does not advance: stop */
		snprintf(cursor, sizeof cursor, "%s", next);
		/* Only a page done without failure moves the saved cursor, so
		 * whatever failed is listed again next time. */
		if (clean) {
			snprintf(path, sizeof path, "%s/%s", o.dir, NETCMD_CURSOR);
			st = fsio_write_file_atomic(path, cursor, strlen(cursor),
			                            0600, 1);
			if (st != ST_OK) {
				cli_fail(st, "cannot save the cursor");
				goto cleanup;
			}
		}
		json_decref(doc);
		doc = NULL;
	}
	tty_progress_end(&r.prog);
	fflush(stdout);
	fprintf(stderr, "%zu fetched, %zu already here, %zu failed\n",
	        r.fetched, r.present, r.failed);
	st = r.worst;
cleanup:
	json_decref(doc);
	for (i = 0; i < nw; i++)
		net_free(ws[i].n);
	free(ws);
	if (r.partfd >= 0)
		close(r.partfd);
	if (r.dirfd >= 0)
		close(r.dirfd);
	if (sk != NULL)
		sodium_free(sk);
	pthread_mutex_destroy(&r.mu);
	return st;
}

/* A reply file name, as casecmd_reply writes it:
 * MAILBOX (32 hex) "." RANDOM (hex) ".reply". */
static int netcmd_reply_name(const char *name)
{
	size_t len = strlen(name), i;

	if (len < NETCMD_ID_LEN + 8 || name[NETCMD_ID_LEN] != '.' ||
	    strcmp(name + len - 6, ".reply") != 0)
		return 0;
	for (i = 0; i < len - 6; i++) {
		if (i == NETCMD_ID_LEN)
			continue;
		if (!((name[i] >= '0' && name[i] <= '9') ||
		      (name[i] >= 'a' && name[i] <= 'f')))
			return 0;
	}
	return 1;
}

/* Post one reply file and move it to sent/. */
static st_t netcmd_push_one(net *n, int dirfd, int sentfd, const char *name)
{
	char path[64], mailbox[NETCMD_ID_LEN + 1];
	uint8_t *body = NULL;
	size_t len = 0, got = 0;
	long code = 0;
	int fd;
	st_t st;

	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fsio_errno_status(errno);
	body = malloc(REPLY_MAX_LEN + 1);
	st = body == NULL ? ST_NOMEM :
	     fsio_read_full(fd, body, REPLY_MAX_LEN + 1, &got);
	close(fd);
	len = got;
	if (st == ST_OK && (len == 0 || len > REPLY_MAX_LEN))
		st = ST_TOOBIG;
	if (st != ST_OK)
		goto cleanup;
	memcpy(mailbox, name, NETCMD_ID_LEN);
	mailbox[NETCMD_ID_LEN] = '\0';
	snprintf(path, sizeof path, "/v1/mailboxes/%s", mailbox);
	st = net_request(n, "POST", path, NULL, body, len, 4096, NULL, NULL,
	                 &code);
	if (st == ST_OK && code != 201 && code != 200 && code != 204)
		st = net_code_status(code);
	if (st != ST_OK)
		goto cleanup;
	if (renameat2(dirfd, name, sentfd, name, RENAME_NOREPLACE) != 0 ||
	    fsync(sentfd) != 0 || fsync(dirfd) != 0)
		st = fsio_errno_status(errno);
cleanup:
	free(body);
	return st;
}

st_t netcmd_push(int argc, char **argv)
{
	netcmd_opts o;
	struct dirent *e;
	uint8_t *sk = NULL;
	net *n = NULL;
	DIR *d = NULL;
	int dirfd = -1, sentfd = -1;
	size_t pushed = 0, failed = 0;
	st_t st, one;

	st = netcmd_parse(argc, argv, push_usage, 0, &o);
	if (st != ST_OK || o.help)
		return st;
	st = netcmd_setup(&o, &sk, &n, &dirfd);
	if (st != ST_OK)
		goto cleanup;
	if (mkdirat(dirfd, NETCMD_SENT, 0700) != 0 && errno != EEXIST) {
		st = cli_fail(fsio_errno_status(errno), "cannot create '%s/%s'",
		              o.dir, NETCMD_SENT);
		goto cleanup;
	}
	sentfd = openat(dirfd, NETCMD_SENT, O_RDONLY | O_DIRECTORY |
	                O_NOFOLLOW | O_CLOEXEC);
	d = sentfd >= 0 ? fdopendir(dup(dirfd)) : NULL;
	if (d == NULL) {
		st = cli_fail(fsio_errno_status(errno), "cannot read '%s'", o.dir);
		goto cleanup;
	}
	while ((e = readdir(d)) != NULL) {
		if (!netcmd_reply_name(e->d_name))
			continue;
		one = netcmd_push_one(n, dirfd, sentfd, e->d_name);
		if (one == ST_OK) {
			printf("%s\n", e->d_name);
			pushed++;
			continue;
		}
		cli_fail(one, "cannot push '%s'", e->d_name);
		failed++;
		if (st == ST_OK)
			st = one;
	}
	fflush(stdout);
	fprintf(stderr, "%zu pushed, %zu failed\n", pushed, failed);
cleanup:
	if (d != NULL)
		closedir(d);
	if (sentfd >= 0)
		close(sentfd);
	if (dirfd >= 0)
		close(dirfd);
	net_free(n);
	if (sk != NULL)
		sodium_free(sk);
	return st;
}
