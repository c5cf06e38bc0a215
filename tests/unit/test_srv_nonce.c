/* test_srv_nonce.c: the officer-auth replay cache: a nonce is refused
 * while its timestamp could still be accepted, forgotten after, found
 * past expired slots, and a full probe chain refuses rather than forgets;
 * plus the mailbox rate limiter (per mailbox and global). */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>
#include "../../server/nonce.h"
#include "../../server/rate.h"

static void replay(void **state)
{
	nonce_cache *c = NULL;
	uint8_t a[AUTH_NONCE_LEN], b[AUTH_NONCE_LEN];

	(void)state;
	memset(a, 1, sizeof a);
	memset(b, 2, sizeof b);
	assert_int_equal(nonce_new(&c), ST_OK);
	assert_int_equal(nonce_check_add(c, a, 1000, 1000), ST_OK);
	assert_int_equal(nonce_check_add(c, a, 1000, 1000), ST_PERM);
	assert_int_equal(nonce_check_add(c, b, 1000, 1000), ST_OK);
	/* Still refused at the far edge of the window ... */
	assert_int_equal(nonce_check_add(c, a, 1000, 1000 + AUTH_WINDOW), ST_PERM);
	/* ... and forgotten after it, when auth_verify refuses the ts anyway. */
	assert_int_equal(nonce_check_add(c, a, 1000, 1000 + AUTH_WINDOW + 1), ST_OK);
	/* Issue 12: first used at T0 with ts = T0 + 300, replayed at T0 + 600
	 * (when that ts is still acceptable): refused. */
	assert_int_equal(nonce_check_add(c, b, 5300, 5000), ST_OK);
	assert_int_equal(nonce_check_add(c, b, 5300, 5600), ST_PERM);
	nonce_free(c);
}

static void collisions(void **state)
{
	nonce_cache *c = NULL;
	uint8_t n[AUTH_NONCE_LEN];
	unsigned i;

	(void)state;
	assert_int_equal(nonce_new(&c), ST_OK);
	/* Same first four bytes: one probe chain. */
	memset(n, 0, sizeof n);
	for (i = 0; i < NONCE_PROBES; i++) {
		n[8] = (uint8_t)i;
		assert_int_equal(nonce_check_add(c, n, 1000 + i / 32, 1000), ST_OK);
	}
	n[8] = 0xff;
	assert_int_equal(nonce_check_add(c, n, 1001, 1001), ST_TEMPFAIL);
	/* Once the first half expired, a live nonce later in the chain is
	 * still found behind the expired slots. */
	n[8] = 40;
	assert_int_equal(nonce_check_add(c, n, 1001, 1001 + AUTH_WINDOW), ST_PERM);
	n[8] = 0xff;
	assert_int_equal(nonce_check_add(c, n, 1001, 1001 + AUTH_WINDOW), ST_OK);
	assert_int_equal(nonce_check_add(c, n, 1001, 1001 + AUTH_WINDOW), ST_PERM);
	nonce_free(c);
}

static void rate_limit(void **state)
{
	rate *r = NULL;
	int i, a = 0, b = 0, c = 0;

	(void)state;
	assert_int_equal(rate_new(5, 1000, &r), ST_OK);
	for (i = 0; i < 50; i++)
		a += rate_take(r, (const uint8_t *)"mailbox-a", 9);
	/* A burst of 5, and at most a token or two more while looping ... */
	assert_true(a >= 5 && a <= 7);
	/* ... while another mailbox still has its own. */
	for (i = 0; i < 5; i++)
		b += rate_take(r, (const uint8_t *)"mailbox-b", 9);
	assert_int_equal(b, 5);
	rate_free(r);
	/* The global cap holds over many mailboxes. */
	assert_int_equal(rate_new(5, 10, &r), ST_OK);
	for (i = 0; i < 100; i++)
		c += rate_take(r, (const uint8_t *)&i, sizeof i);
	assert_true(c >= 10 && c <= 12);
	rate_free(r);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(replay),
		cmocka_unit_test(collisions),
		cmocka_unit_test(rate_limit),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
