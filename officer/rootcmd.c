/* rootcmd.c: the organization's root key and its keysets. The root key
 * and keyset-make belong on the air-gapped machine; keyset-push carries a
 * keyset (public data) to the server from the online one. Keysets read
 * here are verified before anything in them is shown or reused. */
#include "rootcmd.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sodium.h>
#include "cli.h"
#include "enc.h"
#include "fsio.h"
#include "keyset.h"
#include "net.h"
#include "netcmd.h"
#include "tty.h"

#define ROOTCMD_MAX_LIST 64

static const char root_keygen_usage[] =
	"usage: intake-officer root-keygen --out DIR [--passphrase-file FILE]\n"
	"  (air-gapped) create the organization's root key: DIR/root.pub and\n"
	"  DIR/root.sec, sealed under a passphrase asked twice. Prints the\n"
	"  root fingerprint (base32, then 15 Russian and 15 English words),\n"
	"  which the organization publishes and submitters pin. Never\n"
	"  overwrites an existing key.\n";

static const char root_fingerprint_usage[] =
	"usage: intake-officer root-fingerprint FILE\n"
	"  (either machine) print the root fingerprint (base32, Russian words,\n"
	"  English words) of a root.pub or of\n"
	"  the root named in a keyset file (not a check of the keyset).\n";

static const char keyset_entry_usage[] =
	"usage: intake-officer keyset-entry --key SECFILE [--passphrase-file FILE]\n"
	"                                   [--out FILE]\n"
	"  (air-gapped) print this officer's keyset entry: the encryption key\n"
	"  and the reply-signing key derived from it, for keyset-make.\n";

static const char keyset_make_usage[] =
	"usage: intake-officer keyset-make --root ROOTSEC --out FILE\n"
	"           --officer ENTRY... [--left ENTRY]... [--stolen ENTRY]...\n"
	"           [--previous KEYSET] [--expires-days N] [--serial N]\n"
	"           [--passphrase-file FILE]\n"
	"  (air-gapped) sign a keyset: the officers submitters seal to, and the\n"
	"  keys revoked because the officer left (--left) or the key was lost\n"
	"  or stolen (--stolen). --previous carries over its revoked keys and\n"
	"  numbers the new keyset after it. Expires in 90 days unless\n"
	"  --expires-days (1..400) says otherwise.\n";

static const char keyset_show_usage[] =
	"usage: intake-officer keyset-show FILE [--fingerprint ROOTFP]\n"
	"  (either machine) check a keyset's signature (and its root against\n"
	"  ROOTFP) and list its officers and revoked keys.\n";

static const char keyset_push_usage[] =
	"usage: intake-officer keyset-push --server URL --auth-key SECFILE\n"
	"                                  [--tor | --proxy URL] FILE\n"
	"  (online) upload a keyset to the server, which checks it against its\n"
	"  --root-fingerprint and serves it to submitters. --tor and --proxy\n"
	"  as for fetch.\n";

typedef struct {
	const char *out, *passfile, *root, *key, *previous, *pin, *server,
	           *authkey, *proxy;
	char torproxy[TOR_PROXY_MAX];
	const char *officer[ROOTCMD_MAX_LIST], *left[ROOTCMD_MAX_LIST],
	           *stolen[ROOTCMD_MAX_LIST];
	size_t nofficer, nleft, nstolen;
	unsigned long days, serial;
	const char *pos;
	int tor;
	int help;
} rootcmd_opts;

static st_t rootcmd_push(const char **list, size_t *n, const char *v,
                         const char *usage)
{
	if (*n == ROOTCMD_MAX_LIST)
		return cli_usage(usage, "too many keys");
	list[(*n)++] = v;
	return ST_OK;
}

static st_t rootcmd_number(const char *text, unsigned long max,
                           unsigned long *v, const char *usage)
{
	char *end;

	*v = strtoul(text, &end, 10);
	if (*text < '1' || *text > '9' || *end != '\0' || *v > max)
		return cli_usage(usage, "bad number '%s'", text);
	return ST_OK;
}

