/* test_auth.c: signed officer requests: round trip, every bound field,
 * clock window, key files, and hostile header values. */
#include "testutil.h"
#include "auth.h"

static void sign_verify(void **state)
{
	uint8_t pk[AUTH_PK_LEN], pk2[AUTH_PK_LEN], *sk = sodium_malloc(AUTH_SK_LEN);
	uint8_t *sk2 = sodium_malloc(AUTH_SK_LEN);
	char h[AUTH_HEADER_MAX];
	auth_req r;
	int64_t now = 1800000000;

	(void)state;
	auth_keygen(pk, sk);
	auth_keygen(pk2, sk2);
	assert_int_equal(auth_sign(sk, "GET", "127.0.0.1:8080", "/v1/submissions", now, h), ST_OK);
	assert_int_equal(auth_parse(h, &r), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "GET", "127.0.0.1:8080", "/v1/submissions", now), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "GET", "127.0.0.1:8080", "/v1/submissions", now + AUTH_WINDOW), ST_OK);
	assert_int_equal(auth_verify(pk, &r, "GET", "127.0.0.1:8080", "/v1/submissions", now + AUTH_WINDOW + 1), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "GET", "127.0.0.1:8080", "/v1/submissions", now - AUTH_WINDOW - 1), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "POST", "127.0.0.1:8080", "/v1/submissions", now), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "GET", "evil.example:8080", "/v1/submissions", now), ST_PERM);
	assert_int_equal(auth_verify(pk, &r, "GET", "127.0.0.1:8080", "/v1/submissions/x", now), ST_PERM);
	assert_int_equal(auth_verify(pk2, &r, "GET", "127.0.0.1:8080", "/v1/submissions", now), ST_PERM);
	r.nonce[0] ^= 1;
	assert_int_equal(auth_verify(pk, &r, "GET", "127.0.0.1:8080", "/v1/submissions", now), ST_PERM);
	/* newlines could make two requests sign the same bytes */
	assert_int_equal(auth_sign(sk, "GET", "a\nb", "/", now, h), ST_BADDATA);
	sodium_free(sk);
	sodium_free(sk2);
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
		cmocka_unit_test(hostile_headers),
		cmocka_unit_test(key_files),
	};

	if (sodium_init() < 0)
		return 1;
	return cmocka_run_group_tests(tests, NULL, NULL);
}
