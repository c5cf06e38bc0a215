/* tor.h: finding the Tor already running on this machine: the tor service on
 * 127.0.0.1:9050 or Tor Browser on 127.0.0.1:9150. A port counts only
 * when it answers a SOCKS5 greeting, within a few seconds. Loopback only;
 * nothing here leaves the machine. */
#ifndef INTAKE_TOR_H
#define INTAKE_TOR_H

#include "status.h"

#define TOR_PORT_SERVICE 9050
#define TOR_PORT_BROWSER 9150
#define TOR_PROBE_MS 2000          /* per port: connect and greeting */
#define TOR_PROXY_MAX 40           /* "socks5h://127.0.0.1:65535" */

/* Probe 9050, then 9150. On success *port is the one that answered and
 * proxy holds "socks5h://127.0.0.1:PORT". ST_UNAVAILABLE when neither
 * answers as a SOCKS5 proxy. */
st_t tor_find(char proxy[TOR_PROXY_MAX], unsigned *port);

/* Nonzero when proxy names one of the two ports above with socks5h. */
int tor_is_local(const char *proxy);

#endif
