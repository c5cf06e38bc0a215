/* casecmd.h: the air-gapped case subcommands: open, list, show, note,
 * state, search and reply. Each takes its argv (argv[0] is the subcommand
 * name), reports its own errors and returns a status. */
#ifndef OFFICER_CASECMD_H
#define OFFICER_CASECMD_H

#include "status.h"

st_t casecmd_open(int argc, char **argv);
st_t casecmd_list(int argc, char **argv);
st_t casecmd_show(int argc, char **argv);
st_t casecmd_note(int argc, char **argv);
st_t casecmd_state(int argc, char **argv);
st_t casecmd_search(int argc, char **argv);
st_t casecmd_reply(int argc, char **argv);

#endif
