/* http.c: every libmicrohttpd call and callback of intake-server. State
 * per request is allocated on the first callback and freed in the
 * completion callback; upload bodies go to upload.c as MHD hands them
 * over. Error bodies are fixed text: nothing from the request is echoed,
 * and nothing about the client is logged. */
#include <arpa/inet.h>
#include <errno.h>
#include <pthread.h>
#include <inttypes.h>
#include <netinet/in.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>
#include <jansson.h>
#include <microhttpd.h>
#include <sodium.h>
#include "auth.h"
#include "enc.h"
#include "fsio.h"
#include "http.h"
#include "keyset.h"
#include "now.h"
#include "pow.h"
#include "reply.h"
#include "web.h"
#include "work.h"

#define HTTP_HEADERS_MAX (16 * 1024) /* all request header bytes together */
#define HTTP_LIST_MAX 1000
#define HTTP_TLS_FILE_MAX (64 * 1024)
#define HTTP_TARGET_MAX 1024 /* request target (path and query) kept for auth */
#define HTTP_HOST_MAX 264
#define HTTP_EVICT_ROOM 4096 /* connections MHD takes past ours, to evict */
#define TUS_VERSION "1.0.0"
#define TUS_EXTENSIONS "creation,creation-with-upload,expiration,termination"
#define OFFSET_OCTETS "application/offset+octet-stream"

/* One TCP connection, from accept to close, in age order. busy: a
 * request's headers are in (it is being served); otherwise the
 * connection waits for headers, since `since`. */
typedef struct http_conn {
	struct http_conn *prev, *next;
	int fd;
	int busy;
	int shut;           /* already shut down by us */
	struct timespec since;
} http_conn;

struct http_server {
	const conf *cf;
	work *wk;           /* fsync and landing, off the event threads */
	pow_state *pw;            /* proof of work on upload creation */
	pthread_mutex_t cmu; /* guards the connection list */
	http_conn *chead, *ctail;
	unsigned nbusy;     /* connections with a request being served */
	pthread_t reaper;
	int reaper_on;
	pthread_mutex_t rmu;
	pthread_cond_t rcv;
	int stopping;
	upload_svc *up;
	nonce_cache *nc;
	rate *rl;
	struct MHD_Daemon *d;
	uint8_t officer_id[CONF_MAX_OFFICERS][AUTH_ID_LEN];
	char hosts[CONF_MAX_HOSTS][HTTP_HOST_MAX]; /* Host values officers sign for */
	size_t n_hosts;
	uint8_t *tls_cert;  /* PEM, malloc'd */
	uint8_t *tls_key;   /* PEM, sodium_malloc'd */
	int lfd;
	atomic_uint nconn;  /* open connections */
};

typedef enum {
	RT_NONE, RT_HEALTH, RT_POW, RT_UPLOADS, RT_UPLOAD, RT_SUBS, RT_SUB, RT_FETCHED,
	RT_MAILBOX, RT_KEYSET
} http_route;

typedef struct {
	http_route rt;
	char id[BLOB_ID_HEX + 1];
	char *target;     /* request target as sent (path and query), or NULL */
	int started;      /* the first access callback has run */
	int signed_body;  /* an officer request whose signature covers a body */
	int tus;          /* an upload route: answers carry Tus-Resumable */
	int deferred;     /* no body: start on the second callback */
	int queued;       /* the response is queued already */
	int creating;     /* POST /v1/uploads/: answer 201 at the end */
	int patching;     /* an upload_patch session is open */
	int finished;     /* its end ran on the work pool: fin_st, fin_off */
	upload_patch patch;
	st_t fin_st;
	uint64_t fin_off;
	struct MHD_Connection *conn; /* to resume after the work pool */
	int64_t expires;
	uint8_t *buf;     /* reply body being received */
	size_t len;
	st_t body_err;    /* a limit hit while the body arrived */
} http_req;

static const struct {
	st_t st;
	unsigned code;
} http_codes[] = {
	{ ST_OK, MHD_HTTP_OK },
	{ ST_USAGE, MHD_HTTP_BAD_REQUEST },
	{ ST_BADDATA, MHD_HTTP_BAD_REQUEST },
	{ ST_NOTFOUND, MHD_HTTP_NOT_FOUND },
	{ ST_NOINPUT, MHD_HTTP_NOT_FOUND },
	{ ST_CONFLICT, MHD_HTTP_CONFLICT },
	{ ST_TOOBIG, MHD_HTTP_CONTENT_TOO_LARGE },
	{ ST_MISMATCH, MHD_HTTP_UNPROCESSABLE_CONTENT },
	{ ST_TEMPFAIL, MHD_HTTP_SERVICE_UNAVAILABLE },
	{ ST_UNAVAILABLE, MHD_HTTP_SERVICE_UNAVAILABLE },
	{ ST_NOSPACE, MHD_HTTP_INSUFFICIENT_STORAGE },
};

static const struct {
	unsigned code;
	const char *text;
} http_texts[] = {
	{ 400, "malformed request\n" },
	{ 401, "authentication failed\n" },
	{ 404, "not found\n" },
	{ 405, "method not allowed\n" },
	{ 409, "conflict: ask with HEAD and resume\n" },
	{ 412, "Tus-Resumable: 1.0.0 required\n" },
	{ 413, "over a size limit\n" },
	{ 415, "unsupported content type\n" },
	{ 416, "range not satisfiable\n" },
	{ 422, "not a valid intake envelope\n" },
	{ 429, "rate limited, retry later\n" },
	{ 431, "request headers too large\n" },
	{ 503, "busy, retry later\n" },
	{ 507, "store full, retry later\n" },
};

unsigned http_code(st_t st)
{
	size_t i;

	for (i = 0; i < sizeof http_codes / sizeof http_codes[0]; i++)
		if (http_codes[i].st == st)
			return http_codes[i].code;
	return MHD_HTTP_INTERNAL_SERVER_ERROR;
}

static const char *http_text(unsigned code)
{
	size_t i;

	for (i = 0; i < sizeof http_texts / sizeof http_texts[0]; i++)
		if (http_texts[i].code == code)
			return http_texts[i].text;
	return "server fault\n";
}

/* Queue a response; takes ownership of resp. hdrs: name, value pairs,
 * NULL-terminated. */
static enum MHD_Result http_send(struct MHD_Connection *c, const http_req *r,
                                 unsigned code, struct MHD_Response *resp,
                                 const char *ctype, const char *const *hdrs)
{
	enum MHD_Result ret;

	if (resp == NULL)
		return MHD_NO;
	MHD_add_response_header(resp, MHD_HTTP_HEADER_CACHE_CONTROL, "no-store");
	if (r->tus)
		MHD_add_response_header(resp, "Tus-Resumable", TUS_VERSION);
	if (ctype != NULL)
		MHD_add_response_header(resp, MHD_HTTP_HEADER_CONTENT_TYPE, ctype);
	for (; hdrs != NULL && hdrs[0] != NULL; hdrs += 2)
		MHD_add_response_header(resp, hdrs[0], hdrs[1]);
	ret = MHD_queue_response(c, code, resp);
	MHD_destroy_response(resp);
	return ret;
}