/* One parser for the family; `allowed` lists the option letters a
 * command takes, npos is 0 or 1 positional argument. */
static st_t rootcmd_parse(int argc, char **argv, const char *usage,
                          const char *allowed, int npos, rootcmd_opts *o)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "root", required_argument, NULL, 'r' },
		{ "key", required_argument, NULL, 'k' },
		{ "officer", required_argument, NULL, 'O' },
		{ "left", required_argument, NULL, 'L' },
		{ "stolen", required_argument, NULL, 'S' },
		{ "previous", required_argument, NULL, 'P' },
		{ "expires-days", required_argument, NULL, 'e' },
		{ "serial", required_argument, NULL, 'n' },
		{ "fingerprint", required_argument, NULL, 'f' },
		{ "server", required_argument, NULL, 's' },
		{ "auth-key", required_argument, NULL, 'a' },
		{ "tor", no_argument, NULL, 'T' },
		{ "proxy", required_argument, NULL, 'X' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;
	st_t st = ST_OK;

	memset(o, 0, sizeof *o);
	o->days = 90;
	while (st == ST_OK && (c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(usage, stdout);
			o->help = 1;
			return ST_OK;
		}
		if (c == '?' || strchr(allowed, c) == NULL)
			return cli_usage(usage, "bad option");
		switch (c) {
		case 'o': o->out = optarg; break;
		case 'p': o->passfile = optarg; break;
		case 'r': o->root = optarg; break;
		case 'k': o->key = optarg; break;
		case 'P': o->previous = optarg; break;
		case 'f': o->pin = optarg; break;
		case 's': o->server = optarg; break;
		case 'a': o->authkey = optarg; break;
		case 'T': o->tor = 1; break;
		case 'X': o->proxy = optarg; break;
		case 'O': st = rootcmd_push(o->officer, &o->nofficer, optarg, usage); break;
		case 'L': st = rootcmd_push(o->left, &o->nleft, optarg, usage); break;
		case 'S': st = rootcmd_push(o->stolen, &o->nstolen, optarg, usage); break;
		case 'e': st = rootcmd_number(optarg, KEYSET_MAX_DAYS, &o->days, usage); break;
		default: st = rootcmd_number(optarg, ULONG_MAX, &o->serial, usage); break;
		}
	}
	if (st != ST_OK)
		return st;
	if (argc - optind != npos)
		return cli_usage(usage, npos ? "name one file" : "unexpected argument");
	o->pos = npos ? argv[optind] : NULL;
	return ST_OK;
}

/* The fingerprint in base32 (the first line, what scripts take) and in
 * the words of each list, as the organization publishes it. */
static void rootcmd_print_fp(const uint8_t pk[32])
{
	char fp[KEYSET_FP_TEXT_MAX], words[KEYSET_FP_WORDS * 24];

	keyset_fingerprint(pk, fp);
	printf("%s\n", fp);
	for (int lang = 0; lang < 2; lang++)
		if (keyset_fingerprint_words(pk, lang, words, sizeof words) == ST_OK)
			printf("%s\n", words);
}

/* "YYYY-MM-DD" of a unix time, UTC. */
static void rootcmd_date(uint64_t t, char out[16])
{
	time_t tt = (time_t)t;
	struct tm tm;

	if (t > (uint64_t)253402300799ULL || gmtime_r(&tt, &tm) == NULL)
		snprintf(out, 16, "(far future)");
	else
		strftime(out, 16, "%Y-%m-%d", &tm);
}

