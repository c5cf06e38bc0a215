/* fuzz_classify.c: classify_fd on arbitrary file bytes (magic numbers,
 * PDF names, zip central directories, OLE, pages), then classify_name on
 * a name from the same bytes: never a read outside the file or a write
 * outside the result, a kind always set, and a name that fits. */
#include "fuzz.h"
#include "../../officer/classify.h"

#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int fd = -1;
	classify_result r;
	char name[64], out[40];
	size_t nl = size < sizeof name - 1 ? size : sizeof name - 1;

	if (fd < 0 && (fd = memfd_create("fuzz_classify", 0)) < 0)
		abort();
	if (ftruncate(fd, 0) != 0 ||
	    (size > 0 && pwrite(fd, data, size, 0) != (ssize_t)size))
		abort();
	if (classify_fd(fd, size, &r) != ST_OK || r.kind == NULL ||
	    r.exts == NULL || memchr(r.flags, '\0', sizeof r.flags) == NULL)
		abort();
	/* a name: the input's last bytes, NUL-free */
	if (nl > 0)
		memcpy(name, data + size - nl, nl);
	name[nl] = '\0';
	for (size_t cap = 6; cap <= sizeof out; cap += 17) {
		classify_name(&r, name, out, cap);
		if (strlen(out) >= cap)
			abort();
	}
	return 0;
}
