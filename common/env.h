/* env.h: the sealed envelope, version 1 (docs/FORMAT.md).
 * A header wraps a random file key to each recipient (X25519 + BLAKE2b +
 * ChaCha20-Poly1305) and is MACed as a whole; the payload is a STREAM of
 * 64 KiB AEAD chunks whose nonce is the chunk index and a last-chunk flag,
 * so chunks seal and open independently (and in parallel). The header's
 * suite byte names the chunk AEAD: ChaCha20-Poly1305 or AES-256-GCM
 * (what a browser has without WebAssembly); chunks of both go through
 * libcrypto's EVP, the header's own AEAD through libsodium.
 * Trust boundary: env_inspect and env_open_header parse hostile bytes. */
#ifndef INTAKE_ENV_H
#define INTAKE_ENV_H

#include <stddef.h>
#include <stdint.h>
#include "key.h"
#include "status.h"

#define ENV_MAGIC "INTAKE"
#define ENV_MAGIC_LEN 6
#define ENV_VERSION 1
#define ENV_SUITE_CHACHA 1         /* ChaCha20-Poly1305 chunks */
#define ENV_SUITE_AESGCM 2         /* AES-256-GCM chunks */
#define ENV_CHUNK ((size_t)65536)
#define ENV_TAG 16
#define ENV_SLOT (ENV_CHUNK + ENV_TAG)
#define ENV_NONCE_LEN 16
#define ENV_FIXED_LEN 72           /* magic .. ephemeral public key */
#define ENV_STANZA_LEN 56          /* key id, wrapped file key, tag */
#define ENV_MAC_LEN 32
#define ENV_MAX_RECIPIENTS KEY_BUNDLE_MAX
#define ENV_MAX_STREAM ((uint64_t)1 << 40) /* 1 TiB of plaintext */
#define ENV_MAX_HEADER (ENV_FIXED_LEN + ENV_MAX_RECIPIENTS * ENV_STANZA_LEN + ENV_MAC_LEN)

/* What anyone can read from a header without a key. */
typedef struct {
	unsigned version;
	unsigned nrecip;
	unsigned suite;       /* ENV_SUITE_* */
	uint64_t stream_len;  /* padded plaintext length */
	size_t header_len;
	uint64_t total_len;   /* exact envelope length the header implies */
	uint8_t key_ids[ENV_MAX_RECIPIENTS][KEY_ID_LEN];
} env_info;

/* Per-envelope keys and sizes; sodium_malloc'd, opaque. */
typedef struct env_keys env_keys;

size_t env_header_len(unsigned nrecip);
uint64_t env_nchunks(uint64_t stream_len);
/* Envelope length for nrecip recipients and a padded stream length. */
uint64_t env_total_len(unsigned nrecip, uint64_t stream_len);

/* Parse the public part of a header from the first len bytes of an
 * envelope (ENV_MAX_HEADER bytes suffice). ST_BADDATA if malformed or
 * truncated (reserved bytes included), ST_VERSION for another version or
 * an unknown suite. Checks no MAC. */
st_t env_inspect(const uint8_t *buf, size_t len, env_info *info);

/* Start sealing a new envelope of stream_len plaintext bytes to every key
 * in `to`, with chunk suite `suite` (ENV_SUITE_*, else ST_BADDATA).
 * stream_len must be a padded length, as pad_stream_len() gives (at least
 * PAD_MIN_STREAM, a Padme value, at most ENV_MAX_STREAM); anything else is
 * ST_BADDATA. Writes the header (env_header_len(to->n) bytes) into
 * header[cap]. *out is freed with env_keys_free. */
st_t env_seal_begin(const key_bundle *to, unsigned suite, uint64_t stream_len,
                    uint8_t *header, size_t cap, env_keys **out);

/* Verify the header with a secret key: try, in order, every stanza that
 * names our key id until one unwraps, then check the header MAC. ST_NOKEY
 * when no stanza names our key, ST_DECRYPT when no unwrap or the MAC
 * fails. *stanza is the index of the stanza that unwrapped. */
st_t env_open_header(const uint8_t *buf, size_t len, const key_secret *k,
                     env_keys **out, unsigned *stanza);

void env_keys_free(env_keys *k);

uint64_t env_keys_stream_len(const env_keys *k);
unsigned env_keys_suite(const env_keys *k);
uint64_t env_keys_nchunks(const env_keys *k);
size_t env_keys_header_len(const env_keys *k);
/* Plaintext bytes in chunk idx (0 if idx is out of range). */
size_t env_chunk_plain_len(const env_keys *k, uint64_t idx);

/* Seal `count` consecutive chunks from chunk `first` in place. buf holds
 * ENV_SLOT-byte slots; slot j's plaintext (env_chunk_plain_len bytes) is
 * replaced by its ciphertext and tag, so the filled slots are the exact
 * envelope bytes. Work is split over `threads` (>=1) threads; the output
 * does not depend on it. ST_INTERNAL for a range past the envelope (or
 * a libcrypto failure), ST_NOMEM when an EVP context cannot be made. */
st_t env_seal_chunks(const env_keys *k, uint64_t first, uint8_t *buf,
                     size_t count, unsigned threads);

/* Open `count` chunks in place: slot j's ciphertext becomes plaintext in
 * its first env_chunk_plain_len bytes. ST_DECRYPT if any chunk fails (a
 * flipped bit, a chunk moved, or a final chunk missing or misplaced);
 * then the whole buffer is wiped. */
st_t env_open_chunks(const env_keys *k, uint64_t first, uint8_t *buf,
                     size_t count, unsigned threads);

/* One chunk AEAD of `suite` alone, in place, with any key, nonce and AD
 * (adlen and plen at most ENV_CHUNK, else ST_BADDATA): the code path
 * env_seal_chunks and env_open_chunks use, for tests that hold it against
 * another implementation. Sealing replaces slot[0, plen) by ciphertext and
 * writes the tag after it; opening checks the tag, then leaves plaintext,
 * or wipes slot[0, plen + ENV_TAG) and gives ST_DECRYPT. */
st_t env_chunk_aead(unsigned suite, int seal, const uint8_t key[32],
                    const uint8_t nonce[12], const uint8_t *ad, size_t adlen,
                    uint8_t *slot, size_t plen);

/* Number of threads "auto" means here: online CPUs, at most 8. */
unsigned env_auto_threads(void);

#endif
