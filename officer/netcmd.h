/* netcmd.h: the online subcommands: fetch (download new envelopes from
 * the server) and push (post replies to their mailboxes). Each takes its
 * argv (argv[0] is the subcommand name), reports its own errors and
 * returns a status. */
#ifndef OFFICER_NETCMD_H
#define OFFICER_NETCMD_H

#include <stdint.h>
#include "status.h"

st_t netcmd_fetch(int argc, char **argv);
st_t netcmd_push(int argc, char **argv);

/* Load the request-signing key into a sodium_malloc'd *sk (sodium_free
 * it even on failure). Reports its own errors. */
st_t netcmd_authkey(const char *path, uint8_t **sk);

#endif
