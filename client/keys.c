/* keys.c: the keyset or bundle a run of intake-submit trusts. Every
 * refusal names what happened in plain words and what to do next; nothing
 * is sealed to a key that has not been checked against the pin. */
#include "keys.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include "fsio.h"
#include "i18n.h"

/* Why a keyset was refused, for a person. */
static const char *keys_refusal(st_t st, const keyset *ks)
{
	static char msg[200];
	char day[16] = "?";
	time_t t = (time_t)ks->expires;
	struct tm tm;

	switch (st) {
	case ST_MISMATCH:
		return N_("the organization's keys are signed by ANOTHER root key "
		       "than the fingerprint you have: nothing was sent. check "
		       "the fingerprint with the organization, by a channel you "
		       "trust");
	case ST_DECRYPT:
		return N_("the organization's keys were changed by someone else (the "
		       "signature does not verify): nothing was sent");
	case ST_EXPIRED:
		if ((uint64_t)time(NULL) < ks->expires) {
			return N_("the organization's keys are dated in the future: "
			       "check this computer's date and time");
		}
		if (ks->expires < 253402300800ULL && gmtime_r(&t, &tm) != NULL)
			strftime(day, sizeof day, "%Y-%m-%d", &tm);
		snprintf(msg, sizeof msg, _("the organization's keys expired on %s: "
		         "nothing was sent. ask the organization for new ones, or "
		         "try again later"), day);
		return msg;
	case ST_VERSION:
		return N_("the organization's keys are in a newer format: update "
		       "intake-submit");
	default:
		return N_("the organization's keys are damaged or not a keyset: "
		       "nothing was sent");
	}
}

static st_t keys_keyset(const cli_opts *o, const net_cfg *cfg, keys_org *k,
                        const char **why)
{
	keyset_pin pin;
	uint8_t *raw = NULL;
	size_t len = 0;
	st_t st;

	if (o->fingerprint == NULL || o->no_fp_check) {
		*why = N_("no root fingerprint to check the organization's keys "
		       "against: give --fingerprint (as published by the "
		       "organization); a keyset is never used unchecked");
		return ST_USAGE;
	}
	if (keyset_pin_parse(o->fingerprint, &pin) != ST_OK) {
		*why = N_("the fingerprint is not written correctly: groups of "
		       "letters and digits, or 15 words, as published");
		return ST_BADDATA;
	}
	if (o->keyset != NULL) {
		st = fsio_read_file(o->keyset, KEYSET_MAX_LEN, &raw, &len);
		if (st == ST_TOOBIG)
			st = ST_BADDATA;
		if (st != ST_OK)
			*why = st == ST_BADDATA ? keys_refusal(st, &k->ks)
			                        : N_("the keyset file cannot be read");
	} else if (cfg == NULL) {
		*why = N_("without a server, give the organization's keys with "
		       "--keyset FILE (or a bundle with --keys FILE)");
		return ST_USAGE;
	} else {
		st = net_keyset_get(cfg, &raw, &len, why);
	}
	if (st != ST_OK)
		goto cleanup;
	st = keyset_verify(raw, len, &pin, (uint64_t)time(NULL), &k->ks);
	if (st != ST_OK) {
		*why = keys_refusal(st, &k->ks);
		goto cleanup;
	}
	k->is_keyset = 1;
	keyset_bundle(&k->ks, &k->to);
cleanup:
	free(raw);
	return st;
}

st_t keys_load(const cli_opts *o, const net_cfg *cfg, keys_org *k,
               const char **why)
{
	st_t st;

	memset(k, 0, sizeof *k);
	/* --keyset wins over a bundle named in the configuration. */
	if (o->keys == NULL || o->keyset != NULL)
		return keys_keyset(o, cfg, k, why);
	st = cli_bundle(o, &k->to, why);
	if (st == ST_OK)
		keyset_from_bundle(&k->to, &k->ks);
	return st;
}

const char *keys_class_text(const keys_org *k, reply_class c)
{
	if (!k->is_keyset)
		return _("from a key of the bundle (signature not checked: bundle mode)");
	switch (c) {
	case REPLY_VERIFIED:
		return _("from the organization");
	case REPLY_VERIFIED_RETIRED:
		return _("from the organization, through a key since retired");
	case REPLY_COMPROMISED:
		return _("signed with a key reported STOLEN: it may NOT be from the "
		       "organization");
	default:
		return _("NOT from the organization (its signature does not verify)");
	}
}

const char *keys_class_word(const keys_org *k, reply_class c)
{
	static const char *const words[] = { "verified", "verified-retired",
	                                     "compromised", "unverified" };

	if (!k->is_keyset)
		return "bundle";
	return words[c <= REPLY_UNVERIFIED ? c : REPLY_UNVERIFIED];
}
