/* enc.c: Crockford base32, base64 and hex codecs, and little-endian
 * integer packing. Decoders take hostile text and bound every length. */
#include "enc.h"

#include <sodium.h>
#include <string.h>

static const char b32_alpha[] = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";

size_t enc_b32_len(size_t n)
{
	return (n * 8 + 4) / 5;
}

void enc_b32_encode(char *out, const uint8_t *in, size_t n)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		acc = (acc << 8) | in[i];
		bits += 8;
		while (bits >= 5) {
			bits -= 5;
			out[o++] = b32_alpha[(acc >> bits) & 31];
		}
	}
	if (bits > 0)
		out[o++] = b32_alpha[(acc << (5 - bits)) & 31];
	out[o] = '\0';
}

/* Crockford decoding: case folds, O reads as 0, I and L as 1. */
static int b32_value(char c)
{
	if (c >= 'a' && c <= 'z')
		c = (char)(c - 'a' + 'A');
	if (c == 'O')
		return 0;
	if (c == 'I' || c == 'L')
		return 1;
	for (int v = 0; v < 32; v++)
		if (b32_alpha[v] == c)
			return v;
	return -1;
}

st_t enc_b32_decode(uint8_t *out, size_t outlen, const char *text)
{
	uint32_t acc = 0;
	int bits = 0;
	size_t o = 0;

	for (const char *p = text; *p != '\0'; p++) {
		int v;

		if (*p == '-' || *p == ' ')
			continue;
		v = b32_value(*p);
		if (v < 0)
			return ST_BADDATA;
		acc = (acc << 5) | (uint32_t)v;
		bits += 5;
		if (bits >= 8) {
			bits -= 8;
			/* More characters than outlen bytes need: wrong length. */
			if (o == outlen)
				return ST_BADDATA;
			out[o++] = (uint8_t)(acc >> bits);
		}
	}
	/* The leftover bits must be padding: fewer than 5, all zero. */
	if (o != outlen || bits >= 5 || (acc & ((1u << bits) - 1)) != 0)
		return ST_BADDATA;
	return ST_OK;
}

st_t enc_group(char *out, size_t cap, const char *s, size_t g)
{
	size_t n = strlen(s), o = 0;

	if (g == 0 || cap < n + (n ? (n - 1) / g : 0) + 1)
		return ST_TOOBIG;
	for (size_t i = 0; i < n; i++) {
		if (i > 0 && i % g == 0)
			out[o++] = '-';
		out[o++] = s[i];
	}
	out[o] = '\0';
	return ST_OK;
}

size_t enc_b64_len(size_t n)
{
	return sodium_base64_ENCODED_LEN(n, sodium_base64_VARIANT_ORIGINAL);
}

void enc_b64_encode(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2base64(out, enc_b64_len(n), in, n,
	                  sodium_base64_VARIANT_ORIGINAL);
}

st_t enc_b64_decode(uint8_t *out, size_t outlen, const char *text,
                    size_t textlen)
{
	size_t got = 0;
	const char *end = NULL;

	if (sodium_base642bin(out, outlen, text, textlen, NULL, &got, &end,
	                      sodium_base64_VARIANT_ORIGINAL) != 0)
		return ST_BADDATA;
	/* Trailing garbage or a short value is malformed, not truncated. */
	if (got != outlen || end != text + textlen)
		return ST_BADDATA;
	return ST_OK;
}

void enc_hex_encode(char *out, const uint8_t *in, size_t n)
{
	sodium_bin2hex(out, 2 * n + 1, in, n);
}

st_t enc_hex_decode(uint8_t *out, size_t outlen, const char *text)
{
	size_t got = 0;
	const char *end = NULL;
	size_t tlen = strlen(text);

	if (tlen != 2 * outlen)
		return ST_BADDATA;
	if (sodium_hex2bin(out, outlen, text, tlen, NULL, &got, &end) != 0 ||
	    got != outlen || end != text + tlen)
		return ST_BADDATA;
	return ST_OK;
}

void enc_put_u32le(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

void enc_put_u64le(uint8_t *p, uint64_t v)
{
	for (int i = 0; i < 8; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

uint32_t enc_get_u32le(const uint8_t *p)
{
	uint32_t v = 0;

	for (int i = 3; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}

uint64_t enc_get_u64le(const uint8_t *p)
{
	uint64_t v = 0;

	for (int i = 7; i >= 0; i--)
		v = (v << 8) | p[i];
	return v;
}
