/* proc.h: process hardening shared by the three programs: no core dumps,
 * not ptrace-attachable by same-uid processes, sodium initialised. */
#ifndef INTAKE_PROC_H
#define INTAKE_PROC_H

#include "status.h"

/* Call first in main(). ST_INTERNAL if libsodium cannot initialise. */
st_t proc_harden(void);

#endif
