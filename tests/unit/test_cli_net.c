/* test_cli_net.c: the client's URL rules (no plain http except loopback
 * and .onion, .onion only through a proxy, proxies that resolve names
 * remotely) and the parsing of Location headers. No traffic. */
#include <setjmp.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>
#include <cmocka.h>

#include "../../client/net.h"

#define ONION "http://abcdefghijklmnopqrstuvwxyz234567abcdefghijklmnopqrstu.onion"

static void ok_target(const char *url, const char *proxy)
{
	const char *why = "unset";

	assert_int_equal(net_check_target(url, proxy, &why), ST_OK);
	assert_null(why);
}

static void bad_target(const char *url, const char *proxy)
{
	const char *why = NULL;

	assert_int_equal(net_check_target(url, proxy, &why), ST_CONFIG);
	assert_non_null(why);
}

static void targets_allowed(void **state)
{
	(void)state;
	ok_target("https://intake.example.org", NULL);
	ok_target("https://intake.example.org/base/", NULL);
	ok_target("http://127.0.0.1:8080", NULL);
	ok_target("http://127.1.2.3:8080/", NULL);
	ok_target("http://localhost:8080", NULL);
	ok_target("http://[::1]:8080", NULL);
	ok_target(ONION, "socks5h://127.0.0.1:9050");
	ok_target(ONION ":8080/", "socks5h://127.0.0.1:9050");
	ok_target("https://intake.example.org", "http://proxy.example:3128");
	ok_target("https://intake.example.org", "socks4a://127.0.0.1:9050");
}

static void targets_refused(void **state)
{
	(void)state;
	bad_target("http://intake.example.org", NULL);
	bad_target("http://10.0.0.1:8080", NULL);
	bad_target("http://128.0.0.1", NULL);
	bad_target("http://intake.example.org", "socks5h://127.0.0.1:9050");
	bad_target(ONION, NULL);                    /* .onion needs a proxy */
	bad_target("ftp://127.0.0.1/", NULL);
	bad_target("file:///etc/passwd", NULL);
	bad_target("https://user:pw@intake.example.org", NULL);
	bad_target("https://intake.example.org/?q=1", NULL);
	bad_target("https://intake.example.org/#frag", NULL);
	bad_target("not a url", NULL);
	bad_target("", NULL);
	/* Proxies that would resolve names locally leak them. */
	bad_target("https://intake.example.org", "socks5://127.0.0.1:9050");
	bad_target("https://intake.example.org", "socks4://127.0.0.1:9050");
	bad_target("https://intake.example.org", "127.0.0.1:9050");
}

static void location_parsing(void **state)
{
	char id[NET_ID_LEN + 1];

	(void)state;
	assert_int_equal(net_parse_location(
	        "/v1/uploads/0123456789abcdef0123456789abcdef", id), ST_OK);
	assert_string_equal(id, "0123456789abcdef0123456789abcdef");
	assert_int_equal(net_parse_location(
	        "https://other.example/v1/uploads/00112233445566778899aabbccddeeff",
	        id), ST_OK);
	assert_string_equal(id, "00112233445566778899aabbccddeeff");
	assert_int_equal(net_parse_location(
	        "/v1/uploads/0123456789ABCDEF0123456789abcdef", id), ST_BADDATA);
	assert_int_equal(net_parse_location(
	        "/v1/uploads/0123456789abcdef0123456789abcde", id), ST_BADDATA);
	assert_int_equal(net_parse_location(
	        "/v1/uploads/../0123456789abcdef0123456789abcdef", id), ST_BADDATA);
	assert_int_equal(net_parse_location(
	        "/v1/other/0123456789abcdef0123456789abcdef", id), ST_BADDATA);
	assert_int_equal(net_parse_location("", id), ST_BADDATA);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(targets_allowed),
		cmocka_unit_test(targets_refused),
		cmocka_unit_test(location_parsing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
