/* case.c: the open pipeline: envelope -> staging folder -> case folder +
 * catalog row, or quarantine. See case.h for the order of operations. */
#include "case.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include <jansson.h>
#include "classify.h"
#include "enc.h"
#include "env.h"
#include "fsio.h"
#include "hash.h"
#include "jmem.h"
#include "manifest.h"
#include "payload.h"
#include "seal.h"
#include "term.h"

#define CASE_NBUF 6       /* batches in flight: slack for a busy CPU */
#define CASE_BATCH_BYTES (SEAL_BATCH * ENV_SLOT)
#define CASE_NAME_TRIES 1000             /* " (2)" .. " (1000)" */
#define CASE_STORED_MAX (MANIFEST_NAME_MAX + 16)
#define CASE_KICK ((uint64_t)32 << 20)   /* writeback every 32 MiB */

struct case_store {
	int fd;        /* CASES */
	int stagefd;   /* CASES/.staging */
	int quarfd;    /* CASES/quarantine */
	catalog *cat;
	/* Batch buffers, allocated once: locking 12 MiB per envelope would
	 * cost more than opening a small one. Wiped after each use. */
	uint8_t *buf[CASE_NBUF];
};

/* One part of the payload as stored: part 0 is the text. */
typedef struct {
	char name[MANIFEST_NAME_MAX + 1];
	char path[sizeof CASE_FILES_DIR + CASE_STORED_MAX + 1];
	const char *type;
	uint64_t size;
	uint64_t written;
	uint64_t kicked;       /* bytes handed to writeback so far */
	char sha256[CATALOG_HASH_HEX]; /* set by the writing thread */
	classify_result cls;   /* what the stored bytes are */
	int done;
} case_part;

/* A run of plaintext of parser part `part` for the writing thread, or
 * the end of that part. */
typedef struct {
	const uint8_t *p;
	size_t n;
	int part;
	int end;
} case_seg;

typedef struct {
	case_seg *v;
	size_t n, cap;
} case_segs;

/* The hand-off between the two threads: the caller reads, decrypts and
 * parses each batch and lists its runs of plaintext; the writing thread
 * creates, writes, classifies and hashes the parts from them, so the
 * kernel's copies and SHA-256 overlap the decryption. All of it goes to
 * the staging folder, which becomes a case only after every chunk
 * authenticated. */
typedef struct {
	pthread_mutex_t mu;
	pthread_cond_t cv;
	uint8_t *buf[CASE_NBUF];
	size_t used[CASE_NBUF];  /* bytes to wipe afterwards */
	case_segs segs[CASE_NBUF];
	int full[CASE_NBUF];
	uint64_t nbatches;
	int failed;              /* the reading side gave up */
	st_t sink_st;            /* the writing side's first failure */
	hash_state *sha;         /* the writing thread's */
	struct case_job *job;
} case_pipe;

/* Everything one envelope's opening owns. */
typedef struct case_job {
	case_store *cs;
	char stage_name[40];   /* folder inside .staging */
	int dirfd;             /* the staging folder of this envelope */
	int filesfd;           /* its files/ subfolder */
	payload_parser *parser;
	const manifest *m;     /* owned by the parser */
	case_part *parts;
	size_t nparts;
	int cur;               /* part with an open file, or -2 */
	int curfd;
	case_pipe *pipe;
	size_t slot;           /* batch being parsed */
	uint8_t *text;         /* first CASE_FTS_MAX bytes, for the index */
	size_t text_len, text_cap;
	const char *why;       /* what went wrong, for the quarantine */
	case_io *io;           /* progress out, or NULL */
	uint64_t env_size;     /* for progress */
} case_job;

/* mkdirat (EEXIST allowed when !fresh) and open it without following a
 * symlink, so a planted link can never redirect our writes. */
static st_t case_subdir(int parent, const char *name, int fresh, int *fd)
{
	if (mkdirat(parent, name, 0700) != 0 && (fresh || errno != EEXIST))
		return fsio_errno_status(errno);
	*fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	                           O_CLOEXEC);
	if (*fd < 0)
		return fsio_errno_status(errno);
	/* 0700 even if it existed with a wider mode */
	return fchmod(*fd, 0700) == 0 ? ST_OK : ST_PERM;
}

/* Remove a folder we made (and what is in it), never following links. */
static void case_rmtree(int parent, const char *name, int depth)
{
	struct dirent *e;
	DIR *d;
	int fd;

	fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW |
	                          O_CLOEXEC);
	if (fd < 0) {
		unlinkat(parent, name, 0);
		return;
	}
	d = fdopendir(fd);
	if (d == NULL) {
		close(fd);
		return;
	}
	while ((e = readdir(d)) != NULL) {
		if (strcmp(e->d_name, ".") == 0 || strcmp(e->d_name, "..") == 0)
			continue;
		if (unlinkat(fd, e->d_name, 0) != 0 && errno == EISDIR &&
		    depth < 3)
			case_rmtree(fd, e->d_name, depth + 1);
	}
	closedir(d);
	unlinkat(parent, name, AT_REMOVEDIR);
}

