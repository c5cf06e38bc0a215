/* blob.h: upload and envelope files in the data directory. Unfinished
 * uploads live in DATA/partial/ID, landed envelopes in DATA/store/ID; the
 * directory fds are opened once and every file is reached with *at()
 * calls and O_NOFOLLOW. Names are server-made 32-hex ids, never a client's
 * choice. Completion is fsync(file), rename, fsync(both directories). */
#ifndef INTAKE_SRV_BLOB_H
#define INTAKE_SRV_BLOB_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>
#include "status.h"

#define BLOB_ID_HEX 32

typedef enum { BLOB_PARTIAL, BLOB_STORE } blob_area;

typedef struct blob blob;

/* Create (0700) or open the areas under datadir. ST_IO, ST_PERM. */
st_t blob_open(const char *datadir, blob **out);
void blob_close(blob *b);

/* A new empty partial file, with its directory entry made durable.
 * ST_EXISTS if it is already there. */
st_t blob_create(blob *b, const char *id);

/* Open an area's file: for appending at offset (the file is cut back to
 * offset first, dropping bytes nobody acknowledged) or read-only.
 * *fd is the caller's to close. ST_NOTFOUND. */
st_t blob_open_append(blob *b, const char *id, uint64_t offset, int *fd);
st_t blob_open_read(blob *b, blob_area a, const char *id, int *fd,
                    uint64_t *size);

/* The first min(cap, file size) bytes of an area's file into buf (an
 * envelope's header, say): *got bytes read, *size the file's length.
 * ST_NOTFOUND and blob_open_read's statuses; ST_IO when the read fails. */
st_t blob_read_head(blob *b, blob_area a, const char *id, uint8_t *buf,
                    size_t cap, size_t *got, uint64_t *size);

/* Size of an area's file; ST_NOTFOUND. */
st_t blob_size(blob *b, blob_area a, const char *id, uint64_t *size);
/* Cut a partial file to len and fsync it. */
st_t blob_truncate(blob *b, const char *id, uint64_t len);

/* Write len bytes at the fd's position. ST_NOSPACE on a full disk; on any
 * error *written says how many bytes did reach the file. */
st_t blob_write(int fd, const void *buf, size_t len, size_t *written);
/* fsync; ST_IO. */
st_t blob_sync(int fd);

/* Copy a complete partial upload into the store as sub_id (a new inode;
 * a copy left by an interrupted landing is replaced), fsync it, set its
 * atime and mtime to `when`, fsync the store directory. The partial file
 * stays: the caller removes it once the landing is recorded. */
st_t blob_land(blob *b, const char *id, const char *sub_id, time_t when);
/* Set a file's atime and mtime to `when`. */
st_t blob_set_times(blob *b, blob_area a, const char *id, time_t when);
/* After a landing: the atime and mtime of the data directory, both areas
 * and the database files become `when`. */
st_t blob_settle(blob *b, time_t when);

/* Overwrite with zeros, fsync, unlink, fsync the directory. Missing is
 * fine (ST_OK). */
st_t blob_remove(blob *b, blob_area a, const char *id);

/* Names in an area that look like ids; *out is malloc'd (caller frees);
 * other names are reported on stderr and left alone. */
st_t blob_list(blob *b, blob_area a, char (**out)[BLOB_ID_HEX + 1], size_t *n);

/* Free bytes on the data filesystem for an unprivileged writer. */
st_t blob_free_space(blob *b, uint64_t *bytes);

/* 1 if s is exactly 32 lowercase hex characters. */
int blob_id_valid(const char *s);

#endif
