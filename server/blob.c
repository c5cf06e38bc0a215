/* blob.c: the files behind uploads and submissions. Everything is opened
 * relative to two directory fds with O_NOFOLLOW, so a replaced symlink in
 * the data dir cannot redirect a write. Overwrite-before-unlink is best
 * effort: on copy-on-write or flash storage old blocks may survive, which
 * docs/SERVER.md says plainly. */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <unistd.h>
#include "blob.h"
#include "fsio.h"

#define BLOB_WIPE_BUF (1 << 20)

struct blob {
	int root;
	int dir[2];  /* indexed by blob_area */
};

static const char *const blob_dir_names[2] = { "partial", "store" };

int blob_id_valid(const char *s)
{
	size_t i;

	for (i = 0; i < BLOB_ID_HEX; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return 0;
	return s[BLOB_ID_HEX] == '\0';
}

static st_t blob_open_dir(int parent, const char *name, int *fd)
{
	struct stat sb;

	if (mkdirat(parent, name, 0700) != 0 && errno != EEXIST)
		return fsio_errno_status(errno);
	*fd = openat(parent, name, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (*fd < 0)
		return fsio_errno_status(errno);
	if (fstat(*fd, &sb) != 0)
		return ST_IO;
	/* Envelopes are opaque, but who uploaded when is not: keep others out. */
	if ((sb.st_mode & 077) != 0 && fchmod(*fd, 0700) != 0)
		return ST_PERM;
	return ST_OK;
}

st_t blob_open(const char *datadir, blob **out)
{
	blob *b;
	st_t st;
	int i;

	*out = NULL;
	b = malloc(sizeof *b);
	if (b == NULL)
		return ST_NOMEM;
	b->root = b->dir[0] = b->dir[1] = -1;
	st = blob_open_dir(AT_FDCWD, datadir, &b->root);
	for (i = 0; st == ST_OK && i < 2; i++)
		st = blob_open_dir(b->root, blob_dir_names[i], &b->dir[i]);
	if (st == ST_OK && fsync(b->root) != 0)
		st = ST_IO;
	if (st != ST_OK) {
		fprintf(stderr, "intake-server: cannot use data dir '%s': %s\n", datadir, st_str(st));
		blob_close(b);
		return st;
	}
	*out = b;
	return ST_OK;
}

void blob_close(blob *b)
{
	int i;

	if (b == NULL)
		return;
	for (i = 0; i < 2; i++)
		if (b->dir[i] >= 0)
			close(b->dir[i]);
	if (b->root >= 0)
		close(b->root);
	free(b);
}

st_t blob_create(blob *b, const char *id)
{
	int fd;

	fd = openat(b->dir[BLOB_PARTIAL], id,
	            O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (fd < 0)
		return errno == EEXIST ? ST_EXISTS : fsio_errno_status(errno);
	close(fd);
	return fsync(b->dir[BLOB_PARTIAL]) == 0 ? ST_OK : ST_IO;
}

st_t blob_open_append(blob *b, const char *id, uint64_t offset, int *fd)
{
	int f;

	*fd = -1;
	f = openat(b->dir[BLOB_PARTIAL], id, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (f < 0)
		return errno == ENOENT ? ST_NOTFOUND : fsio_errno_status(errno);
	/* Bytes past the durable offset were never acknowledged. */
	if (ftruncate(f, (off_t)offset) != 0 || lseek(f, (off_t)offset, SEEK_SET) < 0) {
		close(f);
		return ST_IO;
	}
	*fd = f;
	return ST_OK;
}

st_t blob_open_read(blob *b, blob_area a, const char *id, int *fd,
                    uint64_t *size)
{
	struct stat sb;
	int f;

	*fd = -1;
	/* Reading must not stamp an access time (O_NOATIME needs us to own
	 * the file; else the mount's atime rule applies). */
	f = openat(b->dir[a], id, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NOATIME);
	if (f < 0 && errno == EPERM)
		f = openat(b->dir[a], id, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (f < 0)
		return errno == ENOENT ? ST_NOTFOUND : fsio_errno_status(errno);
	if (fstat(f, &sb) != 0 || !S_ISREG(sb.st_mode)) {
		close(f);
		return ST_IO;
	}
	*size = (uint64_t)sb.st_size;
	*fd = f;
	return ST_OK;
}

st_t blob_read_head(blob *b, blob_area a, const char *id, uint8_t *buf,
                    size_t cap, size_t *got, uint64_t *size)
{
	size_t want;
	int fd;
	st_t st;

	st = blob_open_read(b, a, id, &fd, size);
	if (st != ST_OK)
		return st;
	want = *size < cap ? (size_t)*size : cap;
	st = fsio_pread_exact(fd, buf, want, 0);
	close(fd);
	if (st != ST_OK)
		return ST_IO;
	*got = want;
	return ST_OK;
}

st_t blob_size(blob *b, blob_area a, const char *id, uint64_t *size)
{
	struct stat sb;

	if (fstatat(b->dir[a], id, &sb, AT_SYMLINK_NOFOLLOW) != 0)
		return errno == ENOENT ? ST_NOTFOUND : fsio_errno_status(errno);
	if (!S_ISREG(sb.st_mode))
		return ST_IO;
	*size = (uint64_t)sb.st_size;
	return ST_OK;
}

st_t blob_truncate(blob *b, const char *id, uint64_t len)
{
	int fd;
	st_t st;

	st = blob_open_append(b, id, len, &fd);
	if (st != ST_OK)
		return st;
	st = blob_sync(fd);
	close(fd);
	return st;
}

st_t blob_write(int fd, const void *buf, size_t len, size_t *written)
{
	const uint8_t *p = buf;
	ssize_t n;

	*written = 0;
	while (*written < len) {
		n = write(fd, p + *written, len - *written);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return fsio_errno_status(errno);
		}
		if (n == 0)
			return ST_IO;
		*written += (size_t)n;
	}
	return ST_OK;
}

st_t blob_sync(int fd)
{
	if (fsync(fd) == 0)
		return ST_OK;
	return errno == ENOSPC || errno == EDQUOT ? ST_NOSPACE : ST_IO;
}

/* Copy every byte of in to out (both at offset 0). */
static st_t blob_copy(int in, int out)
{
	uint8_t buf[1 << 16];
	ssize_t n;
	size_t w;
	st_t st;

	for (;;) {
		n = copy_file_range(in, NULL, out, NULL, 1 << 30, 0);
		if (n > 0)
			continue;
		if (n == 0)
			return ST_OK;
		if (errno != EXDEV && errno != EINVAL && errno != ENOSYS && errno != EOPNOTSUPP)
			return fsio_errno_status(errno);
		break; /* not here: plain reads and writes */
	}
	while ((n = read(in, buf, sizeof buf)) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			return ST_IO;
		}
		st = blob_write(out, buf, (size_t)n, &w);
		if (st != ST_OK)
			return st;
	}
	return ST_OK;
}

st_t blob_land(blob *b, const char *id, const char *sub_id, time_t when)
{
	struct timespec ts[2] = { { when, 0 }, { when, 0 } };
	int in, out;
	st_t st;

	in = openat(b->dir[BLOB_PARTIAL], id, O_RDONLY | O_NOFOLLOW | O_CLOEXEC);
	if (in < 0)
		return errno == ENOENT ? ST_NOTFOUND : fsio_errno_status(errno);
	/* A copy, not a rename: the stored file gets a new inode, taken in
	 * the shuffled landing order, not the order uploads began in. A
	 * copy left by an interrupted landing is replaced. */
	if (unlinkat(b->dir[BLOB_STORE], sub_id, 0) != 0 && errno != ENOENT) {
		close(in);
		return fsio_errno_status(errno);
	}
	out = openat(b->dir[BLOB_STORE], sub_id,
	             O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
	if (out < 0) {
		close(in);
		return fsio_errno_status(errno);
	}
	st = blob_copy(in, out);
	close(in);
	/* The file's times say no more than the coarse date we record. */
	if (st == ST_OK)
		st = blob_sync(out);
	if (st == ST_OK && futimens(out, ts) != 0)
		st = ST_IO;
	close(out);
	if (st == ST_OK && fsync(b->dir[BLOB_STORE]) != 0)
		st = ST_IO;
	return st;
}

st_t blob_set_times(blob *b, blob_area a, const char *id, time_t when)
{
	struct timespec ts[2] = { { when, 0 }, { when, 0 } };

	return utimensat(b->dir[a], id, ts, AT_SYMLINK_NOFOLLOW) == 0 ? ST_OK
	       : fsio_errno_status(errno);
}

st_t blob_settle(blob *b, time_t when)
{
	static const char *const db[] = { "intake.db", "intake.db-wal", "intake.db-shm" };
	struct timespec ts[2] = { { when, 0 }, { when, 0 } };
	size_t i;
	st_t st = ST_OK;

	for (i = 0; i < sizeof db / sizeof db[0]; i++)
		if (utimensat(b->root, db[i], ts, AT_SYMLINK_NOFOLLOW) != 0 && errno != ENOENT)
			st = ST_IO;
	for (i = 0; i < 2; i++)
		if (futimens(b->dir[i], ts) != 0)
			st = ST_IO;
	if (futimens(b->root, ts) != 0)
		st = ST_IO;
	return st;
}

/* Zeros over the whole file, then fsync, so the blocks the filesystem
 * reuses in place hold nothing. */
static st_t blob_wipe_fd(int fd)
{
	struct stat sb;
	uint8_t *zero;
	uint64_t left;
	size_t n, w;
	st_t st = ST_OK;

	if (fstat(fd, &sb) != 0)
		return ST_IO;
	zero = calloc(1, BLOB_WIPE_BUF);
	if (zero == NULL)
		return ST_NOMEM;
	left = (uint64_t)sb.st_size;
	while (st == ST_OK && left > 0) {
		n = left < BLOB_WIPE_BUF ? (size_t)left : BLOB_WIPE_BUF;
		st = blob_write(fd, zero, n, &w);
		left -= n;
	}
	if (st == ST_OK)
		st = blob_sync(fd);
	free(zero);
	return st;
}

st_t blob_remove(blob *b, blob_area a, const char *id)
{
	int fd;
	st_t st = ST_OK;

	fd = openat(b->dir[a], id, O_WRONLY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0) {
		if (errno == ENOENT)
			return ST_OK;
	} else {
		st = blob_wipe_fd(fd);
		close(fd);
		/* A failed wipe (full disk cannot happen: no growth) still
		 * unlinks: the data must go either way. */
		if (st != ST_OK)
			fprintf(stderr, "intake-server: overwrite before delete failed: %s\n", st_str(st));
	}
	if (unlinkat(b->dir[a], id, 0) != 0 && errno != ENOENT)
		return fsio_errno_status(errno);
	return fsync(b->dir[a]) == 0 ? ST_OK : ST_IO;
}

st_t blob_list(blob *b, blob_area a, char (**out)[BLOB_ID_HEX + 1], size_t *n)
{
	char (*v)[BLOB_ID_HEX + 1] = NULL, (*nv)[BLOB_ID_HEX + 1];
	size_t len = 0, cap = 0;
	struct dirent *de;
	DIR *d = NULL;
	int fd;
	st_t st = ST_OK;

	*out = NULL;
	*n = 0;
	fd = dup(b->dir[a]);
	if (fd < 0 || (d = fdopendir(fd)) == NULL) {
		if (fd >= 0)
			close(fd);
		return ST_IO;
	}
	rewinddir(d);
	while ((de = readdir(d)) != NULL) {
		if (strcmp(de->d_name, ".") == 0 || strcmp(de->d_name, "..") == 0)
			continue;
		if (!blob_id_valid(de->d_name)) {
			fprintf(stderr, "intake-server: ignoring a foreign file in the %s area\n",
			        blob_dir_names[a]);
			continue;
		}
		if (len == cap) {
			cap = cap ? cap * 2 : 64;
			nv = realloc(v, cap * sizeof *v);
			if (nv == NULL) {
				st = ST_NOMEM;
				goto cleanup;
			}
			v = nv;
		}
		memcpy(v[len++], de->d_name, BLOB_ID_HEX + 1);
	}
cleanup:
	closedir(d);
	if (st != ST_OK) {
		free(v);
		return st;
	}
	*out = v;
	*n = len;
	return ST_OK;
}

st_t blob_free_space(blob *b, uint64_t *bytes)
{
	struct statvfs sv;

	if (fstatvfs(b->root, &sv) != 0)
		return ST_IO;
	*bytes = (uint64_t)sv.f_bavail * (uint64_t)sv.f_frsize;
	return ST_OK;
}
