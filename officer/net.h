/* net.h: the online machine's HTTP client for the officer API
 * (docs/PROTOCOL.md). One libcurl handle per run so connections are
 * reused; every request is signed (common/auth.h) over the Host header
 * exactly as sent. All of the officer's libcurl calls live in net.c.
 * Trust boundary: the server is untrusted: response bodies are capped
 * before they are stored, downloads are capped at the announced size. */
#ifndef OFFICER_NET_H
#define OFFICER_NET_H

#include <stddef.h>
#include <stdint.h>
#include "auth.h"
#include "status.h"

typedef struct net net;

/* A client for base URL "http[s]://host[:port][/prefix]". sk is borrowed
 * (sodium_malloc'd by the caller, alive until net_free), or NULL for
 * unsigned requests. ST_USAGE for a URL we do not accept. */
st_t net_new(const char *url, const uint8_t *sk, net **out);
void net_free(net *n);

/* The proxy to connect through (NULL: none; the environment's is never
 * used), checked with intake-submit's rules: socks5h://, socks4a://,
 * http:// or https:// only; an .onion server needs one; plain http://
 * only to this machine or an .onion. ST_USAGE with *why on a breach. */
st_t net_set_proxy(net *n, const char *proxy, const char **why);

/* Cap the download speed (bytes per second, 0 = none). */
void net_set_rate(net *n, uint64_t bytes_per_sec);

/* URL-escape s for a query string; caller frees *out with free(). */
st_t net_escape(net *n, const char *s, char **out);

/* A signed request: path (from "/v1/"), an optional query (already
 * escaped, NULL for none), an optional body. The response body, at most
 * maxresp bytes (ST_TOOBIG past it), is malloc'd into *resp (NUL added,
 * not counted; caller frees) unless resp is NULL. *code is the HTTP
 * status; ST_OK means an HTTP answer arrived, whatever its code. */
st_t net_request(net *n, const char *method, const char *path,
                 const char *query, const uint8_t *body, size_t bodylen,
                 size_t maxresp, uint8_t **resp, size_t *resplen,
                 long *code);

/* Progress callback: total bytes now in the file. */
typedef void (*net_progress_fn)(void *ctx, uint64_t have);

/* Signed GET of path into fd starting at file offset `have` (with
 * "Range: bytes=have-" when have > 0; a 200 answer restarts at 0). The
 * file never grows past `limit` bytes (ST_TOOBIG). *code is 200 or 206 on
 * success, otherwise the error code with nothing written. */
st_t net_download(net *n, const char *path, int fd, uint64_t have,
                  uint64_t limit, net_progress_fn progress, void *ctx,
                  long *code);

/* The status an unexpected HTTP code stands for. */
st_t net_code_status(long code);

#endif
