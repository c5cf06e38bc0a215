/* net.c: the client's HTTP, all of it libcurl. One easy handle per
 * operation keeps its connection between requests. Upload bytes are
 * pulled from a read function at the current offset, so a resume after a
 * cut re-serves exactly the bytes the server has not acknowledged.
 * Trust boundary: response headers and bodies are hostile; headers are
 * parsed strictly and bodies capped, nothing the server names is
 * followed, and no server text reaches the terminal. */
#include "net.h"

#include <curl/curl.h>
#include <jansson.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sodium.h>
#include <time.h>

#include "i18n.h"
#include "url.h"

#define NET_PIECE ((uint64_t)1 << 30)    /* bytes per PATCH */
#define NET_UPLOAD_BUF (128L * 1024)     /* libcurl's upload buffer */
#define NET_CREATE_TRIES 3               /* before "cannot reach" */
#define NET_POW_TRIES 3                  /* proofs of work per creation */
#define NET_POW_MAX 24                   /* the most work we agree to do */
#define NET_GET_TRIES 4
#define NET_BACKOFF_MS 250L
#define NET_BACKOFF_CAP_MS 30000L
#define NET_CONNECT_TIMEOUT 60L          /* seconds; Tor circuits are slow */
#define NET_STALL_TIME 120L              /* seconds below 1 byte/s */
#define NET_URL_MAX 2048

/* What we keep of one response. */
typedef struct {
	int have_offset;
	uint64_t offset;
	int have_length;
	uint64_t length;
	int have_location;
	char location[256];
} net_resp;

typedef struct {
	CURL *h;
	const net_cfg *cfg;
	char base[NET_URL_MAX - 128];
	char errbuf[CURL_ERROR_SIZE];
	net_resp resp;
	long code;
	/* request body */
	net_read_fn rd;
	void *rctx;
	uint64_t off;
	uint64_t left;
	st_t rst;
	net_progress_fn pg;
	void *pctx;
	/* response body, only when wanted */
	int keep_body;
	char *body;
	size_t blen;
	size_t bcap;
	int bover;
	/* SOCKS credentials of this operation (cfg->isolate): random, so Tor
	 * gives it a circuit of its own (IsolateSOCKSAuth). */
	char socks_user[33];
	char socks_pass[33];
} net_conn;

/* How a transport failure is handled. */
typedef enum { NET_RETRY, NET_TLS, NET_FATAL } net_fail;

st_t net_global_init(void)
{
	return curl_global_init(CURL_GLOBAL_DEFAULT) == CURLE_OK ? ST_OK
	                                                        : ST_INTERNAL;
}

void net_global_cleanup(void)
{
	curl_global_cleanup();
}

/* The message for a proxy that url_check_proxy refuses. */
static st_t net_check_proxy(const char *proxy, const char **why)
{
	if (url_check_proxy(proxy) == ST_OK)
		return ST_OK;
	*why = N_("the proxy must be socks5h://, socks4a://, http:// or https:// "
	       "(socks5:// and socks4:// would look up names outside the proxy)");
	return ST_CONFIG;
}

