/* keys.h: whose keys intake-submit seals to and believes replies from.
 * Keyset mode (the default): the organization's keyset, fetched from the
 * server (GET /v1/keyset) or read from --keyset FILE, believed only when
 * its root matches the pinned --fingerprint, its root signature verifies
 * and it has not expired; the client stores nothing. Bundle mode (--keys
 * FILE): the older pinned bundle, offline and without rotation; replies
 * then open but their signatures cannot be checked. Trust boundary: the
 * keyset comes from the (untrusted) server. */
#ifndef INTAKE_CLIENT_KEYS_H
#define INTAKE_CLIENT_KEYS_H

#include "cli.h"
#include "keyset.h"
#include "net.h"
#include "reply.h"
#include "status.h"

typedef struct {
	int is_keyset; /* 0: bundle mode, signatures unchecked */
	keyset ks;     /* bundle mode: the bundle as unsigned officers */
	key_bundle to; /* what to seal to: exactly the keyset's officers */
} keys_org;

/* Load and check the organization's keys (cfg NULL: no network, so a
 * keyset must come from --keyset). On failure *why says what to do.
 * ST_USAGE, ST_MISMATCH (other root: refuse), ST_DECRYPT (bad signature),
 * ST_EXPIRED, ST_BADDATA, ST_NOTFOUND (the server has no keyset), and the
 * network's statuses. */
st_t keys_load(const cli_opts *o, const net_cfg *cfg, keys_org *k,
               const char **why);

/* A reply's trust class as a short lowercase phrase for people, and as a
 * word for --json. */
const char *keys_class_text(const keys_org *k, reply_class c);
const char *keys_class_word(const keys_org *k, reply_class c);

#endif
