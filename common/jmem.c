/* jmem.c: a wiping allocator for jansson. Each block carries its size in
 * a header of one max_align_t, so that free knows how much to zero. */
#include "jmem.h"

#include <jansson.h>
#include <sodium.h>
#include <stddef.h>
#include <stdlib.h>
#include <string.h>

#define JMEM_HEADER sizeof(max_align_t)

static void *jmem_malloc(size_t n)
{
	unsigned char *p;

	if (n > SIZE_MAX - JMEM_HEADER)
		return NULL;
	p = malloc(JMEM_HEADER + n);
	if (p == NULL)
		return NULL;
	memcpy(p, &n, sizeof n);
	return p + JMEM_HEADER;
}

static void jmem_release(void *q)
{
	unsigned char *p;
	size_t n;

	if (q == NULL)
		return;
	p = (unsigned char *)q - JMEM_HEADER;
	memcpy(&n, p, sizeof n);
	sodium_memzero(q, n);
	free(p);
}

void jmem_wipe_on_free(void)
{
	json_set_alloc_funcs(jmem_malloc, jmem_release);
}

void jmem_free(void *p)
{
	json_malloc_t m;
	json_free_t f;

	if (p == NULL)
		return;
	json_get_alloc_funcs(&m, &f);
	/* Without our allocator the size is unknown: wipe what strlen sees,
	 * which is all of a json_dumps string. */
	if (f != jmem_release)
		sodium_memzero(p, strlen(p));
	f(p);
}