st_t rootcmd_root_keygen(int argc, char **argv)
{
	rootcmd_opts o;
	char secpath[PATH_MAX], pubpath[PATH_MAX], pub[128];
	uint8_t sealed[KEY_SECFILE_LEN];
	keyset_root *r = NULL;
	char *pass = NULL;
	size_t plen = 0;
	st_t st;

	st = rootcmd_parse(argc, argv, root_keygen_usage, "op", 0, &o);
	if (st != ST_OK || o.help)
		return st;
	if (o.out == NULL)
		return cli_usage(root_keygen_usage, "--out is required");
	if (snprintf(secpath, sizeof secpath, "%s/root.sec", o.out) >= PATH_MAX ||
	    snprintf(pubpath, sizeof pubpath, "%s/root.pub", o.out) >= PATH_MAX)
		return cli_usage(root_keygen_usage, "--out path too long");
	st = cli_mkdir(o.out);
	if (st != ST_OK)
		return cli_fail(st, "cannot create '%s'", o.out);
	if (access(secpath, F_OK) == 0 || access(pubpath, F_OK) == 0)
		return cli_fail(ST_EXISTS, "a root key already exists in '%s'", o.out);
	st = tty_passphrase(o.passfile, "new root passphrase: ", 1, &pass, &plen);
	if (st != ST_OK) {
		cli_fail(st, "cannot read the passphrase");
		goto cleanup;
	}
	st = keyset_root_generate(&r);
	if (st == ST_OK)
		st = keyset_root_seal(r, pass, plen, sealed);
	if (st == ST_OK)
		st = keyset_root_pub_format(r->pk, pub, sizeof pub);
	if (st != ST_OK) {
		cli_fail(st, "cannot create the root key");
		goto cleanup;
	}
	st = cli_write_new(secpath, sealed, sizeof sealed, 0600);
	if (st != ST_OK) {
		cli_fail(st, "cannot write '%s'", secpath);
		goto cleanup;
	}
	st = cli_write_new(pubpath, pub, strlen(pub), 0644);
	if (st != ST_OK) {
		unlink(secpath);
		cli_fail(st, "cannot write '%s'", pubpath);
		goto cleanup;
	}
	fprintf(stderr, "wrote '%s' and '%s'\n", pubpath, secpath);
	rootcmd_print_fp(r->pk);
cleanup:
	sodium_memzero(sealed, sizeof sealed);
	keyset_root_free(r);
	tty_pass_free(pass);
	return st;
}

st_t rootcmd_root_fingerprint(int argc, char **argv)
{
	rootcmd_opts o;
	uint8_t *text = NULL, pk[32];
	size_t len = 0;
	keyset ks;
	st_t st;

	st = rootcmd_parse(argc, argv, root_fingerprint_usage, "", 1, &o);
	if (st != ST_OK || o.help)
		return st;
	st = fsio_read_file(o.pos, KEYSET_MAX_LEN, &text, &len);
	if (st != ST_OK)
		return cli_fail(st, "cannot read '%s'", o.pos);
	if (len >= 8 && memcmp(text, KEYSET_MAGIC, 8) == 0) {
		st = keyset_verify(text, len, NULL, 0, &ks);
		memcpy(pk, ks.root_pk, 32);
	} else {
		st = keyset_root_pub_parse((const char *)text, len, pk);
	}
	if (st != ST_OK)
		cli_fail(st, "'%s' is not a root public key or keyset", o.pos);
	else
		rootcmd_print_fp(pk);
	free(text);
	return st;
}

st_t rootcmd_keyset_entry(int argc, char **argv)
{
	rootcmd_opts o;
	key_secret *k = NULL;
	keyset_officer e;
	char line[160];
	st_t st;

	st = rootcmd_parse(argc, argv, keyset_entry_usage, "kpo", 0, &o);
	if (st != ST_OK || o.help)
		return st;
	if (o.key == NULL)
		return cli_usage(keyset_entry_usage, "--key is required");
	st = cli_unlock(o.key, o.passfile, &k);
	if (st != ST_OK)
		return st;
	keyset_officer_entry(k, &e);
	key_secret_free(k);
	st = keyset_entry_format(&e, line, sizeof line);
	if (st == ST_OK && o.out != NULL) {
		st = fsio_write_file_atomic(o.out, line, strlen(line), 0644, 0);
		if (st != ST_OK)
			return cli_fail(st, "cannot write '%s'", o.out);
	} else if (st == ST_OK)
		fputs(line, stdout);
	return st;
}

