/* replay.c: runs a fuzz target over its corpus folder and over seeded
 * mutations of each input (bit flips, truncations, insertions, copies),
 * so that `make test` exercises every parser with thousands of hostile
 * inputs under the sanitizers. Prints one TAP line. A crash or sanitizer
 * report fails the test by the process's exit. Usage:
 *   test_fuzz_X [CORPUS_DIR]   (default $INTAKE_TOP/tests/fuzz/corpus/X)
 * INTAKE_FUZZ_ITER sets mutations per input (default 300). */
#include "fuzz.h"
#include "fsio.h"

#include <dirent.h>
#include <libgen.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static uint64_t rng = 0x9e3779b97f4a7c15ULL;

static uint64_t next(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

/* One mutation of in into out (capacity len + 64); returns its length. */
static size_t mutate(const uint8_t *in, size_t len, uint8_t *out)
{
	size_t n = len, a, b;

	memcpy(out, in, len);
	switch (next() % 6) {
	case 0: /* flip a bit */
		if (n)
			out[next() % n] ^= (uint8_t)(1u << (next() % 8));
		break;
	case 1: /* truncate */
		n = n ? (size_t)(next() % n) : 0;
		break;
	case 2: /* insert a random byte */
		a = n ? (size_t)(next() % (n + 1)) : 0;
		memmove(out + a + 1, out + a, n - a);
		out[a] = (uint8_t)next();
		n++;
		break;
	case 3: /* set a byte to an interesting value */
		if (n) {
			static const uint8_t v[] = { 0, 1, 0x7f, 0x80, 0xff, '"', '\\', '/', '.' };

			out[next() % n] = v[next() % sizeof v];
		}
		break;
	case 4: /* copy a short range over another */
		if (n > 8) {
			a = (size_t)(next() % (n - 8));
			b = (size_t)(next() % (n - 8));
			memmove(out + b, out + a, 8);
		}
		break;
	default: /* overwrite 8 bytes with a random little-endian integer */
		if (n > 8) {
			uint64_t x = next() >> (next() % 64);

			memcpy(out + (next() % (n - 8)), &x, 8);
		}
		break;
	}
	return n;
}

int main(int argc, char **argv)
{
	char dir[1024], path[2048];
	const char *iter_env = getenv("INTAKE_FUZZ_ITER");
	long iters = iter_env ? strtol(iter_env, NULL, 10) : 300;
	size_t inputs = 0, runs = 0;
	struct dirent *e;
	DIR *d;
	char *name = strdup(argv[0]), *target;

	target = basename(name) + strlen("test_fuzz_");
	if (argc > 1)
		snprintf(dir, sizeof dir, "%s", argv[1]);
	else
		snprintf(dir, sizeof dir, "%s/tests/fuzz/corpus/%s",
		         getenv("INTAKE_TOP") ? getenv("INTAKE_TOP") : ".", target);
	d = opendir(dir);
	if (d == NULL) {
		printf("not ok - fuzz %s: no corpus at %s\n", target, dir);
		return 1;
	}
	while ((e = readdir(d)) != NULL) {
		uint8_t *buf = NULL, *mut;
		size_t len;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
		if (fsio_read_file(path, 1 << 24, &buf, &len) != ST_OK)
			continue;
		LLVMFuzzerTestOneInput(buf, len);
		mut = malloc(len + 64);
		for (long i = 0; i < iters; i++) {
			size_t n = mutate(buf, len, mut);
			/* exact-size copy, so ASan sees any read past the end */
			uint8_t *exact = malloc(n ? n : 1);

			memcpy(exact, mut, n);
			LLVMFuzzerTestOneInput(exact, n);
			free(exact);
			runs++;
		}
		free(mut);
		free(buf);
		inputs++;
	}
	closedir(d);
	if (inputs == 0) {
		printf("not ok - fuzz %s: empty corpus\n", target);
		return 1;
	}
	printf("ok - fuzz %s: %zu inputs, %zu mutations\n", target, inputs, runs);
	free(name);
	return 0;
}
