/* net.c: every libcurl call of intake-officer. One easy handle is reset
 * and reused for each request, which keeps its connection cache. */
#include "net.h"

#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <curl/curl.h>
#include "fsio.h"
#include "url.h"

#define NET_URL_MAX 2048

struct net {
	CURL *h;
	const uint8_t *sk;
	char host[512];   /* the Host header, exactly as we send it */
	char base[1024];  /* scheme://host[:port] */
	char prefix[512]; /* path prefix before /v1, no trailing '/' */
	uint64_t rate;
	char proxy[512];  /* "" for a direct connection */
	int onion;        /* the host is a Tor onion service */
	int plain_ok;     /* http:// may be used: loopback or onion */
	int plain;        /* the URL is http:// */
};

/* Where a response body goes: memory (capped) or a file (capped). */
typedef struct {
	CURL *h;
	uint8_t *buf;
	size_t len, cap, max;
	int fd;            /* -1: memory */
	uint64_t have, limit;
	int checked;       /* the HTTP code was looked at */
	long code;
	st_t err;
	net_progress_fn progress;
	void *pctx;
} net_sink;

st_t net_new(const char *url, const uint8_t *sk, net **out)
{
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL, *port = NULL, *path = NULL;
	net *n;
	size_t plen;
	st_t st = ST_USAGE;

	n = calloc(1, sizeof *n);
	if (n == NULL)
		return ST_NOMEM;
	if (curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		free(n);
		return ST_INTERNAL;
	}
	n->sk = sk;
	u = curl_url();
	if (u == NULL ||
	    curl_url_set(u, CURLUPART_URL, url, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_PATH, &path, 0) != CURLUE_OK)
		goto cleanup;
	if (strcmp(scheme, "http") != 0 && strcmp(scheme, "https") != 0)
		goto cleanup;
	n->onion = url_is_onion(host);
	n->plain = strcmp(scheme, "http") == 0;
	n->plain_ok = n->onion || url_is_loopback(host);
	/* curl leaves the port out of Host when it is the scheme's default. */
	if (curl_url_get(u, CURLUPART_PORT, &port, CURLU_NO_DEFAULT_PORT) !=
	    CURLUE_OK)
		port = NULL;
	if (snprintf(n->host, sizeof n->host, "%s%s%s", host, port ? ":" : "",
	             port ? port : "") >= (int)sizeof n->host ||
	    snprintf(n->base, sizeof n->base, "%s://%s", scheme, n->host) >=
	    (int)sizeof n->base)
		goto cleanup;
	plen = strlen(path);
	while (plen > 0 && path[plen - 1] == '/')
		plen--;
	if (plen >= sizeof n->prefix)
		goto cleanup;
	memcpy(n->prefix, path, plen);
	n->prefix[plen] = '\0';
	n->h = curl_easy_init();
	if (n->h == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	*out = n;
	n = NULL;
	st = ST_OK;
cleanup:
	curl_free(scheme);
	curl_free(host);
	curl_free(port);
	curl_free(path);
	curl_url_cleanup(u);
	net_free(n);
	return st;
}

void net_free(net *n)
{
	if (n == NULL)
		return;
	if (n->h != NULL)
		curl_easy_cleanup(n->h);
	free(n);
	curl_global_cleanup();
}

st_t net_set_proxy(net *n, const char *proxy, const char **why)
{
	*why = NULL;
	if (proxy != NULL) {
		if (url_check_proxy(proxy) != ST_OK) {
			*why = "the proxy must be socks5h://, socks4a://, http:// or "
			       "https:// (socks5:// and socks4:// would look up "
			       "names outside the proxy)";
			return ST_USAGE;
		}
		if (strlen(proxy) >= sizeof n->proxy) {
			*why = "the proxy address is too long";
			return ST_USAGE;
		}
	}
	if (n->onion && proxy == NULL) {
		*why = "an .onion address can only be reached through Tor: add "
		       "--tor (or --proxy)";
		return ST_USAGE;
	}
	if (n->plain && !n->plain_ok) {
		*why = "plain http:// is only allowed to this machine or an "
		       ".onion address: use https://";
		return ST_USAGE;
	}
	snprintf(n->proxy, sizeof n->proxy, "%s", proxy != NULL ? proxy : "");
	return ST_OK;
}

void net_set_rate(net *n, uint64_t bytes_per_sec)
{
	n->rate = bytes_per_sec;
}

st_t net_escape(net *n, const char *s, char **out)
{
	char *e = curl_easy_escape(n->h, s, 0);

	if (e == NULL)
		return ST_NOMEM;
	*out = strdup(e);
	curl_free(e);
	return *out == NULL ? ST_NOMEM : ST_OK;
}

st_t net_code_status(long code)
{
	switch (code) {
	case 401:
	case 403:
		return ST_PERM;
	case 404:
	case 410:
		return ST_NOTFOUND;
	case 409:
		return ST_CONFLICT;
	case 413:
		return ST_TOOBIG;
	case 429:
	case 503:
	case 507:
		return ST_TEMPFAIL;
	default:
		return code >= 500 ? ST_UNAVAILABLE : ST_BADDATA;
	}
}

static st_t net_curl_status(CURLcode rc)
{
	switch (rc) {
	case CURLE_OK:
		return ST_OK;
	case CURLE_OUT_OF_MEMORY:
		return ST_NOMEM;
	case CURLE_OPERATION_TIMEDOUT:
		return ST_TEMPFAIL;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
		return ST_USAGE;
	default:
		return ST_UNAVAILABLE;
	}
}

/* Body bytes: into memory up to max, or into the file up to limit. An
 * error answer to a download is kept in memory (and ignored). */
static size_t net_write(char *p, size_t size, size_t nmemb, void *ctx)
{
	net_sink *s = ctx;
	size_t n = size * nmemb;
	uint8_t *nb;

	if (!s->checked) {
		s->checked = 1;
		curl_easy_getinfo(s->h, CURLINFO_RESPONSE_CODE, &s->code);
		if (s->fd >= 0 && s->code == 200 && s->have > 0) {
			/* the server ignored our Range: start over */
			if (ftruncate(s->fd, 0) != 0) {
				s->err = fsio_errno_status(errno);
				return 0;
			}
			s->have = 0;
		}
		if (s->fd >= 0 && s->code != 200 && s->code != 206)
			s->fd = -1;
	}
	if (s->fd >= 0) {
		if (n > s->limit - s->have) {
			s->err = ST_TOOBIG;
			return 0;
		}
		while (n > 0) {
			ssize_t w = pwrite(s->fd, p, n, (off_t)s->have);

			if (w < 0 && errno == EINTR)
				continue;
			if (w <= 0) {
				s->err = fsio_errno_status(errno);
				return 0;
			}
			s->have += (uint64_t)w;
			p += w;
			n -= (size_t)w;
		}
		if (s->progress != NULL)
			s->progress(s->pctx, s->have);
		return size * nmemb;
	}
	if (n > s->max - s->len) {
		s->err = ST_TOOBIG;
		return 0;
	}
	if (s->len + n + 1 > s->cap) {
		size_t cap = s->cap ? s->cap : 4096;

		while (cap < s->len + n + 1)
			cap *= 2;
		nb = realloc(s->buf, cap);
		if (nb == NULL) {
			s->err = ST_NOMEM;
			return 0;
		}
		s->buf = nb;
		s->cap = cap;
	}
	memcpy(s->buf + s->len, p, n);
	s->len += n;
	s->buf[s->len] = '\0';
	return size * nmemb;
}

/* Append one header line; the list is untouched on failure. */
static st_t net_header(struct curl_slist **l, const char *line)
{
	struct curl_slist *t = curl_slist_append(*l, line);

	if (t == NULL)
		return ST_NOMEM;
	*l = t;
	return ST_OK;
}

/* Reset the handle and set what every request needs, with signature. */
static st_t net_prepare(net *n, const char *method, const char *path,
                        const char *query, const uint8_t *body,
                        size_t bodylen, struct curl_slist **hdrs,
                        net_sink *s)
{
	char url[NET_URL_MAX], full[1024], sig[AUTH_HEADER_MAX];
	uint8_t body_hash[AUTH_BODY_HASH_LEN];
	char line[AUTH_HEADER_MAX + 600];
	CURL *h = n->h;
	st_t st;

	if (snprintf(full, sizeof full, "%s%s%s%s", n->prefix, path,
	             query ? "?" : "", query ? query : "") >= (int)sizeof full ||
	    snprintf(url, sizeof url, "%s%s", n->base, full) >= (int)sizeof url)
		return ST_USAGE;
	/* Our own Host header makes the signed value the one sent. */
	snprintf(line, sizeof line, "Host: %s", n->host);
	st = net_header(hdrs, line);
	/* Without a key (check-page) the request is anonymous. The signature
	 * covers the query and the body too (FORMAT.md §6). */
	if (st == ST_OK && n->sk != NULL) {
		auth_body_hash(body, bodylen, body_hash);
		st = auth_sign(n->sk, method, n->host, full, body_hash,
		               (int64_t)time(NULL), sig);
		snprintf(line, sizeof line, "Authorization: %s", sig);
		if (st == ST_OK)
			st = net_header(hdrs, line);
	}
	if (st == ST_OK)
		st = net_header(hdrs, "Expect:");
	if (st != ST_OK)
		return st;
	curl_easy_reset(h); /* keeps live connections */
	s->h = h;
	if (curl_easy_setopt(h, CURLOPT_URL, url) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https") !=
	    CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_HTTPHEADER, *hdrs) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, net_write) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_WRITEDATA, s) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_FOLLOWLOCATION, 0L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT,
	                     n->proxy[0] != '\0' ? 60L : 30L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_LOW_SPEED_LIMIT, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_LOW_SPEED_TIME, 60L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_TCP_KEEPALIVE, 1L) != CURLE_OK ||
	    curl_easy_setopt(h, CURLOPT_MAX_RECV_SPEED_LARGE,
	                     (curl_off_t)n->rate) != CURLE_OK ||
	    /* only the proxy asked for ("": none, whatever the environment
	     * says); names are resolved by it (socks5h, socks4a) */
	    curl_easy_setopt(h, CURLOPT_PROXY, n->proxy) != CURLE_OK)
		return ST_INTERNAL;
	if (strcmp(method, "GET") != 0 &&
	    curl_easy_setopt(h, CURLOPT_CUSTOMREQUEST, method) != CURLE_OK)
		return ST_INTERNAL;
	return ST_OK;
}

