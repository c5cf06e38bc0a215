/* keycmd.h: the key subcommands: keygen, bundle, fingerprint (air-gapped)
 * and auth-keygen (online). Each takes its argv (argv[0] is the
 * subcommand name), reports its own errors and returns a status. */
#ifndef OFFICER_KEYCMD_H
#define OFFICER_KEYCMD_H

#include "status.h"

st_t keycmd_keygen(int argc, char **argv);
st_t keycmd_bundle(int argc, char **argv);
st_t keycmd_fingerprint(int argc, char **argv);
st_t keycmd_auth_keygen(int argc, char **argv);

#endif