static st_t rootcmd_load_entry(const char *path, keyset_officer *e)
{
	uint8_t *text = NULL;
	size_t len = 0;
	st_t st;

	st = fsio_read_file(path, 1024, &text, &len);
	if (st == ST_OK)
		st = keyset_entry_parse((const char *)text, len, e);
	if (st != ST_OK)
		cli_fail(st, "'%s' is not a keyset entry (made by keyset-entry)",
		         path);
	free(text);
	return st;
}

/* Read and verify a keyset file (pin optional, time not checked). */
static st_t rootcmd_load_keyset(const char *path, const keyset_pin *pin,
                                uint8_t **raw, size_t *rawlen, keyset *ks)
{
	st_t st;

	st = fsio_read_file(path, KEYSET_MAX_LEN + 1, raw, rawlen);
	if (st != ST_OK)
		return cli_fail(st, "cannot read '%s'", path);
	st = keyset_verify(*raw, *rawlen, pin, 0, ks);
	if (st == ST_MISMATCH)
		fprintf(stderr, CLI_PROG ": '%s' is signed by another root key\n", path);
	else if (st == ST_DECRYPT)
		fprintf(stderr, CLI_PROG ": '%s': the root signature does not verify\n", path);
	else if (st != ST_OK)
		cli_fail(st, "'%s' is not a keyset", path);
	return st;
}

/* Add revoked entries from files. */
static st_t rootcmd_revoke(keyset *ks, const char **files, size_t n,
                           uint8_t reason, uint32_t day)
{
	for (size_t i = 0; i < n; i++) {
		keyset_revoked *rv;
		uint8_t old;
		st_t st;

		if (ks->r == KEYSET_MAX_REVOKED)
			return cli_fail(ST_TOOBIG, "more than %d revoked keys",
			                KEYSET_MAX_REVOKED);
		rv = &ks->rev[ks->r];
		st = rootcmd_load_entry(files[i], &rv->k);
		if (st != ST_OK)
			return st;
		/* Already revoked in the previous keyset: keep that entry,
		 * unless the reason grows to "stolen". */
		for (size_t j = 0; j < ks->r; j++)
			if (memcmp(ks->rev[j].k.id, rv->k.id, KEY_ID_LEN) == 0) {
				old = ks->rev[j].reason;
				ks->rev[j].reason = reason > old ? reason : old;
				rv = NULL;
				break;
			}
		if (rv == NULL)
			continue;
		rv->day = day;
		rv->reason = reason;
		ks->r++;
	}
	return ST_OK;
}

