/* keyset_vec.h: the deterministic keys and keysets behind the keyset and
 * signed-reply vectors (test code only): a root and officers made from
 * fixed labels, and two keysets of one organization: v1 lists officers 1
 * and 2, v2 only officer 1 with officer 2 revoked (she left). */
#ifndef INTAKE_KEYSET_VEC_H
#define INTAKE_KEYSET_VEC_H

#include "keyset.h"
#include "receipt.h"

#include <sodium.h>
#include <stdio.h>
#include <string.h>

#define KV_CREATED 1767225600ULL /* 2026-01-01 00:00:00 UTC */
#define KV_EXPIRES (KV_CREATED + 90ULL * 86400)
#define KV_NOW (KV_CREATED + 86400)
#define KV_DAY ((uint32_t)(KV_CREATED / 86400))

static inline void kv_seed(const char *label, uint8_t seed[32])
{
	crypto_generichash(seed, 32, (const uint8_t *)label, strlen(label), NULL, 0);
}

/* The same officers as test_vectors.c: "intake test vector officer N". */
static inline key_secret *kv_officer(int n)
{
	key_secret *k = sodium_malloc(sizeof *k);
	uint8_t seed[32];
	char label[64];

	snprintf(label, sizeof label, "intake test vector officer %d", n);
	kv_seed(label, seed);
	crypto_box_seed_keypair(k->pk, k->sk, seed);
	return k;
}

static inline keyset_root *kv_root(const char *label)
{
	keyset_root *r = NULL;
	uint8_t seed[32];

	kv_seed(label, seed);
	if (keyset_root_from_seed(seed, &r) != ST_OK)
		abort();
	return r;
}

/* A receipt with fixed keys, independent of how receipts are derived. */
static inline receipt *kv_receipt(void)
{
	receipt *r = sodium_malloc(sizeof *r);
	uint8_t seed[32];

	memset(r, 0, sizeof *r);
	kv_seed("intake test vector reply key", seed);
	crypto_box_seed_keypair(r->reply_pk, r->reply_sk, seed);
	memset(r->mailbox, 0xa5, sizeof r->mailbox);
	return r;
}

/* Keyset version 1 or 2 of the vector organization, unsigned. */
static inline void kv_keyset(int version, keyset *ks)
{
	key_secret *a = kv_officer(1), *b = kv_officer(2);

	memset(ks, 0, sizeof *ks);
	ks->serial = (uint64_t)version;
	ks->created = KV_CREATED + (uint64_t)(version - 1) * 3600;
	ks->expires = KV_EXPIRES;
	keyset_officer_entry(a, &ks->off[0]);
	if (version == 1) {
		keyset_officer_entry(b, &ks->off[1]);
		ks->n = 2;
	} else {
		ks->n = 1;
		keyset_officer_entry(b, &ks->rev[0].k);
		ks->rev[0].day = KV_DAY;
		ks->rev[0].reason = KEYSET_LEFT;
		ks->r = 1;
	}
	sodium_free(a);
	sodium_free(b);
}

#endif
