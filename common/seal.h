/* seal.h: an envelope as a random-access byte source. Given a plaintext
 * stream reader it serves the envelope's bytes at any offset, sealing
 * batches of chunks on demand (in parallel), so an upload can resume at
 * whatever offset the server acknowledged without any temporary file.
 * Sealing is deterministic for one seal object: re-read bytes are
 * identical. Memory: one batch (SEAL_BATCH chunks), whatever the size. */
#ifndef INTAKE_SEAL_H
#define INTAKE_SEAL_H

#include <stddef.h>
#include <stdint.h>
#include "key.h"
#include "status.h"

#define SEAL_BATCH 32 /* chunks per batch: 2 MiB */

typedef st_t (*seal_read_fn)(void *ctx, uint64_t off, uint8_t *buf,
                             size_t len);

typedef struct seal seal;

/* threads 0 means env_auto_threads(). */
st_t seal_new(const key_bundle *to, uint64_t stream_len, seal_read_fn rd,
              void *ctx, unsigned threads, seal **out);
uint64_t seal_total_len(const seal *s);
/* Point *p at the envelope bytes from off to the end of what is sealed
 * now (the header, or the rest of a batch), without copying; *n is 0 at
 * the end. *p stays valid until the next seal_peek/seal_read/seal_free. */
st_t seal_peek(seal *s, uint64_t off, const uint8_t **p, size_t *n);
/* Copy up to len envelope bytes at off into buf; *got is 0 at the end. */
st_t seal_read(seal *s, uint64_t off, uint8_t *buf, size_t len, size_t *got);
/* Wipes keys and buffers. */
void seal_free(seal *s);

#endif