st_t net_check_target(const char *server, const char *proxy,
                      const char **why)
{
	CURLU *u = NULL;
	char *scheme = NULL, *host = NULL, *part = NULL;
	st_t st = ST_CONFIG;

	*why = N_("the server address is not a valid http:// or https:// URL");
	if (server == NULL || strlen(server) >= NET_URL_MAX - 64)
		goto cleanup;
	if (proxy != NULL && net_check_proxy(proxy, why) != ST_OK)
		goto cleanup;
	u = curl_url();
	if (u == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	if (curl_url_set(u, CURLUPART_URL, server, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_SCHEME, &scheme, 0) != CURLUE_OK ||
	    curl_url_get(u, CURLUPART_HOST, &host, 0) != CURLUE_OK)
		goto cleanup;
	/* Credentials, queries and fragments have no place in a base URL. */
	if (curl_url_get(u, CURLUPART_USER, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_QUERY, &part, 0) == CURLUE_OK ||
	    curl_url_get(u, CURLUPART_FRAGMENT, &part, 0) == CURLUE_OK)
		goto cleanup;
	if (url_is_onion(host) && proxy == NULL) {
		*why = N_("an .onion address can only be reached through Tor: "
		       "add --tor (or --proxy)");
		goto cleanup;
	}
	if (strcmp(scheme, "https") == 0) {
		st = ST_OK;
	} else if (strcmp(scheme, "http") == 0) {
		if (url_is_loopback(host) || url_is_onion(host)) {
			st = ST_OK;
		} else {
			*why = N_("plain http:// is only allowed to this machine or "
			       "an .onion address: use https://");
		}
	}
cleanup:
	curl_free(part);
	curl_free(host);
	curl_free(scheme);
	curl_url_cleanup(u);
	if (st == ST_OK)
		*why = NULL;
	return st;
}

static int net_is_hex_id(const char *s, size_t n)
{
	size_t i;

	if (n != NET_ID_LEN)
		return 0;
	for (i = 0; i < n; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return 1;
}

st_t net_parse_location(const char *value, char id[NET_ID_LEN + 1])
{
	static const char marker[] = "/v1/uploads/";
	size_t n = strlen(value), ml = sizeof(marker) - 1;

	if (n < ml + NET_ID_LEN ||
	    memcmp(value + n - NET_ID_LEN - ml, marker, ml) != 0 ||
	    !net_is_hex_id(value + n - NET_ID_LEN, NET_ID_LEN))
		return ST_BADDATA;
	memcpy(id, value + n - NET_ID_LEN, NET_ID_LEN);
	id[NET_ID_LEN] = '\0';
	return ST_OK;
}

/* Strict decimal: digits only, no sign, no overflow. */
static int net_parse_u64(const char *s, size_t n, uint64_t *out)
{
	uint64_t v = 0;
	size_t i;

	if (n == 0 || n > 19)
		return 0;
	for (i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return 0;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	*out = v;
	return 1;
}

static size_t net_header_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	net_conn *c = ud;
	size_t len = size * nitems, nl, vl;
	const char *colon, *v;

	/* A new status line (after a 100 Continue) starts a new response. */
	if (len >= 5 && memcmp(buf, "HTTP/", 5) == 0) {
		memset(&c->resp, 0, sizeof(c->resp));
		return len;
	}
	colon = memchr(buf, ':', len);
	if (colon == NULL)
		return len;
	nl = (size_t)(colon - buf);
	v = colon + 1;
	vl = len - nl - 1;
	while (vl > 0 && (*v == ' ' || *v == '\t')) {
		v++;
		vl--;
	}
	while (vl > 0 && (v[vl - 1] == '\r' || v[vl - 1] == '\n' ||
	                  v[vl - 1] == ' ' || v[vl - 1] == '\t'))
		vl--;
	if (nl == 13 && strncasecmp(buf, "Upload-Offset", nl) == 0) {
		c->resp.have_offset = net_parse_u64(v, vl, &c->resp.offset);
	} else if (nl == 13 && strncasecmp(buf, "Upload-Length", nl) == 0) {
		c->resp.have_length = net_parse_u64(v, vl, &c->resp.length);
	} else if (nl == 8 && strncasecmp(buf, "Location", nl) == 0 &&
	           vl < sizeof(c->resp.location)) {
		memcpy(c->resp.location, v, vl);
		c->resp.location[vl] = '\0';
		c->resp.have_location = 1;
	}
	return len;
}

static size_t net_write_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	net_conn *c = ud;
	size_t len = size * nitems, cap;
	char *nb;

	if (!c->keep_body)
		return len;
	if (c->blen + len + 1 > NET_BODY_MAX) {
		c->bover = 1;
		return 0; /* aborts the transfer */
	}
	if (c->blen + len + 1 > c->bcap) {
		cap = c->bcap ? c->bcap : 4096;
		while (cap < c->blen + len + 1)
			cap *= 2;
		nb = realloc(c->body, cap);
		if (nb == NULL)
			return 0;
		c->body = nb;
		c->bcap = cap;
	}
	memcpy(c->body + c->blen, buf, len);
	c->blen += len;
	c->body[c->blen] = '\0';
	return len;
}

static size_t net_read_cb(char *buf, size_t size, size_t nitems, void *ud)
{
	net_conn *c = ud;
	size_t want = size * nitems, got = 0;
	st_t st;

	if (want > c->left)
		want = (size_t)c->left;
	if (want == 0)
		return 0;
	st = c->rd(c->rctx, c->off, (uint8_t *)buf, want, &got);
	if (st != ST_OK || got == 0 || got > want) {
		c->rst = st != ST_OK ? st : ST_INTERNAL;
		return CURL_READFUNC_ABORT;
	}
	c->off += got;
	c->left -= got;
	if (c->pg != NULL)
		c->pg(c->pctx, c->off);
	return got;
}

static net_fail net_classify(CURLcode cc)
{
	switch (cc) {
	case CURLE_PEER_FAILED_VERIFICATION:
	case CURLE_SSL_PINNEDPUBKEYNOTMATCH:
	case CURLE_SSL_CACERT_BADFILE:
	case CURLE_SSL_CERTPROBLEM:
	case CURLE_SSL_CRL_BADFILE:
	case CURLE_SSL_ISSUER_ERROR:
		return NET_TLS;
	case CURLE_UNSUPPORTED_PROTOCOL:
	case CURLE_URL_MALFORMAT:
	case CURLE_NOT_BUILT_IN:
	case CURLE_OUT_OF_MEMORY:
	case CURLE_ABORTED_BY_CALLBACK:
	case CURLE_READ_ERROR:
		return NET_FATAL;
	default:
		return NET_RETRY;
	}
}

static void net_sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) != 0)
		;
}

