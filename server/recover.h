/* recover.h: the start-up recovery pass. It reconciles the sqlite rows
 * with the files after any crash, following the write order in
 * docs/SERVER.md: finishes interrupted landings, cuts partial files back
 * to their durable offset, and wipes files no row owns. Runs before the
 * server accepts connections. */
#ifndef INTAKE_SRV_RECOVER_H
#define INTAKE_SRV_RECOVER_H

#include <stdint.h>
#include "upload.h"

typedef struct {
	unsigned landed;     /* interrupted landings finished */
	unsigned truncated;  /* partial files cut back to the durable offset */
	unsigned dropped;    /* upload rows whose data was gone or expired */
	unsigned orphans;    /* files no row owned, wiped */
	unsigned lost;       /* listed submissions with a missing or short file */
} recover_stats;

/* ST_OK, or the first store/blob error (the server must not start). */
st_t recover_run(upload_svc *u, int64_t now, recover_stats *rs);

#endif
