/* keycmd.c: officer key pairs, bundles and fingerprints (air-gapped), and
 * the online machine's request-signing key. New key files are created
 * O_EXCL|O_NOFOLLOW and never replace an existing file; secret ones are
 * 0600 and every copy of a secret is wiped. */
#include "keycmd.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sodium.h>
#include "auth.h"
#include "cli.h"
#include "enc.h"
#include "fsio.h"
#include "key.h"
#include "tty.h"
#include <zxcvbn.h>

static const char keygen_usage[] =
	"usage: intake-officer keygen --out DIR [--passphrase-file FILE]\n"
	"  (air-gapped) create DIR/officer.pub and DIR/officer.sec (DIR and\n"
	"  missing parents made 0700), the secret key sealed under a\n"
	"  passphrase asked twice on the terminal; prints the key's\n"
	"  fingerprint, and its key id on stderr. Never overwrites a key.\n"
	"  The passphrase must have at least 10 characters and at least 50\n"
	"  bits by zxcvbn's estimate (about 10^15 guesses); a weak one is\n"
	"  refused with a random suggestion.\n";

static const char bundle_usage[] =
	"usage: intake-officer bundle PUB... [--out FILE]\n"
	"  (air-gapped) join officers' public keys into the bundle that\n"
	"  submitters encrypt to. Without --out the bundle goes to stdout and\n"
	"  its fingerprint to stderr; with --out the fingerprint goes to stdout.\n";

static const char fingerprint_usage[] =
	"usage: intake-officer fingerprint FILE\n"
	"  (either machine) print the fingerprint of a public key or bundle,\n"
	"  and on stderr the key id of each key in it.\n";

static const char auth_keygen_usage[] =
	"usage: intake-officer auth-keygen --out DIR\n"
	"  (online) create DIR/auth.pub and DIR/auth.sec, the key that signs\n"
	"  requests to the server; install auth.pub on the server with\n"
	"  'intake-server --officer-key auth.pub'. Prints the key id.\n";

/* dir + "/" + name into out[PATH_MAX]. */
static st_t keycmd_path(char out[PATH_MAX], const char *dir, const char *name)
{
	int n = snprintf(out, PATH_MAX, "%s/%s", dir, name);

	return n < 0 || n >= PATH_MAX ? ST_USAGE : ST_OK;
}

/* Write a key pair as secpath (0600) and pubpath (0644), never
 * replacing a file. A secret file without its public half is of no use:
 * it is removed if the public one cannot be written. Reports its own
 * errors. */
static st_t keycmd_write_pair(const char *secpath, const void *sec,
                              size_t seclen, const char *pubpath,
                              const char *pub)
{
	st_t st;

	st = cli_write_new(secpath, sec, seclen, 0600);
	if (st != ST_OK)
		return cli_fail(st, "cannot write '%s'", secpath);
	st = cli_write_new(pubpath, pub, strlen(pub), 0644);
	if (st != ST_OK) {
		unlink(secpath);
		return cli_fail(st, "cannot write '%s'", pubpath);
	}
	fprintf(stderr, "wrote '%s' and '%s'\n", pubpath, secpath);
	return ST_OK;
}

/* Parse "--out DIR [--passphrase-file F]" (passfile may be NULL when the
 * command takes none). *help is set when --help was shown. */
static st_t keycmd_out_opts(int argc, char **argv, const char *usage,
                            const char **out, const char **passfile,
                            int *help)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "passphrase-file", required_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			*out = optarg;
		else if (c == 'p' && passfile != NULL)
			*passfile = optarg;
		else if (c == 'h') {
			fputs(usage, stdout);
			*help = 1;
			return ST_OK;
		} else
			return cli_usage(usage, "bad option");
	}
	if (optind != argc)
		return cli_usage(usage, "unexpected argument '%s'", argv[optind]);
	if (*out == NULL)
		return cli_usage(usage, "--out is required");
	return ST_OK;
}

/* The key ids of a set on stderr, one a line: envelopes and open's
 * messages name keys by id. */
static void keycmd_print_ids(const key_bundle *b)
{
	uint8_t id[KEY_ID_LEN];
	char hex[2 * KEY_ID_LEN + 1];
	size_t i;

	for (i = 0; i < b->n; i++) {
		key_id(b->pk[i], id);
		enc_hex_encode(hex, id, sizeof id);
		fprintf(stderr, "key id: %s\n", hex);
	}
}

/* A passphrase to suggest: five pronounceable random words of two
 * syllables ("bemo-tuka-rile-sopa-funi"), each 14*5*14*5 = 4900 ways, so
 * 5 * log2(4900) = 61 bits; easy to type on a Russian or English
 * keyboard, and random, which a chosen phrase is not. */
