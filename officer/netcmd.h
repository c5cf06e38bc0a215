/* netcmd.h: the online subcommands: fetch (download new envelopes from
 * the server) and push (post replies to their mailboxes). Each takes its
 * argv (argv[0] is the subcommand name), reports its own errors and
 * returns a status. */
#ifndef OFFICER_NETCMD_H
#define OFFICER_NETCMD_H

#include <stdint.h>
#include "net.h"
#include "status.h"
#include "tor.h"

st_t netcmd_fetch(int argc, char **argv);
st_t netcmd_push(int argc, char **argv);

/* Load the request-signing key into a sodium_malloc'd *sk (sodium_free
 * it even on failure). Reports its own errors. */
st_t netcmd_authkey(const char *path, uint8_t **sk);

/* With --tor: keep a --proxy that names a local Tor port (a usage error
 * for any other), else point *proxy at found, filled with the first
 * local Tor that answers (9050, then 9150: common/tor.h); ST_UNAVAILABLE
 * when none does. Reports its own errors. */
st_t netcmd_pick_proxy(const char *usage, int tor, const char **proxy,
                       char found[TOR_PROXY_MAX]);

/* A client for server through proxy (NULL: direct) at most rate bytes
 * per second (0: no cap); reports its own errors. */
st_t netcmd_client(const char *server, const uint8_t *sk, const char *proxy,
                   uint64_t rate, net **n);

#endif