st_t rootcmd_keyset_make(int argc, char **argv)
{
	rootcmd_opts o;
	keyset ks, prev;
	keyset_root *root = NULL;
	uint8_t *file = NULL, *raw = NULL, *out = NULL;
	size_t flen = 0, rawlen = 0, outlen = 0;
	char *pass = NULL, fp[KEYSET_FP_TEXT_MAX];
	uint64_t now = (uint64_t)time(NULL);
	size_t plen = 0;
	st_t st;

	st = rootcmd_parse(argc, argv, keyset_make_usage, "oprOLSPen", 0, &o);
	if (st != ST_OK || o.help)
		return st;
	if (o.root == NULL || o.out == NULL || o.nofficer == 0)
		return cli_usage(keyset_make_usage,
		                 "--root, --out and at least one --officer are required");
	if (o.nofficer > KEYSET_MAX_OFFICERS)
		return cli_usage(keyset_make_usage, "at most %d officers",
		                 KEYSET_MAX_OFFICERS);
	memset(&ks, 0, sizeof ks);
	for (size_t i = 0; i < o.nofficer; i++) {
		st = rootcmd_load_entry(o.officer[i], &ks.off[i]);
		if (st != ST_OK)
			goto cleanup;
	}
	ks.n = o.nofficer;
	if (o.previous != NULL) {
		st = rootcmd_load_keyset(o.previous, NULL, &raw, &rawlen, &prev);
		if (st != ST_OK)
			goto cleanup;
		memcpy(ks.rev, prev.rev, prev.r * sizeof prev.rev[0]);
		ks.r = prev.r;
	}
	st = rootcmd_revoke(&ks, o.left, o.nleft, KEYSET_LEFT, (uint32_t)(now / 86400));
	if (st == ST_OK)
		st = rootcmd_revoke(&ks, o.stolen, o.nstolen, KEYSET_COMPROMISED,
		                    (uint32_t)(now / 86400));
	if (st != ST_OK)
		goto cleanup;
	ks.serial = o.serial ? o.serial : o.previous ? prev.serial + 1 : 1;
	if (o.previous != NULL && ks.serial <= prev.serial) {
		st = cli_usage(keyset_make_usage, "--serial must be above the "
		               "previous keyset's %llu", (unsigned long long)prev.serial);
		goto cleanup;
	}
	ks.created = now;
	ks.expires = now + (uint64_t)o.days * 86400;
	st = fsio_read_secret_file(o.root, KEY_FILE_MAX, &file, &flen);
	if (st != ST_OK) {
		cli_fail(st, "cannot read the root key '%s'", o.root);
		goto cleanup;
	}
	st = tty_passphrase(o.passfile, "root passphrase: ", 0, &pass, &plen);
	if (st != ST_OK) {
		cli_fail(st, "cannot read the passphrase");
		goto cleanup;
	}
	st = keyset_root_open(file, flen, pass, plen, &root);
	if (st == ST_DECRYPT) {
		fprintf(stderr, CLI_PROG ": wrong passphrase or damaged root key file\n");
		goto cleanup;
	}
	if (st != ST_OK) {
		cli_fail(st, "cannot open the root key '%s'", o.root);
		goto cleanup;
	}
	if (o.previous != NULL && sodium_memcmp(prev.root_pk, root->pk, 32) != 0) {
		st = ST_MISMATCH;
		fprintf(stderr, CLI_PROG ": '%s' was signed by another root key\n",
		        o.previous);
		goto cleanup;
	}
	st = keyset_sign(&ks, root, &out, &outlen);
	if (st != ST_OK) {
		/* Duplicates: an officer listed twice, or both current and
		 * revoked. */
		cli_fail(st, "cannot make the keyset (an officer listed twice, or "
		             "both current and revoked?)");
		goto cleanup;
	}
	st = fsio_write_file_atomic(o.out, out, outlen, 0644, 0);
	if (st != ST_OK) {
		cli_fail(st, "cannot write '%s'", o.out);
		goto cleanup;
	}
	keyset_fingerprint(root->pk, fp);
	printf("keyset %llu: %zu officers, %zu revoked, root %s\n",
	       (unsigned long long)ks.serial, ks.n, ks.r, fp);
cleanup:
	keyset_root_free(root);
	tty_pass_free(pass);
	if (file != NULL)
		sodium_free(file);
	free(raw);
	free(out);
	return st;
}

static void rootcmd_print_key(const char *what, const keyset_officer *e)
{
	key_bundle one;
	char fp[KEY_FP_TEXT_MAX], id[2 * KEY_ID_LEN + 1];

	memset(&one, 0, sizeof one);
	memcpy(one.pk[0], e->box_pk, KEY_PUB_LEN);
	one.n = 1;
	key_bundle_fingerprint(&one, fp);
	enc_hex_encode(id, e->id, KEY_ID_LEN);
	printf("%s %s (key id %s)", what, fp, id);
}