static enum MHD_Result http_empty(struct MHD_Connection *c, const http_req *r,
                                  unsigned code, const char *const *hdrs)
{
	return http_send(c, r, code,
	                 MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT),
	                 NULL, hdrs);
}

static enum MHD_Result http_error_code(struct MHD_Connection *c,
                                       const http_req *r, unsigned code)
{
	static const char *const tus_hdrs[] = { "Tus-Version", TUS_VERSION, NULL };
	const char *t = http_text(code);

	return http_send(c, r, code,
	                 MHD_create_response_from_buffer(strlen(t), (void *)t,
	                                                 MHD_RESPMEM_PERSISTENT),
	                 "text/plain; charset=utf-8",
	                 code == MHD_HTTP_PRECONDITION_FAILED ? tus_hdrs : NULL);
}

/* The status's fixed text, and the connection closed: used for framing
 * a proxy in front might read differently (400: bytes after such a head
 * are never parsed as a request) and for a full server (503). */
static enum MHD_Result http_error_close(struct MHD_Connection *c, const http_req *r,
                                        unsigned code)
{
	static const char *const close_hdrs[] = { MHD_HTTP_HEADER_CONNECTION, "close", NULL };
	const char *t = http_text(code);

	return http_send(c, r, code,
	                 MHD_create_response_from_buffer(strlen(t), (void *)t,
	                                                 MHD_RESPMEM_PERSISTENT),
	                 "text/plain; charset=utf-8", close_hdrs);
}

/* 405 with the methods the route takes (RFC 9110 §15.5.6). */
static enum MHD_Result http_not_allowed(struct MHD_Connection *c, const http_req *r)
{
	static const struct {
		http_route rt;
		const char *allow;
	} allow[] = {
		{ RT_HEALTH, "GET, HEAD" },
		{ RT_POW, "GET" },
		{ RT_UPLOADS, "POST, OPTIONS" },
		{ RT_UPLOAD, "HEAD, PATCH, DELETE, OPTIONS" },
		{ RT_SUBS, "GET" },
		{ RT_SUB, "GET, DELETE" },
		{ RT_FETCHED, "POST" },
		{ RT_MAILBOX, "GET, POST" },
		{ RT_KEYSET, "GET, PUT" },
	};
	const char *hdrs[] = { MHD_HTTP_HEADER_ALLOW, "", NULL };
	const char *t = http_text(MHD_HTTP_METHOD_NOT_ALLOWED);
	size_t i;

	for (i = 0; i < sizeof allow / sizeof allow[0]; i++)
		if (allow[i].rt == r->rt)
			hdrs[1] = allow[i].allow;
	return http_send(c, r, MHD_HTTP_METHOD_NOT_ALLOWED,
	                 MHD_create_response_from_buffer(strlen(t), (void *)t,
	                                                 MHD_RESPMEM_PERSISTENT),
	                 "text/plain; charset=utf-8", hdrs);
}

static enum MHD_Result http_error(struct MHD_Connection *c, const http_req *r,
                                  st_t st)
{
	unsigned code = http_code(st);

	/* A server fault is worth a line; the request itself is not. */
	if (code == MHD_HTTP_INTERNAL_SERVER_ERROR)
		fprintf(stderr, "intake-server: request failed: %s\n", st_str(st));
	return http_error_code(c, r, code);
}

/* Takes the malloc'd JSON text; NULL (out of memory) answers 500. */
static enum MHD_Result http_json_text(struct MHD_Connection *c, const http_req *r,
                                      unsigned code, char *text)
{
	if (text == NULL)
		return http_error(c, r, ST_NOMEM);
	return http_send(c, r, code,
	                 MHD_create_response_from_buffer(strlen(text), text,
	                                                 MHD_RESPMEM_MUST_FREE),
	                 "application/json", NULL);
}

/* Takes the json reference. */
static enum MHD_Result http_json(struct MHD_Connection *c, const http_req *r,
                                 unsigned code, json_t *j)
{
	char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	return http_json_text(c, r, code, text);
}

/* Keysets (server/keyset.c): a fixed text body for each refusal. */
static enum MHD_Result http_plain(struct MHD_Connection *c, const http_req *r,
                                  unsigned code, const char *text)
{
	return http_send(c, r, code,
	                 MHD_create_response_from_buffer(strlen(text), (void *)text,
	                                                 MHD_RESPMEM_PERSISTENT),
	                 "text/plain; charset=utf-8", NULL);
}

static enum MHD_Result http_keyset_changed(struct MHD_Connection *c,
                                           const http_req *r)
{
	return http_plain(c, r, MHD_HTTP_UNPROCESSABLE_CONTENT,
	                  "keyset changed: fetch the keyset again\n");
}

static enum MHD_Result http_keyset_get(http_server *h, struct MHD_Connection *c,
                                       http_req *r)
{
	uint8_t *ks = NULL;
	size_t len = 0;
	st_t st = srvkeyset_get(h->up->keys, &ks, &len);

	if (st != ST_OK)
		return http_error(c, r, st);
	return http_send(c, r, MHD_HTTP_OK,
	                 MHD_create_response_from_buffer(len, ks, MHD_RESPMEM_MUST_FREE),
	                 "application/octet-stream", NULL);
}

static const char *http_header(struct MHD_Connection *c, const char *name)
{
	return MHD_lookup_connection_value(c, MHD_HEADER_KIND, name);
}

