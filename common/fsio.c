/* fsio.c: complete reads and writes, capped file loading, and atomic
 * file creation with fsync of file and directory. */
#include "fsio.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <sodium.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

st_t fsio_errno_status(int err)
{
	switch (err) {
	case ENOSPC:
	case EDQUOT:
		return ST_NOSPACE;
	case ENOENT:
	case ENOTDIR:
		return ST_NOINPUT;
	case EACCES:
	case EPERM:
		return ST_PERM;
	case EEXIST:
		return ST_EXISTS;
	case ENOMEM:
		return ST_NOMEM;
	case ELOOP:
		return ST_PERM;
	default:
		return ST_IO;
	}
}

st_t fsio_write_all(int fd, const void *buf, size_t len)
{
	const uint8_t *p = buf;

	while (len > 0) {
		ssize_t n = write(fd, p, len);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fsio_errno_status(errno);
		}
		p += n;
		len -= (size_t)n;
	}
	return ST_OK;
}

st_t fsio_read_full(int fd, void *buf, size_t len, size_t *got)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = read(fd, p + done, len - done);

		if (n < 0) {
			if (errno == EINTR)
				continue;
			*got = done;
			return ST_IO;
		}
		if (n == 0)
			break;
		done += (size_t)n;
	}
	*got = done;
	return ST_OK;
}

st_t fsio_pread_exact(int fd, void *buf, size_t len, uint64_t off)
{
	uint8_t *p = buf;
	size_t done = 0;

	while (done < len) {
		ssize_t n = pread(fd, p + done, len - done, (off_t)(off + done));

		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ST_IO;
		}
		if (n == 0)
			return ST_BADDATA;
		done += (size_t)n;
	}
	return ST_OK;
}

/* Shared by the two loaders: read fd into a buffer from alloc (malloc or
 * sodium_malloc), growing up to max. */
static st_t read_fd_capped(int fd, size_t max, int secret, uint8_t **out,
                           size_t *len)
{
	st_t ret = ST_OK;
	struct stat sb;
	size_t cap, used = 0;
	uint8_t *buf = NULL;

	if (fstat(fd, &sb) != 0)
		return ST_IO;
	/* Regular files are sized up front; pipes grow in steps. */
	if (S_ISREG(sb.st_mode)) {
		if ((uint64_t)sb.st_size > max)
			return ST_TOOBIG;
		cap = (size_t)sb.st_size;
	} else {
		cap = max < 65536 ? max : 65536;
	}
	for (;;) {
		size_t got;
		uint8_t *nb;

		nb = secret ? sodium_malloc(cap + 1) : malloc(cap + 1);
		if (nb == NULL) {
			ret = ST_NOMEM;
			goto cleanup;
		}
		if (buf != NULL) {
			memcpy(nb, buf, used);
			if (secret) {
				sodium_free(buf);
			} else {
				free(buf);
			}
		}
		buf = nb;
		ret = fsio_read_full(fd, buf + used, cap - used, &got);
		if (ret != ST_OK)
			goto cleanup;
		used += got;
		if (used < cap)
			break;
		/* Full: one more byte decides whether the input is over max. */
		if (cap >= max) {
			uint8_t extra;

			ret = fsio_read_full(fd, &extra, 1, &got);
			if (ret == ST_OK && got != 0)
				ret = ST_TOOBIG;
			if (ret != ST_OK)
				goto cleanup;
			break;
		}
		cap = cap * 2 > max ? max : cap * 2;
		if (cap == 0)
			cap = 1;
	}
	buf[used] = '\0';
	*out = buf;
	*len = used;
	buf = NULL;
cleanup:
	if (buf != NULL) {
		if (secret) {
			sodium_free(buf);
		} else {
			free(buf);
		}
	}
	return ret;
}

st_t fsio_read_file(const char *path, size_t max, uint8_t **out, size_t *len)
{
	st_t ret;
	int fd;

	if (strcmp(path, "-") == 0)
		return read_fd_capped(STDIN_FILENO, max, 0, out, len);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return fsio_errno_status(errno);
	ret = read_fd_capped(fd, max, 0, out, len);
	close(fd);
	return ret;
}

st_t fsio_read_secret_file(const char *path, size_t max, uint8_t **out,
                           size_t *len)
{
	st_t ret;
	struct stat sb;
	int fd;

	fd = open(path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return fsio_errno_status(errno);
	if (fstat(fd, &sb) != 0) {
		ret = ST_IO;
		goto cleanup;
	}
	/* A secret others could read may already have leaked: refuse, as
	 * ssh does, so the user fixes it. */
	if ((sb.st_mode & (S_IRWXG | S_IRWXO)) != 0) {
		ret = ST_PERM;
		goto cleanup;
	}
	ret = read_fd_capped(fd, max, 1, out, len);
cleanup:
	close(fd);
	return ret;
}

st_t fsio_fsync_dir(const char *dir)
{
	st_t ret = ST_OK;
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);

	if (fd < 0)
		return fsio_errno_status(errno);
	if (fsync(fd) != 0)
		ret = fsio_errno_status(errno);
	close(fd);
	return ret;
}

st_t fsio_fsync_parent(const char *path)
{
	st_t ret;
	char *copy = strdup(path);

	if (copy == NULL)
		return ST_NOMEM;
	ret = fsio_fsync_dir(dirname(copy));
	free(copy);
	return ret;
}

st_t fsio_write_file_atomic(const char *path, const void *buf, size_t len,
                            mode_t mode, int overwrite)
{
	st_t ret = ST_OK;
	char *tmp = NULL;
	uint8_t rnd[8];
	char hex[17];
	int fd = -1;
	size_t tlen = strlen(path) + 32;

	tmp = malloc(tlen);
	if (tmp == NULL)
		return ST_NOMEM;
	randombytes_buf(rnd, sizeof rnd);
	sodium_bin2hex(hex, sizeof hex, rnd, sizeof rnd);
	snprintf(tmp, tlen, "%s.tmp-%s", path, hex);
	fd = open(tmp, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, mode);
	if (fd < 0) {
		ret = fsio_errno_status(errno);
		goto cleanup;
	}
	ret = fsio_write_all(fd, buf, len);
	if (ret == ST_OK && fsync(fd) != 0)
		ret = fsio_errno_status(errno);
	if (close(fd) != 0 && ret == ST_OK)
		ret = ST_IO;
	fd = -1;
	if (ret != ST_OK)
		goto cleanup;
	/* link() fails with EEXIST rather than replace: no-overwrite is
	 * atomic, with no window between a check and the rename. */
	if (overwrite) {
		if (rename(tmp, path) != 0)
			ret = fsio_errno_status(errno);
	} else {
		if (link(tmp, path) != 0)
			ret = fsio_errno_status(errno);
	}
	if (ret == ST_OK)
		ret = fsio_fsync_parent(path);
cleanup:
	if (fd >= 0)
		close(fd);
	if (tmp != NULL) {
		(void)unlink(tmp);
		free(tmp);
	}
	return ret;
}
