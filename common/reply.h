/* reply.h: an officer's encrypted reply to a submitter (docs/FORMAT.md):
 * crypto_box from the officer's X25519 key to the submitter's reply key,
 * the text padded so its length says little. The submitter checks that
 * the sender is a key of the bundle it pinned.
 * Trust boundary: reply_open parses bytes fetched from the server. */
#ifndef INTAKE_REPLY_H
#define INTAKE_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include "key.h"
#include "status.h"

#define REPLY_MAGIC "INTAKR"
#define REPLY_VERSION 1
#define REPLY_TEXT_MAX (256 * 1024)
#define REPLY_MIN_PAD 1024
#define REPLY_HEADER_LEN (8 + KEY_ID_LEN + 24)
#define REPLY_MAX_LEN (REPLY_HEADER_LEN + 16 + 4 + REPLY_TEXT_MAX + REPLY_TEXT_MAX / 8)

/* Seal text to the submitter's reply key. *out is malloc'd (ciphertext
 * only; caller frees). ST_TOOBIG past REPLY_TEXT_MAX. */
st_t reply_seal(const key_secret *officer, const uint8_t to_pk[32],
                const uint8_t *text, size_t len, uint8_t **out,
                size_t *outlen);

/* Open a reply with the submitter's reply secret key, accepting only senders
 * in `from`. *text is sodium_malloc'd with a NUL after *len bytes (free
 * with sodium_free). *sender is the bundle index. ST_NOKEY if the sender
 * is not in the bundle, ST_DECRYPT if it does not authenticate. */
st_t reply_open(const uint8_t reply_sk[32], const key_bundle *from, const uint8_t *in, size_t len,
                uint8_t **text, size_t *textlen, size_t *sender);

#endif