/* Strict decimal: digits only, no sign, no spaces, fits in int64. */
static st_t http_parse_u64(const char *s, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (s == NULL || s[0] == '\0' || strlen(s) > 18)
		return ST_BADDATA;
	for (i = 0; s[i] != '\0'; i++) {
		if (s[i] < '0' || s[i] > '9')
			return ST_BADDATA;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return ST_OK;
}

static void http_date(int64_t t, char out[64])
{
	time_t tt = (time_t)t;
	struct tm tm;

	gmtime_r(&tt, &tm);
	strftime(out, 64, "%a, %d %b %Y %H:%M:%S GMT", &tm);
}

/* Header fields that must appear at most once: framing, tus state, and
 * what the officer signature and the proof of work cover. */
static const char *const http_single[] = {
	MHD_HTTP_HEADER_HOST, MHD_HTTP_HEADER_CONTENT_TYPE, MHD_HTTP_HEADER_AUTHORIZATION,
	MHD_HTTP_HEADER_RANGE, MHD_HTTP_HEADER_TRANSFER_ENCODING, "Tus-Resumable",
	"Upload-Offset", "Upload-Length", "Upload-Defer-Length", "Upload-Metadata",
	"Intake-PoW",
};
#define HTTP_NSINGLE (sizeof http_single / sizeof http_single[0])

typedef struct {
	size_t bytes;                  /* all header bytes */
	const char *cl;                /* the first Content-Length */
	int cl_differ;                 /* a second, different Content-Length */
	unsigned seen[HTTP_NSINGLE];
} http_head_scan;

static enum MHD_Result http_scan_header(void *cls, enum MHD_ValueKind kind,
                                        const char *key, const char *value)
{
	http_head_scan *sc = cls;
	size_t i;

	(void)kind;
	sc->bytes += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
	if (strcasecmp(key, MHD_HTTP_HEADER_CONTENT_LENGTH) == 0) {
		if (sc->cl == NULL)
			sc->cl = value != NULL ? value : "";
		else if (value == NULL || strcmp(sc->cl, value) != 0)
			sc->cl_differ = 1;
	}
	for (i = 0; i < HTTP_NSINGLE; i++)
		if (strcasecmp(key, http_single[i]) == 0)
			sc->seen[i]++;
	return MHD_YES;
}

/* RFC 9112 §6.1 and §6.3: a Transfer-Encoding other than exactly
 * "chunked", one next to a Content-Length or in HTTP/1.0, differing
 * Content-Lengths, and a repeated single-valued field are all refused. */
static int http_framing_ok(struct MHD_Connection *c, const char *version,
                           const http_head_scan *sc)
{
	const char *te = http_header(c, MHD_HTTP_HEADER_TRANSFER_ENCODING);
	size_t i;

	for (i = 0; i < HTTP_NSINGLE; i++)
		if (sc->seen[i] > 1)
			return 0;
	if (sc->cl_differ)
		return 0;
	if (te != NULL && (strcasecmp(te, "chunked") != 0 || sc->cl != NULL ||
	                   strcmp(version, MHD_HTTP_VERSION_1_1) != 0))
		return 0;
	return 1;
}

/* "/v1/x/ID" style routing; ids must be exactly 32 lowercase hex. */
static http_route http_parse_route(const char *url, char id[BLOB_ID_HEX + 1])
{
	static const struct {
		const char *prefix, *suffix;
		http_route rt;
	} with_id[] = {
		{ "/v1/uploads/", "", RT_UPLOAD },
		{ "/v1/submissions/", "", RT_SUB },
		{ "/v1/submissions/", "/fetched", RT_FETCHED },
		{ "/v1/mailboxes/", "", RT_MAILBOX },
	};
	size_t i, pl;

	if (strcmp(url, "/v1/health") == 0)
		return RT_HEALTH;
	if (strcmp(url, "/v1/keyset") == 0)
		return RT_KEYSET;
	if (strcmp(url, "/v1/pow") == 0)
		return RT_POW;
	if (strcmp(url, "/v1/uploads/") == 0 || strcmp(url, "/v1/uploads") == 0)
		return RT_UPLOADS;
	if (strcmp(url, "/v1/submissions") == 0 || strcmp(url, "/v1/submissions/") == 0)
		return RT_SUBS;
	for (i = 0; i < sizeof with_id / sizeof with_id[0]; i++) {
		pl = strlen(with_id[i].prefix);
		if (strncmp(url, with_id[i].prefix, pl) != 0 ||
		    strlen(url) != pl + BLOB_ID_HEX + strlen(with_id[i].suffix) ||
		    strcmp(url + pl + BLOB_ID_HEX, with_id[i].suffix) != 0)
			continue;
		memcpy(id, url + pl, BLOB_ID_HEX);
		id[BLOB_ID_HEX] = '\0';
		if (blob_id_valid(id))
			return with_id[i].rt;
	}
	return RT_NONE;
}

static int http_host_ok(const http_server *h, const char *host)
{
	size_t i;

	for (i = 0; i < h->n_hosts; i++)
		if (strcasecmp(h->hosts[i], host) == 0)
			return 1;
	return 0;
}

/* The index of the configured officer key the Authorization header names,
 * or -1; *ar is the parsed header. */
static int http_officer_key_req(http_server *h, struct MHD_Connection *c, auth_req *ar)
{
	const char *value = http_header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	size_t i;

	if (value == NULL || strlen(value) >= AUTH_HEADER_MAX || auth_parse(value, ar) != ST_OK)
		return -1;
	for (i = 0; i < h->cf->n_officers; i++)
		if (sodium_memcmp(h->officer_id[i], ar->key_id, AUTH_ID_LEN) == 0)
			return (int)i;
	return -1;
}

static int http_officer_key(http_server *h, struct MHD_Connection *c)
{
	auth_req ar;

	return http_officer_key_req(h, c, &ar);
}

/* Officer authentication (docs/FORMAT.md §6): Host one of ours, a
 * signature by a configured key over method, Host, target and the hash
 * of body (len bytes), a fresh ts, and a nonce never seen: first in
 * memory, then in the database, which outlives a restart. ST_PERM for any failure of the
 * request; another status is a server fault. */
static st_t http_auth(http_server *h, struct MHD_Connection *c, const char *method,
                      const http_req *r, const uint8_t *body, size_t len)
{
	const char *host = http_header(c, MHD_HTTP_HEADER_HOST);
	uint8_t body_hash[AUTH_BODY_HASH_LEN];
	int64_t now = now_get();
	auth_req ar;
	int i;
	st_t st;

	auth_body_hash(body, len, body_hash);

	if (host == NULL || r->target == NULL || !http_host_ok(h, host))
		return ST_PERM;
	i = http_officer_key_req(h, c, &ar);
	if (i < 0 ||
	    auth_verify(h->cf->officer_pk[i], &ar, method, host, r->target, body_hash,
	                now) != ST_OK)
		return ST_PERM;
	/* Remember the nonce only once the signature holds, so nobody
	 * else can fill the cache. */
	if (nonce_check_add(h->nc, ar.nonce, ar.ts, now) != ST_OK)
		return ST_PERM;
	st = store_nonce_add(h->up->st, ar.nonce, sizeof ar.nonce, ar.ts + AUTH_WINDOW);
	return st == ST_CONFLICT ? ST_PERM : st;
}

static enum MHD_Result http_health(struct MHD_Connection *c, http_req *r)
{
	return http_json(c, r, MHD_HTTP_OK, json_pack("{s:s,s:i}", "status", "ok", "version", 1));
}

static enum MHD_Result http_tus_options(http_server *h, struct MHD_Connection *c,
                                        http_req *r)
{
	char max[32];
	const char *hdrs[] = { "Tus-Version", TUS_VERSION, "Tus-Extension", TUS_EXTENSIONS,
	                       "Tus-Max-Size", max, NULL };

	snprintf(max, sizeof max, "%" PRIu64, h->cf->max_size);
	return http_empty(c, r, MHD_HTTP_NO_CONTENT, hdrs);
}

/* A fresh challenge, {"difficulty":D,"challenge":"..."}: the answer to
 * GET /v1/pow (200) and to a creation without valid work (428). */
static enum MHD_Result http_pow(http_server *h, struct MHD_Connection *c,
                                const http_req *r, unsigned code)
{
	return http_json_text(c, r, code, pow_challenge_json(h->pw, now_get()));
}

static int http_is_offset_octets(const char *ct)
{
	size_t n = strlen(OFFSET_OCTETS);

	return ct != NULL && strncasecmp(ct, OFFSET_OCTETS, n) == 0 &&
	       (ct[n] == '\0' || ct[n] == ';' || ct[n] == ' ');
}

/* Content-Length as announced, or UINT64_MAX (chunked). */
static st_t http_body_len(struct MHD_Connection *c, uint64_t *len)
{
	const char *cl = http_header(c, MHD_HTTP_HEADER_CONTENT_LENGTH);

	*len = UINT64_MAX;
	return cl == NULL ? ST_OK : http_parse_u64(cl, len);
}

static enum MHD_Result http_upload_create(http_server *h, struct MHD_Connection *c,
                                          http_req *r)
{
	uint64_t length, body;
	st_t st;

	if (http_header(c, "Upload-Defer-Length") != NULL ||
	    http_parse_u64(http_header(c, "Upload-Length"), &length) != ST_OK ||
	    http_body_len(c, &body) != ST_OK)
		return http_error(c, r, ST_BADDATA);
	if (http_is_offset_octets(http_header(c, MHD_HTTP_HEADER_CONTENT_TYPE)) &&
	    body != 0 && body != UINT64_MAX && body > length)
		return http_error(c, r, ST_TOOBIG);
	/* Every attempt counts towards the load; when it is high, only paid
	 * ones go on. */
	pow_note(h->pw);
	st = pow_check(h->pw, http_header(c, "Intake-PoW"), now_get());
	if (st == ST_POW)
		return http_pow(h, c, r, MHD_HTTP_PRECONDITION_REQUIRED);
	if (st != ST_OK)
		return http_error(c, r, st);
	/* Upload-Metadata is never read: it would be plaintext metadata. */
	st = upload_create(h->up, length, now_get(), r->id, &r->expires);
	if (st != ST_OK)
		return http_error(c, r, st);
	r->creating = 1;
	if (http_is_offset_octets(http_header(c, MHD_HTTP_HEADER_CONTENT_TYPE)) && body != 0) {
		st = upload_patch_begin(h->up, r->id, 0, body, now_get(), &r->patch);
		r->patching = st == ST_OK;
	}
	return MHD_YES;
}

static enum MHD_Result http_upload_head(http_server *h, struct MHD_Connection *c,
                                        http_req *r)
{
	char off[32], len[32], exp[64];
	const char *hdrs[] = { "Upload-Offset", off, "Upload-Length", len,
	                       "Upload-Expires", exp, NULL };
	store_upload u;
	st_t st;

	st = upload_head(h->up, r->id, now_get(), &u);
	if (st != ST_OK)
		return http_error(c, r, st);
	snprintf(off, sizeof off, "%" PRIu64, u.offset);
	snprintf(len, sizeof len, "%" PRIu64, u.length);
	http_date(u.expires, exp);
	return http_empty(c, r, MHD_HTTP_OK, hdrs);
}

static enum MHD_Result http_upload_patch(http_server *h, struct MHD_Connection *c,
                                         http_req *r)
{
	uint64_t off, body;
	st_t st;

	if (!http_is_offset_octets(http_header(c, MHD_HTTP_HEADER_CONTENT_TYPE)))
		return http_error_code(c, r, MHD_HTTP_UNSUPPORTED_MEDIA_TYPE);
	if (http_parse_u64(http_header(c, "Upload-Offset"), &off) != ST_OK ||
	    http_body_len(c, &body) != ST_OK)
		return http_error(c, r, ST_BADDATA);
	st = upload_patch_begin(h->up, r->id, off, body, now_get(), &r->patch);
	if (st != ST_OK)
		return http_error(c, r, st);
	r->patching = 1;
	return MHD_YES;
}

/* The end of a PATCH or of a creation-with-upload POST. */
/* Work pool: end the PATCH (fsync, record, check and land), then wake
 * the suspended connection, whose next callback answers. */
static void http_finish_job(void *arg)
{
	http_req *r = arg;

	r->fin_st = upload_patch_end(&r->patch, now_get(), &r->fin_off);
	r->patching = 0;
	r->finished = 1;
	MHD_resume_connection(r->conn);
}

/* The end of a PATCH or of a creation-with-upload POST, once
 * http_finish_job has run (or when there was no body). */
static enum MHD_Result http_upload_finish(struct MHD_Connection *c, http_req *r)
{
	char off[32], exp[64], loc[64];
	const char *hdrs[] = { "Upload-Offset", off, "Upload-Expires", exp,
	                       MHD_HTTP_HEADER_LOCATION, loc, NULL };
	uint64_t offset = r->finished ? r->fin_off : 0;
	st_t st = r->finished ? r->fin_st : ST_OK;

	snprintf(off, sizeof off, "%" PRIu64, offset);
	if (r->creating) {
		/* The upload exists whatever happened to its first bytes; the
		 * client learns the acknowledged offset and resumes. Only an
		 * invalid complete envelope is gone. */
		if (st == ST_MISMATCH)
			return http_error(c, r, st);
		if (st == ST_CHANGED)
			return http_keyset_changed(c, r);
		http_date(r->expires, exp);
		snprintf(loc, sizeof loc, "/v1/uploads/%s", r->id);
		return http_empty(c, r, MHD_HTTP_CREATED, hdrs);
	}
	if (st == ST_CHANGED)
		return http_keyset_changed(c, r);
	if (st != ST_OK)
		return http_error(c, r, st);
	hdrs[2] = NULL;
	return http_empty(c, r, MHD_HTTP_NO_CONTENT, hdrs);
}

static enum MHD_Result http_uploads(http_server *h, struct MHD_Connection *c,
                                    const char *method, http_req *r)
{
	const char *tr;
	st_t st;

	r->tus = 1;
	if (strcmp(method, MHD_HTTP_METHOD_OPTIONS) == 0)
		return http_tus_options(h, c, r);
	tr = http_header(c, "Tus-Resumable");
	if (tr == NULL || strcmp(tr, TUS_VERSION) != 0)
		return http_error_code(c, r, MHD_HTTP_PRECONDITION_FAILED);
	if (r->rt == RT_UPLOADS)
		return strcmp(method, MHD_HTTP_METHOD_POST) == 0
		       ? http_upload_create(h, c, r)
		       : http_not_allowed(c, r);
	if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
		return http_upload_head(h, c, r);
	if (strcmp(method, MHD_HTTP_METHOD_PATCH) == 0)
		return http_upload_patch(h, c, r);
	if (strcmp(method, MHD_HTTP_METHOD_DELETE) == 0) {
		st = upload_delete(h->up, r->id);
		return st == ST_OK ? http_empty(c, r, MHD_HTTP_NO_CONTENT, NULL)
		                   : http_error(c, r, st);
	}
	return http_not_allowed(c, r);
}

static enum MHD_Result http_sub_list(http_server *h, struct MHD_Connection *c,
                                     http_req *r)
{
	const char *since = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "since");
	const char *limit_s = MHD_lookup_connection_value(c, MHD_GET_ARGUMENT_KIND, "limit");
	uint64_t after = 0, limit = HTTP_LIST_MAX;
	json_t *arr = NULL, *o;
	store_sub *v = NULL;
	size_t n = 0, i;
	char cursor[32];
	st_t st;

	if ((since != NULL && http_parse_u64(since, &after) != ST_OK) ||
	    (limit_s != NULL && http_parse_u64(limit_s, &limit) != ST_OK))
		return http_error(c, r, ST_BADDATA);
	if (limit == 0 || limit > HTTP_LIST_MAX)
		limit = HTTP_LIST_MAX;
	st = store_sub_list(h->up->st, (int64_t)after, (size_t)limit, &v, &n);
	if (st != ST_OK)
		return http_error(c, r, st);
	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++) {
		o = json_pack("{s:s,s:I,s:s,s:s}", "id", v[i].id, "size", (json_int_t)v[i].size,
		              "date", v[i].date, "state", v[i].fetched ? "fetched" : "new");
		if (o == NULL || json_array_append_new(arr, o) != 0) {
			json_decref(arr);
			arr = NULL;
		}
	}
	snprintf(cursor, sizeof cursor, "%" PRId64, n > 0 ? v[n - 1].seq : (int64_t)after);
	free(v);
	if (arr == NULL)
		return http_error(c, r, ST_NOMEM);
	return http_json(c, r, MHD_HTTP_OK,
	                 json_pack("{s:o,s:s}", "submissions", arr, "cursor", cursor));
}