/* Exponential backoff with jitter, so clients cut at once do not all come
 * back at once. fails counts from 1. */
static long net_backoff_ms(unsigned fails)
{
	long ms = NET_BACKOFF_MS;

	while (--fails > 0 && ms < NET_BACKOFF_CAP_MS)
		ms *= 2;
	if (ms > NET_BACKOFF_CAP_MS)
		ms = NET_BACKOFF_CAP_MS;
	return ms + (long)randombytes_uniform((uint32_t)(ms / 4 + 1));
}

static void net_notice(const net_conn *c, const char *msg)
{
	if (c->cfg->notice != NULL)
		c->cfg->notice(c->cfg->notice_ctx, msg);
}

/* cap - 1 random lowercase hex digits and a NUL. */
static void net_random_hex(char *out, size_t cap)
{
	uint8_t raw[16];
	size_t n = (cap - 1) / 2 < sizeof(raw) ? (cap - 1) / 2 : sizeof(raw);

	randombytes_buf(raw, n);
	sodium_bin2hex(out, cap, raw, n);
	sodium_memzero(raw, sizeof(raw));
}

static st_t net_open(net_conn *c, const net_cfg *cfg)
{
	size_t n = strlen(cfg->server);

	memset(c, 0, sizeof(*c));
	c->cfg = cfg;
	while (n > 0 && cfg->server[n - 1] == '/')
		n--;
	if (n >= sizeof(c->base))
		return ST_CONFIG;
	memcpy(c->base, cfg->server, n);
	c->base[n] = '\0';
	if (cfg->isolate) {
		net_random_hex(c->socks_user, sizeof(c->socks_user));
		net_random_hex(c->socks_pass, sizeof(c->socks_pass));
	}
	c->h = curl_easy_init();
	return c->h ? ST_OK : ST_NOMEM;
}

static void net_close(net_conn *c)
{
	curl_easy_cleanup(c->h);
	free(c->body);
	memset(c, 0, sizeof(*c));
}

