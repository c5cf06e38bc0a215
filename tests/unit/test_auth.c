/* test_auth.c: signed officer requests: round trip, every bound field,
 * clock window, key files, and hostile header values. */
#include "testutil.h"
#include "auth.h"

#define HOST "127.0.0.1:8080"
#define TGT "/v1/submissions?since=x"

static void sign_verify(void **state)
{
	uint8_t pk[AUTH_PK_LEN], pk2[AUTH_PK_LEN], *sk = sodium_malloc(AUTH_SK_LEN);
	uint8_t *sk2 = sodium_malloc(AUTH_SK_LEN);
	uint8_t e[AUTH_BODY_HASH_LEN], b[AUTH_BODY_HASH_LEN];
	char h[AUTH_HEADER_MAX];
	auth_req r;
	int64_t now = 1800000000;

	(void)state;
	auth_keygen(pk, sk);
	auth_keygen(pk2, sk2);
	auth_body_hash(NULL, 0, e);
	auth_body_hash((const uint8_t *)"reply", 5, b);
	assert_int_equal(auth_sign(sk, "GET", HOST, TGT, e, now, h), ST_OK);
	assert_int_equal(auth_parse(h, &r), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, TGT, e, now), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, TGT, e, now + AUTH_WINDOW), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, TGT, e, now - AUTH_WINDOW), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, TGT, e, now + AUTH_WINDOW + 1), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, TGT, e, now - AUTH_WINDOW - 1), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "POST", HOST, TGT, e, now), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "GET", "evil.example:8080", TGT, e, now), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, "/v1/submissions/x", e, now), ST_PERM);
	/* The query and the body are covered. */
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, "/v1/submissions", e, now), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, "/v1/submissions?since=y", e, now), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, TGT, b, now), ST_PERM);
	assert_int_equal(auth_verify(pk2, &r, "GET", HOST, TGT, e, now), ST_PERM);
	r.nonce[0] ^= 1;
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, TGT, e, now), ST_PERM);
	/* A body signed is verified with that body only. */
	assert_int_equal(auth_sign(sk, "POST", HOST, "/v1/mailboxes/00", b, now, h), ST_OK);
	assert_int_equal(auth_parse(h, &r), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "POST", HOST, "/v1/mailboxes/00", b, now), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "POST", HOST, "/v1/mailboxes/00", e, now), ST_PERM);
	/* newlines could make two requests sign the same bytes */
	assert_int_equal(auth_sign(sk, "GET", "a\nb", "/", e, now, h), ST_BADDATA);
	assert_int_equal(auth_sign(sk, "GET", HOST, "/?a\nb", e, now, h), ST_BADDATA);
	sodium_free(sk);
	sodium_free(sk2);
}

/* The signed message is the documented one (FORMAT.md §6): a signature
 * over exactly those bytes, made here with libsodium, verifies. */
static void documented_message(void **state)
{
	uint8_t pk[AUTH_PK_LEN], *sk = sodium_malloc(AUTH_SK_LEN);
	uint8_t e[AUTH_BODY_HASH_LEN], id[AUTH_ID_LEN], nonce[AUTH_NONCE_LEN], sig[64];
	char msg[512], hdr[AUTH_HEADER_MAX], idhex[17], sig64[100];
	auth_req r;

	(void)state;
	auth_keygen(pk, sk);
	auth_body_hash(NULL, 0, e);
	memset(nonce, 0xab, sizeof nonce);
	snprintf(msg, sizeof msg, "intake-auth-v2\nGET\n%s\n%s\n"
	         "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\n"
	         "1800000000\nabababababababababababababababab", HOST, TGT);
	crypto_sign_detached(sig, NULL, (const uint8_t *)msg, strlen(msg), sk);
	auth_key_id(pk, id);
	sodium_bin2hex(idhex, sizeof idhex, id, sizeof id);
	sodium_bin2base64(sig64, sizeof sig64, sig, sizeof sig, sodium_base64_VARIANT_ORIGINAL);
	snprintf(hdr, sizeof hdr, "Intake-Sig key=%s,ts=1800000000,nonce=%s,sig=%s", idhex,
	         "abababababababababababababababab", sig64);
	assert_int_equal(auth_parse(hdr, &r), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "GET", HOST, TGT, e, 1800000000), ST_OK);
	sodium_free(sk);
}

static void hostile_headers(void **state)
{
	auth_req r;
	static const char *bad[] = {
		"",
		"Basic dXNlcjpwYXNz",
		"Intake-Sig ",
		"Intake-Sig key=00,ts=1,nonce=00,sig=AA==",
		"Intake-Sig key=0011223344556677,ts=-1,nonce=00112233445566778899aabbccddeeff,sig=AA==",
		"Intake-Sig key=0011223344556677,ts=99999999999999999999,nonce=00112233445566778899aabbccddeeff,sig=AA==",
		"Intake-Sig ts=1,key=0011223344556677,nonce=00112233445566778899aabbccddeeff,sig=AA==",
		"Intake-Sig key=0011223344556677,ts=1,nonce=00112233445566778899aabbccddeeff,sig=AA==,x=1",
		"Intake-Sig key=0011223344556677,ts=1,nonce=00112233445566778899aabbccddeeff,sig=",
	};

	(void)state;
	for (size_t i = 0; i < sizeof bad / sizeof bad[0]; i++)
		assert_int_equal(auth_parse(bad[i], &r), ST_BADDATA);
}

static void key_files(void **state)
{
	uint8_t pk[AUTH_PK_LEN], back[AUTH_PK_LEN], *sk = sodium_malloc(AUTH_SK_LEN);
	uint8_t *sk2 = sodium_malloc(AUTH_SK_LEN);
	char line[160];

	(void)state;
	auth_keygen(pk, sk);
	assert_int_equal(auth_pub_format(pk, line, sizeof line), ST_OK);
	assert_int_equal(auth_pub_parse(line, strlen(line), back), ST_OK);
	assert_memory_equal(pk, back, sizeof pk);
	assert_int_equal(auth_sec_format(sk, line, sizeof line), ST_OK);
	assert_int_equal(auth_sec_parse(line, strlen(line), sk2), ST_OK);
	assert_memory_equal(sk, sk2, AUTH_SK_LEN);
	assert_int_equal(auth_pub_parse(line, strlen(line), back), ST_BADDATA);
	/* a secret whose halves disagree is refused */
	sk[40] ^= 1;
	assert_int_equal(auth_sec_format(sk, line, sizeof line), ST_OK);
	assert_int_equal(auth_sec_parse(line, strlen(line), sk2), ST_BADDATA);
	sodium_free(sk);
	sodium_free(sk2);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sign_verify),
		cmocka_unit_test(documented_message),
		cmocka_unit_test(hostile_headers),
		cmocka_unit_test(key_files),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
