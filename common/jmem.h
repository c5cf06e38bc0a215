/* jmem.h: jansson memory that is wiped when freed. The submitter's text,
 * attachment names, receipts and replies pass through jansson in the
 * client and the officer; with jmem_wipe_on_free() installed, jansson
 * zeroes every block it frees. Memory jansson hands out (json_dumps) must
 * then be freed with jmem_free, never free(). The server does not install
 * it: it holds no plaintext. */
#ifndef INTAKE_JMEM_H
#define INTAKE_JMEM_H

/* Install the wiping allocator; call once, before any jansson use. */
void jmem_wipe_on_free(void);

/* Free memory that jansson allocated (json_dumps output), wiping it;
 * NULL is fine. Works whether or not the wiping allocator is installed. */
void jmem_free(void *p);

#endif
