/* manifest.c: building and parsing the payload manifest with jansson, and
 * reducing attacker-chosen attachment names to one safe path component. */
#include "manifest.h"
#include "enc.h"
#include "jmem.h"

#include <jansson.h>
#include <sodium.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

/* JSON numbers are exact only up to 2^53. */
#define MANIFEST_MAX_SIZE ((json_int_t)1 << 53)

/* Names say what was sent: wipe them before the memory is reused. */
static void free_wiped(char *s)
{
	if (s != NULL) {
		sodium_memzero(s, strlen(s));
		free(s);
	}
}

st_t manifest_content_len(const manifest *m, uint64_t *len)
{
	uint64_t sum = m->text_size;

	for (size_t i = 0; i < m->nfiles; i++) {
		if (m->files[i].size > UINT64_MAX - sum)
			return ST_TOOBIG;
		sum += m->files[i].size;
	}
	*len = sum;
	return ST_OK;
}

/* Decode one UTF-8 sequence at s[0..n); returns its length and sets *cp, or
 * 0 if it is invalid (overlong, surrogate, past U+10FFFF, cut short). */
static size_t utf8_next(const unsigned char *s, size_t n, uint32_t *cp)
{
	size_t len;
	uint32_t c, min;

	if (s[0] < 0x80) {
		*cp = s[0];
		return 1;
	}
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2, c = s[0] & 0x1f, min = 0x80;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3, c = s[0] & 0x0f, min = 0x800;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4, c = s[0] & 0x07, min = 0x10000;
	} else {
		return 0;
	}
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	if (c < min || c > 0x10ffff || (c >= 0xd800 && c <= 0xdfff))
		return 0;
	*cp = c;
	return len;
}

/* Characters that must not reach a file name: controls, path and drive
 * separators, and bidi overrides that make "gpj.exe" read as "exe.jpg". */
static int unsafe_cp(uint32_t c)
{
	return c < 0x20 || c == 0x7f || (c >= 0x80 && c <= 0x9f) || c == '/' ||
	       c == '\\' || c == ':' || (c >= 0x202a && c <= 0x202e) ||
	       (c >= 0x2066 && c <= 0x2069) || c == 0x200e || c == 0x200f ||
	       c == 0xfeff;
}

void manifest_safe_name(const char *in, size_t inlen,
                        char out[MANIFEST_NAME_MAX + 1])
{
	const unsigned char *s = (const unsigned char *)in;
	size_t start = 0, o = 0, i;

	/* Only the last path element: "../../etc/passwd" becomes "passwd". */
	for (i = 0; i < inlen; i++)
		if (s[i] == '/' || s[i] == '\\')
			start = i + 1;
	i = start;
	while (i < inlen) {
		uint32_t cp = 0;
		size_t n = utf8_next(s + i, inlen - i, &cp);
		size_t outn = (n == 0 || unsafe_cp(cp)) ? 1 : n;

		if (o + outn > MANIFEST_NAME_MAX)
			break;
		if (outn == 1 && (n == 0 || unsafe_cp(cp)))
			out[o] = '_';
		else
			memcpy(out + o, s + i, n);
		o += outn;
		i += n == 0 ? 1 : n;
	}
	out[o] = '\0';
	/* No hidden files, no "." or "..", no names Windows would mangle. */
	while (o > 0 && (out[o - 1] == '.' || out[o - 1] == ' '))
		out[--o] = '\0';
	start = 0;
	while (start < o && (out[start] == '.' || out[start] == ' '))
		start++;
	memmove(out, out + start, o - start + 1);
	if (out[0] == '\0')
		memcpy(out, "file", 5);
}

/* One RFC 6838 restricted-name of n bytes: a letter or digit, then
 * letters, digits and !#$&-^_.+ */
static int valid_type_name(const char *t, size_t n)
{
	if (n == 0 || !((t[0] >= 'a' && t[0] <= 'z') || (t[0] >= 'A' && t[0] <= 'Z') ||
	                (t[0] >= '0' && t[0] <= '9')))
		return 0;
	for (size_t i = 1; i < n; i++) {
		char c = t[i];

		if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
		      (c >= '0' && c <= '9') || (c != '\0' && strchr("!#$&-^_.+", c))))
			return 0;
	}
	return 1;
}

/* "" (unknown) or type "/" subtype, both non-empty, no parameters. */
static int valid_type(const char *t)
{
	size_t n = strlen(t);
	const char *slash = memchr(t, '/', n);

	if (n == 0)
		return 1;
	if (n > MANIFEST_TYPE_MAX || slash == NULL)
		return 0;
	return valid_type_name(t, (size_t)(slash - t)) &&
	       valid_type_name(slash + 1, n - (size_t)(slash - t) - 1);
}

/* Exactly "YYYY-MM", year 2000..9999, month 01..12: a coarse month is all
 * a submission says about when it was made (a day would say more). */
