/* pagecmd.c: intake-officer check-page URL. Fetches every file of the
 * submission page a server serves and compares each with the release's
 * hash list (compiled in from the same files the server embeds, or
 * --release FILE). A seized server can serve a changed page to
 * submitters; this finds it. The server's answers are untrusted: each body
 * is capped, and only its hash is used. */
#include "pagecmd.h"
#include "cli.h"
#include "net.h"
#include "netcmd.h"

#include <getopt.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "fsio.h"

#define PAGE_FILE_MAX (8 * 1024 * 1024)   /* the largest page file is ~1.2 MiB */
#define PAGE_LIST_MAX (64 * 1024)
#define PAGE_PATH_MAX 128

static const char page_usage[] =
	"usage: intake-officer check-page [--tor | --proxy URL] [--release FILE] URL\n"
	"  (online) fetch every file of the submission page at URL and compare\n"
	"  it with the page of this release (or the hash list in FILE, lines\n"
	"  'SHA256-HEX  PATH'). Exit 0 when all match, 1 on any difference.\n"
	"  --tor goes through the local Tor (127.0.0.1:9050, else 9150);\n"
	"  --proxy takes\n"
	"  socks5h://, socks4a://, http:// or https://.\n";

/* One "HEX64  /path" line into hash and path; ST_BADDATA otherwise. */
static st_t page_parse_line(const char *line, size_t len,
                            uint8_t hash[32], char path[PAGE_PATH_MAX])
{
	char hex[65];
	size_t i;

	if (len < 64 + 2 + 1 || len - 66 >= PAGE_PATH_MAX ||
	    line[64] != ' ' || line[65] != ' ' || line[66] != '/')
		return ST_BADDATA;
	memcpy(hex, line, 64);
	hex[64] = '\0';
	if (sodium_hex2bin(hash, 32, hex, 64, NULL, NULL, NULL) != 0)
		return ST_BADDATA;
	for (i = 66; i < len; i++)
		if (line[i] <= ' ' || line[i] == 0x7f)
			return ST_BADDATA;
	memcpy(path, line + 66, len - 66);
	path[len - 66] = '\0';
	return ST_OK;
}

/* GET one path and compare; prints one line. *differs set on a mismatch. */
static st_t page_check_one(net *n, const char *path, const uint8_t want[32],
                           int *differs)
{
	uint8_t got[32], *body = NULL;
	size_t len = 0;
	long code = 0;
	st_t st;

	st = net_request(n, "GET", path, NULL, NULL, 0, PAGE_FILE_MAX, &body,
	                 &len, &code);
	if (st == ST_TOOBIG) {
		printf("CHANGED  %s (larger than any page file)\n", path);
		*differs = 1;
		return ST_OK;
	}
	if (st != ST_OK)
		return cli_fail(st, "cannot fetch '%s'", path);
	if (code != 200) {
		printf("MISSING  %s (HTTP %ld)\n", path, code);
		*differs = 1;
	} else {
		crypto_hash_sha256(got, body, len);
		if (sodium_memcmp(got, want, 32) == 0) {
			printf("ok       %s\n", path);
		} else {
			printf("CHANGED  %s\n", path);
			*differs = 1;
		}
	}
	free(body);
	return ST_OK;
}

static st_t page_check_all(net *n, const char *list, size_t len)
{
	char path[PAGE_PATH_MAX];
	uint8_t hash[32];
	size_t at = 0, count = 0;
	int differs = 0;
	st_t st;

	while (at < len) {
		const char *nl = memchr(list + at, '\n', len - at);
		size_t ll = nl ? (size_t)(nl - (list + at)) : len - at;

		if (page_parse_line(list + at, ll, hash, path) != ST_OK)
			return cli_fail(ST_BADDATA, "bad line %zu in the hash list", count + 1);
		st = page_check_one(n, path, hash, &differs);
		if (st != ST_OK)
			return st;
		count++;
		at += ll + 1;
	}
	if (count == 0)
		return cli_fail(ST_BADDATA, "the hash list is empty");
	if (differs) {
		fprintf(stderr, CLI_PROG ": the page differs from the release: "
		        "this server may be serving a changed page\n");
		return ST_MISMATCH;
	}
	fprintf(stderr, CLI_PROG ": all %zu files match the release\n", count);
	return ST_OK;
}

st_t pagecmd_check_page(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "tor", no_argument, NULL, 't' },
		{ "proxy", required_argument, NULL, 'p' },
		{ "release", required_argument, NULL, 'r' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *proxy = NULL, *release = NULL, *why = NULL;
	char torproxy[TOR_PROXY_MAX];
	uint8_t *text = NULL;
	size_t len = 0;
	net *n = NULL;
	st_t st;
	int c, tor = 0;

	optind = 1;
	while ((c = getopt_long(argc, argv, "", opts, NULL)) != -1) {
		if (c == 'h') {
			fputs(page_usage, stdout);
			return ST_OK;
		} else if (c == 't') {
			tor = 1;
		} else if (c == 'p') {
			proxy = optarg;
		} else if (c == 'r') {
			release = optarg;
		} else {
			return cli_usage(page_usage, "bad option");
		}
	}
	if (optind + 1 != argc)
		return cli_usage(page_usage, "one URL is required");
	st = netcmd_pick_proxy(page_usage, tor, &proxy, torproxy);
	if (st != ST_OK)
		return st;
	if (release != NULL) {
		st = fsio_read_file(release, PAGE_LIST_MAX, &text, &len);
		if (st != ST_OK)
			return cli_fail(st, "cannot read '%s'", release);
	}
	st = net_new(argv[optind], NULL, &n);
	if (st != ST_OK) {
		cli_fail(st, "bad URL '%s'", argv[optind]);
		goto cleanup;
	}
	/* intake-submit's rules: names resolved by the proxy, .onion only
	 * through one, plain http:// only to this machine or an .onion. */
	st = net_set_proxy(n, proxy, &why);
	if (st != ST_OK) {
		cli_usage(page_usage, "%s", why);
		goto cleanup;
	}
	st = release != NULL ? page_check_all(n, (const char *)text, len)
	                     : page_check_all(n, pagecmd_release, strlen(pagecmd_release));
cleanup:
	net_free(n);
	free(text);
	return st;
}