typedef enum { RANGE_NONE, RANGE_ONE, RANGE_BAD } http_range;

/* One range of an envelope of `size` bytes: "bytes=K-", "bytes=K-L" or
 * "bytes=-N". No Range, or another unit, serves the whole envelope;
 * anything else under "bytes=" (reversed, several ranges, past the end)
 * is RANGE_BAD, answered 416: never a shifted body. The outputs are
 * written only for RANGE_ONE. */
static http_range http_parse_range(const char *v, uint64_t size, uint64_t *from,
                                   uint64_t *to)
{
	char num[24];
	const char *dash;
	uint64_t f, t = UINT64_MAX;
	size_t n;

	if (v == NULL || strncmp(v, "bytes=", 6) != 0)
		return RANGE_NONE;
	v += 6;
	dash = strchr(v, '-');
	if (dash == NULL || (n = (size_t)(dash - v)) >= sizeof num)
		return RANGE_BAD;
	if (n == 0) {
		/* Suffix: the last N bytes. */
		if (http_parse_u64(dash + 1, &t) != ST_OK || t == 0 || size == 0)
			return RANGE_BAD;
		*from = t >= size ? 0 : size - t;
		*to = size - 1;
		return RANGE_ONE;
	}
	memcpy(num, v, n);
	num[n] = '\0';
	if (http_parse_u64(num, &f) != ST_OK || f >= size)
		return RANGE_BAD;
	if (dash[1] != '\0' && (http_parse_u64(dash + 1, &t) != ST_OK || t < f))
		return RANGE_BAD;
	*from = f;
	*to = t >= size ? size - 1 : t;
	return RANGE_ONE;
}

