/* fuzz_manifest.c: manifest_decode on arbitrary JSON; what it accepts must
 * encode and decode again to the same manifest, with safe names only. */
#include "fuzz.h"
#include "jmem.h"
#include "manifest.h"

#include <sodium.h>
#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	manifest m, again;
	char *json = NULL;
	size_t len;

	if (sodium_init() < 0)
		abort();
	if (manifest_decode((const char *)data, size, &m) != ST_OK)
		return 0;
	for (size_t i = 0; i < m.nfiles; i++) {
		const char *n = m.files[i].name;

		if (strchr(n, '/') || n[0] == '.' || n[0] == '\0' || strlen(n) > MANIFEST_NAME_MAX)
			abort();
	}
	if (manifest_encode(&m, &json, &len) != ST_OK)
		abort();
	if (manifest_decode(json, len, &again) != ST_OK || again.nfiles != m.nfiles ||
	    again.text_size != m.text_size)
		abort();
	for (size_t i = 0; i < m.nfiles; i++)
		if (strcmp(again.files[i].name, m.files[i].name) != 0 ||
		    again.files[i].size != m.files[i].size)
			abort();
	jmem_free(json);
	manifest_clear(&again);
	manifest_clear(&m);
	return 0;
}
