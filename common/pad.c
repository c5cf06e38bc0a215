/* pad.c: Padme length padding of the plaintext stream. */
#include "pad.h"
#include "env.h"

/* Index of the highest set bit; v > 0. */
static unsigned floor_log2(uint64_t v)
{
	unsigned r = 0;

	while (v >>= 1)
		r++;
	return r;
}

uint64_t pad_padme(uint64_t len)
{
	unsigned e, s, last;
	uint64_t mask;

	if (len < 2)
		return len;
	e = floor_log2(len);
	s = floor_log2(e) + 1;
	last = e - s;
	mask = ((uint64_t)1 << last) - 1;
	return (len + mask) & ~mask;
}

st_t pad_stream_len(uint64_t content_len, uint64_t *padded)
{
	uint64_t p;

	if (content_len > ENV_MAX_STREAM)
		return ST_TOOBIG;
	p = pad_padme(content_len < PAD_MIN_STREAM ? PAD_MIN_STREAM : content_len);
	if (p > ENV_MAX_STREAM)
		return ST_TOOBIG;
	*padded = p;
	return ST_OK;
}