static enum MHD_Result http_sub_download(http_server *h, struct MHD_Connection *c,
                                         http_req *r)
{
	char crange[96];
	const char *hdrs[] = { MHD_HTTP_HEADER_CONTENT_RANGE, crange, NULL };
	uint64_t size, from = 0, to = 0;
	http_range ranged;
	store_sub sub;
	int fd;
	st_t st;

	st = store_sub_get(h->up->st, r->id, &sub);
	if (st == ST_OK)
		st = blob_open_read(h->up->bl, BLOB_STORE, r->id, &fd, &size);
	if (st != ST_OK)
		return http_error(c, r, st);
	ranged = http_parse_range(http_header(c, MHD_HTTP_HEADER_RANGE), size, &from, &to);
	if (ranged == RANGE_BAD) {
		close(fd);
		snprintf(crange, sizeof crange, "bytes */%" PRIu64, size);
		return http_send(c, r, MHD_HTTP_RANGE_NOT_SATISFIABLE,
		                 MHD_create_response_from_buffer(0, NULL, MHD_RESPMEM_PERSISTENT),
		                 NULL, hdrs);
	}
	if (size == 0) {
		close(fd);
		return http_error(c, r, ST_IO);
	}
	if (ranged == RANGE_NONE)
		to = size - 1;
	snprintf(crange, sizeof crange, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, from, to, size);
	/* MHD owns fd from here and closes it with the response. */
	return http_send(c, r, ranged == RANGE_ONE ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK,
	                 MHD_create_response_from_fd_at_offset64(to - from + 1, fd, from),
	                 "application/octet-stream", ranged == RANGE_ONE ? hdrs : NULL);
}

/* Unlist first, then wipe: a crash between leaves an orphan file that
 * the recovery pass wipes, never a listed submission without data. */
static st_t http_sub_remove(http_server *h, const char *id)
{
	st_t st = store_sub_del(h->up->st, id);

	return st == ST_OK ? blob_remove(h->up->bl, BLOB_STORE, id) : st;
}

static enum MHD_Result http_officer(http_server *h, struct MHD_Connection *c,
                                    const char *method, http_req *r)
{
	int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
	uint64_t body;
	st_t st;

	/* A reply's (or a keyset's) signature covers its body: checked once
	 * it is here. */
	if ((r->rt == RT_MAILBOX && strcmp(method, MHD_HTTP_METHOD_POST) == 0) ||
	    (r->rt == RT_KEYSET && strcmp(method, MHD_HTTP_METHOD_PUT) == 0)) {
		/* Only a signature by one of our keys is worth a body buffer. */
		if (http_officer_key(h, c) < 0)
			return http_error_code(c, r, MHD_HTTP_UNAUTHORIZED);
		r->signed_body = 1;
	} else {
		st = http_auth(h, c, method, r, NULL, 0);
		if (st == ST_PERM)
			return http_error_code(c, r, MHD_HTTP_UNAUTHORIZED);
		if (st != ST_OK)
			return http_error(c, r, st);
	}
	if (r->rt == RT_SUBS && get)
		return http_sub_list(h, c, r);
	if (r->rt == RT_SUB && get)
		return http_sub_download(h, c, r);
	if ((r->rt == RT_SUB && strcmp(method, MHD_HTTP_METHOD_DELETE) == 0) ||
	    (r->rt == RT_FETCHED && strcmp(method, MHD_HTTP_METHOD_POST) == 0)) {
		if (r->rt == RT_FETCHED && h->cf->retention == CONF_RET_KEEP)
			st = store_sub_set_fetched(h->up->st, r->id);
		else
			st = http_sub_remove(h, r->id);
		return st == ST_OK ? http_empty(c, r, MHD_HTTP_NO_CONTENT, NULL)
		                   : http_error(c, r, st);
	}
	if ((r->rt == RT_MAILBOX && strcmp(method, MHD_HTTP_METHOD_POST) == 0) ||
	    (r->rt == RT_KEYSET && strcmp(method, MHD_HTTP_METHOD_PUT) == 0)) {
		if (http_body_len(c, &body) != ST_OK)
			return http_error(c, r, ST_BADDATA);
		if (body != UINT64_MAX &&
		    body > (r->rt == RT_KEYSET ? KEYSET_MAX_LEN : REPLY_MAX_LEN))
			return http_error(c, r, ST_TOOBIG);
		r->buf = malloc(REPLY_MAX_LEN);
		if (r->buf == NULL)
			return http_error(c, r, ST_NOMEM);
		return MHD_YES;
	}
	return http_not_allowed(c, r);
}

