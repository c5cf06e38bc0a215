/* fuzz_names.c: manifest_safe_name on arbitrary bytes: the result is one
 * non-empty, non-hidden path component of valid UTF-8 without controls,
 * within the length limit, and sanitizing it again changes nothing. */
#include "fuzz.h"
#include "manifest.h"

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	char out[MANIFEST_NAME_MAX + 1], again[MANIFEST_NAME_MAX + 1];
	size_t n;

	manifest_safe_name((const char *)data, size, out);
	n = strlen(out);
	if (n == 0 || n > MANIFEST_NAME_MAX || out[0] == '.' || out[0] == ' ' ||
	    out[n - 1] == '.' || out[n - 1] == ' ')
		abort();
	for (size_t i = 0; i < n; i++) {
		unsigned char c = (unsigned char)out[i];

		if (c < 0x20 || c == 0x7f || c == '/' || c == '\\' || c == ':')
			abort();
	}
	manifest_safe_name(out, n, again);
	if (strcmp(out, again) != 0)
		abort();
	return 0;
}
