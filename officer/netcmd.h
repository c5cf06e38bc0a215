/* netcmd.h: the online subcommands: fetch (download new envelopes from
 * the server) and push (post replies to their mailboxes). Each takes its
 * argv (argv[0] is the subcommand name), reports its own errors and
 * returns a status. */
#ifndef OFFICER_NETCMD_H
#define OFFICER_NETCMD_H

#include "status.h"

st_t netcmd_fetch(int argc, char **argv);
st_t netcmd_push(int argc, char **argv);

#endif