static enum MHD_Result http_mailbox_get(http_server *h, struct MHD_Connection *c,
                                        http_req *r)
{
	store_reply *v = NULL;
	size_t n = 0, i;
	json_t *arr;
	char *b64;
	st_t st;

	/* A bucket per mailbox and a global cap: no address is looked at. */
	if (!rate_take(h->rl, (const uint8_t *)r->id, BLOB_ID_HEX))
		return http_error_code(c, r, MHD_HTTP_TOO_MANY_REQUESTS);
	st = store_reply_list(h->up->st, r->id, &v, &n);
	if (st != ST_OK)
		return http_error(c, r, st);
	arr = json_array();
	for (i = 0; arr != NULL && i < n; i++) {
		b64 = malloc(enc_b64_len(v[i].len));
		if (b64 != NULL)
			enc_b64_encode(b64, v[i].data, v[i].len);
		if (b64 == NULL || json_array_append_new(arr, json_string(b64)) != 0) {
			json_decref(arr);
			arr = NULL;
		}
		free(b64);
	}
	store_replies_free(v, n);
	if (arr == NULL)
		return http_error(c, r, ST_NOMEM);
	return http_json(c, r, MHD_HTTP_OK, json_pack("{s:o}", "replies", arr));
}

static enum MHD_Result http_mailbox_finish(http_server *h, struct MHD_Connection *c,
                                           const char *method, http_req *r)
{
	char date[STORE_DATE_LEN + 1];
	time_t day;
	st_t st = r->body_err;

	if (st == ST_OK) {
		st = http_auth(h, c, method, r, r->buf, r->len);
		if (st == ST_PERM)
			return http_error_code(c, r, MHD_HTTP_UNAUTHORIZED);
	}

	if (st == ST_OK && r->len < REPLY_HEADER_LEN)
		st = ST_BADDATA;
	if (st == ST_OK) {
		/* The expiry says no more about the time than a stored date. */
		upload_coarse_date(h->cf->granularity, (time_t)now_get(), date, &day);
		st = store_reply_add(h->up->st, r->id, r->buf, r->len,
		                     (int64_t)day + (int64_t)h->cf->reply_expire,
		                     h->cf->mailbox_max);
	}
	return st == ST_OK ? http_empty(c, r, MHD_HTTP_CREATED, NULL) : http_error(c, r, st);
}

/* PUT /v1/keyset (server/keyset.c): the officer's signature over the
 * body, then the keyset's own checks; each refusal a fixed text. */
static enum MHD_Result http_keyset_put(http_server *h, struct MHD_Connection *c,
                                       const char *method, http_req *r)
{
	const char *why = NULL;
	st_t st = r->body_err;

	if (st == ST_OK) {
		st = http_auth(h, c, method, r, r->buf, r->len);
		if (st == ST_PERM)
			return http_error_code(c, r, MHD_HTTP_UNAUTHORIZED);
	}
	if (st == ST_OK)
		st = srvkeyset_put(h->up->keys, r->buf, r->len, (uint64_t)now_get(), &why);
	if (why != NULL)
		return http_plain(c, r, MHD_HTTP_UNPROCESSABLE_CONTENT, why);
	return st == ST_OK ? http_empty(c, r, MHD_HTTP_OK, NULL) : http_error(c, r, st);
}