st_t case_store_open(const char *path, case_store **out)
{
	char dbpath[4096];
	struct dirent *e;
	case_store *cs;
	size_t i;
	DIR *d;
	int fd;
	st_t st;

	if (snprintf(dbpath, sizeof dbpath, "%s/%s", path, CATALOG_FILE) >=
	    (int)sizeof dbpath)
		return ST_USAGE;
	cs = calloc(1, sizeof *cs);
	if (cs == NULL)
		return ST_NOMEM;
	cs->fd = cs->stagefd = cs->quarfd = -1;
	if (mkdir(path, 0700) != 0 && errno != EEXIST) {
		st = fsio_errno_status(errno);
		goto cleanup;
	}
	cs->fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (cs->fd < 0) {
		st = fsio_errno_status(errno);
		goto cleanup;
	}
	/* The cases are testimony: 0700 whatever the umask made it or it
	 * was before. */
	if (fchmod(cs->fd, 0700) != 0) {
		st = ST_PERM;
		goto cleanup;
	}
	st = case_subdir(cs->fd, CASE_STAGING, 0, &cs->stagefd);
	if (st == ST_OK)
		st = case_subdir(cs->fd, CASE_QUARANTINE, 0, &cs->quarfd);
	if (st == ST_OK)
		st = catalog_open(dbpath, &cs->cat);
	for (i = 0; st == ST_OK && i < CASE_NBUF; i++) {
		cs->buf[i] = sodium_malloc(CASE_BATCH_BYTES);
		if (cs->buf[i] == NULL)
			st = ST_NOMEM;
	}
	if (st != ST_OK)
		goto cleanup;
	/* Leftovers of an interrupted run were never committed: drop them. */
	fd = dup(cs->stagefd);
	d = fd >= 0 ? fdopendir(fd) : NULL;
	if (d == NULL) {
		if (fd >= 0)
			close(fd);
		st = ST_IO;
		goto cleanup;
	}
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			case_rmtree(cs->stagefd, e->d_name, 1);
	closedir(d);
	*out = cs;
	cs = NULL;
cleanup:
	case_store_close(cs);
	return st;
}

void case_store_close(case_store *cs)
{
	size_t i;

	if (cs == NULL)
		return;
	for (i = 0; i < CASE_NBUF; i++)
		if (cs->buf[i] != NULL)
			sodium_free(cs->buf[i]);
	if (cs->fd >= 0)
		close(cs->fd);
	if (cs->stagefd >= 0)
		close(cs->stagefd);
	if (cs->quarfd >= 0)
		close(cs->quarfd);
	catalog_close(cs->cat);
	free(cs);
}

catalog *case_store_catalog(case_store *cs)
{
	return cs->cat;
}

/* ---- the payload sink: the manifest is taken on the reading thread;
 * the parts are made on the writing thread (case_write_run) ---- */

static st_t case_on_manifest(void *ctx, const manifest *m)
{
	case_job *j = ctx;
	size_t i;

	j->m = m;
	j->nparts = m->nfiles + 1;
	j->parts = calloc(j->nparts, sizeof *j->parts);
	if (j->parts == NULL)
		return ST_NOMEM;
	snprintf(j->parts[0].name, sizeof j->parts[0].name, "%s", CASE_TEXT_NAME);
	snprintf(j->parts[0].path, sizeof j->parts[0].path, "%s", CASE_TEXT_NAME);
	j->parts[0].type = "text/plain";
	j->parts[0].cls.kind = "text";
	j->parts[0].cls.exts = "txt";
	j->parts[0].size = m->text_size;
	for (i = 0; i < m->nfiles; i++) {
		/* manifest_decode sanitized it already; a second pass costs
		 * nothing and does not depend on that. */
		manifest_safe_name(m->files[i].name, strlen(m->files[i].name),
		                   j->parts[i + 1].name);
		j->parts[i + 1].type = m->files[i].type;
		j->parts[i + 1].size = m->files[i].size;
	}
	if (m->text_size > 0) {
		j->text_cap = m->text_size < CASE_FTS_MAX ? (size_t)m->text_size :
		              CASE_FTS_MAX;
		j->text = sodium_malloc(j->text_cap);
		if (j->text == NULL)
			return ST_NOMEM;
	}
	return ST_OK;
}

/* The k-th name to try for `name`: itself, then " (2)", " (3)"...
 * before its extension. */
static void case_variant(const char *name, int k, char out[CASE_STORED_MAX])
{
	const char *dot = strrchr(name, '.');
	size_t stem = dot != NULL && dot != name ? (size_t)(dot - name) :
	              strlen(name);

	if (k == 1)
		snprintf(out, CASE_STORED_MAX, "%s", name);
	else
		snprintf(out, CASE_STORED_MAX, "%.*s (%d)%s", (int)stem, name, k,
		         name + stem);
}

/* Create the output file of part idx. An attachment whose name is taken
 * gets " (2)", " (3)"... before its extension: nothing is overwritten. */
