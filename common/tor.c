/* tor.c: probe the local Tor ports. A non-blocking connect and the SOCKS5
 * "no authentication" greeting, each bounded by poll, so a port that
 * accepts but says nothing cannot hold the person up for minutes. */
#include "tor.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

/* Wait for events on fd, at most ms. 1 when ready. */
static int tor_wait(int fd, short events, int ms)
{
	struct pollfd p = { .fd = fd, .events = events };
	int r;

	do
		r = poll(&p, 1, ms);
	while (r < 0 && errno == EINTR);
	return r == 1 && (p.revents & events) != 0;
}

/* 1 when 127.0.0.1:port speaks SOCKS5. */
static int tor_probe(unsigned port)
{
	static const unsigned char hello[3] = { 5, 1, 0 };
	struct sockaddr_in sa;
	unsigned char ans[2];
	socklen_t len = sizeof(int);
	int fd, err = 0, ok = 0;

	fd = socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0);
	if (fd < 0)
		return 0;
	memset(&sa, 0, sizeof(sa));
	sa.sin_family = AF_INET;
	sa.sin_port = htons((uint16_t)port);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		if (errno != EINPROGRESS || !tor_wait(fd, POLLOUT, TOR_PROBE_MS) ||
		    getsockopt(fd, SOL_SOCKET, SO_ERROR, &err, &len) != 0 ||
		    err != 0)
			goto cleanup;
	}
	if (send(fd, hello, sizeof(hello), MSG_NOSIGNAL) != (ssize_t)sizeof(hello) ||
	    !tor_wait(fd, POLLIN, TOR_PROBE_MS) ||
	    recv(fd, ans, sizeof(ans), 0) != (ssize_t)sizeof(ans))
		goto cleanup;
	ok = ans[0] == 5;
cleanup:
	close(fd);
	return ok;
}

st_t tor_find(char proxy[TOR_PROXY_MAX], unsigned *port)
{
	static const unsigned ports[] = { TOR_PORT_SERVICE, TOR_PORT_BROWSER };
	size_t i;

	for (i = 0; i < sizeof(ports) / sizeof(ports[0]); i++) {
		if (tor_probe(ports[i])) {
			*port = ports[i];
			snprintf(proxy, TOR_PROXY_MAX, "socks5h://127.0.0.1:%u",
			         ports[i]);
			return ST_OK;
		}
	}
	return ST_UNAVAILABLE;
}

int tor_is_local(const char *proxy)
{
	return strcmp(proxy, "socks5h://127.0.0.1:9050") == 0 ||
	       strcmp(proxy, "socks5h://127.0.0.1:9150") == 0;
}
