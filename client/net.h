/* net.h: every HTTP request intake-submit makes, all through libcurl: the
 * tus 1.0.0 upload of an envelope (resumed after a cut, a timeout or a
 * server error from the offset the server acknowledged) and the anonymous
 * mailbox fetch. Trust boundary: everything in a response is hostile; it
 * is bounded and parsed strictly, and no URL the server sends is followed
 * (no redirects; only the upload id is taken from Location). */
#ifndef INTAKE_CLIENT_NET_H
#define INTAKE_CLIENT_NET_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define NET_ID_LEN 32                    /* upload id: 32 lowercase hex */
#define NET_RETRIES_DEFAULT 20
#define NET_BODY_MAX ((size_t)64 << 20)  /* cap on a mailbox answer */

/* Where and how to connect; strings are borrowed. */
typedef struct {
	const char *server;   /* base URL, accepted by net_check_target */
	const char *proxy;    /* NULL for a direct connection */
	const char *cacert;   /* NULL: the system's trust store */
	const char *pin;      /* NULL or "sha256//<base64>[;sha256//...]" */
	unsigned retries;     /* failed attempts in a row before giving up */
	int isolate;          /* fresh random SOCKS login per operation (Tor) */
	/* Told about each retry with a short lowercase sentence. */
	void (*notice)(void *ctx, const char *msg);
	void *notice_ctx;
} net_cfg;

/* Serves upload bytes [off, off+len); *got may be short, never 0 before
 * the end. */
typedef st_t (*net_read_fn)(void *ctx, uint64_t off, uint8_t *buf,
                            size_t len, size_t *got);
/* Bytes handed to the connection so far (may go back after a resume). */
typedef void (*net_progress_fn)(void *ctx, uint64_t done);

/* Once per process, before any other call. ST_INTERNAL. */
st_t net_global_init(void);
void net_global_cleanup(void);

/* Check a server URL and proxy against the rules before any traffic:
 * http or https only, no user info, query or fragment; plain http only to
 * loopback or to a .onion host, and a .onion host only through a proxy;
 * proxies must resolve names themselves (socks5h, socks4a, http, https).
 * ST_CONFIG with a plain-words reason in *why. */
st_t net_check_target(const char *server, const char *proxy,
                      const char **why);

/* Take the upload id from a Location header value (a path or URL ending
 * in /v1/uploads/<32 hex>). ST_BADDATA otherwise. */
st_t net_parse_location(const char *value, char id[NET_ID_LEN + 1]);

/* Upload total bytes from rd to cfg->server with tus: create, then PATCH
 * in pieces; after a failure back off, ask for the offset with HEAD and
 * resume there. *id receives the upload id. ST_UNAVAILABLE when the
 * server cannot be reached or the retries run out, ST_PERM when TLS
 * verification or pinning fails, ST_TOOBIG/ST_BADDATA/ST_NOTFOUND for
 * refusals, or rd's status. *why explains in plain words. */
st_t net_upload(const net_cfg *cfg, uint64_t total, net_read_fn rd,
                void *rctx, net_progress_fn pg, void *pctx,
                char id[NET_ID_LEN + 1], const char **why);

/* GET /v1/mailboxes/<mailbox_hex>. *body is malloc'd and NUL-terminated
 * (caller frees); at most NET_BODY_MAX bytes. Statuses as net_upload. */
st_t net_mailbox_get(const net_cfg *cfg, const char *mailbox_hex,
                     char **body, size_t *len, const char **why);

/* GET /v1/keyset: the organization's keyset, unchecked (client/keys.c
 * checks it). ST_NOTFOUND when the server has none; else as above. */
st_t net_keyset_get(const net_cfg *cfg, uint8_t **body, size_t *len,
                    const char **why);

#endif