static void keycmd_suggest(char out[32])
{
	static const char cons[] = "bdfgklmnprstvz", vow[] = "aeiou";
	size_t i, k = 0;

	for (i = 0; i < 5; i++) {
		if (i > 0)
			out[k++] = '-';
		out[k++] = cons[randombytes_uniform(sizeof cons - 1)];
		out[k++] = vow[randombytes_uniform(sizeof vow - 1)];
		out[k++] = cons[randombytes_uniform(sizeof cons - 1)];
		out[k++] = vow[randombytes_uniform(sizeof vow - 1)];
	}
	out[k] = '\0';
}

/* The rule for a new passphrase: at least KEYCMD_PASS_CHARS characters
 * and KEYCMD_PASS_BITS bits by zxcvbn (which knows common passwords,
 * names, keyboard walks, dates and repeats). The key file's Argon2id
 * makes each guess cost about half a second of a core, so 2^50 guesses
 * is out of reach; the length floor catches what zxcvbn overrates
 * (it has no Russian dictionary and scores Cyrillic as random).
 * Reports a refusal with a suggestion; ST_USAGE. */
#define KEYCMD_PASS_CHARS 10
#define KEYCMD_PASS_BITS 50.0
static st_t keycmd_strong(const char *pass, size_t len)
{
	char suggestion[32];
	size_t chars = 0, i;
	double bits;

	for (i = 0; i < len; i++)
		chars += ((unsigned char)pass[i] & 0xc0) != 0x80;
	bits = ZxcvbnMatch(pass, NULL, NULL);
	if (chars >= KEYCMD_PASS_CHARS && bits >= KEYCMD_PASS_BITS)
		return ST_OK;
	keycmd_suggest(suggestion);
	if (chars < KEYCMD_PASS_CHARS)
		fprintf(stderr, CLI_PROG ": the passphrase is too weak: %zu "
		        "characters, at least %d are needed\n", chars,
		        KEYCMD_PASS_CHARS);
	else
		fprintf(stderr, CLI_PROG ": the passphrase is too weak: about %.0f "
		        "bits by zxcvbn's estimate, at least %.0f are needed (it "
		        "is a common word, name, pattern or too short)\n", bits,
		        KEYCMD_PASS_BITS);
	fprintf(stderr, "for example, this random one (61 bits), made now and "
	        "shown only here:\n  %s\n", suggestion);
	sodium_memzero(suggestion, sizeof suggestion);
	return ST_USAGE;
}

st_t keycmd_keygen(int argc, char **argv)
{
	const char *out = NULL, *passfile = NULL;
	char secpath[PATH_MAX], pubpath[PATH_MAX], pub[128];
	char fp[KEY_FP_TEXT_MAX];
	uint8_t sealed[KEY_SECFILE_LEN];
	key_secret *k = NULL;
	key_bundle one;
	char *pass = NULL;
	size_t plen = 0;
	int help = 0;
	st_t st;

	st = keycmd_out_opts(argc, argv, keygen_usage, &out, &passfile, &help);
	if (st != ST_OK || help)
		return st;
	if (keycmd_path(secpath, out, "officer.sec") != ST_OK ||
	    keycmd_path(pubpath, out, "officer.pub") != ST_OK)
		return cli_usage(keygen_usage, "--out path too long");
	st = cli_mkdir(out);
	if (st != ST_OK)
		return cli_fail_sys(st, "cannot create the folder '%s'", out);
	if (access(secpath, F_OK) == 0 || access(pubpath, F_OK) == 0)
		return cli_fail(ST_EXISTS, "a key already exists in '%s'", out);
	st = tty_passphrase(passfile, "new passphrase: ", 1, &pass, &plen);
	if (st != ST_OK) {
		cli_pass_fail(st, passfile);
		goto cleanup;
	}
	st = keycmd_strong(pass, plen);
	if (st != ST_OK)
		goto cleanup;
	st = key_generate(&k);
	if (st == ST_OK)
		st = key_secret_seal(k, pass, plen, sealed);
	if (st == ST_OK)
		st = key_pub_format(k->pk, pub, sizeof pub);
	if (st != ST_OK) {
		cli_fail(st, "cannot create the key");
		goto cleanup;
	}
	st = keycmd_write_pair(secpath, sealed, sizeof sealed, pubpath, pub);
	if (st != ST_OK)
		goto cleanup;
	memset(&one, 0, sizeof one);
	memcpy(one.pk[0], k->pk, KEY_PUB_LEN);
	one.n = 1;
	key_bundle_fingerprint(&one, fp);
	printf("%s\n", fp);
	keycmd_print_ids(&one);
cleanup:
	sodium_memzero(sealed, sizeof sealed);
	key_secret_free(k);
	tty_pass_free(pass);
	return st;
}

