/* web.c: looks a request path up in the page's compiled-in files and names
 * the headers that keep the page from leaking or being framed: no cache,
 * scripts and connections only from this server, no referrer. */
#include "web.h"

#include <string.h>

/* 'wasm-unsafe-eval': libsodium.js compiles its WebAssembly from bytes;
 * nothing else may evaluate code. No inline script or style at all. */
#define WEB_CSP "default-src 'none'; script-src 'self' 'wasm-unsafe-eval'; " \
	"style-src 'self'; img-src 'self'; connect-src 'self'; " \
	"frame-ancestors 'none'; form-action 'none'; base-uri 'none'"

const char *const web_headers[] = {
	"Content-Security-Policy", WEB_CSP,
	"Referrer-Policy", "no-referrer",
	"X-Content-Type-Options", "nosniff",
	"Cross-Origin-Opener-Policy", "same-origin",
	NULL
};

const web_file *web_find(const char *path)
{
	const web_file *f;

	for (f = web_files; f->path != NULL; f++)
		if (strcmp(f->path, path) == 0)
			return f;
	return NULL;
}
