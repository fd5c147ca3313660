/* Creation of the raw scratch image (scratch_image.h). */
#include "runner/run/scratch_image.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/vfs.h>
#include <unistd.h>

#include "workloads/io_scratch.h"
#include <linux/magic.h>

int vp_scratch_image_check_dir(const char *dir, char *err, size_t errlen)
{
	struct statfs sf;

	if (statfs(dir, &sf) != 0 ||
	    (sf.f_type != TMPFS_MAGIC && sf.f_type != RAMFS_MAGIC))
		return 0;
	snprintf(err, errlen,
		 "the run folder %s is on a memory file system (tmpfs/ramfs): "
		 "a scratch image there would make the guests' virtio-blk "
		 "disk RAM, so no image is made and io.* on vmN targets "
		 "cannot measure a disk; choose -o DIR on a disk-backed file "
		 "system",
		 dir);
	return -EINVAL;
}

int vp_scratch_image_create(const char *path, uint64_t size, char *err,
			    size_t errlen)
{
	const size_t chunk = 1u << 20;
	int rc = 0;
	unsigned char *buf = malloc(chunk);
	int fd = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
	if (!buf || fd < 0) {
		rc = buf ? -errno : -ENOMEM;
		snprintf(err, errlen, "cannot create scratch image %s: %s",
			 path, strerror(-rc));
		goto out;
	}
	/* Incompressible-looking bytes, so no layer below can shortcut. */
	uint64_t x = 0x9E3779B97F4A7C15ull;
	for (size_t i = 0; i < chunk; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		buf[i] = (unsigned char)x;
	}
	for (uint64_t done = VP_IO_SIG_BYTES; done < size;) {
		size_t n = size - done < chunk ? (size_t)(size - done) : chunk;
		ssize_t w = pwrite(fd, buf, n, (off_t)done);
		if (w <= 0) {
			rc = w < 0 ? -errno : -ENOSPC;
			errno = -rc;
			snprintf(err, errlen, "writing scratch image %s: %s%s",
				 path, strerror(errno),
				 errno == ENOSPC ? " (free space or pass a "
						   "smaller --disk-size)"
						 : "");
			goto out;
		}
		done += (uint64_t)w;
	}
	if (fsync(fd)) {
		rc = -errno;
		snprintf(err, errlen, "fsync %s: %s", path, strerror(errno));
		goto out;
	}
	/* Signed like the workloads' scratch files (io.* write only to
	 * targets that carry the signature), last and saying the data is
	 * there: every target's io.* then skip their own fill. */
	rc = vp_io_write_signature_filled(fd, size);
	if (!rc && fsync(fd))
		rc = -errno;
	if (rc)
		snprintf(err, errlen, "writing scratch image %s: %s", path,
			 strerror(-rc));
out:
	if (fd >= 0) {
		close(fd);
		if (rc)
			unlink(path);
	}
	free(buf);
	return rc;
}
