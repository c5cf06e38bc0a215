/* main.c: intake-server. Reads the configuration, runs the recovery pass,
 * serves HTTP until SIGTERM or SIGINT, and reaps expired uploads and
 * replies meanwhile. Foreground only; chatter on stderr, no access log. */
#include <errno.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <time.h>
#include "blob.h"
#include "conf.h"
#include "http.h"
#include "keyset.h"
#include "nonce.h"
#include "now.h"
#include "proc.h"
#include "rate.h"
#include "recover.h"
#include "store.h"
#include "upload.h"
#include "version.h"

/* Serve until a stop signal, reaping and checkpointing the WAL every
 * `period` seconds. */
static void serve(upload_svc *up, const sigset_t *stop, unsigned period)
{
	struct timespec ts = { (time_t)period, 0 };
	int64_t now;
	int sig;

	for (;;) {
		sig = sigtimedwait(stop, NULL, &ts);
		if (sig > 0) {
			fprintf(stderr, "intake-server: %s, shutting down\n",
			        sig == SIGTERM ? "SIGTERM" : "SIGINT");
			return;
		}
		if (sig < 0 && errno != EAGAIN && errno != EINTR)
			return;
		now = now_get();
		if (upload_land_due(up, now) != ST_OK)
			fprintf(stderr, "intake-server: the landing batch failed; retrying later\n");
		if (upload_retry_landings(up, now) != ST_OK)
			fprintf(stderr, "intake-server: a landing failed again; retrying later\n");
		if (upload_reap(up, now) != ST_OK || store_reply_expire(up->st, now) != ST_OK ||
		    store_nonce_expire(up->st, now) != ST_OK ||
		    store_checkpoint(up->st) != ST_OK)
			fprintf(stderr, "intake-server: expiry pass failed; retrying later\n");
	}
}

/* Every connection is a descriptor: take what the hard limit allows. */
static void raise_fd_limit(void)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

int main(int argc, char **argv)
{
	conf cf;
	blob *bl = NULL;
	store *st = NULL;
	upload_svc up;
	int up_ready = 0, help = 0;
	nonce_cache *nc = NULL;
	rate *rl = NULL;
	srvkeyset *keys = NULL;
	http_server *hs = NULL;
	recover_stats rs;
	sigset_t stop;
	char dbpath[PATH_MAX];
	st_t s;

	s = proc_harden();
	if (s != ST_OK) {
		fprintf(stderr, "intake-server: %s\n", st_str(s));
		return st_exit_code(s);
	}
	if (argc == 2 && strcmp(argv[1], "--version") == 0) {
		printf("intake-server %s\n", INTAKE_VERSION);
		return 0;
	}
	if (conf_init(&cf) != ST_OK)
		return st_exit_code(ST_NOMEM);
	/* "-h" is "--help". */
	if (argc == 2 && strcmp(argv[1], "-h") == 0)
		argv[1] = (char *)"--help";
	s = conf_parse_args(&cf, argc, argv, &help);
	if (help) {
		conf_usage(stdout);
		goto cleanup;
	}
	if (s == ST_USAGE)
		fprintf(stderr, "try 'intake-server --help'\n");
	if (s == ST_OK)
		s = conf_load_officers(&cf);
	if (s != ST_OK)
		goto cleanup;
	if (cf.n_officers == 0)
		fprintf(stderr, "intake-server: no --officer-key: the officer API refuses every request\n");
	now_init(cf.test_clock);
	umask(077);
	raise_fd_limit();
	if (snprintf(dbpath, sizeof dbpath, "%s/intake.db", cf.data_dir) >= (int)sizeof dbpath) {
		fprintf(stderr, "intake-server: data dir path too long\n");
		s = ST_CONFIG;
		goto cleanup;
	}
	s = blob_open(cf.data_dir, &bl);
	if (s == ST_OK)
		s = store_open(dbpath, &st);
	if (s == ST_OK)
		s = upload_init(&up, st, bl, &cf);
	if (s != ST_OK)
		goto cleanup;
	up_ready = 1;
	s = recover_run(&up, now_get(), &rs);
	if (s != ST_OK) {
		fprintf(stderr, "intake-server: recovery pass failed: %s\n", st_str(s));
		goto cleanup;
	}
	fprintf(stderr, "intake-server: recovery: %u landed, %u partial cut back, "
	        "%u dropped, %u orphan files wiped\n",
	        rs.landed, rs.truncated, rs.dropped, rs.orphans);
	if (rs.lost)
		fprintf(stderr, "intake-server: WARNING: %u stored submissions are missing or "
		        "damaged on disk (storage failure)\n", rs.lost);
	s = srvkeyset_open(cf.data_dir, cf.root_fingerprint, &keys);
	if (s != ST_OK)
		goto cleanup;
	up.keys = keys;
	upload_land_due(&up, now_get()); /* the landing period starts now */
	s = nonce_new(&nc);
	if (s == ST_OK)
		s = rate_new(cf.mailbox_rate, cf.mailbox_rate_total, &rl);
	if (s != ST_OK)
		goto cleanup;
	/* Every thread inherits this mask; the signals are taken only by
	 * sigtimedwait in serve(). */
	sigemptyset(&stop);
	sigaddset(&stop, SIGTERM);
	sigaddset(&stop, SIGINT);
	pthread_sigmask(SIG_BLOCK, &stop, NULL);
	signal(SIGPIPE, SIG_IGN);
	s = http_start(&cf, &up, nc, rl, &hs);
	if (s != ST_OK)
		goto cleanup;
	fprintf(stderr, "intake-server: listening on %s%s%s:%u%s\n",
	        strchr(cf.listen_host, ':') ? "[" : "", cf.listen_host,
	        strchr(cf.listen_host, ':') ? "]" : "", (unsigned)cf.port,
	        cf.tls_cert != NULL ? " (TLS)" : "");
	/* Retry landings and reap every few seconds: the queries are cheap. */
	serve(&up, &stop, cf.expire < 20 ? (unsigned)(cf.expire / 4 + 1) : 5);
cleanup:
	http_stop(hs);
	rate_free(rl);
	nonce_free(nc);
	srvkeyset_free(keys);
	if (up_ready)
		upload_fini(&up);
	store_close(st);
	blob_close(bl);
	conf_free(&cf);
	return st_exit_code(s);
}