/* Options every request gets. The handle is reset before each request
 * (its connection survives the reset). */
static CURLcode net_setup(net_conn *c, const char *url)
{
	const net_cfg *cfg = c->cfg;
	CURL *h = c->h;
	CURLcode cc = CURLE_OK;

	curl_easy_reset(h);
	memset(&c->resp, 0, sizeof(c->resp));
	c->errbuf[0] = '\0';
	c->code = 0;
#define SET(opt, val) \
	do { \
		if (cc == CURLE_OK) \
			cc = curl_easy_setopt(h, opt, val); \
	} while (0)
	SET(CURLOPT_URL, url);
	SET(CURLOPT_PROTOCOLS_STR, "http,https");
	SET(CURLOPT_FOLLOWLOCATION, 0L);
	SET(CURLOPT_NOSIGNAL, 1L);
	/* Only the proxy we were given: "" also ignores *_proxy variables,
	 * and an empty no-proxy list sends every host through it. */
	SET(CURLOPT_PROXY, cfg->proxy ? cfg->proxy : "");
	SET(CURLOPT_NOPROXY, "");
	if (cfg->isolate) {
		SET(CURLOPT_PROXYUSERNAME, c->socks_user);
		SET(CURLOPT_PROXYPASSWORD, c->socks_pass);
	}
	SET(CURLOPT_CONNECTTIMEOUT, NET_CONNECT_TIMEOUT);
	SET(CURLOPT_LOW_SPEED_LIMIT, 1L);
	SET(CURLOPT_LOW_SPEED_TIME, NET_STALL_TIME);
	SET(CURLOPT_TCP_KEEPALIVE, 1L);
	SET(CURLOPT_SSL_VERIFYPEER, 1L);
	SET(CURLOPT_SSL_VERIFYHOST, 2L);
	SET(CURLOPT_SSLVERSION, (long)CURL_SSLVERSION_TLSv1_2);
	if (cfg->cacert != NULL)
		SET(CURLOPT_CAINFO, cfg->cacert);
	if (cfg->pin != NULL)
		SET(CURLOPT_PINNEDPUBLICKEY, cfg->pin);
	SET(CURLOPT_ERRORBUFFER, c->errbuf);
	SET(CURLOPT_HEADERFUNCTION, net_header_cb);
	SET(CURLOPT_HEADERDATA, c);
	SET(CURLOPT_WRITEFUNCTION, net_write_cb);
	SET(CURLOPT_WRITEDATA, c);
	SET(CURLOPT_UPLOAD_BUFFERSIZE, NET_UPLOAD_BUF);
#undef SET
	return cc;
}

/* Run one request. ST_OK when an HTTP answer came (c->code holds it);
 * otherwise a transport failure: ST_TEMPFAIL (worth retrying), ST_PERM
 * (TLS), or the read function's status or another fatal one. */
static st_t net_perform(net_conn *c, struct curl_slist *hdrs,
                        const char **why)
{
	CURLcode cc;

	c->rst = ST_OK;
	c->bover = 0;
	cc = curl_easy_setopt(c->h, CURLOPT_HTTPHEADER, hdrs);
	if (cc == CURLE_OK)
		cc = curl_easy_perform(c->h);
	if (cc == CURLE_OK) {
		curl_easy_getinfo(c->h, CURLINFO_RESPONSE_CODE, &c->code);
		return ST_OK;
	}
	if (c->rst != ST_OK) {
		*why = N_("the data to send could not be read");
		return c->rst;
	}
	if (c->bover) {
		*why = N_("the server's answer was too large");
		return ST_BADDATA;
	}
	switch (net_classify(cc)) {
	case NET_TLS:
		*why = N_("the server's certificate or public key could not be "
		       "verified (check --cacert and --pin); nothing was sent");
		return ST_PERM;
	case NET_FATAL:
		*why = N_("the request could not be made");
		return ST_INTERNAL;
	case NET_RETRY:
		break;
	}
	/* Through the local Tor, found running: the way on is what failed. */
	if (c->cfg->isolate && (cc == CURLE_PROXY || cc == CURLE_COULDNT_CONNECT))
		*why = N_("Tor could not reach the server. If Tor Browser has just "
		          "started, wait until it says it is connected; check the "
		          "server address");
	else if (cc == CURLE_COULDNT_CONNECT || cc == CURLE_COULDNT_RESOLVE_HOST ||
	         cc == CURLE_COULDNT_RESOLVE_PROXY)
		*why = N_("could not connect to the server (is it running, and is "
		       "the address right? with --tor, is Tor running?)");
	else
		*why = N_("the connection failed");
	return ST_TEMPFAIL;
}