static int valid_date(const char *d)
{
	int year, month;

	if (strlen(d) != 7 || d[4] != '-')
		return 0;
	for (size_t i = 0; i < 7; i++)
		if (i != 4 && (d[i] < '0' || d[i] > '9'))
			return 0;
	year = (d[0] - '0') * 1000 + (d[1] - '0') * 100 + (d[2] - '0') * 10 + (d[3] - '0');
	month = (d[5] - '0') * 10 + (d[6] - '0');
	return year >= 2000 && month >= 1 && month <= 12;
}

st_t manifest_add_file(manifest *m, const char *name, uint64_t size,
                       const char *type)
{
	char safe[MANIFEST_NAME_MAX + 1];
	manifest_file *nf;

	if (m->nfiles >= MANIFEST_MAX_FILES || size > (uint64_t)MANIFEST_MAX_SIZE)
		return ST_TOOBIG;
	if (!valid_type(type))
		return ST_BADDATA;
	manifest_safe_name(name, strlen(name), safe);
	nf = realloc(m->files, (m->nfiles + 1) * sizeof *nf);
	if (nf == NULL)
		return ST_NOMEM;
	m->files = nf;
	nf = &m->files[m->nfiles];
	nf->name = strdup(safe);
	nf->type = strdup(type);
	nf->size = size;
	if (nf->name == NULL || nf->type == NULL) {
		free(nf->name);
		free(nf->type);
		return ST_NOMEM;
	}
	m->nfiles++;
	return ST_OK;
}

st_t manifest_encode(const manifest *m, char **json, size_t *len)
{
	json_t *root = NULL, *files = NULL;
	st_t ret = ST_NOMEM;
	char *s = NULL;

	if (m->text_size > (uint64_t)MANIFEST_MAX_SIZE ||
	    (m->date[0] != '\0' && !valid_date(m->date)))
		return ST_BADDATA;
	root = json_object();
	files = json_array();
	if (root == NULL || files == NULL)
		goto cleanup;
	if (json_object_set_new(root, "v", json_integer(1)) != 0 ||
	    json_object_set_new(root, "text_size",
	                        json_integer((json_int_t)m->text_size)) != 0)
		goto cleanup;
	for (size_t i = 0; i < m->nfiles; i++) {
		json_t *f = json_pack("{s:s, s:I, s:s}", "name", m->files[i].name,
		                      "size", (json_int_t)m->files[i].size, "type",
		                      m->files[i].type);

		if (f == NULL || json_array_append_new(files, f) != 0)
			goto cleanup;
	}
	if (json_object_set(root, "files", files) != 0)
		goto cleanup;
	if (m->has_reply) {
		char pk[64], mb[2 * 16 + 1];
		json_t *r;

		enc_b64_encode(pk, m->reply_pk, sizeof m->reply_pk);
		enc_hex_encode(mb, m->mailbox, sizeof m->mailbox);
		r = json_pack("{s:s, s:s}", "pk", pk, "mailbox", mb);
		if (r == NULL || json_object_set_new(root, "reply", r) != 0)
			goto cleanup;
	}
	if (m->date[0] != '\0' &&
	    json_object_set_new(root, "date", json_string(m->date)) != 0)
		goto cleanup;
	s = json_dumps(root, JSON_COMPACT | JSON_ENSURE_ASCII);
	if (s == NULL)
		goto cleanup;
	if (strlen(s) > MANIFEST_MAX_LEN) {
		jmem_free(s);
		ret = ST_TOOBIG;
		goto cleanup;
	}
	*json = s;
	*len = strlen(s);
	ret = ST_OK;
cleanup:
	json_decref(files);
	json_decref(root);
	return ret;
}

/* A size member: an integer in [0, 2^53]. */
static int get_size(json_t *obj, const char *key, uint64_t *out)
{
	json_t *v = json_object_get(obj, key);

	if (!json_is_integer(v) || json_integer_value(v) < 0 ||
	    json_integer_value(v) > MANIFEST_MAX_SIZE)
		return 0;
	*out = (uint64_t)json_integer_value(v);
	return 1;
}

static st_t decode_reply(json_t *r, manifest *m)
{
	json_t *pk = json_object_get(r, "pk"), *mb = json_object_get(r, "mailbox");
	char hex[2 * 16 + 1];

	if (!json_is_object(r) || !json_is_string(pk) || !json_is_string(mb) ||
	    json_string_length(mb) != 32)
		return ST_BADDATA;
	/* One spelling per mailbox: lowercase, as the server's paths are. */
	for (size_t i = 0; i < 32; i++) {
		char c = json_string_value(mb)[i];

		if (!((c >= '0' && c <= '9') || (c >= 'a' && c <= 'f')))
			return ST_BADDATA;
	}
	if (enc_b64_decode(m->reply_pk, sizeof m->reply_pk, json_string_value(pk),
	                   json_string_length(pk)) != ST_OK)
		return ST_BADDATA;
	memcpy(hex, json_string_value(mb), 33);
	if (enc_hex_decode(m->mailbox, sizeof m->mailbox, hex) != ST_OK)
		return ST_BADDATA;
	m->has_reply = 1;
	return ST_OK;
}

