/* receipt.h: the submitter's receipt code and what it unlocks.
 * A code is 128 random bits plus an 8-bit check, written as 28 Crockford
 * base32 characters in groups of four. Argon2id stretches it into the
 * mailbox id (the only thing the server sees) and the reply key pair whose
 * public half goes into the manifest. Everything here is sodium_malloc'd
 * and wiped on free. */
#ifndef INTAKE_RECEIPT_H
#define INTAKE_RECEIPT_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define RECEIPT_SECRET_LEN 16
#define RECEIPT_MAILBOX_LEN 16
#define RECEIPT_TEXT_MAX 40   /* 28 chars, 6 dashes, NUL */
#define RECEIPT_MAILBOX_HEX (2 * RECEIPT_MAILBOX_LEN + 1)
/* Argon2id cost for the derivation (FORMAT.md): small enough for a phone,
 * the code's 128 bits carry the strength. */
#define RECEIPT_KDF_OPSLIMIT 3ULL
#define RECEIPT_KDF_MEMLIMIT (4ULL * 1024 * 1024)

typedef struct {
	uint8_t secret[RECEIPT_SECRET_LEN];
	uint8_t mailbox[RECEIPT_MAILBOX_LEN];
	uint8_t reply_pk[32];
	uint8_t reply_sk[32];
} receipt;

/* A new random receipt with its derived keys. */
st_t receipt_generate(receipt **out);
/* Parse a typed code (case, dashes, spaces and look-alikes forgiven) and
 * derive. ST_BADDATA for a wrong length or check character. */
st_t receipt_parse(const char *text, receipt **out);
/* "XXXX-XXXX-XXXX-XXXX-XXXX-XXXX-XXXX" */
void receipt_format(const receipt *r, char out[RECEIPT_TEXT_MAX]);
/* Mailbox id as lowercase hex, as it appears in URLs. */
void receipt_mailbox_hex(const receipt *r, char out[RECEIPT_MAILBOX_HEX]);
void receipt_free(receipt *r);

#endif
