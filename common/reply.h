/* reply.h: an officer's signed, encrypted reply to a submitter
 * (docs/FORMAT.md): crypto_box from the officer's X25519 key to the
 * submitter's reply key, and inside it the officer's Ed25519 signature
 * over mailbox, reply key, sequence number, day and text. The box alone
 * only shows that someone holding the receipt or an officer key made it;
 * the signature, checked against a keyset signed by the pinned root, shows
 * which officer did. Trust boundary: reply_open parses bytes fetched from
 * the server. */
#ifndef INTAKE_REPLY_H
#define INTAKE_REPLY_H

#include <stddef.h>
#include <stdint.h>
#include "key.h"
#include "keyset.h"
#include "receipt.h"
#include "status.h"

#define REPLY_MAGIC "INTAKR"
#define REPLY_VERSION 1
#define REPLY_TEXT_MAX (256 * 1024)
#define REPLY_MIN_PAD 1024
#define REPLY_HEADER_LEN (8 + KEY_ID_LEN + 24)
#define REPLY_PLAIN_HEAD 76 /* seq, day, sig, len */
#define REPLY_MAX_LEN (REPLY_HEADER_LEN + 16 + REPLY_PLAIN_HEAD + REPLY_TEXT_MAX + REPLY_TEXT_MAX / 8)

/* How far a reply can be trusted, from its key id and signature. */
typedef enum {
	REPLY_VERIFIED,         /* signed by an officer of the keyset */
	REPLY_VERIFIED_RETIRED, /* signed by a key revoked since: officer left */
	REPLY_COMPROMISED,      /* signed by a key revoked as stolen */
	REPLY_UNVERIFIED,       /* unknown key or a signature that fails */
} reply_class;

typedef struct {
	reply_class cls;
	uint8_t key_id[KEY_ID_LEN];
	uint32_t seq, day;
	uint8_t *text; /* sodium_malloc'd, NUL after len bytes; NULL if none */
	size_t len;
} reply_msg;

/* Seal and sign text as reply number seq (>= 1) on day (days since
 * 1970-01-01) to the submitter's mailbox and reply key. The signing key
 * is derived from the officer's secret key and wiped. *out is malloc'd.
 * ST_TOOBIG past REPLY_TEXT_MAX, ST_BADDATA for a low-order reply key or
 * seq 0. */
st_t reply_seal(const key_secret *officer, const uint8_t mailbox[16],
                const uint8_t to_pk[32], uint32_t seq, uint32_t day,
                const uint8_t *text, size_t len, uint8_t **out,
                size_t *outlen);

/* Open a reply with the receipt's keys, looking its key id up in ks
 * (officers, then revoked entries) and classing it. ST_NOKEY when the
 * key id is in neither (m->cls = REPLY_UNVERIFIED, no text), ST_DECRYPT
 * when the box does not open, ST_BADDATA/ST_VERSION when malformed. On
 * ST_OK m->text is set and m->cls says whether the signature verified; an
 * all-zero signing key in ks (a keyset made from a plain bundle) never
 * verifies. Free with reply_msg_clear. */
st_t reply_open(const receipt *r, const keyset *ks, const uint8_t *in,
                size_t len, reply_msg *m);
void reply_msg_clear(reply_msg *m);

/* Sequence findings over the signed replies, in the server's order. */
typedef enum {
	REPLY_SEQ_MISSING,   /* seq never seen, below the highest one */
	REPLY_SEQ_COPY,      /* seq seen more than once */
	REPLY_SEQ_REORDERED, /* seq came after a higher one */
} reply_seq_kind;

typedef struct {
	reply_seq_kind kind;
	uint32_t seq;
} reply_seq_issue;

/* Check seq[0..n) (server order): every missing number in 1..max, each
 * copy and each out-of-order one, at most cap findings into out, in that
 * order; returns how many there are in all (may exceed cap; a long gap is
 * counted, not listed). Returns 0 when it cannot allocate a copy of seq. */
size_t reply_seq_check(const uint32_t *seq, size_t n, reply_seq_issue *out,
                       size_t cap);

#endif