/* Deeper than MANIFEST_MAX_DEPTH (the root object is level 1)? Unknown
 * members are ignored, but not without bound. */
static int too_deep(json_t *v, int depth)
{
	const char *key;
	json_t *e;
	size_t i;

	if (!json_is_object(v) && !json_is_array(v))
		return 0;
	if (depth > MANIFEST_MAX_DEPTH)
		return 1;
	if (json_is_array(v)) {
		json_array_foreach(v, i, e)
			if (too_deep(e, depth + 1))
				return 1;
		return 0;
	}
	json_object_foreach(v, key, e)
		if (too_deep(e, depth + 1))
			return 1;
	return 0;
}

st_t manifest_decode(const char *json, size_t len, manifest *m)
{
	json_t *root = NULL, *files, *v;
	json_error_t err;
	st_t ret = ST_BADDATA;

	memset(m, 0, sizeof *m);
	if (len > MANIFEST_MAX_LEN)
		return ST_TOOBIG;
	/* Without JSON_ALLOW_NUL a \u0000 in any string is refused: no writer
	 * sends one (names are sanitized first), and C strings would cut it. */
	root = json_loadb(json, len, JSON_REJECT_DUPLICATES, &err);
	if (!json_is_object(root))
		goto cleanup;
	v = json_object_get(root, "v");
	if (!json_is_integer(v)) {
		goto cleanup;
	}
	if (json_integer_value(v) != 1) {
		ret = ST_VERSION;
		goto cleanup;
	}
	/* After the version: a later one may nest deeper (FORMAT.md 3.1). */
	if (too_deep(root, 1))
		goto cleanup;
	if (!get_size(root, "text_size", &m->text_size))
		goto cleanup;
	files = json_object_get(root, "files");
	if (!json_is_array(files) || json_array_size(files) > MANIFEST_MAX_FILES)
		goto cleanup;
	for (size_t i = 0; i < json_array_size(files); i++) {
		json_t *f = json_array_get(files, i);
		json_t *name = json_object_get(f, "name");
		json_t *type = json_object_get(f, "type");
		char safe[MANIFEST_NAME_MAX + 1];
		uint64_t size;
		st_t r;

		if (!json_is_object(f) || !json_is_string(name) ||
		    !get_size(f, "size", &size) || !json_is_string(type))
			goto cleanup;
		manifest_safe_name(json_string_value(name), json_string_length(name),
		                   safe);
		r = manifest_add_file(m, safe, size, json_string_value(type));
		if (r != ST_OK) {
			ret = r == ST_NOMEM ? r : ST_BADDATA;
			goto cleanup;
		}
	}
	v = json_object_get(root, "reply");
	if (v != NULL && decode_reply(v, m) != ST_OK)
		goto cleanup;
	v = json_object_get(root, "date");
	if (v != NULL) {
		if (!json_is_string(v) || json_string_length(v) >= MANIFEST_DATE_MAX ||
		    !valid_date(json_string_value(v)))
			goto cleanup;
		memcpy(m->date, json_string_value(v), json_string_length(v) + 1);
	}
	ret = ST_OK;
cleanup:
	json_decref(root);
	if (ret != ST_OK)
		manifest_clear(m);
	return ret;
}

void manifest_clear(manifest *m)
{
	for (size_t i = 0; i < m->nfiles; i++) {
		free_wiped(m->files[i].name);
		free_wiped(m->files[i].type);
	}
	free(m->files);
	sodium_memzero(m, sizeof *m);
}

const char *manifest_guess_type(const char *name)
{
	static const struct {
		const char *ext, *type;
	} table[] = {
		{ "txt", "text/plain" },        { "jpg", "image/jpeg" },
		{ "jpeg", "image/jpeg" },       { "png", "image/png" },
		{ "gif", "image/gif" },         { "webp", "image/webp" },
		{ "heic", "image/heic" },       { "tif", "image/tiff" },
		{ "tiff", "image/tiff" },       { "mp4", "video/mp4" },
		{ "m4v", "video/mp4" },         { "mov", "video/quicktime" },
		{ "3gp", "video/3gpp" },        { "mkv", "video/x-matroska" },
		{ "webm", "video/webm" },       { "avi", "video/x-msvideo" },
		{ "mp3", "audio/mpeg" },        { "m4a", "audio/mp4" },
		{ "ogg", "audio/ogg" },         { "opus", "audio/ogg" },
		{ "wav", "audio/wav" },         { "amr", "audio/amr" },
		{ "pdf", "application/pdf" },   { "zip", "application/zip" },
		{ "doc", "application/msword" },
		{ "docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document" },
		{ "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" },
		{ "odt", "application/vnd.oasis.opendocument.text" },
		{ "rtf", "application/rtf" },
	};
	const char *dot = strrchr(name, '.');

	if (dot == NULL || strchr(dot, '/') != NULL)
		return "";
	for (size_t i = 0; i < sizeof table / sizeof table[0]; i++)
		if (strcasecmp(dot + 1, table[i].ext) == 0)
			return table[i].type;
	return "";
}