/* Statuses that say "later" rather than "no". */
static int net_code_retry(long code)
{
	return code == 409 || code == 423 || code == 429 || code >= 500;
}

/* A definite refusal of the upload, in plain words. */
static st_t net_code_refusal(long code, const char **why)
{
	switch (code) {
	case 404:
	case 410:
		*why = N_("the server does not know this upload (it may have "
		       "expired); run the submission again");
		return ST_NOTFOUND;
	case 413:
		*why = N_("the server refuses a submission this large");
		return ST_TOOBIG;
	case 422:
		*why = N_("the server refused the envelope: it is not valid, or the "
		          "organization's keys changed meanwhile (run the command "
		          "again to fetch them)");
		return ST_BADDATA;
	default:
		*why = N_("the server refused the request (is this an intake "
		       "server, and is the address right?)");
		return ST_BADDATA;
	}
}

static st_t net_headers(struct curl_slist **out, const char *extra1,
                        const char *extra2)
{
	static const char *const base[] = {
		"Tus-Resumable: 1.0.0", "Expect:", "Content-Type:",
	};
	struct curl_slist *l = NULL, *t;
	const char *all[5];
	size_t n = 0, i;

	for (i = 0; i < sizeof(base) / sizeof(base[0]); i++)
		all[n++] = base[i];
	if (extra1 != NULL)
		all[n++] = extra1;
	if (extra2 != NULL)
		all[n++] = extra2;
	for (i = 0; i < n; i++) {
		t = curl_slist_append(l, all[i]);
		if (t == NULL) {
			curl_slist_free_all(l);
			return ST_NOMEM;
		}
		l = t;
	}
	*out = l;
	return ST_OK;
}

/* Proof of work for a 428 (docs/PROTOCOL.md): from the server's
 * {"difficulty":D,"challenge":"<base64 of 32 bytes>"}, find an 8-byte
 * nonce with SHA-256(challenge || nonce) starting with D zero bits and
 * write the header line "Intake-PoW: <challenge>:<16 hex>". The body is
 * hostile: D is bounded, the challenge must be exactly 32 bytes. */
static st_t net_pow_solve(const char *body, char *line, size_t cap)
{
	crypto_hash_sha256_state base, st;
	uint8_t chal[32], nonce[8], h[crypto_hash_sha256_BYTES];
	char hex[2 * sizeof nonce + 1];
	const char *b64;
	json_t *j;
	json_int_t d;
	size_t clen = 0;
	uint64_t n;
	unsigned i, bits;
	uint8_t m;
	st_t ret = ST_BADDATA;

	j = body != NULL ? json_loads(body, 0, NULL) : NULL;
	b64 = json_string_value(json_object_get(j, "challenge"));
	d = json_integer_value(json_object_get(j, "difficulty"));
	if (b64 == NULL || !json_is_integer(json_object_get(j, "difficulty")) ||
	    d < 0 || d > NET_POW_MAX || strlen(b64) > 64 ||
	    sodium_base642bin(chal, sizeof chal, b64, strlen(b64), NULL, &clen, NULL,
	                      sodium_base64_VARIANT_ORIGINAL) != 0 ||
	    clen != sizeof chal)
		goto cleanup;
	crypto_hash_sha256_init(&base);
	crypto_hash_sha256_update(&base, chal, sizeof chal);
	for (n = 0;; n++) {
		for (i = 0; i < sizeof nonce; i++)
			nonce[i] = (uint8_t)(n >> (8 * i));
		st = base;
		crypto_hash_sha256_update(&st, nonce, sizeof nonce);
		crypto_hash_sha256_final(&st, h);
		for (bits = 0, i = 0; i < sizeof h && h[i] == 0; i++)
			bits += 8;
		if (i < sizeof h)
			for (m = 0x80; (h[i] & m) == 0; m >>= 1)
				bits++;
		if (bits >= (unsigned)d)
			break;
	}
	sodium_bin2hex(hex, sizeof hex, nonce, sizeof nonce);
	ret = snprintf(line, cap, "Intake-PoW: %s:%s", b64, hex) < (int)cap ? ST_OK
	      : ST_BADDATA;
cleanup:
	json_decref(j);
	return ret;
}