/* Parse the key set in `path` into *b. Reports its own errors. */
static st_t keycmd_load_set(const char *path, key_bundle *b)
{
	uint8_t *text = NULL;
	size_t len = 0;
	st_t st;

	st = fsio_read_file(path, KEY_FILE_MAX, &text, &len);
	if (st != ST_OK) {
		cli_fail(st, "cannot read '%s'", path);
		goto cleanup;
	}
	st = key_bundle_parse((const char *)text, len, b);
	if (st != ST_OK)
		cli_fail(st, "'%s' is not a public key or bundle", path);
cleanup:
	free(text);
	return st;
}

st_t keycmd_bundle(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "out", required_argument, NULL, 'o' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *out = NULL;
	char fp[KEY_FP_TEXT_MAX];
	char *text = NULL;
	key_bundle all, one;
	size_t i;
	int c;
	st_t st;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'o')
			out = optarg;
		else if (c == 'h') {
			fputs(bundle_usage, stdout);
			return ST_OK;
		} else
			return cli_usage(bundle_usage, "bad option");
	}
	if (optind == argc)
		return cli_usage(bundle_usage, "name at least one public key");
	memset(&all, 0, sizeof all);
	for (; optind < argc; optind++) {
		st = keycmd_load_set(argv[optind], &one);
		if (st != ST_OK)
			goto cleanup;
		for (i = 0; i < one.n; i++) {
			st = key_bundle_add(&all, one.pk[i]);
			if (st == ST_CONFLICT) {
				fprintf(stderr, CLI_PROG ": '%s': key given twice\n",
				        argv[optind]);
				st = ST_BADDATA;
			}
			else if (st != ST_OK)
				cli_fail(st, "'%s': too many keys (at most %d)",
				         argv[optind], KEY_BUNDLE_MAX);
			if (st != ST_OK)
				goto cleanup;
		}
	}
	st = key_bundle_format(&all, &text);
	if (st != ST_OK) {
		cli_fail(st, "cannot format the bundle");
		goto cleanup;
	}
	key_bundle_fingerprint(&all, fp);
	if (out == NULL) {
		fputs(text, stdout);
		fprintf(stderr, "fingerprint: %s\n", fp);
		goto cleanup;
	}
	st = fsio_write_file_atomic(out, text, strlen(text), 0644, 0);
	if (st != ST_OK) {
		cli_fail(st, "cannot write '%s'", out);
		goto cleanup;
	}
	printf("%s\n", fp);
cleanup:
	free(text);
	return st;
}

st_t keycmd_fingerprint(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	char fp[KEY_FP_TEXT_MAX];
	key_bundle b;
	int c;
	st_t st;

	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(fingerprint_usage, stdout);
			return ST_OK;
		}
		return cli_usage(fingerprint_usage, "bad option");
	}
	if (argc - optind != 1)
		return cli_usage(fingerprint_usage, "name one file");
	st = keycmd_load_set(argv[optind], &b);
	if (st != ST_OK)
		return st;
	key_bundle_fingerprint(&b, fp);
	printf("%s\n", fp);
	keycmd_print_ids(&b);
	return ST_OK;
}

st_t keycmd_auth_keygen(int argc, char **argv)
{
	const char *out = NULL;
	char secpath[PATH_MAX], pubpath[PATH_MAX], pub[128];
	char idhex[2 * AUTH_ID_LEN + 1];
	uint8_t pk[AUTH_PK_LEN], id[AUTH_ID_LEN];
	uint8_t *sk = NULL;
	char *sectext = NULL;
	int help = 0;
	st_t st;

	st = keycmd_out_opts(argc, argv, auth_keygen_usage, &out, NULL, &help);
	if (st != ST_OK || help)
		return st;
	if (keycmd_path(secpath, out, "auth.sec") != ST_OK ||
	    keycmd_path(pubpath, out, "auth.pub") != ST_OK)
		return cli_usage(auth_keygen_usage, "--out path too long");
	st = cli_mkdir(out);
	if (st != ST_OK)
		return cli_fail_sys(st, "cannot create the folder '%s'", out);
	sk = sodium_malloc(AUTH_SK_LEN);
	sectext = sodium_malloc(256);
	if (sk == NULL || sectext == NULL) {
		st = cli_fail(ST_NOMEM, "auth-keygen");
		goto cleanup;
	}
	st = auth_keygen(pk, sk);
	if (st == ST_OK)
		st = auth_pub_format(pk, pub, sizeof pub);
	if (st == ST_OK)
		st = auth_sec_format(sk, sectext, 256);
	if (st != ST_OK) {
		cli_fail(st, "cannot create the key");
		goto cleanup;
	}
	st = keycmd_write_pair(secpath, sectext, strlen(sectext), pubpath, pub);
	if (st != ST_OK)
		goto cleanup;
	auth_key_id(pk, id);
	enc_hex_encode(idhex, id, sizeof id);
	printf("%s\n", idhex);
cleanup:
	if (sk != NULL)
		sodium_free(sk);
	if (sectext != NULL)
		sodium_free(sectext);
	return st;
}
