/* http.h: the HTTP face of intake-server (docs/PROTOCOL.md) on
 * libmicrohttpd: routing, officer authentication, tus uploads, downloads,
 * mailboxes, and the one table from statuses to HTTP codes. Every byte
 * handled here comes from the network. Nothing about a client (address,
 * User-Agent, path with ids) is logged. */
#ifndef INTAKE_SRV_HTTP_H
#define INTAKE_SRV_HTTP_H

#include "conf.h"
#include "nonce.h"
#include "rate.h"
#include "status.h"
#include "store.h"
#include "upload.h"

typedef struct http_server http_server;

/* Bind cf->listen_host:cf->port and serve in libmicrohttpd's threads
 * (one per connection). The caller keeps cf, up, nc and rl alive until
 * http_stop. ST_UNAVAILABLE (cannot bind), ST_CONFIG (bad address, no TLS
 * support), ST_NOINPUT/ST_PERM/ST_TOOBIG (TLS files), ST_NOMEM. The TLS key
 * is kept in sodium_malloc'd memory and wiped by http_stop. */
st_t http_start(const conf *cf, upload_svc *up, nonce_cache *nc, rate *rl,
                http_server **out);

/* Stop accepting, end every connection (an interrupted PATCH keeps what
 * was fsync'd, so it stays resumable) and free. NULL is fine. */
void http_stop(http_server *h);

/* The HTTP code for a status. */
unsigned http_code(st_t st);

#endif
