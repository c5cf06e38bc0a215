/* http.c: every libmicrohttpd call and callback of intake-server. State
 * per request is allocated on the first callback and freed in the
 * completion callback; upload bodies go to upload.c as MHD hands them
 * over. Error bodies are fixed text: nothing from the request is echoed,
 * and nothing about the client is logged. */
#include <arpa/inet.h>
#include <errno.h>
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
#include "reply.h"
#include "web.h"

#define HTTP_HEADERS_MAX (16 * 1024) /* all request header bytes together */
#define HTTP_LIST_MAX 1000
#define HTTP_TLS_FILE_MAX (64 * 1024)
#define HTTP_BUSY_MARGIN 32 /* connections past the limit that get a 503 */
#define TUS_VERSION "1.0.0"
#define TUS_EXTENSIONS "creation,creation-with-upload,expiration,termination"
#define OFFSET_OCTETS "application/offset+octet-stream"

struct http_server {
	const conf *cf;
	upload_svc *up;
	nonce_cache *nc;
	rate *rl;
	struct MHD_Daemon *d;
	uint8_t officer_id[CONF_MAX_OFFICERS][AUTH_ID_LEN];
	uint8_t *tls_cert;  /* PEM, malloc'd */
	uint8_t *tls_key;   /* PEM, sodium_malloc'd */
	int lfd;
	atomic_uint nconn;  /* open connections */
};

typedef enum {
	RT_NONE, RT_HEALTH, RT_UPLOADS, RT_UPLOAD, RT_SUBS, RT_SUB, RT_FETCHED,
	RT_MAILBOX
} http_route;

