/* seal.h: an envelope as a random-access byte source. Given a plaintext
 * stream reader it serves the envelope's bytes at any offset, sealing
 * batches of chunks on demand (in parallel), so an upload can resume at
 * whatever offset the server acknowledged without any temporary file.
 * Sealing is deterministic for one seal object: re-read bytes are
 * identical, and a chunk whose plaintext changed since it was first
 * sealed is never served (its nonce would then carry two plaintexts).
 * Memory: two batches (SEAL_BATCH chunks each), plus 16 bytes and a bit
 * per 64 KiB chunk of the envelope for that guard. */
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

/* An envelope to `to` with chunk suite `suite` (ENV_SUITE_*) over
 * stream_len bytes from rd. threads 0 means env_auto_threads(). */
st_t seal_new_suite(const key_bundle *to, unsigned suite, uint64_t stream_len,
                    seal_read_fn rd, void *ctx, unsigned threads, seal **out);
/* seal_new_suite with ENV_SUITE_CHACHA, what the C client writes. */
st_t seal_new(const key_bundle *to, uint64_t stream_len, seal_read_fn rd,
              void *ctx, unsigned threads, seal **out);
uint64_t seal_total_len(const seal *s);
/* Point *p at the envelope bytes from off to the end of what is sealed
 * now (the header, or the rest of a batch), without copying; *n is 0 at
 * the end. *p stays valid until the next seal_peek/seal_read/seal_free.
 * ST_CHANGED when a chunk sealed earlier reads back different now (the
 * batch is wiped, nothing of it is served); a reader's status otherwise. */
st_t seal_peek(seal *s, uint64_t off, const uint8_t **p, size_t *n);
/* Copy up to len envelope bytes at off into buf; *got is 0 at the end. */
st_t seal_read(seal *s, uint64_t off, uint8_t *buf, size_t len, size_t *got);
/* Wipes keys and buffers. */
void seal_free(seal *s);

#endif