/* POST the new upload, with the Intake-PoW header line pow when not
 * NULL; ST_OK with its id, ST_POW when the server asks for work (its
 * challenge is then in c->body). */
static st_t net_create(net_conn *c, uint64_t total, const char *pow,
                       char id[NET_ID_LEN + 1], const char **why)
{
	char url[NET_URL_MAX], len[64];
	struct curl_slist *hdrs = NULL;
	st_t st;

	snprintf(url, sizeof(url), "%s/v1/uploads/", c->base);
	snprintf(len, sizeof(len), "Upload-Length: %llu",
	         (unsigned long long)total);
	st = net_headers(&hdrs, len, pow);
	if (st != ST_OK)
		return st;
	c->blen = 0;
	c->keep_body = 1;
	if (net_setup(c, url) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_POST, 1L) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_POSTFIELDS, "") != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_POSTFIELDSIZE, 0L) != CURLE_OK) {
		st = ST_INTERNAL;
		goto cleanup;
	}
	st = net_perform(c, hdrs, why);
	c->keep_body = 0;
	if (st != ST_OK)
		goto cleanup;
	if (c->code == 428) {
		st = ST_POW;
	} else if (c->code == 201) {
		if (!c->resp.have_location ||
		    net_parse_location(c->resp.location, id) != ST_OK) {
			*why = N_("the server's answer was malformed");
			st = ST_BADDATA;
		}
	} else if (net_code_retry(c->code)) {
		*why = N_("the server is busy or full");
		st = ST_TEMPFAIL;
	} else {
		st = net_code_refusal(c->code, why);
	}
cleanup:
	curl_slist_free_all(hdrs);
	return st;
}

/* HEAD: the server's offset for this upload. */
static st_t net_head(net_conn *c, const char *url, uint64_t total,
                     uint64_t *off, const char **why)
{
	struct curl_slist *hdrs = NULL;
	st_t st;

	st = net_headers(&hdrs, NULL, NULL);
	if (st != ST_OK)
		return st;
	if (net_setup(c, url) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_NOBODY, 1L) != CURLE_OK) {
		st = ST_INTERNAL;
		goto cleanup;
	}
	st = net_perform(c, hdrs, why);
	if (st != ST_OK)
		goto cleanup;
	if (c->code == 200) {
		/* The server must agree on the length and not claim more
		 * than exists. */
		if (!c->resp.have_offset || !c->resp.have_length ||
		    c->resp.length != total || c->resp.offset > total) {
			*why = N_("the server's answer was malformed");
			st = ST_BADDATA;
		} else {
			*off = c->resp.offset;
		}
	} else if (net_code_retry(c->code)) {
		*why = N_("the server is busy");
		st = ST_TEMPFAIL;
	} else {
		st = net_code_refusal(c->code, why);
	}
cleanup:
	curl_slist_free_all(hdrs);
	return st;
}

