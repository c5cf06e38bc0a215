/* netcmd.h: the online subcommands: fetch (download new envelopes from
 * the server) and push (post replies to their mailboxes). Each takes its
 * argv (argv[0] is the subcommand name), reports its own errors and
 * returns a status. */
#ifndef OFFICER_NETCMD_H
#define OFFICER_NETCMD_H

#include <stdint.h>
#include "net.h"
#include "status.h"

st_t netcmd_fetch(int argc, char **argv);
st_t netcmd_push(int argc, char **argv);

/* Load the request-signing key into a sodium_malloc'd *sk (sodium_free
 * it even on failure). Reports its own errors. */
st_t netcmd_authkey(const char *path, uint8_t **sk);

/* --tor as a proxy URL in *proxy; a usage error if --proxy names
 * another one. */
st_t netcmd_pick_proxy(const char *usage, int tor, const char **proxy);

/* A client for server through proxy (NULL: direct) at most rate bytes
 * per second (0: no cap); reports its own errors. */
st_t netcmd_client(const char *server, const uint8_t *sk, const char *proxy,
                   uint64_t rate, net **n);

#endif
