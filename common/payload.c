/* payload.c: the plaintext stream layout. The source serves any byte
 * range from the manifest, the text and the attachment files; the parser
 * walks an authenticated but attacker-chosen stream in order, bounding the
 * manifest length and every part size by what the stream can hold. */
#include "payload.h"
#include "enc.h"
#include "fsio.h"
#include "jmem.h"
#include "pad.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

#define LEN_FIELD 4

/* One contiguous piece of the stream. */
typedef struct {
	uint64_t start, len;
	const uint8_t *mem; /* in memory, or */
	int fd;             /* read from a file, or neither: zero padding */
} segment;

struct payload_src {
	uint8_t *head;      /* length field + manifest JSON */
	size_t head_len;
	segment *seg;
	size_t nseg;
	uint64_t stream_len;
};

st_t payload_src_new(const manifest *m, const uint8_t *text, const int *fds,
                     payload_src **out)
{
	payload_src *s = NULL;
	char *json = NULL;
	size_t jlen = 0, n = 0;
	uint64_t content, pos;
	st_t ret;

	ret = manifest_encode(m, &json, &jlen);
	if (ret != ST_OK)
		return ret;
	ret = ST_NOMEM;
	s = calloc(1, sizeof *s);
	if (s == NULL)
		goto cleanup;
	s->head_len = LEN_FIELD + jlen;
	s->head = sodium_malloc(s->head_len);
	s->seg = calloc(m->nfiles + 3, sizeof *s->seg);
	if (s->head == NULL || s->seg == NULL)
		goto cleanup;
	enc_put_u32le(s->head, (uint32_t)jlen);
	memcpy(s->head + LEN_FIELD, json, jlen);
	ret = manifest_content_len(m, &content);
	if (ret != ST_OK)
		goto cleanup;
	if (content > UINT64_MAX - s->head_len) {
		ret = ST_TOOBIG;
		goto cleanup;
	}
	ret = pad_stream_len(s->head_len + content, &s->stream_len);
	if (ret != ST_OK)
		goto cleanup;
	s->seg[n++] = (segment){ 0, s->head_len, s->head, -1 };
	pos = s->head_len;
	s->seg[n++] = (segment){ pos, m->text_size, text, -1 };
	pos += m->text_size;
	for (size_t i = 0; i < m->nfiles; i++) {
		s->seg[n++] = (segment){ pos, m->files[i].size, NULL, fds[i] };
		pos += m->files[i].size;
	}
	s->seg[n++] = (segment){ pos, s->stream_len - pos, NULL, -1 };
	s->nseg = n;
	*out = s;
	s = NULL;
	ret = ST_OK;
cleanup:
	jmem_free(json);
	payload_src_free(s);
	return ret;
}

void payload_src_free(payload_src *s)
{
	if (s == NULL)
		return;
	if (s->head != NULL)
		sodium_free(s->head);
	free(s->seg);
	free(s);
}

uint64_t payload_src_stream_len(const payload_src *s)
{
	return s->stream_len;
}

st_t payload_src_read(void *src, uint64_t off, uint8_t *buf, size_t len)
{
	payload_src *s = src;
	size_t done = 0;

	if (off > s->stream_len || len > s->stream_len - off)
		return ST_INTERNAL;
	for (size_t i = 0; i < s->nseg && done < len; i++) {
		const segment *g = &s->seg[i];
		uint64_t at = off + done, in;
		size_t n;

		if (at >= g->start + g->len)
			continue;
		in = at - g->start;
		n = g->len - in < len - done ? (size_t)(g->len - in) : len - done;
		if (g->mem != NULL) {
			memcpy(buf + done, g->mem + in, n);
		} else if (g->fd >= 0) {
			st_t ret = fsio_pread_exact(g->fd, buf + done, n, in);

			/* A file that shrank under us no longer matches the
			 * manifest already sealed into the stream. */
			if (ret != ST_OK)
				return ret == ST_BADDATA ? ST_MISMATCH : ret;
		} else {
			memset(buf + done, 0, n);
		}
		done += n;
	}
	return ST_OK;
}

enum parse_state { P_LEN, P_MANIFEST, P_PARTS, P_PAD, P_FAILED };

struct payload_parser {
	enum parse_state state;
	uint64_t stream_len, pos;
	const payload_sink *sink;
	void *ctx;
	uint8_t lenbuf[LEN_FIELD];
	char *json;         /* manifest bytes being gathered */
	size_t jlen, jgot;
	manifest m;
	int part;           /* current part: PAYLOAD_TEXT, then files */
	uint64_t part_left;
};

st_t payload_parser_new(uint64_t stream_len, const payload_sink *sink,
                        void *ctx, payload_parser **out)
{
	payload_parser *p = calloc(1, sizeof *p);

	if (p == NULL)
		return ST_NOMEM;
	p->stream_len = stream_len;
	p->sink = sink;
	p->ctx = ctx;
	p->state = P_LEN;
	*out = p;
	return ST_OK;
}

