/* Read-only targets of io.randread and io.seqread: an existing regular
 * file or block device of the user's (-O path=), measured where it lies,
 * so vpbench and fio can read the very same file. Safety is structural:
 * the descriptor is opened O_RDONLY, so no code path can write through
 * it, and nothing is created, filled, truncated or removed. Everything
 * else (no path, a new name, a directory, the target's scratch device)
 * goes to vp_io_target_open() and its signature rule. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "workloads/io_scratch.h"
#include "workloads/io_scratch_internal.h"

static const char *kind_of(mode_t m)
{
	if (S_ISCHR(m))
		return "a character device";
	if (S_ISFIFO(m))
		return "a FIFO";
	if (S_ISSOCK(m))
		return "a socket";
	return "neither a regular file nor a block device";
}

/* Opens the path seen by stat() as `seen`, read-only. O_NONBLOCK keeps a
 * name swapped for a FIFO after stat() from blocking the open; the fstat
 * check then refuses anything but the object that was vetted. */
static int open_ro(const char *wl, const struct stat *seen,
		   struct vp_io_target *t, char *err, size_t errlen)
{
	struct stat st;
	t->fd = open(t->path, O_RDONLY | O_NONBLOCK | O_NOCTTY | O_CLOEXEC);
	if (t->fd < 0) {
		int e = errno;
		const char *hint = "";
		if (e == EACCES || e == EPERM)
			hint = S_ISBLK(seen->st_mode)
				   ? " (reading a device needs root or "
				     "membership of its group, often `disk`)"
				   : " (check the file's permissions)";
		snprintf(err, errlen,
			 "%s: path=%s: cannot open for reading: %s%s", wl,
			 t->path, strerror(e), hint);
		return -e;
	}
	if (fstat(t->fd, &st) || st.st_dev != seen->st_dev ||
	    st.st_ino != seen->st_ino ||
	    (st.st_mode & S_IFMT) != (seen->st_mode & S_IFMT)) {
		snprintf(err, errlen,
			 "%s: path=%s changed while it was being opened: "
			 "run again",
			 wl, t->path);
		return -EAGAIN;
	}
	int fl = fcntl(t->fd, F_GETFL);
	if (fl < 0 || fcntl(t->fd, F_SETFL, fl & ~O_NONBLOCK)) {
		int e = errno;
		snprintf(err, errlen, "%s: path=%s: fcntl: %s", wl, t->path,
			 strerror(e));
		return -e;
	}
	return 0;
}

/* Working set: the whole file or device (past a vpbench signature block,
 * which stays unread), capped by -O size. */
static int size_ro(const char *wl, const struct vp_io_opts *o,
		   const struct stat *st, struct vp_io_target *t, char *err,
		   size_t errlen)
{
	uint64_t avail = 0;
	if (S_ISBLK(st->st_mode)) {
		int rc =
		    vp_io_blk_geometry(wl, "device", o, t, &avail, err, errlen);
		if (rc)
			return rc;
	} else {
		avail = (uint64_t)st->st_size;
		if (avail >= VP_IO_SIG_BYTES && vp_io_has_signature(t->fd)) {
			t->base = VP_IO_SIG_BYTES;
			avail -= VP_IO_SIG_BYTES;
		}
	}
	t->size = o->size && o->size < avail ? o->size : avail;
	t->size -= t->size % o->bs;
	if (t->size < o->bs) {
		snprintf(err, errlen,
			 "%s: path=%s holds %llu bytes%s, less than one block "
			 "(bs=%llu): give a larger file or device, or a "
			 "smaller -O bs",
			 wl, t->path, (unsigned long long)avail,
			 t->base ? " past its vpbench signature" : "",
			 (unsigned long long)o->bs);
		return -EINVAL;
	}
	return 0;
}

/* A directory gets a new scratch file inside (vp_io_target_open); when
 * that fails, say how to read an existing file instead. */
static int open_in_dir(const char *wl, const struct vp_io_opts *o,
		       const char *scratch_dir, struct vp_io_target *t,
		       char *err, size_t errlen)
{
	int rc = vp_io_target_open(wl, o, scratch_dir, NULL, t, err, errlen);
	size_t n = strlen(err);
	if (rc && n < errlen)
		snprintf(err + n, errlen - n,
			 "; path=%s is a directory, where %s makes a new "
			 "scratch file: to read an existing file or device, "
			 "give its own path",
			 o->path, wl);
	return rc;
}

int vp_io_target_open_read(const char *wl, const struct vp_io_opts *opts,
			   const char *scratch_dir, const char *scratch_dev,
			   struct vp_io_target *t, char *err, size_t errlen)
{
	struct stat st;
	int rc;
	if ((scratch_dev && *scratch_dev) || !opts->path[0])
		return vp_io_target_open(wl, opts, scratch_dir, scratch_dev, t,
					 err, errlen);
	/* stat, not lstat: reading through a symbolic link such as
	 * /dev/disk/by-id/... is harmless. */
	if (stat(opts->path, &st)) {
		if (errno == ENOENT) /* a new scratch file (or a dangling
				      * link, which that refuses) */
			return vp_io_target_open(wl, opts, scratch_dir, NULL, t,
						 err, errlen);
		rc = -errno;
		snprintf(err, errlen, "%s: path=%s: %s", wl, opts->path,
			 strerror(errno));
		return rc;
	}
	if (S_ISDIR(st.st_mode))
		return open_in_dir(wl, opts, scratch_dir, t, err, errlen);

	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->bs = opts->bs;
	t->readonly = true;
	snprintf(t->path, sizeof(t->path), "%s", opts->path);
	rc = vp_io_check_bs(opts->bs, err, errlen);
	if (rc)
		goto fail;
	if (!S_ISREG(st.st_mode) && !S_ISBLK(st.st_mode)) {
		snprintf(err, errlen,
			 "%s: path=%s is %s: the io.* workloads read regular "
			 "files and block devices only",
			 wl, opts->path, kind_of(st.st_mode));
		rc = -EINVAL;
		goto fail;
	}
	rc = open_ro(wl, &st, t, err, errlen);
	if (!rc)
		rc = size_ro(wl, opts, &st, t, err, errlen);
	if (!rc && opts->direct)
		rc = vp_io_set_direct(wl, t, err, errlen);
	if (!rc)
		rc = vp_io_probe_read(wl, t, err, errlen);
	if (!rc)
		return 0;
fail:
	vp_io_target_close(t, false);
	return rc;
}
