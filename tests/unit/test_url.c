/* test_url.c: the address rules both HTTP clients share: onion and
 * loopback hosts, and proxy schemes that keep lookups inside the proxy. */
#include "testutil.h"
#include "url.h"

static void onion_hosts(void **state)
{
	(void)state;
	assert_true(url_is_onion("abc.onion"));
	assert_true(url_is_onion("abc.ONION."));
	assert_false(url_is_onion(".onion"));
	assert_false(url_is_onion("onion"));
	assert_false(url_is_onion("abc.onion.example"));
	assert_false(url_is_onion(""));
	assert_false(url_is_onion("."));
}

static void loopback_hosts(void **state)
{
	(void)state;
	assert_true(url_is_loopback("localhost"));
	assert_true(url_is_loopback("LocalHost"));
	assert_true(url_is_loopback("127.0.0.1"));
	assert_true(url_is_loopback("127.255.0.9"));
	assert_true(url_is_loopback("[::1]"));
	assert_true(url_is_loopback("::1"));
	assert_false(url_is_loopback("128.0.0.1"));
	assert_false(url_is_loopback("localhost.example"));
	assert_false(url_is_loopback("127.0.0.1.example"));
	assert_false(url_is_loopback("[::2]"));
	assert_false(url_is_loopback(""));
}

static void proxy_schemes(void **state)
{
	(void)state;
	assert_int_equal(url_check_proxy("socks5h://127.0.0.1:9050"), ST_OK);
	assert_int_equal(url_check_proxy("SOCKS4A://h:1"), ST_OK);
	assert_int_equal(url_check_proxy("http://h:8080"), ST_OK);
	assert_int_equal(url_check_proxy("https://h"), ST_OK);
	/* These resolve the server's name outside the proxy. */
	assert_int_equal(url_check_proxy("socks5://127.0.0.1:9050"), ST_CONFIG);
	assert_int_equal(url_check_proxy("socks4://h:1"), ST_CONFIG);
	assert_int_equal(url_check_proxy("127.0.0.1:9050"), ST_CONFIG);
	assert_int_equal(url_check_proxy(""), ST_CONFIG);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(onion_hosts),
		cmocka_unit_test(loopback_hosts),
		cmocka_unit_test(proxy_schemes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
