/* compose.c: text and attachments into a manifest and a payload source.
 * The text is only ever held in sodium_malloc'd memory; attachments are
 * opened once, read-only, and read again by the seal on demand, so no
 * plaintext copy is made and nothing is written anywhere. */
#include "compose.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>


void compose_init(compose *c)
{
	memset(c, 0, sizeof(*c));
}

void compose_release(compose *c)
{
	size_t i;

	payload_src_free(c->src);
	for (i = 0; i < c->nfds; i++)
		close(c->fds[i]);
	free(c->fds);
	if (c->text != NULL)
		sodium_free(c->text);
	manifest_clear(&c->m);
	compose_init(c);
}

st_t compose_read_text(int fd, size_t max, uint8_t **out, size_t *len)
{
	uint8_t *buf = NULL, *bigger;
	size_t cap = 4096, n = 0;
	ssize_t r;
	int typed = isatty(fd);
	st_t st = ST_OK;

	*out = NULL;
	*len = 0;
	buf = sodium_malloc(cap);
	if (buf == NULL)
		return ST_NOMEM;
	for (;;) {
		if (n == cap) {
			/* Grow by copying into a fresh locked buffer:
			 * sodium_free wipes the old one. */
			if (cap > max) {
				st = ST_TOOBIG;
				goto cleanup;
			}
			bigger = sodium_malloc(cap * 2);
			if (bigger == NULL) {
				st = ST_NOMEM;
				goto cleanup;
			}
			memcpy(bigger, buf, n);
			sodium_free(buf);
			buf = bigger;
			cap *= 2;
		}
		r = read(fd, buf + n, cap - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r < 0) {
			st = ST_IO;
			goto cleanup;
		}
		if (r == 0)
			break;
		n += (size_t)r;
		if (n > max) {
			st = ST_TOOBIG;
			goto cleanup;
		}
		/* On a terminal a read that stops short of a newline was
		 * Ctrl-D after some text: one Ctrl-D is enough to finish. */
		if (typed && buf[n - 1] != '\n')
			break;
	}
	*out = buf;
	*len = n;
	buf = NULL;
cleanup:
	if (buf != NULL)
		sodium_free(buf);
	return st;
}

st_t compose_read_text_file(const char *path, size_t max, uint8_t **out,
                            size_t *len)
{
	int fd;
	st_t st;

	if (strcmp(path, "-") == 0)
		return compose_read_text(STDIN_FILENO, max, out, len);
	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	if (fd < 0)
		return ST_NOINPUT;
	st = compose_read_text(fd, max, out, len);
	close(fd);
	return st;
}

void compose_set_text(compose *c, uint8_t *text, size_t len)
{
	if (c->text != NULL)
		sodium_free(c->text);
	c->text = text;
	c->text_len = len;
}

/* Open read-only without touching the access time when the kernel lets
 * us (only for files we own): reading a file should not date it. */
static int compose_open(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NOATIME);

	if (fd < 0 && errno == EPERM)
		fd = open(path, O_RDONLY | O_CLOEXEC | O_NOCTTY);
	return fd;
}

st_t compose_add_file(compose *c, const char *path)
{
	struct stat sb;
	const char *base;
	char name[MANIFEST_NAME_MAX + 1];
	size_t plen;
	int fd = -1, *fds;
	st_t st;

	if (c->nfds >= MANIFEST_MAX_FILES)
		return ST_TOOBIG;
	fd = compose_open(path);
	if (fd < 0)
		return ST_NOINPUT;
	if (fstat(fd, &sb) != 0) {
		st = ST_IO;
		goto cleanup;
	}
	/* Only regular files have a size known up front and stable reads. */
	if (!S_ISREG(sb.st_mode)) {
		st = ST_BADDATA;
		goto cleanup;
	}
	plen = strlen(path);
	while (plen > 1 && path[plen - 1] == '/')
		plen--;
	base = path + plen;
	while (base > path && base[-1] != '/')
		base--;
	manifest_safe_name(base, (size_t)(path + plen - base), name);
	fds = realloc(c->fds, (c->nfds + 1) * sizeof(*fds));
	if (fds == NULL) {
		st = ST_NOMEM;
		goto cleanup;
	}
	c->fds = fds;
	st = manifest_add_file(&c->m, name, (uint64_t)sb.st_size,
	                       manifest_guess_type(name));
	if (st != ST_OK)
		goto cleanup;
	c->fds[c->nfds++] = fd;
	fd = -1;
cleanup:
	if (fd >= 0)
		close(fd);
	return st;
}

st_t compose_finish(compose *c, const uint8_t reply_pk[32],
                    const uint8_t mailbox[16], const char *date)
{
	size_t dl = strlen(date);

	if (c->text == NULL) {
		/* An empty text still needs a valid pointer for the source. */
		c->text = sodium_malloc(1);
		if (c->text == NULL)
			return ST_NOMEM;
		c->text_len = 0;
	}
	if (c->text_len == 0 && c->nfds == 0)
		return ST_USAGE;
	if (dl >= sizeof(c->m.date))
		return ST_USAGE;
	c->m.text_size = c->text_len;
	c->m.has_reply = 1;
	memcpy(c->m.reply_pk, reply_pk, sizeof(c->m.reply_pk));
	memcpy(c->m.mailbox, mailbox, sizeof(c->m.mailbox));
	memcpy(c->m.date, date, dl + 1);
	return payload_src_new(&c->m, c->text, c->fds, &c->src);
}
