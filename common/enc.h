/* enc.h: text encodings for keys, fingerprints, ids and receipt codes.
 * Crockford base32 (no I, L, O, U; input folds case, O->0, I/L->1 and
 * skips '-' and spaces) for anything a person reads aloud or types;
 * base64 and hex (libsodium's constant-time codecs) for the rest. */
#ifndef INTAKE_ENC_H
#define INTAKE_ENC_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

/* Chars needed to base32-encode n bytes, without terminator. */
size_t enc_b32_len(size_t n);

/* Encode n bytes into out (at least enc_b32_len(n)+1 bytes); NUL-terminated.
 * Unused low bits of the last char are zero. */
void enc_b32_encode(char *out, const uint8_t *in, size_t n);

/* Decode exactly outlen bytes from text, skipping '-' and spaces and folding
 * look-alikes. ST_BADDATA on a bad char, wrong length or nonzero pad bits. */
st_t enc_b32_decode(uint8_t *out, size_t outlen, const char *text);

/* Group s into dash-separated groups of g chars into out (cap bytes). */
st_t enc_group(char *out, size_t cap, const char *s, size_t g);

/* Standard base64 with padding; out needs enc_b64_len(n) bytes incl. NUL. */
size_t enc_b64_len(size_t n);
void enc_b64_encode(char *out, const uint8_t *in, size_t n);
/* Decode exactly outlen bytes; ST_BADDATA otherwise. */
st_t enc_b64_decode(uint8_t *out, size_t outlen, const char *text, size_t textlen);

/* Lowercase hex; out needs 2n+1 bytes. */
void enc_hex_encode(char *out, const uint8_t *in, size_t n);
/* Decode exactly outlen bytes from exactly 2*outlen hex chars. */
st_t enc_hex_decode(uint8_t *out, size_t outlen, const char *text);

/* Little-endian integer helpers for the byte formats. */
void enc_put_u32le(uint8_t *p, uint32_t v);
void enc_put_u64le(uint8_t *p, uint64_t v);
uint32_t enc_get_u32le(const uint8_t *p);
uint64_t enc_get_u64le(const uint8_t *p);

#endif