/* Perform and map the outcome; *code is the HTTP status. */
static st_t net_perform(net *n, net_sink *s, long *code)
{
	CURLcode rc = curl_easy_perform(n->h);

	if (s->err != ST_OK)
		return s->err;
	if (rc != CURLE_OK)
		return net_curl_status(rc);
	curl_easy_getinfo(n->h, CURLINFO_RESPONSE_CODE, code);
	return ST_OK;
}

st_t net_request(net *n, const char *method, const char *path,
                 const char *query, const uint8_t *body, size_t bodylen,
                 size_t maxresp, uint8_t **resp, size_t *resplen,
                 long *code)
{
	struct curl_slist *hdrs = NULL;
	net_sink s;
	st_t st;

	memset(&s, 0, sizeof s);
	s.fd = -1;
	s.max = maxresp;
	st = net_prepare(n, method, path, query, body, bodylen, &hdrs, &s);
	/* A body goes with POST and PUT (keyset-push). */
	if (st == ST_OK && (strcmp(method, "POST") == 0 || strcmp(method, "PUT") == 0)) {
		if (net_header(&hdrs, "Content-Type: application/octet-stream") !=
		    ST_OK ||
		    curl_easy_setopt(n->h, CURLOPT_HTTPHEADER, hdrs) != CURLE_OK ||
		    curl_easy_setopt(n->h, CURLOPT_POST, 1L) != CURLE_OK ||
		    curl_easy_setopt(n->h, CURLOPT_POSTFIELDS,
		                     body != NULL ? (const char *)body : "") !=
		    CURLE_OK ||
		    curl_easy_setopt(n->h, CURLOPT_POSTFIELDSIZE_LARGE,
		                     (curl_off_t)bodylen) != CURLE_OK)
			st = ST_NOMEM;
	}
	if (st == ST_OK)
		st = net_perform(n, &s, code);
	if (st == ST_OK && resp != NULL) {
		if (s.buf == NULL)
			s.buf = calloc(1, 1);
		if (s.buf == NULL) {
			st = ST_NOMEM;
		} else {
			*resp = s.buf;
			*resplen = s.len;
			s.buf = NULL;
		}
	}
	curl_slist_free_all(hdrs);
	free(s.buf);
	return st;
}

st_t net_download(net *n, const char *path, int fd, uint64_t have,
                  uint64_t limit, net_progress_fn progress, void *ctx,
                  long *code)
{
	struct curl_slist *hdrs = NULL;
	char range[48];
	net_sink s;
	st_t st;

	memset(&s, 0, sizeof s);
	s.fd = fd;
	s.have = have;
	s.limit = limit;
	s.max = 4096; /* an error answer's body, read and dropped */
	s.progress = progress;
	s.pctx = ctx;
	st = net_prepare(n, "GET", path, NULL, NULL, 0, &hdrs, &s);
	if (st == ST_OK && have > 0) {
		snprintf(range, sizeof range, "%" PRIu64 "-", have);
		if (curl_easy_setopt(n->h, CURLOPT_RANGE, range) != CURLE_OK)
			st = ST_INTERNAL;
	}
	if (st == ST_OK)
		st = net_perform(n, &s, code);
	if (st == ST_OK && *code == 206 && have == 0)
		st = ST_BADDATA; /* a range we did not ask for */
	curl_slist_free_all(hdrs);
	free(s.buf);
	return st;
}