static enum MHD_Result http_begin(http_server *h, struct MHD_Connection *c,
                                  const char *url, const char *method, http_req *r)
{
	unsigned busy;

	/* Connections waiting for headers make room for this one (evicted,
	 * oldest first); when --max-connections are all being served, it is
	 * told to come back later (and closed). */
	pthread_mutex_lock(&h->cmu);
	busy = h->nbusy;
	pthread_mutex_unlock(&h->cmu);
	if (busy > h->cf->max_connections)
		return http_error_close(c, r, MHD_HTTP_SERVICE_UNAVAILABLE);
	r->rt = http_parse_route(url, r->id);
	switch (r->rt) {
	case RT_HEALTH:
		if (strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
			return http_health(c, r);
		return http_not_allowed(c, r);
	case RT_POW:
		if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
			return http_pow(h, c, r, MHD_HTTP_OK);
		return http_not_allowed(c, r);
	case RT_UPLOADS:
	case RT_UPLOAD:
		return http_uploads(h, c, method, r);
	case RT_MAILBOX:
		if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
			return http_mailbox_get(h, c, r);
		return http_officer(h, c, method, r);
	case RT_SUBS:
	case RT_SUB:
	case RT_FETCHED:
		return http_officer(h, c, method, r);
	case RT_KEYSET:
		if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
			return http_keyset_get(h, c, r);
		return http_officer(h, c, method, r);
	case RT_NONE:
		break;
	}
	/* The submission page (web.c): fixed files, never the file system. */
	const web_file *wf = web_find(url);

	if (wf != NULL) {
		if (strcmp(method, MHD_HTTP_METHOD_GET) != 0 && strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
			return http_error_code(c, r, MHD_HTTP_METHOD_NOT_ALLOWED);
		return http_send(c, r, MHD_HTTP_OK,
		                 MHD_create_response_from_buffer(wf->len, (void *)wf->data,
		                                                 MHD_RESPMEM_PERSISTENT),
		                 wf->type, web_headers);
	}
	return http_error(c, r, ST_NOTFOUND);
}

static void http_body(http_req *r, const char *data, size_t len)
{
	if (r->patching) {
		upload_patch_write(&r->patch, (const uint8_t *)data, len);
	} else if (r->buf != NULL && r->body_err == ST_OK) {
		if (len > REPLY_MAX_LEN - r->len) {
			r->body_err = ST_TOOBIG;
			return;
		}
		memcpy(r->buf + r->len, data, len);
		r->len += len;
	}
	/* Any other body is read and dropped. */
}

static enum MHD_Result http_start_request(http_server *h, struct MHD_Connection *c,
                                          const char *url, const char *method,
                                          http_req *r)
{
	enum MHD_Result ret = http_begin(h, c, url, method, r);

	/* Routes that read a body answer at the end; the rest have answered
	 * already. */
	r->queued = !(r->creating || r->patching || r->buf != NULL);
	return ret;
}

static void http_conn_unlink(http_server *h, http_conn *k)
{
	if (k->prev != NULL)
		k->prev->next = k->next;
	else
		h->chead = k->next;
	if (k->next != NULL)
		k->next->prev = k->prev;
	else
		h->ctail = k->prev;
	k->prev = k->next = NULL;
}

static void http_conn_append(http_server *h, http_conn *k)
{
	k->prev = h->ctail;
	k->next = NULL;
	if (h->ctail != NULL)
		h->ctail->next = k;
	else
		h->chead = k;
	h->ctail = k;
}

/* Shut a connection's socket (lock held): its thread sees end of file
 * and closes it; the fd stays valid until the CLOSED notice unlinks it. */
static void http_conn_shut(http_conn *k)
{
	if (!k->shut) {
		k->shut = 1;
		shutdown(k->fd, SHUT_RDWR);
	}
}

/* busy 1: a request's headers are complete; 0: waiting for headers (a
 * new deadline, and to the back of the eviction order). */
static void http_conn_phase(http_server *h, struct MHD_Connection *c, int busy)
{
	const union MHD_ConnectionInfo *ci =
		MHD_get_connection_info(c, MHD_CONNECTION_INFO_SOCKET_CONTEXT);
	http_conn *k = ci != NULL ? ci->socket_context : NULL;

	if (k == NULL)
		return;
	pthread_mutex_lock(&h->cmu);
	if (busy && !k->busy)
		h->nbusy++;
	else if (!busy && k->busy)
		h->nbusy--;
	k->busy = busy;
	if (!busy) {
		clock_gettime(CLOCK_MONOTONIC, &k->since);
		http_conn_unlink(h, k);
		http_conn_append(h, k);
	}
	pthread_mutex_unlock(&h->cmu);
}

static void http_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code)
{
	http_server *h = cls;
	const union MHD_ConnectionInfo *ci;
	http_conn *k, *old;

	if (code != MHD_CONNECTION_NOTIFY_STARTED) {
		k = *socket_context;
		atomic_fetch_sub(&h->nconn, 1);
		if (k == NULL)
			return;
		pthread_mutex_lock(&h->cmu);
		if (k->busy)
			h->nbusy--;
		http_conn_unlink(h, k);
		pthread_mutex_unlock(&h->cmu);
		free(k);
		*socket_context = NULL;
		return;
	}
	atomic_fetch_add(&h->nconn, 1);
	ci = MHD_get_connection_info(c, MHD_CONNECTION_INFO_CONNECTION_FD);
	k = calloc(1, sizeof *k);
	*socket_context = k;
	if (k == NULL || ci == NULL) {
		free(k);
		*socket_context = NULL;
		return;
	}
	k->fd = ci->connect_fd;
	clock_gettime(CLOCK_MONOTONIC, &k->since);
	pthread_mutex_lock(&h->cmu);
	/* Over --max-connections, the oldest connection still waiting for
	 * headers makes room: a slow-loris holds a slot only until someone
	 * else needs it. A connection being served is never evicted. */
	if (atomic_load(&h->nconn) > h->cf->max_connections) {
		for (old = h->chead; old != NULL; old = old->next)
			if (!old->busy && !old->shut)
				break;
		if (old != NULL)
			http_conn_shut(old);
	}
	http_conn_append(h, k);
	pthread_mutex_unlock(&h->cmu);
}

/* Once a second: shut every connection that has waited for its headers
 * longer than --header-timeout, however it trickles (MHD's own idle
 * timeout restarts at each byte). */
static void *http_reaper(void *arg)
{
	http_server *h = arg;
	struct timespec now, wake;
	http_conn *k;

	pthread_mutex_lock(&h->rmu);
	while (!h->stopping) {
		clock_gettime(CLOCK_REALTIME, &wake);
		wake.tv_sec += 1;
		pthread_cond_timedwait(&h->rcv, &h->rmu, &wake);
		clock_gettime(CLOCK_MONOTONIC, &now);
		pthread_mutex_lock(&h->cmu);
		for (k = h->chead; k != NULL; k = k->next)
			if (!k->busy && now.tv_sec - k->since.tv_sec >= (time_t)h->cf->header_timeout)
				http_conn_shut(k);
		pthread_mutex_unlock(&h->cmu);
	}
	pthread_mutex_unlock(&h->rmu);
	return NULL;
}

static enum MHD_Result http_access(void *cls, struct MHD_Connection *c,
                                   const char *url, const char *method,
                                   const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls)
{
	http_server *h = cls;
	http_req *r = *con_cls;

	if (r == NULL)
		return MHD_NO; /* http_uri found no memory */
	if (!r->started) {
		http_head_scan sc;

		r->started = 1;
		http_conn_phase(h, c, 1);
		/* Refused here, before any body byte is read; an answer on the
		 * first callback also makes MHD close the connection. */
		memset(&sc, 0, sizeof sc);
		MHD_get_connection_values(c, MHD_HEADER_KIND, http_scan_header, &sc);
		if (!http_framing_ok(c, version, &sc)) {
			r->queued = 1;
			return http_error_close(c, r, MHD_HTTP_BAD_REQUEST);
		}
		if (sc.bytes > HTTP_HEADERS_MAX) {
			r->queued = 1;
			return http_error_code(c, r, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE);
		}
		/* Methods without a body answer on the next callback: an answer
		 * queued on the first one makes MHD close the connection. */
		r->deferred = strcmp(method, MHD_HTTP_METHOD_POST) != 0 &&
		              strcmp(method, MHD_HTTP_METHOD_PATCH) != 0 &&
		              strcmp(method, MHD_HTTP_METHOD_PUT) != 0;
		if (r->deferred)
			return MHD_YES;
		return http_start_request(h, c, url, method, r);
	}
	if (*upload_data_size > 0) {
		http_body(r, upload_data, *upload_data_size);
		*upload_data_size = 0;
		return MHD_YES;
	}
	if (r->deferred) {
		r->deferred = 0;
		return http_start_request(h, c, url, method, r);
	}
	if (r->queued)
		return MHD_YES;
	if (r->patching) {
		/* fsync and landing block: the work pool does them while this
		 * connection sleeps, and the event thread serves the others. */
		r->conn = c;
		MHD_suspend_connection(c);
		work_submit(h->wk, http_finish_job, r);
		return MHD_YES;
	}
	r->queued = 1;
	if (r->buf != NULL && r->rt == RT_KEYSET)
		return http_keyset_put(h, c, method, r);
	if (r->buf != NULL)
		return http_mailbox_finish(h, c, method, r);
	return http_upload_finish(c, r);
}

static void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                           enum MHD_RequestTerminationCode toe)
{
	http_req *r = *con_cls;
	uint64_t off;

	(void)toe;
	/* Kept alive, it waits for headers again, with a fresh deadline. */
	http_conn_phase(cls, c, 0);
	if (r == NULL)
		return;
	/* A PATCH cut short keeps what reached the disk: fsync'd and
	 * recorded, so the client can resume from HEAD. */
	if (r->patching)
		upload_patch_end(&r->patch, now_get(), &off);
	free(r->buf);
	free(r->target);
	free(r);
	*con_cls = NULL;
}

/* MHD's URI log hook: the first sight of a request, with its target as
 * sent (path and query), which officer signatures cover. Its result is
 * the request state every later callback gets. */
static void *http_uri(void *cls, const char *uri, struct MHD_Connection *c)
{
	http_req *r = calloc(1, sizeof *r);

	(void)cls;
	(void)c;
	if (r == NULL)
		return NULL;
	r->patch.fd = -1;
	if (uri != NULL && strlen(uri) < HTTP_TARGET_MAX)
		r->target = strdup(uri);
	return r;
}