/* PATCH [off, off+n). ST_OK with the new offset when the server took at
 * least one byte. */
static st_t net_patch(net_conn *c, const char *url, uint64_t off,
                      uint64_t n, uint64_t *newoff,
                      const char **why)
{
	struct curl_slist *hdrs = NULL;
	char hoff[64];
	st_t st;

	snprintf(hoff, sizeof(hoff), "Upload-Offset: %llu",
	         (unsigned long long)off);
	st = net_headers(&hdrs, hoff,
	                 "Content-Type: application/offset+octet-stream");
	if (st != ST_OK)
		return st;
	c->off = off;
	c->left = n;
	if (net_setup(c, url) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_UPLOAD, 1L) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_CUSTOMREQUEST, "PATCH") != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_INFILESIZE_LARGE,
	                     (curl_off_t)n) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_READFUNCTION, net_read_cb) != CURLE_OK ||
	    curl_easy_setopt(c->h, CURLOPT_READDATA, c) != CURLE_OK) {
		st = ST_INTERNAL;
		goto cleanup;
	}
	st = net_perform(c, hdrs, why);
	if (st != ST_OK)
		goto cleanup;
	if (c->code == 204 && c->resp.have_offset && c->resp.offset > off &&
	    c->resp.offset <= off + n) {
		*newoff = c->resp.offset;
	} else if (c->code == 204 || net_code_retry(c->code)) {
		/* A 204 without progress is as good as a failure: ask. */
		*why = c->code == 204 ? N_("the server's answer was malformed")
		                      : N_("the server could not take the data");
		st = ST_TEMPFAIL;
	} else {
		st = net_code_refusal(c->code, why);
	}
cleanup:
	curl_slist_free_all(hdrs);
	return st;
}

st_t net_upload(const net_cfg *cfg, uint64_t total, net_read_fn rd,
                void *rctx, net_progress_fn pg, void *pctx,
                char id[NET_ID_LEN + 1], const char **why)
{
	net_conn c;
	char url[NET_URL_MAX], msg[512];
	uint64_t off = 0, best = 0, newoff = 0, n;
	char pow[160];
	unsigned fails = 0, tries, pows;
	st_t st;

	*why = NULL;
	st = net_open(&c, cfg);
	if (st != ST_OK)
		goto cleanup;
	c.rd = rd;
	c.rctx = rctx;
	c.pg = pg;
	c.pctx = pctx;

	/* Nothing exists on the server yet: a few quick tries, then say
	 * plainly that it cannot be reached. */
	for (tries = 1;; tries++) {
		st = net_create(&c, total, NULL, id, why);
		/* A flooded server asks for proof of work first: pay it. */
		for (pows = 0; st == ST_POW && pows < NET_POW_TRIES; pows++) {
			if (net_pow_solve(c.body, pow, sizeof(pow)) != ST_OK)
				break; /* a challenge we will not do */
			st = net_create(&c, total, pow, id, why);
		}
		if (st == ST_POW) {
			*why = N_("the server is busy or full");
			st = ST_TEMPFAIL;
		}
		if (st != ST_TEMPFAIL || tries >= NET_CREATE_TRIES)
			break;
		net_notice(&c, _("could not start the upload; trying again"));
		net_sleep_ms(net_backoff_ms(tries));
	}
	if (st == ST_TEMPFAIL)
		st = ST_UNAVAILABLE;
	if (st != ST_OK)
		goto cleanup;
	snprintf(url, sizeof(url), "%s/v1/uploads/%s", c.base, id);

	while (off < total) {
		n = total - off < NET_PIECE ? total - off : NET_PIECE;
		st = net_patch(&c, url, off, n, &newoff, why);
		if (st == ST_OK) {
			off = best = newoff;
			fails = 0;
			continue;
		}
		if (st != ST_TEMPFAIL)
			goto cleanup;
		/* Back off, ask where the server stands, resume there. */
		for (;;) {
			if (++fails > cfg->retries) {
				*why = N_("the upload failed too many times in a row; "
				       "run the same command again later");
				st = ST_UNAVAILABLE;
				goto cleanup;
			}
			if (c.code != 0)
				snprintf(msg, sizeof(msg), _("%s (http %ld); resuming "
				         "(attempt %u of %u)"), _(*why), c.code, fails,
				         cfg->retries);
			else
				snprintf(msg, sizeof(msg), _("%s; resuming (attempt "
				         "%u of %u)"), _(*why), fails, cfg->retries);
			net_notice(&c, msg);
			net_sleep_ms(net_backoff_ms(fails));
			st = net_head(&c, url, total, &off, why);
			if (st == ST_OK)
				break;
			if (st != ST_TEMPFAIL)
				goto cleanup;
		}
		/* Progress since the last failure restarts the count: a long
		 * upload over a poor link may be cut many times. */
		if (off > best) {
			best = off;
			fails = 0;
		}
	}
	st = ST_OK;
cleanup:
	if (c.h != NULL)
		net_close(&c);
	return st;
}

