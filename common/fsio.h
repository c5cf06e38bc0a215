/* fsio.h: file I/O that either finishes or says why: full reads and
 * writes, size-capped file loading, and atomic create-or-replace with
 * fsync of the file and its directory. Paths here are chosen by the local
 * user, never by a remote party. */
#ifndef INTAKE_FSIO_H
#define INTAKE_FSIO_H

#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include "status.h"

/* Write all of buf, retrying on EINTR and short writes. ST_NOSPACE on
 * ENOSPC/EDQUOT, ST_IO otherwise. */
st_t fsio_write_all(int fd, const void *buf, size_t len);

/* Read until len bytes or EOF; *got says how many. */
st_t fsio_read_full(int fd, void *buf, size_t len, size_t *got);

/* pread exactly len bytes at off; ST_BADDATA if the file is shorter. */
st_t fsio_pread_exact(int fd, void *buf, size_t len, uint64_t off);

/* Load a whole file of at most max bytes into a malloc'd buffer with one
 * extra NUL byte (not counted in *len). Caller frees. "-" is stdin.
 * ST_NOINPUT, ST_TOOBIG, ST_IO. */
st_t fsio_read_file(const char *path, size_t max, uint8_t **out, size_t *len);

/* As fsio_read_file, for secrets: the buffer is sodium_malloc'd (free with
 * sodium_free), and the file is refused with ST_PERM if group or others
 * may read it. Not "-". */
st_t fsio_read_secret_file(const char *path, size_t max, uint8_t **out,
                           size_t *len);

/* Write buf to path atomically: a temporary file beside it, fsync, rename
 * (or link, when !overwrite, so an existing file is never replaced), then
 * fsync of the directory. ST_EXISTS when !overwrite and path exists. */
st_t fsio_write_file_atomic(const char *path, const void *buf, size_t len,
                            mode_t mode, int overwrite);

/* fsync a directory, or the directory holding path. */
st_t fsio_fsync_dir(const char *dir);
st_t fsio_fsync_parent(const char *path);

/* Map an errno to a status. */
st_t fsio_errno_status(int err);

#endif