typedef struct {
	http_route rt;
	char id[BLOB_ID_HEX + 1];
	int tus;          /* an upload route: answers carry Tus-Resumable */
	int deferred;     /* no body: start on the second callback */
	int queued;       /* the response is queued already */
	int creating;     /* POST /v1/uploads/: answer 201 at the end */
	int patching;     /* an upload_patch session is open */
	upload_patch patch;
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
	{ ST_PERM, MHD_HTTP_UNAUTHORIZED },
	{ ST_DECRYPT, MHD_HTTP_UNAUTHORIZED },
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

static enum MHD_Result http_error(struct MHD_Connection *c, const http_req *r,
                                  st_t st)
{
	unsigned code = http_code(st);

	/* A server fault is worth a line; the request itself is not. */
	if (code == MHD_HTTP_INTERNAL_SERVER_ERROR)
		fprintf(stderr, "intake-server: request failed: %s\n", st_str(st));
	return http_error_code(c, r, code);
}

/* Takes the json reference. */
static enum MHD_Result http_json(struct MHD_Connection *c, const http_req *r,
                                 unsigned code, json_t *j)
{
	char *text = j != NULL ? json_dumps(j, JSON_COMPACT) : NULL;

	json_decref(j);
	if (text == NULL)
		return http_error(c, r, ST_NOMEM);
	return http_send(c, r, code,
	                 MHD_create_response_from_buffer(strlen(text), text,
	                                                 MHD_RESPMEM_MUST_FREE),
	                 "application/json", NULL);
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

static enum MHD_Result http_count_header(void *cls, enum MHD_ValueKind kind,
                                         const char *key, const char *value)
{
	size_t *total = cls;

	(void)kind;
	*total += strlen(key) + (value != NULL ? strlen(value) : 0) + 4;
	return MHD_YES;
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

/* Officer authentication: signature by a configured key over this
 * request, fresh timestamp, unseen nonce. Every failure is ST_PERM. */
static st_t http_auth(http_server *h, struct MHD_Connection *c,
                      const char *method, const char *url)
{
	const char *value = http_header(c, MHD_HTTP_HEADER_AUTHORIZATION);
	const char *host = http_header(c, MHD_HTTP_HEADER_HOST);
	int64_t now = (int64_t)time(NULL);
	auth_req ar;
	size_t i;

	if (value == NULL || host == NULL || strlen(value) >= AUTH_HEADER_MAX ||
	    auth_parse(value, &ar) != ST_OK)
		return ST_PERM;
	for (i = 0; i < h->cf->n_officers; i++) {
		if (sodium_memcmp(h->officer_id[i], ar.key_id, AUTH_ID_LEN) != 0)
			continue;
		if (auth_verify(h->cf->officer_pk[i], &ar, method, host, url, now) != ST_OK)
			return ST_PERM;
		/* Remember the nonce only once the signature holds, so nobody
		 * else can fill the cache. */
		return nonce_check_add(h->nc, ar.nonce, now) == ST_OK ? ST_OK : ST_PERM;
	}
	return ST_PERM;
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
	/* Upload-Metadata is never read: it would be plaintext metadata. */
	st = upload_create(h->up, length, (int64_t)time(NULL), r->id, &r->expires);
	if (st != ST_OK)
		return http_error(c, r, st);
	r->creating = 1;
	if (http_is_offset_octets(http_header(c, MHD_HTTP_HEADER_CONTENT_TYPE)) && body != 0) {
		st = upload_patch_begin(h->up, r->id, 0, body, (int64_t)time(NULL), &r->patch);
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

	st = upload_head(h->up, r->id, (int64_t)time(NULL), &u);
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
	st = upload_patch_begin(h->up, r->id, off, body, (int64_t)time(NULL), &r->patch);
	if (st != ST_OK)
		return http_error(c, r, st);
	r->patching = 1;
	return MHD_YES;
}

/* The end of a PATCH or of a creation-with-upload POST. */
static enum MHD_Result http_upload_finish(struct MHD_Connection *c, http_req *r)
{
	char off[32], exp[64], loc[64];
	const char *hdrs[] = { "Upload-Offset", off, "Upload-Expires", exp,
	                       MHD_HTTP_HEADER_LOCATION, loc, NULL };
	uint64_t offset = 0;
	st_t st = ST_OK;

	if (r->patching) {
		st = upload_patch_end(&r->patch, (int64_t)time(NULL), &offset);
		r->patching = 0;
	}
	snprintf(off, sizeof off, "%" PRIu64, offset);
	if (r->creating) {
		/* The upload exists whatever happened to its first bytes; the
		 * client learns the acknowledged offset and resumes. Only an
		 * invalid complete envelope is gone. */
		if (st == ST_MISMATCH)
			return http_error(c, r, st);
		http_date(r->expires, exp);
		snprintf(loc, sizeof loc, "/v1/uploads/%s", r->id);
		return http_empty(c, r, MHD_HTTP_CREATED, hdrs);
	}
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
		       : http_error_code(c, r, MHD_HTTP_METHOD_NOT_ALLOWED);
	if (strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
		return http_upload_head(h, c, r);
	if (strcmp(method, MHD_HTTP_METHOD_PATCH) == 0)
		return http_upload_patch(h, c, r);
	if (strcmp(method, MHD_HTTP_METHOD_DELETE) == 0) {
		st = upload_delete(h->up, r->id);
		return st == ST_OK ? http_empty(c, r, MHD_HTTP_NO_CONTENT, NULL)
		                   : http_error(c, r, st);
	}
	return http_error_code(c, r, MHD_HTTP_METHOD_NOT_ALLOWED);
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

/* "bytes=K-" or "bytes=K-L"; anything else serves the whole envelope. */
static int http_parse_range(const char *v, uint64_t *from, uint64_t *to)
{
	char num[24];
	const char *dash;
	size_t n;

	if (v == NULL || strncmp(v, "bytes=", 6) != 0)
		return 0;
	v += 6;
	dash = strchr(v, '-');
	if (dash == NULL || (n = (size_t)(dash - v)) == 0 || n >= sizeof num)
		return 0;
	memcpy(num, v, n);
	num[n] = '\0';
	if (http_parse_u64(num, from) != ST_OK)
		return 0;
	*to = UINT64_MAX;
	if (dash[1] != '\0' && (http_parse_u64(dash + 1, to) != ST_OK || *to < *from))
		return 0;
	return 1;
}

static enum MHD_Result http_sub_download(http_server *h, struct MHD_Connection *c,
                                         http_req *r)
{
	char crange[96];
	const char *hdrs[] = { MHD_HTTP_HEADER_CONTENT_RANGE, crange, NULL };
	uint64_t size, from = 0, to;
	store_sub sub;
	int fd, ranged;
	st_t st;

	st = store_sub_get(h->up->st, r->id, &sub);
	if (st == ST_OK)
		st = blob_open_read(h->up->bl, BLOB_STORE, r->id, &fd, &size);
	if (st != ST_OK)
		return http_error(c, r, st);
	ranged = http_parse_range(http_header(c, MHD_HTTP_HEADER_RANGE), &from, &to);
	if (ranged && from >= size) {
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
	if (!ranged || to >= size)
		to = size - 1;
	snprintf(crange, sizeof crange, "bytes %" PRIu64 "-%" PRIu64 "/%" PRIu64, from, to, size);
	/* MHD owns fd from here and closes it with the response. */
	return http_send(c, r, ranged ? MHD_HTTP_PARTIAL_CONTENT : MHD_HTTP_OK,
	                 MHD_create_response_from_fd_at_offset64(to - from + 1, fd, from),
	                 "application/octet-stream", ranged ? hdrs : NULL);
}

/* Unlist first, then wipe: a crash between leaves an orphan file that
 * the recovery pass wipes, never a listed submission without data. */
static st_t http_sub_remove(http_server *h, const char *id)
{
	st_t st = store_sub_del(h->up->st, id);

	return st == ST_OK ? blob_remove(h->up->bl, BLOB_STORE, id) : st;
}

static enum MHD_Result http_officer(http_server *h, struct MHD_Connection *c,
                                    const char *method, const char *url, http_req *r)
{
	int get = strcmp(method, MHD_HTTP_METHOD_GET) == 0;
	uint64_t body;
	st_t st;

	if (http_auth(h, c, method, url) != ST_OK)
		return http_error(c, r, ST_PERM);
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
	if (r->rt == RT_MAILBOX && strcmp(method, MHD_HTTP_METHOD_POST) == 0) {
		if (http_body_len(c, &body) != ST_OK)
			return http_error(c, r, ST_BADDATA);
		if (body != UINT64_MAX && body > REPLY_MAX_LEN)
			return http_error(c, r, ST_TOOBIG);
		r->buf = malloc(REPLY_MAX_LEN);
		if (r->buf == NULL)
			return http_error(c, r, ST_NOMEM);
		return MHD_YES;
	}
	return http_error_code(c, r, MHD_HTTP_METHOD_NOT_ALLOWED);
}

static enum MHD_Result http_mailbox_get(http_server *h, struct MHD_Connection *c,
                                        http_req *r)
{
	store_reply *v = NULL;
	size_t n = 0, i;
	json_t *arr;
	char *b64;
	st_t st;

	/* One bucket for everyone: no address is ever looked at. */
	if (!rate_take(h->rl))
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
                                           http_req *r)
{
	char date[STORE_DATE_LEN + 1];
	time_t day;
	st_t st = r->body_err;

	if (st == ST_OK && r->len < REPLY_HEADER_LEN)
		st = ST_BADDATA;
	if (st == ST_OK) {
		/* The expiry says no more about the time than a stored date. */
		upload_coarse_date(h->cf->granularity, time(NULL), date, &day);
		st = store_reply_add(h->up->st, r->id, r->buf, r->len,
		                     (int64_t)day + (int64_t)h->cf->reply_expire,
		                     h->cf->mailbox_max);
	}
	return st == ST_OK ? http_empty(c, r, MHD_HTTP_CREATED, NULL) : http_error(c, r, st);
}

static enum MHD_Result http_begin(http_server *h, struct MHD_Connection *c,
                                  const char *url, const char *method, http_req *r)
{
	size_t hdr_bytes = 0;

	/* Past --max-connections a few more are told to come back later
	 * (and closed); past those, MHD closes them unanswered. */
	if (atomic_load(&h->nconn) > h->cf->max_connections) {
		static const char *const close_hdrs[] = { MHD_HTTP_HEADER_CONNECTION, "close", NULL };
		const char *t = http_text(MHD_HTTP_SERVICE_UNAVAILABLE);

		return http_send(c, r, MHD_HTTP_SERVICE_UNAVAILABLE,
		                 MHD_create_response_from_buffer(strlen(t), (void *)t,
		                                                 MHD_RESPMEM_PERSISTENT),
		                 "text/plain; charset=utf-8", close_hdrs);
	}
	MHD_get_connection_values(c, MHD_HEADER_KIND, http_count_header, &hdr_bytes);
	if (hdr_bytes > HTTP_HEADERS_MAX)
		return http_error_code(c, r, MHD_HTTP_REQUEST_HEADER_FIELDS_TOO_LARGE);
	r->rt = http_parse_route(url, r->id);
	switch (r->rt) {
	case RT_HEALTH:
		if (strcmp(method, MHD_HTTP_METHOD_GET) == 0 || strcmp(method, MHD_HTTP_METHOD_HEAD) == 0)
			return http_health(c, r);
		return http_error_code(c, r, MHD_HTTP_METHOD_NOT_ALLOWED);
	case RT_UPLOADS:
	case RT_UPLOAD:
		return http_uploads(h, c, method, r);
	case RT_MAILBOX:
		if (strcmp(method, MHD_HTTP_METHOD_GET) == 0)
			return http_mailbox_get(h, c, r);
		return http_officer(h, c, method, url, r);
	case RT_SUBS:
	case RT_SUB:
	case RT_FETCHED:
		return http_officer(h, c, method, url, r);
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

static enum MHD_Result http_access(void *cls, struct MHD_Connection *c,
                                   const char *url, const char *method,
                                   const char *version, const char *upload_data,
                                   size_t *upload_data_size, void **con_cls)
{
	http_server *h = cls;
	http_req *r = *con_cls;

	(void)version;
	if (r == NULL) {
		r = calloc(1, sizeof *r);
		if (r == NULL)
			return MHD_NO;
		r->patch.fd = -1;
		*con_cls = r;
		/* Methods without a body answer on the next callback: an answer
		 * queued on the first one makes MHD close the connection. */
		r->deferred = strcmp(method, MHD_HTTP_METHOD_POST) != 0 &&
		              strcmp(method, MHD_HTTP_METHOD_PATCH) != 0;
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
	r->queued = 1;
	if (r->buf != NULL)
		return http_mailbox_finish(h, c, r);
	return http_upload_finish(c, r);
}

static void http_completed(void *cls, struct MHD_Connection *c, void **con_cls,
                           enum MHD_RequestTerminationCode toe)
{
	http_req *r = *con_cls;
	uint64_t off;

	(void)cls;
	(void)c;
	(void)toe;
	if (r == NULL)
		return;
	/* A PATCH cut short keeps what reached the disk: fsync'd and
	 * recorded, so the client can resume from HEAD. */
	if (r->patching)
		upload_patch_end(&r->patch, (int64_t)time(NULL), &off);
	free(r->buf);
	free(r);
	*con_cls = NULL;
}

static void http_connection(void *cls, struct MHD_Connection *c, void **socket_context,
                            enum MHD_ConnectionNotificationCode code)
{
	http_server *h = cls;

	(void)c;
	(void)socket_context;
	if (code == MHD_CONNECTION_NOTIFY_STARTED)
		atomic_fetch_add(&h->nconn, 1);
	else
		atomic_fetch_sub(&h->nconn, 1);
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
	if (bind(fd, (struct sockaddr *)&ss, sl) != 0 || listen(fd, 128) != 0) {
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

st_t http_start(const conf *cf, upload_svc *up, nonce_cache *nc, rate *rl,
                http_server **out)
{
	unsigned flags = MHD_USE_THREAD_PER_CONNECTION | MHD_USE_INTERNAL_POLLING_THREAD |
	                 MHD_USE_POLL;
	struct MHD_OptionItem opts[10];
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
	for (i = 0; i < cf->n_officers; i++)
		auth_key_id(cf->officer_pk[i], h->officer_id[i]);
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
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_LIMIT,
	                                     (intptr_t)cf->max_connections + HTTP_BUSY_MARGIN, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_CONNECTION,
	                                     (intptr_t)http_connection, h };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_CONNECTION_TIMEOUT,
	                                     (intptr_t)cf->idle_timeout, NULL };
	opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_NOTIFY_COMPLETED,
	                                     (intptr_t)http_completed, h };
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
	if (h->d != NULL)
		MHD_stop_daemon(h->d);
	if (h->lfd >= 0)
		close(h->lfd);
	free(h->tls_cert);
	if (h->tls_key != NULL)
		sodium_free(h->tls_key);
	free(h);
}