static st_t case_create_part(case_job *j, size_t idx)
{
	case_part *p = &j->parts[idx];
	char stored[CASE_STORED_MAX];
	int k, fd = -1, flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	                        O_CLOEXEC;

	if (idx == 0) {
		fd = openat(j->dirfd, CASE_TEXT_NAME, flags, 0600);
		if (fd < 0)
			return fsio_errno_status(errno);
		j->curfd = fd;
		return ST_OK;
	}
	for (k = 1; k <= CASE_NAME_TRIES && fd < 0; k++) {
		case_variant(p->name, k, stored);
		fd = openat(j->filesfd, stored, flags, 0600);
		if (fd < 0 && errno != EEXIST)
			return fsio_errno_status(errno);
	}
	if (fd < 0) {
		j->why = "too many attachments with the same name";
		return ST_BADDATA;
	}
	snprintf(p->path, sizeof p->path, "%s/%s", CASE_FILES_DIR, stored);
	j->curfd = fd;
	return ST_OK;
}

/* Classify a complete attachment by its bytes and, when its extension
 * does not match them, rename it (classify_name: "photo.jpg" holding a
 * program becomes "photo.jpg.bin"). Nothing is ever run or opened by
 * another program. */
static st_t case_classify_part(case_job *j, case_part *p)
{
	const char *stored = p->path + sizeof CASE_FILES_DIR;
	char want[CASE_STORED_MAX], name[CASE_STORED_MAX];
	int fd, k;
	st_t st;

	fd = openat(j->filesfd, stored, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return fsio_errno_status(errno);
	st = classify_fd(fd, p->size, &p->cls);
	close(fd);
	if (st != ST_OK)
		return st;
	classify_name(&p->cls, p->name, want, sizeof want);
	if (strcmp(want, p->name) == 0)
		return ST_OK;
	for (k = 1; k <= CASE_NAME_TRIES; k++) {
		case_variant(want, k, name);
		if (renameat2(j->filesfd, stored, j->filesfd, name,
		              RENAME_NOREPLACE) == 0) {
			snprintf(p->path, sizeof p->path, "%s/%s", CASE_FILES_DIR,
			         name);
			return ST_OK;
		}
		if (errno != EEXIST)
			return fsio_errno_status(errno);
	}
	j->why = "too many attachments with the same name";
	return ST_BADDATA;
}

/* Map a parser part number to our index, opening its file if needed. */
static st_t case_enter_part(case_job *j, int part, size_t *idx)
{
	st_t st;

	if (j->parts == NULL || part < PAYLOAD_TEXT ||
	    (size_t)(part + 1) >= j->nparts)
		return ST_INTERNAL;
	*idx = (size_t)(part + 1);
	if (j->cur == part)
		return ST_OK;
	if (j->cur != -2 || j->parts[*idx].done)
		return ST_INTERNAL; /* the parser hands parts over in order */
	st = case_create_part(j, *idx);
	if (st != ST_OK)
		return st;
	j->cur = part;
	return ST_OK;
}

/* Queue a run (or a part end) for the writing thread. */
static st_t case_add_seg(case_job *j, const uint8_t *p, size_t n, int part,
                         int end)
{
	case_segs *sg = &j->pipe->segs[j->slot];
	const uint8_t *lo = j->pipe->buf[j->slot];
	case_seg *nv;
	size_t cap;

	/* The parser hands out pointers into the batch we fed it; the run
	 * is hashed later, so it must stay inside that buffer. */
	if (!end && (p < lo || n > CASE_BATCH_BYTES ||
	             (size_t)(p - lo) > CASE_BATCH_BYTES - n))
		return ST_INTERNAL;
	if (sg->n == sg->cap) {
		cap = sg->cap ? 2 * sg->cap : 64;
		nv = realloc(sg->v, cap * sizeof *nv);
		if (nv == NULL)
			return ST_NOMEM;
		sg->v = nv;
		sg->cap = cap;
	}
	sg->v[sg->n].p = p;
	sg->v[sg->n].n = n;
	sg->v[sg->n].part = part;
	sg->v[sg->n].end = end;
	sg->n++;
	return ST_OK;
}

/* Start writeback of what was written since the last kick, so a large
 * file is on disk by the time it is fsync'd, and dirty memory stays low. */
static void case_kick(case_job *j, case_part *cp, int all)
{
	if (!all && cp->written - cp->kicked < CASE_KICK)
		return;
	sync_file_range(j->curfd, (off64_t)cp->kicked,
	                (off64_t)(cp->written - cp->kicked),
	                SYNC_FILE_RANGE_WRITE);
	cp->kicked = cp->written;
}

static st_t case_on_data(void *ctx, int part, const uint8_t *p, size_t n)
{
	return case_add_seg(ctx, p, n, part, 0);
}

static st_t case_on_part_end(void *ctx, int part)
{
	return case_add_seg(ctx, NULL, 0, part, 1);
}

/* ---- the writing thread's side of the sink ---- */

static st_t case_write_run(case_job *j, int part, const uint8_t *p, size_t n)
{
	case_part *cp;
	size_t idx, keep;
	st_t st;

	st = case_enter_part(j, part, &idx);
	if (st != ST_OK)
		return st;
	cp = &j->parts[idx];
	if (n > cp->size - cp->written)
		return ST_BADDATA;
	st = fsio_write_all(j->curfd, p, n);
	if (st == ST_OK)
		st = hash_sha256_update(j->pipe->sha, p, n);
	if (st != ST_OK)
		return st;
	cp->written += n;
	case_kick(j, cp, 0);
	if (idx == 0 && j->text_len < j->text_cap) {
		keep = j->text_cap - j->text_len < n ? j->text_cap - j->text_len : n;
		memcpy(j->text + j->text_len, p, keep);
		j->text_len += keep;
	}
	return ST_OK;
}

/* A part is complete: its digest, and its file closed and classified;
 * it is fsync'd at commit (case_sync_parts). */
static st_t case_end_part(case_job *j, int part)
{
	uint8_t h[HASH_SHA256_LEN];
	case_part *cp;
	size_t idx;
	st_t st;

	st = case_enter_part(j, part, &idx);
	if (st != ST_OK)
		return st;
	cp = &j->parts[idx];
	if (cp->written != cp->size)
		return ST_BADDATA;
	case_kick(j, cp, 1);
	if (close(j->curfd) != 0)
		st = ST_IO;
	j->curfd = -1;
	j->cur = -2;
	cp->done = 1;
	if (st == ST_OK && idx > 0)
		st = case_classify_part(j, cp);
	if (st == ST_OK)
		st = hash_sha256_final(j->pipe->sha, h);
	if (st == ST_OK)
		enc_hex_encode(cp->sha256, h, sizeof h);
	sodium_memzero(h, sizeof h);
	return st;
}

/* ---- the two-thread pipeline ---- */

/* Writing thread: each part's file and its SHA-256 (common/hash:
 * libcrypto with the CPU's SHA extensions), run by run, batch by batch.
 * After a failure it only hands the buffers back. */
static void *case_write_thread(void *arg)
{
	case_pipe *pp = arg;
	case_job *j = pp->job;
	case_segs *sg;
	uint64_t b;
	size_t slot, i;
	int stop;
	st_t st = ST_OK;

	for (b = 0; b < pp->nbatches; b++) {
		slot = b % CASE_NBUF;
		pthread_mutex_lock(&pp->mu);
		while (!pp->full[slot] && !pp->failed)
			pthread_cond_wait(&pp->cv, &pp->mu);
		stop = !pp->full[slot];
		pthread_mutex_unlock(&pp->mu);
		if (stop)
			break;
		sg = &pp->segs[slot];
		for (i = 0; st == ST_OK && i < sg->n; i++)
			st = sg->v[i].end ? case_end_part(j, sg->v[i].part)
			                  : case_write_run(j, sg->v[i].part,
			                                   sg->v[i].p, sg->v[i].n);
		pthread_mutex_lock(&pp->mu);
		pp->full[slot] = 0;
		if (st != ST_OK && pp->sink_st == ST_OK)
			pp->sink_st = st;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	}
	return NULL;
}

/* Reading side (the caller): read, decrypt and parse batch after batch
 * while the writing thread works on earlier ones; stop when it failed. */
static st_t case_read_batches(case_job *j, case_pipe *pp, int fd,
                              const env_keys *keys,
                              crypto_generichash_state *eh)
{
	uint64_t b, nchunks = env_keys_nchunks(keys), first;
	size_t header_len = env_keys_header_len(keys);
	size_t slot, count, i, n, off;
	st_t st = ST_OK;

	for (b = 0; b < pp->nbatches && st == ST_OK; b++) {
		slot = b % CASE_NBUF;
		first = b * SEAL_BATCH;
		count = nchunks - first < SEAL_BATCH ? (size_t)(nchunks - first) :
		        SEAL_BATCH;
		pthread_mutex_lock(&pp->mu);
		while (pp->full[slot] && pp->sink_st == ST_OK)
			pthread_cond_wait(&pp->cv, &pp->mu);
		st = pp->sink_st;
		pthread_mutex_unlock(&pp->mu);
		if (st != ST_OK)
			break;
		for (n = 0, i = 0; i < count; i++)
			n += env_chunk_plain_len(keys, first + i) + ENV_TAG;
		if (n > pp->used[slot])
			pp->used[slot] = n;
		st = fsio_pread_exact(fd, pp->buf[slot], n,
		                      header_len + first * ENV_SLOT);
		if (st != ST_OK) {
			st = st == ST_BADDATA ? ST_IO : st; /* shrank under us */
			break;
		}
		/* the envelope id covers every chunk through its tag */
		for (i = 0, off = 0; i < count; i++) {
			off += env_chunk_plain_len(keys, first + i);
			crypto_generichash_update(eh, pp->buf[slot] + off, ENV_TAG);
			off += ENV_TAG;
		}
		st = env_open_chunks(keys, first, pp->buf[slot], count, 1);
		if (st != ST_OK) {
			j->why = "payload does not authenticate (tampered or "
			         "truncated)";
			break;
		}
		j->slot = slot;
		pp->segs[slot].n = 0;
		for (i = 0; st == ST_OK && i < count; i++)
			st = payload_parser_feed(j->parser,
			        pp->buf[slot] + i * ENV_SLOT,
			        env_chunk_plain_len(keys, first + i));
		if (st != ST_OK) {
			if (j->why == NULL)
				j->why = "payload is malformed";
			break;
		}
		pthread_mutex_lock(&pp->mu);
		pp->full[slot] = 1;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
		if (j->io != NULL && j->io->progress != NULL)
			j->io->progress(j->io->ctx, header_len + (first + count) *
			                (uint64_t)ENV_SLOT, j->env_size);
	}
	if (st != ST_OK) {
		pthread_mutex_lock(&pp->mu);
		pp->failed = 1;
		pthread_cond_broadcast(&pp->cv);
		pthread_mutex_unlock(&pp->mu);
	}
	return st;
}

/* Decrypt, parse, write and hash the whole stream of an opened header. */
static st_t case_stream(case_job *j, int fd, const env_keys *keys,
                        crypto_generichash_state *eh)
{
	static const payload_sink sink = { case_on_manifest, case_on_data,
	                                   case_on_part_end };
	case_pipe pp;
	pthread_t th;
	size_t i;
	st_t st;

	memset(&pp, 0, sizeof pp);
	pthread_mutex_init(&pp.mu, NULL);
	pthread_cond_init(&pp.cv, NULL);
	pp.job = j;
	pp.nbatches = (env_keys_nchunks(keys) + SEAL_BATCH - 1) / SEAL_BATCH;
	for (i = 0; i < CASE_NBUF; i++)
		pp.buf[i] = j->cs->buf[i];
	j->pipe = &pp;
	st = payload_parser_new(env_keys_stream_len(keys), &sink, j, &j->parser);
	if (st == ST_OK)
		st = hash_sha256_new(&pp.sha);
	if (st != ST_OK)
		goto cleanup;
	if (pthread_create(&th, NULL, case_write_thread, &pp) != 0) {
		st = ST_NOMEM;
		goto cleanup;
	}
	st = case_read_batches(j, &pp, fd, keys, eh);
	pthread_join(th, NULL);
	if (st == ST_OK || st == pp.sink_st) {
		st = pp.sink_st;
		if (st != ST_OK && j->why == NULL)
			j->why = "payload is malformed";
	}
	if (st != ST_OK)
		goto cleanup;
	st = payload_parser_finish(j->parser);
	if (st != ST_OK)
		j->why = "payload is incomplete";
	for (i = 0; st == ST_OK && i < j->nparts; i++)
		if (!j->parts[i].done)
			st = ST_INTERNAL; /* the parser ends every part */
cleanup:
	for (i = 0; i < CASE_NBUF; i++) {
		sodium_memzero(pp.buf[i], pp.used[i]); /* the plaintext */
		free(pp.segs[i].v);
	}
	hash_sha256_free(pp.sha);
	j->pipe = NULL;
	pthread_mutex_destroy(&pp.mu);
	pthread_cond_destroy(&pp.cv);
	return st;
}

/* Make every stored part durable before the folder is renamed. */
static st_t case_sync_parts(case_job *j)
{
	size_t i;
	int fd;
	st_t st = ST_OK;

	for (i = 0; i < j->nparts && st == ST_OK; i++) {
		fd = openat(j->dirfd, j->parts[i].path, O_RDONLY | O_NOFOLLOW |
		            O_CLOEXEC);
		if (fd < 0 || fsync(fd) != 0)
			st = fsio_errno_status(errno);
		if (fd >= 0)
			close(fd);
	}
	return st;
}

/* ---- commit or quarantine ---- */

/* Statuses that mean the envelope itself is bad (not our disk or memory). */
static int case_bad_envelope(st_t st)
{
	return st == ST_BADDATA || st == ST_VERSION || st == ST_DECRYPT ||
	       st == ST_MISMATCH || st == ST_TOOBIG;
}

/* What the case's manifest.json says (caller json_decref's). */
static json_t *case_manifest_json(const case_job *j, const catalog_case *cc)
{
	json_t *doc, *files, *reply, *f;
	char *envname = NULL;
	size_t i;

	/* The envelope's file name is the stick's, not the manifest's: it
	 * may not even be UTF-8, which a JSON string must be. */
	if (term_clean(cc->envelope, strlen(cc->envelope), 0, &envname) !=
	    ST_OK)
		return NULL;
	reply = cc->reply_pk == NULL ? json_null() :
	        json_pack("{s:s, s:s}", "public_key", cc->reply_pk, "mailbox",
	                  cc->mailbox);
	files = json_array();
	doc = json_pack("{s:I, s:s, s:s, s:I, s:s, s:s, s:s, s:s, s:o,"
	                " s:{s:s, s:I, s:s}}",
	                "case", (json_int_t)cc->id,
	                "envelope", envname,
	                "envelope_id", cc->envelope_id,
	                "envelope_size", (json_int_t)cc->envelope_size,
	                "received", cc->received,
	                "submitted", cc->submitted,
	                "opened", cc->opened,
	                "key_id", cc->key_id,
	                "reply", reply,
	                "text", "path", j->parts[0].path,
	                "size", (json_int_t)j->parts[0].size,
	                "sha256", j->parts[0].sha256);
	free(envname);
	if (doc == NULL || files == NULL ||
	    json_object_set_new(doc, "files", files) != 0) {
		json_decref(doc);
		return NULL;
	}
	for (i = 1; i < j->nparts; i++) {
		f = json_pack("{s:s, s:s, s:I, s:s, s:s, s:s, s:s}", "name",
		              j->parts[i].name, "path", j->parts[i].path,
		              "size", (json_int_t)j->parts[i].size,
		              "type", j->parts[i].type,
		              "kind", j->parts[i].cls.kind,
		              "flags", j->parts[i].cls.flags,
		              "sha256", j->parts[i].sha256);
		if (f == NULL || json_array_append_new(files, f) != 0) {
			json_decref(doc);
			return NULL;
		}
	}
	return doc;
}

/* Write manifest.json into the staging folder and make it all durable. */
static st_t case_write_manifest(case_job *j, const catalog_case *cc)
{
	json_t *doc = case_manifest_json(j, cc);
	char *text = NULL;
	int fd = -1;
	st_t st = ST_OK;

	if (doc == NULL || (text = json_dumps(doc, JSON_INDENT(2) |
	                                      JSON_PRESERVE_ORDER)) == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	st = case_sync_parts(j);
	if (st != ST_OK)
		goto cleanup;
	fd = openat(j->dirfd, CASE_MANIFEST_NAME, O_WRONLY | O_CREAT | O_EXCL |
	            O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0) {
		st = fsio_errno_status(errno);
		goto cleanup;
	}
	st = fsio_write_all(fd, text, strlen(text));
	if (st == ST_OK)
		st = fsio_write_all(fd, "\n", 1);
	if (st == ST_OK && (fsync(fd) != 0 || fsync(j->filesfd) != 0 ||
	                    fsync(j->dirfd) != 0))
		st = fsio_errno_status(errno);
cleanup:
	if (fd >= 0)
		close(fd);
	jmem_free(text);
	json_decref(doc);
	return st;
}

/* Rename the staging folder to CASES/case-NNNNNN and commit its row, in
 * one catalog transaction. *renamed says the folder has moved. */
static st_t case_commit(case_job *j, catalog_case *cc, case_outcome *outcome,
                        long long *id, int *renamed)
{
	case_store *cs = j->cs;
	catalog_file *files;
	char dirname[32];
	long long dup = 0;
	size_t i;
	int tries;
	st_t st;

	files = calloc(j->nparts, sizeof *files);
	if (files == NULL)
		return ST_NOMEM;
	for (i = 0; i < j->nparts; i++) {
		files[i].name = j->parts[i].name;
		files[i].path = j->parts[i].path;
		files[i].size = j->parts[i].size;
		files[i].type = j->parts[i].type;
		files[i].kind = j->parts[i].cls.kind;
		files[i].flags = j->parts[i].cls.flags;
		memcpy(files[i].sha256, j->parts[i].sha256, CATALOG_HASH_HEX);
	}
	cc->files = files;
	cc->nfiles = j->nparts;
	st = catalog_begin(cs->cat);
	if (st != ST_OK)
		goto cleanup;
	st = catalog_find_hash(cs->cat, cc->envelope_id, &dup);
	if (st == ST_OK && dup != 0) {
		/* The same bytes under another name: one case is enough. */
		*outcome = CASE_KNOWN;
		*id = dup;
		goto cleanup;
	}
	if (st == ST_OK)
		st = catalog_next_id(cs->cat, &cc->id);
	if (st != ST_OK)
		goto cleanup;
	/* A folder without a row is left by a crash between rename and
	 * commit: step over it rather than reuse its name. */
	for (tries = 0;; tries++, cc->id++) {
		snprintf(dirname, sizeof dirname, "case-%06lld", cc->id);
		if (faccessat(cs->fd, dirname, F_OK, AT_SYMLINK_NOFOLLOW) != 0)
			break;
		if (tries == 1000) {
			st = ST_CONFLICT;
			goto cleanup;
		}
	}
	st = case_write_manifest(j, cc);
	if (st != ST_OK)
		goto cleanup;
	if (renameat2(cs->stagefd, j->stage_name, cs->fd, dirname,
	              RENAME_NOREPLACE) != 0) {
		st = fsio_errno_status(errno);
		goto cleanup;
	}
	*renamed = 1;
	if (fsync(cs->fd) != 0) {
		st = fsio_errno_status(errno);
		goto cleanup;
	}
	st = catalog_add(cs->cat, cc);
	if (st == ST_OK)
		st = catalog_commit(cs->cat);
	if (st == ST_OK) {
		*outcome = CASE_OPENED;
		*id = cc->id;
	}
cleanup:
	if (st != ST_OK && *renamed &&
	    renameat(cs->fd, dirname, cs->stagefd, j->stage_name) == 0)
		*renamed = 0; /* back to staging, to be removed */
	if (st != ST_OK || *outcome == CASE_KNOWN)
		catalog_rollback(cs->cat);
	free(files);
	return st;
}

/* Copy then unlink, for an envelope on another file system. */
static st_t case_move_copy(int fromdir, const char *name, int todir,
                           const char *target)
{
	uint8_t buf[65536];
	size_t got;
	int in, out = -1;
	st_t st = ST_OK;

	in = openat(fromdir, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return fsio_errno_status(errno);
	out = openat(todir, target, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW |
	             O_CLOEXEC, 0600);
	if (out < 0) {
		st = errno == EEXIST ? ST_EXISTS : fsio_errno_status(errno);
		goto cleanup;
	}
	do {
		st = fsio_read_full(in, buf, sizeof buf, &got);
		if (st == ST_OK && got > 0)
			st = fsio_write_all(out, buf, got);
	} while (st == ST_OK && got == sizeof buf);
	if (st == ST_OK && fsync(out) != 0)
		st = fsio_errno_status(errno);
	if (st == ST_OK && unlinkat(fromdir, name, 0) != 0)
		st = fsio_errno_status(errno);
	if (st != ST_OK)
		unlinkat(todir, target, 0);
cleanup:
	close(in);
	if (out >= 0)
		close(out);
	return st;
}

/* Move envelope `name` into CASES/quarantine (never replacing a file
 * there) with NAME.reason saying why. */
static st_t case_quarantine(case_store *cs, int dirfd, const char *name,
                            st_t why, const char *detail)
{
	char target[NAME_MAX + 1], reason[NAME_MAX + 16], text[512];
	int k, fd, n;
	st_t st = ST_EXISTS;

	for (k = 1; k <= 100 && st == ST_EXISTS; k++) {
		if (k == 1)
			n = snprintf(target, sizeof target, "%s", name);
		else
			n = snprintf(target, sizeof target, "%.200s.%d", name, k);
		if (n < 0 || n >= (int)sizeof target)
			return ST_INTERNAL;
		if (renameat2(dirfd, name, cs->quarfd, target,
		              RENAME_NOREPLACE) == 0)
			st = ST_OK;
		else if (errno == EXDEV)
			st = case_move_copy(dirfd, name, cs->quarfd, target);
		else
			st = errno == EEXIST ? ST_EXISTS : fsio_errno_status(errno);
	}
	if (st != ST_OK)
		return st;
	snprintf(reason, sizeof reason, "%s.reason", target);
	n = snprintf(text, sizeof text, "%s: %s\n", detail, st_str(why));
	fd = openat(cs->quarfd, reason, O_WRONLY | O_CREAT | O_TRUNC |
	            O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return fsio_errno_status(errno);
	st = fsio_write_all(fd, text, (size_t)n);
	if (st == ST_OK && fsync(fd) != 0)
		st = fsio_errno_status(errno);
	close(fd);
	if (st == ST_OK && (fsync(cs->quarfd) != 0 || fsync(dirfd) != 0))
		st = fsio_errno_status(errno);
	return st;
}

/* The recipients' key ids, comma-separated. */
static void case_key_ids(const env_info *info, char out[CASE_IDS_MAX])
{
	size_t i, k = 0;

	out[0] = '\0';
	for (i = 0; i < info->nrecip && i < 16; i++) {
		if (i > 0) {
			memcpy(out + k, ", ", 2);
			k += 2;
		}
		enc_hex_encode(out + k, info->key_ids[i], KEY_ID_LEN);
		k += 2 * KEY_ID_LEN;
	}
	out[k] = '\0';
}

/* 1 when two folder descriptors name the same folder. */
static int case_same_dir(int a, int b)
{
	struct stat sa, sb;

	return fstat(a, &sa) == 0 && fstat(b, &sb) == 0 &&
	       sa.st_dev == sb.st_dev && sa.st_ino == sb.st_ino;
}

/* An envelope from quarantine opened after all (it was quarantined for
 * a key, not damage): its .reason no longer holds. The envelope stays,
 * as every opened envelope stays where it was read. */
static void case_unquarantine(case_store *cs, const char *name)
{
	char reason[NAME_MAX + 16];

	if (snprintf(reason, sizeof reason, "%s.reason", name) <
	    (int)sizeof reason)
		unlinkat(cs->quarfd, reason, 0);
}

/* Read and open the header; on failure j->why says what was wrong. */
static st_t case_header(case_job *j, int fd, uint64_t size,
                        const key_secret *k, env_keys **keys,
                        char keyid[2 * KEY_ID_LEN + 1],
                        crypto_generichash_state *eh)
{
	uint8_t hdr[ENV_MAX_HEADER];
	size_t n = size < sizeof hdr ? (size_t)size : sizeof hdr;
	unsigned stanza = 0;
	env_info info;
	st_t st;

	st = fsio_pread_exact(fd, hdr, n, 0);
	if (st != ST_OK)
		return st == ST_BADDATA ? ST_IO : st;
	st = env_inspect(hdr, n, &info);
	if (st != ST_OK) {
		j->why = "not an intake envelope";
		return st;
	}
	if (info.total_len != size) {
		j->why = "length does not match its header (truncated or "
		         "extended)";
		return ST_MISMATCH;
	}
	st = env_open_header(hdr, info.header_len, k, keys, &stanza);
	if (st == ST_NOKEY && j->io != NULL)
		case_key_ids(&info, j->io->sealed_to);
	if (st == ST_NOKEY)
		j->why = "not encrypted to this officer's key";
	else if (st != ST_OK)
		j->why = "header does not authenticate";
	if (st != ST_OK)
		return st;
	if (stanza >= info.nrecip) {
		j->why = "header names no stanza";
		return ST_BADDATA;
	}
	enc_hex_encode(keyid, info.key_ids[stanza], KEY_ID_LEN);
	crypto_generichash_init(eh, NULL, 0, crypto_generichash_BYTES);
	crypto_generichash_update(eh, hdr, info.header_len);
	return ST_OK;
}

static void case_job_release(case_job *j)
{
	if (j->curfd >= 0)
		close(j->curfd);
	if (j->filesfd >= 0)
		close(j->filesfd);
	if (j->dirfd >= 0)
		close(j->dirfd);
	payload_parser_free(j->parser);
	if (j->text != NULL)
		sodium_free(j->text);
	free(j->parts);
}

st_t case_open_envelope(case_store *cs, const key_secret *k, int dirfd,
                        const char *name, case_io *io,
                        case_outcome *outcome, long long *id)
{
	char keyid[2 * KEY_ID_LEN + 1], hash[CATALOG_HASH_HEX];
	char opened[32], received[16], pkhex[65], mbhex[33];
	char keyfp[KEY_FP_TEXT_MAX];
	uint8_t h[crypto_generichash_BYTES], rnd[8];
	key_bundle one;
	crypto_generichash_state eh;
	env_keys *keys = NULL;
	catalog_case cc;
	case_job j;
	struct stat sb;
	struct tm tm;
	time_t now;
	int fd = -1, renamed = 0, staged = 0;
	st_t st;

	memset(&j, 0, sizeof j);
	j.cs = cs;
	j.io = io;
	j.dirfd = j.filesfd = j.curfd = -1;
	j.cur = -2;
	*outcome = CASE_FAILED;
	*id = 0;
	st = catalog_find_envelope(cs->cat, name, id);
	if (st != ST_OK || *id != 0) {
		if (st == ST_OK)
			*outcome = CASE_KNOWN;
		return st;
	}
	fd = openat(dirfd, name, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 && errno == ELOOP) {
		st = ST_BADDATA;
		j.why = "is a symbolic link";
	} else if (fd < 0) {
		st = fsio_errno_status(errno);
	} else if (fstat(fd, &sb) != 0) {
		st = fsio_errno_status(errno);
	} else if (!S_ISREG(sb.st_mode)) {
		st = ST_BADDATA;
		j.why = "not a regular file";
	}
	if (st == ST_OK) {
		/* read once, front to back: ask for readahead (removable media) */
		posix_fadvise(fd, 0, 0, POSIX_FADV_SEQUENTIAL);
		j.env_size = (uint64_t)sb.st_size;
		st = case_header(&j, fd, (uint64_t)sb.st_size, k, &keys, keyid,
		                 &eh);
	}
	if (st != ST_OK)
		goto cleanup;
	randombytes_buf(rnd, sizeof rnd);
	memcpy(j.stage_name, "open-", 5);
	enc_hex_encode(j.stage_name + 5, rnd, sizeof rnd);
	st = case_subdir(cs->stagefd, j.stage_name, 1, &j.dirfd);
	if (st != ST_OK)
		goto cleanup;
	staged = 1;
	st = case_subdir(j.dirfd, CASE_FILES_DIR, 1, &j.filesfd);
	if (st == ST_OK)
		st = case_stream(&j, fd, keys, &eh);
	if (st != ST_OK)
		goto cleanup;
	crypto_generichash_final(&eh, h, sizeof h);
	enc_hex_encode(hash, h, sizeof h);

	memset(&cc, 0, sizeof cc);
	now = time(NULL);
	gmtime_r(&now, &tm);
	strftime(opened, sizeof opened, "%Y-%m-%dT%H:%M:%SZ", &tm);
	/* fetch dates each envelope file with the day the server got it */
	gmtime_r(&sb.st_mtime, &tm);
	strftime(received, sizeof received, "%Y-%m-%d", &tm);
	cc.envelope = name;
	cc.envelope_id = hash;
	cc.envelope_size = (uint64_t)sb.st_size;
	cc.received = received;
	cc.submitted = j.m->date;
	cc.opened = opened;
	cc.text_size = j.m->text_size;
	st = manifest_content_len(j.m, &cc.content_size);
	if (st != ST_OK)
		goto cleanup;
	cc.key_id = keyid;
	one.n = 0;
	key_bundle_add(&one, k->pk);
	key_bundle_fingerprint(&one, keyfp);
	cc.key_fp = keyfp;
	if (j.m->has_reply) {
		enc_hex_encode(pkhex, j.m->reply_pk, sizeof j.m->reply_pk);
		enc_hex_encode(mbhex, j.m->mailbox, sizeof j.m->mailbox);
		cc.reply_pk = pkhex;
		cc.mailbox = mbhex;
	}
	cc.text = (const char *)j.text;
	cc.text_len = j.text_len;
	st = case_commit(&j, &cc, outcome, id, &renamed);
cleanup:
	env_keys_free(keys);
	if (fd >= 0)
		close(fd);
	case_job_release(&j);
	if (staged && !renamed)
		case_rmtree(cs->stagefd, j.stage_name, 1);
	if (st == ST_NOKEY) {
		/* Not damage: sealed to another officer. Leave it untouched
		 * on the stick for whoever holds that key. */
		*outcome = CASE_NOT_MINE;
	} else if (st != ST_OK && case_bad_envelope(st) &&
	           case_same_dir(dirfd, cs->quarfd)) {
		*outcome = CASE_QUARANTINED; /* a retry: it stays there */
	} else if (st == ST_OK && *outcome == CASE_OPENED &&
	           case_same_dir(dirfd, cs->quarfd)) {
		case_unquarantine(cs, name);
	} else if (st != ST_OK && case_bad_envelope(st)) {
		if (case_quarantine(cs, dirfd, name, st, j.why != NULL ? j.why :
		                    "cannot open") == ST_OK)
			*outcome = CASE_QUARANTINED;
	}
	return st;
}