static st_t http_listen(const conf *cf, int *out)
{
	struct sockaddr_storage ss;
	struct sockaddr_in *s4 = (struct sockaddr_in *)&ss;
	struct sockaddr_in6 *s6 = (struct sockaddr_in6 *)&ss;
	socklen_t sl;
	int fd, one = 1;

	memset(&ss, 0, sizeof ss);
	if (inet_pton(AF_INET, cf->listen_host, &s4->sin_addr) == 1) {
		s4->sin_family = AF_INET;
		s4->sin_port = htons(cf->port);
		sl = sizeof *s4;
	} else if (inet_pton(AF_INET6, cf->listen_host, &s6->sin6_addr) == 1) {
		s6->sin6_family = AF_INET6;
		s6->sin6_port = htons(cf->port);
		sl = sizeof *s6;
	} else {
		fprintf(stderr, "intake-server: --listen needs a numeric address, not '%s'\n",
		        cf->listen_host);
		return ST_CONFIG;
	}
	fd = socket(ss.ss_family, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return ST_UNAVAILABLE;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 1024) != 0) {
		fprintf(stderr, "intake-server: cannot listen on %s port %u: %s\n",
		        cf->listen_host, (unsigned)cf->port, strerror(errno));
		close(fd);
		return ST_UNAVAILABLE;
	}
	*out = fd;
	return ST_OK;
}

static st_t http_load_tls(http_server *h)
{
	size_t len;
	st_t st;

	st = fsio_read_file(h->cf->tls_cert, HTTP_TLS_FILE_MAX, &h->tls_cert, &len);
	if (st == ST_OK)
		st = fsio_read_secret_file(h->cf->tls_key, HTTP_TLS_FILE_MAX, &h->tls_key, &len);
	if (st != ST_OK)
		fprintf(stderr, "intake-server: cannot load the TLS certificate or key: %s\n",
		        st_str(st));
	return st;
}

/* The configured --host names; without any, the listening address and
 * port (and localhost:PORT on loopback), so a loopback test setup works
 * and a public one refuses every officer until it names itself. */
static void http_set_hosts(http_server *h)
{
	const conf *cf = h->cf;
	int v6 = strchr(cf->listen_host, ':') != NULL;
	size_t i;

	for (i = 0; i < cf->n_hosts; i++)
		snprintf(h->hosts[h->n_hosts++], HTTP_HOST_MAX, "%s", cf->hosts[i]);
	if (h->n_hosts > 0)
		return;
	snprintf(h->hosts[h->n_hosts++], HTTP_HOST_MAX, "%s%s%s:%u", v6 ? "[" : "",
	         cf->listen_host, v6 ? "]" : "", (unsigned)cf->port);
	if (strcmp(cf->listen_host, "127.0.0.1") == 0 || strcmp(cf->listen_host, "::1") == 0)
		snprintf(h->hosts[h->n_hosts++], HTTP_HOST_MAX, "localhost:%u", (unsigned)cf->port);
}

st_t http_start(const conf *cf, upload_svc *up, nonce_cache *nc, rate *rl,
                http_server **out)
{
	/* A few epoll threads serve every connection (a slow one costs a
	 * socket and a little memory, not a thread); blocking work goes to
	 * the work pool. */
	unsigned flags = MHD_USE_EPOLL_INTERNAL_THREAD | MHD_ALLOW_SUSPEND_RESUME;
	struct MHD_OptionItem opts[14];
	http_server *h;
	size_t i, n;
	st_t st;

	*out = NULL;
	h = calloc(1, sizeof *h);
	if (h == NULL)
		return ST_NOMEM;
	h->cf = cf;
	h->up = up;
	h->nc = nc;
	h->rl = rl;
	h->lfd = -1;
	pthread_mutex_init(&h->cmu, NULL);
	pthread_mutex_init(&h->rmu, NULL);
	pthread_cond_init(&h->rcv, NULL);
	st = work_new(cf->threads, &h->wk);
	if (st == ST_OK)
		st = pow_new(cf->pow_max, cf->pow_free, &h->pw);
	if (st != ST_OK)
		goto cleanup;
	for (i = 0; i < cf->n_officers; i++)
		auth_key_id(cf->officer_pk[i], h->officer_id[i]);
	http_set_hosts(h);
	if (cf->tls_cert != NULL) {
		if (!MHD_is_feature_supported(MHD_FEATURE_TLS)) {
			fprintf(stderr, "intake-server: this libmicrohttpd has no TLS\n");
			st = ST_CONFIG;
			goto cleanup;
		}
		st = http_load_tls(h);
		if (st != ST_OK)
			goto cleanup;
		flags |= MHD_USE_TLS;
	}
	st = http_listen(cf, &h->lfd);
	if (st != ST_OK)
		goto cleanup;
	n = 0;
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_LISTEN_SOCKET, h->lfd, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_MEMORY_LIMIT,
	                                     (intptr_t)cf->conn_memory, NULL };
	/* Far above --max-connections: MHD refuses past its own limit before
	 * we can evict, so a churning slow-loris must never reach it. */
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
	                                     (intptr_t)(2 * cf->max_connections + HTTP_EVICT_ROOM),
	                                     NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
	                                     (intptr_t)http_connection, h };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
	                                     (intptr_t)cf->idle_timeout, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
	                                     (intptr_t)http_completed, h };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_URI_LOG_CALLBACK,
	                                     (intptr_t)http_uri, h };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_THREAD_POOL_SIZE,
	                                     (intptr_t)cf->threads, NULL };
	if (h->tls_cert != NULL) {
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, h->tls_cert };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, h->tls_key };
	}
	opts[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	/* No MHD_USE_ERROR_LOG: its messages can carry client details. */
	h->d = MHD_start_daemon(flags, 0, NULL, NULL, http_access, h,
	                        MHD_OPTION_ARRAY, opts, MHD_OPTION_END);
	if (h->d == NULL) {
		fprintf(stderr, "intake-server: cannot start the HTTP daemon\n");
		st = ST_UNAVAILABLE;
		goto cleanup;
	}
	h->lfd = -1; /* the daemon's now */
	if (pthread_create(&h->reaper, NULL, http_reaper, h) != 0) {
		st = ST_NOMEM;
		goto cleanup;
	}
	h->reaper_on = 1;
	*out = h;
	h = NULL;
	st = ST_OK;
cleanup:
	http_stop(h);
	return st;
}

void http_stop(http_server *h)
{
	if (h == NULL)
		return;
	if (h->reaper_on) {
		pthread_mutex_lock(&h->rmu);
		h->stopping = 1;
		pthread_cond_signal(&h->rcv);
		pthread_mutex_unlock(&h->rmu);
		pthread_join(h->reaper, NULL);
	}
	/* No new connections (the listening socket is ours again); every
	 * queued fsync runs and resumes its connection before MHD stops (it
	 * must not stop with a connection suspended). */
	if (h->d != NULL)
		h->lfd = MHD_quiesce_daemon(h->d);
	work_stop(h->wk);
	if (h->d != NULL)
		MHD_stop_daemon(h->d);
	work_free(h->wk);
	pow_free(h->pw);
	pthread_cond_destroy(&h->rcv);
	pthread_mutex_destroy(&h->rmu);
	pthread_mutex_destroy(&h->cmu);
	if (h->lfd >= 0)
		close(h->lfd);
	free(h->tls_cert);
	if (h->tls_key != NULL)
		sodium_free(h->tls_key);
	free(h);
}
