/* classify.h: what an attachment really is, from its bytes (magic
 * numbers and a bounded look inside), never from the name or type the
 * submitter gave: image, video, audio, text, pdf, office, html, svg,
 * executable, script, archive or data; and what in it is risky (a PDF's
 * JavaScript or auto-actions, an office file's macros, a page's script,
 * an archive's nesting or size ratio). The result is a hint for the
 * officer, not a verdict: every attachment is opened only on a viewing
 * machine (docs/OFFICER.md). Trust boundary: the file is hostile; every
 * read is bounded and nothing in it is executed or decompressed. */
#ifndef OFFICER_CLASSIFY_H
#define OFFICER_CLASSIFY_H

#include <stddef.h>
#include <stdint.h>
#include "status.h"

#define CLASSIFY_FLAGS_MAX 192

typedef struct {
	const char *kind;  /* static: "image", "video", ... */
	const char *exts;  /* static: the extensions what was found goes by,
	                    * space-separated, usual one first ("jpg jpeg
	                    * jpe jfif"); "" when none fits (executables) */
	char flags[CLASSIFY_FLAGS_MAX]; /* risks, comma-separated, or "" */
} classify_result;

/* Classify the size bytes of regular file fd (read with pread, from
 * offset 0; the offset of fd is not used). ST_IO on a read error;
 * anything the file holds is a result, never an error. */
st_t classify_fd(int fd, uint64_t size, classify_result *out);

/* The name to store an attachment under: `name` unchanged when its
 * extension is one the content's kind uses, and for an executable or a
 * script never; otherwise name + ".bin" (photo.jpg holding an ELF
 * becomes photo.jpg.bin), so no viewer or file manager takes it for what
 * it is not. out has cap bytes; the name is cut (on a UTF-8 boundary)
 * before the suffix when needed. */
void classify_name(const classify_result *r, const char *name, char *out,
                   size_t cap);

/* 1 when the result is risky: it has flags (an executable or a script
 * always has). */
int classify_risky(const classify_result *r);

#endif