st_t rootcmd_keyset_show(int argc, char **argv)
{
	rootcmd_opts o;
	keyset_pin pin;
	keyset ks;
	uint8_t *raw = NULL;
	size_t rawlen = 0;
	char fp[KEYSET_FP_TEXT_MAX], d1[16], d2[16];
	uint64_t now = (uint64_t)time(NULL);
	st_t st;

	st = rootcmd_parse(argc, argv, keyset_show_usage, "f", 1, &o);
	if (st != ST_OK || o.help)
		return st;
	if (o.pin != NULL && keyset_pin_parse(o.pin, &pin) != ST_OK)
		return cli_usage(keyset_show_usage, "'%s' is not a root fingerprint",
		                 o.pin);
	st = rootcmd_load_keyset(o.pos, o.pin ? &pin : NULL, &raw, &rawlen, &ks);
	if (st != ST_OK)
		goto cleanup;
	keyset_fingerprint(ks.root_pk, fp);
	rootcmd_date(ks.created, d1);
	rootcmd_date(ks.expires, d2);
	printf("keyset %llu, root %s%s\n", (unsigned long long)ks.serial, fp,
	       o.pin ? " (pinned)" : "");
	printf("created %s, expires %s%s\n", d1, d2,
	       now >= ks.expires ? " (EXPIRED)" : "");
	for (size_t i = 0; i < ks.n; i++) {
		rootcmd_print_key("officer", &ks.off[i]);
		putchar('\n');
	}
	for (size_t i = 0; i < ks.r; i++) {
		rootcmd_date((uint64_t)ks.rev[i].day * 86400, d1);
		rootcmd_print_key("revoked", &ks.rev[i].k);
		printf(" on %s: %s\n", d1, ks.rev[i].reason == KEYSET_LEFT ?
		       "left" : "stolen or lost");
	}
	if (now >= ks.expires) {
		st = ST_EXPIRED;
		fprintf(stderr, CLI_PROG ": the keyset expired on %s\n", d2);
	}
cleanup:
	free(raw);
	return st;
}

st_t rootcmd_keyset_push(int argc, char **argv)
{
	rootcmd_opts o;
	keyset ks;
	uint8_t *raw = NULL, *sk = NULL, *resp = NULL;
	size_t rawlen = 0, resplen = 0;
	net *n = NULL;
	long code = 0;
	st_t st;

	st = rootcmd_parse(argc, argv, keyset_push_usage, "saTX", 1, &o);
	if (st != ST_OK || o.help)
		return st;
	if (o.server == NULL || o.authkey == NULL)
		return cli_usage(keyset_push_usage, "--server and --auth-key are required");
	st = netcmd_pick_proxy(keyset_push_usage, o.tor, &o.proxy, o.torproxy);
	if (st != ST_OK)
		return st;
	st = rootcmd_load_keyset(o.pos, NULL, &raw, &rawlen, &ks);
	if (st != ST_OK)
		goto cleanup;
	st = netcmd_authkey(o.authkey, &sk);
	if (st != ST_OK)
		goto cleanup;
	st = netcmd_client(o.server, sk, o.proxy, 0, &n);
	if (st != ST_OK)
		goto cleanup;
	st = net_request(n, "PUT", "/v1/keyset", NULL, raw, rawlen, 4096, &resp,
	                 &resplen, &code);
	if (st != ST_OK) {
		cli_fail(st, "cannot reach '%s'", o.server);
		goto cleanup;
	}
	if (code != 200) {
		st = net_code_status(code);
		/* The server's words, made safe for a terminal. */
		for (size_t i = 0; resp != NULL && i < resplen; i++)
			if (resp[i] < 0x20 || resp[i] > 0x7e)
				resp[i] = ' ';
		fprintf(stderr, CLI_PROG ": the server refused the keyset (HTTP %ld): %.200s\n",
		        code, resp ? (const char *)resp : "");
		goto cleanup;
	}
	printf("keyset %llu is on the server\n", (unsigned long long)ks.serial);
cleanup:
	net_free(n);
	if (sk != NULL)
		sodium_free(sk);
	free(resp);
	free(raw);
	return st;
}
