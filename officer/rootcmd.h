/* rootcmd.h: the root key and keyset subcommands: root-keygen,
 * keyset-entry, keyset-make (air-gapped), root-fingerprint, keyset-show
 * (either machine) and keyset-push (online). Each takes its argv (argv[0]
 * is the subcommand name), reports its own errors and returns a status. */
#ifndef OFFICER_ROOTCMD_H
#define OFFICER_ROOTCMD_H

#include "status.h"

st_t rootcmd_root_keygen(int argc, char **argv);
st_t rootcmd_root_fingerprint(int argc, char **argv);
st_t rootcmd_keyset_entry(int argc, char **argv);
st_t rootcmd_keyset_make(int argc, char **argv);
st_t rootcmd_keyset_show(int argc, char **argv);
st_t rootcmd_keyset_push(int argc, char **argv);

#endif
