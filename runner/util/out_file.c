/* Whole-record output files (out_file.h). */
#include "runner/util/out_file.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

int vp_out_open(struct vp_out_file *f, const char *path, char *err,
		size_t errlen)
{
	memset(f, 0, sizeof(*f));
	snprintf(f->path, sizeof(f->path), "%s", path);
	f->fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0644);
	if (f->fd < 0) {
		f->error = errno;
		snprintf(err, errlen, "cannot create %s: %s", path,
			 strerror(errno));
		return -f->error;
	}
	return 0;
}

static int fail(struct vp_out_file *f, int e)
{
	if (!f->error)
		f->error = e ? e : EIO;
	return -f->error;
}

int vp_out_write(struct vp_out_file *f, const void *buf, size_t len)
{
	size_t done = 0;
	if (f->fd < 0 || f->error)
		return fail(f, f->error ? f->error : EBADF);
	while (done < len) {
		ssize_t n = pwrite(f->fd, (const char *)buf + done, len - done,
				   f->size + (off_t)done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			int e = n < 0 ? errno : ENOSPC;
			/* Half a record would read as a corrupt row: cut
			 * what part of it reached the file. */
			if (done && ftruncate(f->fd, f->size) != 0)
				e = e ? e : errno;
			return fail(f, e);
		}
		done += (size_t)n;
	}
	f->size += (off_t)len;
	return 0;
}

int vp_out_sync(struct vp_out_file *f)
{
	if (f->fd < 0 || f->error)
		return f->error ? -f->error : 0;
	if (fdatasync(f->fd) != 0 && errno != EINVAL)
		return fail(f, errno);
	return 0;
}

int vp_out_close(struct vp_out_file *f)
{
	if (f->fd < 0)
		return f->error ? -f->error : 0;
	vp_out_sync(f);
	if (close(f->fd) != 0 && errno != EINTR)
		fail(f, errno);
	f->fd = -1;
	return f->error ? -f->error : 0;
}

void vp_out_error(const struct vp_out_file *f, char *err, size_t errlen)
{
	snprintf(err, errlen, "writing %s failed: %s", f->path,
		 strerror(f->error ? f->error : EIO));
}
