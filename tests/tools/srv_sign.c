/* srv_sign.c: test-only officer authentication helper for the server
 * tests: makes an auth key pair (secret stored unprotected, so never for
 * real keys) and prints an Authorization header value for one request.
 *   srv_sign keygen PUBFILE SECFILE
 *   srv_sign sign METHOD HOST TARGET SECFILE [SKEW_SECONDS [BODYFILE]]
 * TARGET is the path and query as sent; the body hash is of BODYFILE, or
 * of the empty body. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sodium.h>
#include "auth.h"
#include "fsio.h"
#include "proc.h"

static int srv_sign_die(const char *what, st_t st)
{
	fprintf(stderr, "srv_sign: %s: %s\n", what, st_str(st));
	return st_exit_code(st) ? st_exit_code(st) : 1;
}

static int srv_sign_keygen(const char *pubpath, const char *secpath)
{
	uint8_t pk[AUTH_PK_LEN];
	uint8_t *sk = sodium_malloc(AUTH_SK_LEN);
	char *text = sodium_malloc(256);
	char pub[256];
	int rc = 0;
	st_t st;

	if (sk == NULL || text == NULL)
		return srv_sign_die("keygen", ST_NOMEM);
	st = auth_keygen(pk, sk);
	if (st == ST_OK)
		st = auth_pub_format(pk, pub, sizeof pub);
	if (st == ST_OK)
		st = auth_sec_format(sk, text, 256);
	if (st == ST_OK)
		st = fsio_write_file_atomic(pubpath, pub, strlen(pub), 0644, 1);
	if (st == ST_OK)
		st = fsio_write_file_atomic(secpath, text, strlen(text), 0600, 1);
	if (st != ST_OK)
		rc = srv_sign_die("keygen", st);
	sodium_free(sk);
	sodium_free(text);
	return rc;
}

static int srv_sign_sign(char **argv, int argc)
{
	uint8_t *file = NULL, *body = NULL, *sk = sodium_malloc(AUTH_SK_LEN);
	uint8_t hash[AUTH_BODY_HASH_LEN];
	char out[AUTH_HEADER_MAX];
	size_t blen;
	int64_t now = (int64_t)time(NULL);
	size_t len;
	int rc = 0;
	st_t st;

	if (sk == NULL)
		return srv_sign_die("sign", ST_NOMEM);
	if (argc > 6)
		now += strtoll(argv[6], NULL, 10);
	auth_body_hash(NULL, 0, hash);
	if (argc > 7) {
		st = fsio_read_file(argv[7], 1 << 20, &body, &blen);
		if (st != ST_OK)
			return srv_sign_die("body", st);
		auth_body_hash(body, blen, hash);
		free(body);
	}
	st = fsio_read_secret_file(argv[5], 4096, &file, &len);
	if (st == ST_OK)
		st = auth_sec_parse((const char *)file, len, sk);
	if (st == ST_OK)
		st = auth_sign(sk, argv[2], argv[3], argv[4], hash, now, out);
	if (st == ST_OK)
		printf("%s\n", out);
	else
		rc = srv_sign_die("sign", st);
	if (file != NULL)
		sodium_free(file);
	sodium_free(sk);
	return rc;
}

int main(int argc, char **argv)
{
	if (proc_harden() != ST_OK)
		return 70;
	if (argc == 4 && strcmp(argv[1], "keygen") == 0)
		return srv_sign_keygen(argv[2], argv[3]);
	if (argc >= 6 && argc <= 8 && strcmp(argv[1], "sign") == 0)
		return srv_sign_sign(argv, argc);
	fprintf(stderr, "usage: srv_sign keygen PUBFILE SECFILE\n"
	                "       srv_sign sign METHOD HOST TARGET SECFILE [SKEW_SECONDS [BODYFILE]]\n");
	return 64;
}
