/* payload.h: the plaintext stream inside an envelope:
 *   u32le manifest length | manifest JSON | text | file 1 | ... | zeros
 * padded to pad_stream_len(). The source side serves stream bytes at any
 * offset (so an upload can resume by re-sealing from any chunk); the
 * parser side consumes the stream in order and hands each part to a sink.
 * Trust boundary: the parser sees attacker-chosen (but authenticated)
 * plaintext and bounds every length before use. */
#ifndef INTAKE_PAYLOAD_H
#define INTAKE_PAYLOAD_H

#include <stddef.h>
#include <stdint.h>
#include "manifest.h"
#include "status.h"

typedef struct payload_src payload_src;

/* Source over a manifest (encoded here), text in memory (borrowed, must
 * outlive the source) and one open fd per attachment (borrowed), whose
 * sizes are those in the manifest. ST_TOOBIG past ENV_MAX_STREAM. */
st_t payload_src_new(const manifest *m, const uint8_t *text,
                     const int *fds, payload_src **out);
void payload_src_free(payload_src *s);
uint64_t payload_src_stream_len(const payload_src *s);

/* Fill buf with stream bytes [off, off+len). Reads attachments with
 * pread; ST_MISMATCH if a file shrank since the manifest was made. Its
 * signature fits seal_read_fn. */
st_t payload_src_read(void *src, uint64_t off, uint8_t *buf, size_t len);

/* Part numbers given to a sink: PAYLOAD_TEXT, then 0..nfiles-1. */
#define PAYLOAD_TEXT (-1)

typedef struct {
	/* The manifest, once parsed; the parser keeps ownership. */
	st_t (*on_manifest)(void *ctx, const manifest *m);
	/* n bytes of a part. p points into the buffer given to
	 * payload_parser_feed (no copy): it stays valid as long as the caller
	 * keeps that buffer, so a caller may hash it on another thread. */
	st_t (*on_data)(void *ctx, int part, const uint8_t *p, size_t n);
	st_t (*on_part_end)(void *ctx, int part);
} payload_sink;

typedef struct payload_parser payload_parser;

st_t payload_parser_new(uint64_t stream_len, const payload_sink *sink,
                        void *ctx, payload_parser **out);
/* Feed the next n plaintext bytes. A sink error stops the parser and is
 * returned. ST_VERSION for a manifest of another version; ST_BADDATA for
 * a bad manifest, sizes past the stream, a stream longer than the padding
 * rule gives for the declared content, or nonzero padding. */
st_t payload_parser_feed(payload_parser *p, const uint8_t *buf, size_t n);
/* ST_BADDATA unless exactly stream_len bytes were fed and every part
 * ended. */
st_t payload_parser_finish(payload_parser *p);
const manifest *payload_parser_manifest(const payload_parser *p);
void payload_parser_free(payload_parser *p);

#endif
