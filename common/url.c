/* url.c: the address rules shared by intake-submit and intake-officer.
 * The host strings come from a user's configuration or command line and
 * are only compared, never parsed for more than an IPv4 literal. */
#include "url.h"

#include <arpa/inet.h>
#include <string.h>
#include <strings.h>

int url_is_onion(const char *host)
{
	size_t n = strlen(host);

	if (n > 0 && host[n - 1] == '.')
		n--;
	return n > 6 && strncasecmp(host + n - 6, ".onion", 6) == 0;
}

int url_is_loopback(const char *host)
{
	struct in_addr a;

	if (strcasecmp(host, "localhost") == 0 || strcmp(host, "[::1]") == 0 ||
	    strcmp(host, "::1") == 0)
		return 1;
	return inet_pton(AF_INET, host, &a) == 1 &&
	       (ntohl(a.s_addr) >> 24) == 127;
}

st_t url_check_proxy(const char *proxy)
{
	static const char *const ok[] = { "socks5h://", "socks4a://",
	                                  "http://", "https://" };
	size_t i;

	for (i = 0; i < sizeof ok / sizeof ok[0]; i++)
		if (strncasecmp(proxy, ok[i], strlen(ok[i])) == 0)
			return ST_OK;
	return ST_CONFIG;
}
