/* manifest.h: the JSON manifest at the start of every payload: text size,
 * attachments (safe name, size, media type), the submitter's reply public
 * key and an optional coarse date. Built and parsed with jansson only.
 * Trust boundary: manifest_decode parses attacker-chosen JSON; every name
 * it returns has been through manifest_safe_name. */
#ifndef INTAKE_MANIFEST_H
#define INTAKE_MANIFEST_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define MANIFEST_MAX_LEN (256 * 1024)  /* JSON bytes */
#define MANIFEST_MAX_FILES 1000
#define MANIFEST_NAME_MAX 120          /* bytes of UTF-8 */
#define MANIFEST_TYPE_MAX 100
#define MANIFEST_DATE_MAX 16
#define MANIFEST_MAX_DEPTH 3           /* root, "files", a file object */

typedef struct {
	char *name;   /* safe: see manifest_safe_name */
	uint64_t size;
	char *type;   /* media type, "" when unknown */
} manifest_file;

typedef struct {
	uint64_t text_size;
	manifest_file *files;
	size_t nfiles;
	int has_reply;           /* reply_pk and mailbox are set */
	uint8_t reply_pk[32];    /* submitter's reply key (receipt.h) */
	uint8_t mailbox[16];     /* where the officer posts replies */
	char date[MANIFEST_DATE_MAX]; /* "YYYY-MM" (2000-01..9999-12) or "" */
} manifest;

/* Sum of text and attachment sizes; ST_TOOBIG on overflow. */
st_t manifest_content_len(const manifest *m, uint64_t *len);

/* Add an attachment (name is sanitized; type is "" or an RFC 6838
 * type/subtype of at most MANIFEST_TYPE_MAX bytes, else ST_BADDATA). */
st_t manifest_add_file(manifest *m, const char *name, uint64_t size,
                       const char *type);

/* Compact JSON, allocated by jansson: free with jmem_free (jmem.h).
 * The exact bytes are specified (docs/FORMAT.md 3.1): members in the
 * order v, text_size, files (name, size, type), reply (pk, mailbox),
 * date; non-ASCII escaped. ST_BADDATA for a date that is not "" or
 * YYYY-MM. */
st_t manifest_encode(const manifest *m, char **json, size_t *len);

/* Parse and validate (docs/FORMAT.md 3.1): ST_VERSION when v is an
 * integer other than 1; ST_BADDATA on anything else off: a missing
 * v/text_size/files or file name/size/type, wrong types, sizes over 2^53,
 * more than MANIFEST_MAX_FILES, a \u0000 in any string, nesting deeper
 * than MANIFEST_MAX_DEPTH, duplicate keys, a bad type, date or reply.
 * Unknown members are ignored. Names are re-sanitized, never trusted. */
st_t manifest_decode(const char *json, size_t len, manifest *m);

/* Free what the manifest owns and zero it. */
void manifest_clear(manifest *m);

/* Reduce an arbitrary name to a safe single path component: last path
 * element only, invalid UTF-8, control characters (C0, DEL, C1), '/',
 * '\\' and ':' replaced by '_', leading dots and spaces and trailing dots
 * and spaces removed, cut at MANIFEST_NAME_MAX bytes on a character
 * boundary; an empty result becomes "file". out needs
 * MANIFEST_NAME_MAX + 1 bytes. */
void manifest_safe_name(const char *in, size_t inlen,
                        char out[MANIFEST_NAME_MAX + 1]);

/* Media type guessed from a file name's extension; "" when unknown. */
const char *manifest_guess_type(const char *name);

#endif