/* An anonymous GET of path with retries; `notice` (translated) is told
 * before each retry, notfound (when not NULL) is the reason for a 404. */
static st_t net_get(const net_cfg *cfg, const char *path, const char *notice,
                    const char *notfound, char **body, size_t *len,
                    const char **why)
{
	net_conn c;
	char url[NET_URL_MAX];
	struct curl_slist *hdrs = NULL;
	unsigned tries;
	st_t st;

	*why = NULL;
	*body = NULL;
	*len = 0;
	st = net_open(&c, cfg);
	if (st != ST_OK)
		goto cleanup;
	st = net_headers(&hdrs, NULL, NULL);
	if (st != ST_OK)
		goto cleanup;
	snprintf(url, sizeof(url), "%s%s", c.base, path);
	for (tries = 1;; tries++) {
		c.blen = 0;
		if (net_setup(&c, url) != CURLE_OK) {
			st = ST_INTERNAL;
			goto cleanup;
		}
		c.keep_body = 1;
		st = net_perform(&c, hdrs, why);
		if (st == ST_OK && c.code == 200 && c.body != NULL)
			break;
		if (st == ST_OK && net_code_retry(c.code)) {
			*why = N_("the server is busy");
			st = ST_TEMPFAIL;
		} else if (st == ST_OK && c.code == 404 && notfound != NULL) {
			*why = notfound;
			st = ST_NOTFOUND;
		} else if (st == ST_OK) {
			*why = N_("the server refused the request (is this an "
			       "intake server, and is the address right?)");
			st = ST_BADDATA;
		}
		if (st != ST_TEMPFAIL)
			goto cleanup;
		if (tries >= NET_GET_TRIES) {
			st = ST_UNAVAILABLE;
			goto cleanup;
		}
		net_notice(&c, notice);
		net_sleep_ms(net_backoff_ms(tries));
	}
	*body = c.body;
	*len = c.blen;
	c.body = NULL;
cleanup:
	curl_slist_free_all(hdrs);
	if (c.h != NULL)
		net_close(&c);
	return st;
}

st_t net_mailbox_get(const net_cfg *cfg, const char *mailbox_hex,
                     char **body, size_t *len, const char **why)
{
	char path[64];

	if (!net_is_hex_id(mailbox_hex, strlen(mailbox_hex)))
		return ST_INTERNAL;
	snprintf(path, sizeof(path), "/v1/mailboxes/%s", mailbox_hex);
	return net_get(cfg, path, _("could not fetch the replies; trying again"),
	               NULL, body, len, why);
}

st_t net_keyset_get(const net_cfg *cfg, uint8_t **body, size_t *len,
                    const char **why)
{
	return net_get(cfg, "/v1/keyset",
	               _("could not fetch the organization's keys; trying again"),
	               N_("the server has no keys of the organization yet: ask the "
	                  "organization, or use --keyset FILE"),
	               (char **)body, len, why);
}