static uint64_t part_size(const payload_parser *p, int part)
{
	return part == PAYLOAD_TEXT ? p->m.text_size : p->m.files[part].size;
}

/* End the current part and every empty part after it. */
static st_t close_parts(payload_parser *p)
{
	while (p->state == P_PARTS && p->part_left == 0) {
		st_t ret = p->sink->on_part_end(p->ctx, p->part);

		if (ret != ST_OK)
			return ret;
		p->part++; /* from PAYLOAD_TEXT (-1) the files start at 0 */
		if ((size_t)p->part >= p->m.nfiles)
			p->state = P_PAD;
		else
			p->part_left = part_size(p, p->part);
	}
	return ST_OK;
}

static st_t start_parts(payload_parser *p)
{
	uint64_t content, padded;
	st_t ret;

	ret = manifest_decode(p->json, p->jlen, &p->m);
	if (ret != ST_OK)
		return ret == ST_NOMEM || ret == ST_VERSION ? ret : ST_BADDATA;
	/* Every declared byte must fit in what is left of the stream, and
	 * the stream must be exactly as long as the padding rule makes it
	 * for that content: a longer one would let a modified client signal
	 * through its size class. */
	if (manifest_content_len(&p->m, &content) != ST_OK ||
	    content > p->stream_len - p->pos ||
	    pad_stream_len(p->pos + content, &padded) != ST_OK ||
	    padded != p->stream_len)
		return ST_BADDATA;
	ret = p->sink->on_manifest(p->ctx, &p->m);
	if (ret != ST_OK)
		return ret;
	p->state = P_PARTS;
	p->part = PAYLOAD_TEXT;
	p->part_left = p->m.text_size;
	return close_parts(p);
}

static st_t feed(payload_parser *p, const uint8_t *buf, size_t n)
{
	st_t ret;

	while (n > 0) {
		size_t take;

		switch (p->state) {
		case P_LEN:
			take = LEN_FIELD - (size_t)p->pos < n ? LEN_FIELD - (size_t)p->pos : n;
			memcpy(p->lenbuf + p->pos, buf, take);
			if (p->pos + take == LEN_FIELD) {
				p->jlen = enc_get_u32le(p->lenbuf);
				if (p->jlen == 0 || p->jlen > MANIFEST_MAX_LEN ||
				    p->jlen > p->stream_len - LEN_FIELD)
					return ST_BADDATA;
				p->json = sodium_malloc(p->jlen);
				if (p->json == NULL)
					return ST_NOMEM;
				p->state = P_MANIFEST;
			}
			break;
		case P_MANIFEST:
			take = p->jlen - p->jgot < n ? p->jlen - p->jgot : n;
			memcpy(p->json + p->jgot, buf, take);
			p->jgot += take;
			break;
		case P_PARTS:
			take = p->part_left < n ? (size_t)p->part_left : n;
			ret = p->sink->on_data(p->ctx, p->part, buf, take);
			if (ret != ST_OK)
				return ret;
			p->part_left -= take;
			break;
		case P_PAD:
			/* Padding is zeros: anything else is a covert channel
			 * or a bug, either way not an envelope we made. */
			take = n;
			for (size_t i = 0; i < n; i++)
				if (buf[i] != 0)
					return ST_BADDATA;
			break;
		default:
			return ST_BADDATA;
		}
		buf += take;
		n -= take;
		p->pos += take;
		if (p->state == P_MANIFEST && p->jgot == p->jlen) {
			ret = start_parts(p);
			if (ret != ST_OK)
				return ret;
		} else if (p->state == P_PARTS) {
			ret = close_parts(p);
			if (ret != ST_OK)
				return ret;
		}
	}
	return ST_OK;
}

st_t payload_parser_feed(payload_parser *p, const uint8_t *buf, size_t n)
{
	st_t ret;

	if (p->state == P_FAILED)
		return ST_BADDATA;
	if (n > p->stream_len - p->pos) {
		p->state = P_FAILED;
		return ST_BADDATA;
	}
	ret = feed(p, buf, n);
	if (ret != ST_OK)
		p->state = P_FAILED;
	return ret;
}

st_t payload_parser_finish(payload_parser *p)
{
	if (p->state != P_PAD || p->pos != p->stream_len)
		return ST_BADDATA;
	return ST_OK;
}

const manifest *payload_parser_manifest(const payload_parser *p)
{
	return (p->state == P_PARTS || p->state == P_PAD) ? &p->m : NULL;
}

void payload_parser_free(payload_parser *p)
{
	if (p == NULL)
		return;
	if (p->json != NULL)
		sodium_free(p->json);
	manifest_clear(&p->m);
	free(p);
}
