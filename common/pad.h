/* pad.h: length padding so stored sizes reveal only a coarse size class.
 * Padme (Nikitin et al., PURBs, PETS 2019): at most 12% overhead, leaks
 * O(log log L) bits of the length. Applied to the plaintext stream, so the
 * padded length is known before encryption starts. */
#ifndef INTAKE_PAD_H
#define INTAKE_PAD_H

#include <stdint.h>
#include "status.h"

/* Smallest padded plaintext stream: every short text-only submission looks
 * the same size. */
#define PAD_MIN_STREAM ((uint64_t)64 * 1024)

/* Padme(L) for L >= 1; returns L for L < 2. */
uint64_t pad_padme(uint64_t len);

/* Padded stream length for a content length; ST_TOOBIG past the format's
 * limit (ENV_MAX_STREAM). */
st_t pad_stream_len(uint64_t content_len, uint64_t *padded);

#endif
