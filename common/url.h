/* url.h: the routing rules both HTTP clients apply to a server address
 * before connecting: which hosts may be reached over plain http:// and
 * which proxy schemes keep name lookups inside the proxy. Pure checks on
 * strings already split by the caller's URL parser. */
#ifndef INTAKE_URL_H
#define INTAKE_URL_H

#include "status.h"

/* 1 when host (as a URL parser gives it, trailing dot allowed) is a Tor
 * onion service name, else 0. */
int url_is_onion(const char *host);

/* 1 when host names this machine: "localhost", ::1 (bracketed or not)
 * or any 127.0.0.0/8 address, else 0. */
int url_is_loopback(const char *host);

/* ST_OK when proxy starts with socks5h://, socks4a://, http:// or
 * https:// (any case); ST_CONFIG otherwise, since socks5:// and
 * socks4:// would resolve names outside the proxy. */
st_t url_check_proxy(const char *proxy);

#endif
