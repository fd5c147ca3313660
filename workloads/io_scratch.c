/* Scratch target of the io.* workloads: creating, vetting, filling and
 * removing the only file or device their writes may touch (io_scratch.h). */
#include "workloads/io_scratch.h"
#include "workloads/io_scratch_internal.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/fs.h>
#include <linux/magic.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <time.h>
#include <unistd.h>

#define IO_BS_MIN     512u
#define IO_BS_MAX     (16u << 20)
#define IO_FILL_CHUNK (4u << 20)
/* Working set of size=0 on a scratch file or device. */
#define IO_SIZE_AUTO (64u << 20)

const struct vp_option vp_io_options[] = {
    {"path", VP_OPT_STRING, offsetof(struct vp_io_opts, path), "", 0, 0, NULL,
     "scratch file. Default: a new file in the run folder, removed "
     "afterwards. A new name is created (and removed), a directory gets a "
     "new file inside. An existing file or block device is read-only for "
     "io.randread and io.seqread (opened O_RDONLY, never written); the "
     "write workloads use an existing file only if vpbench created it "
     "(signature in its first 4 KiB) and refuse anything else. Ignored "
     "when the target provides a scratch device (with VM targets)"},
    {"size", VP_OPT_SIZE, offsetof(struct vp_io_opts, size), "0", 0,
     1099511627776.0, NULL,
     "working set in bytes (k/M/G). 0: 64M of a new scratch file, the "
     "whole of an existing file or device being read. A scratch or "
     "existing device caps it to its own size"},
    {"bs", VP_OPT_SIZE, offsetof(struct vp_io_opts, bs), "4k", IO_BS_MIN,
     IO_BS_MAX, NULL, "block size of each I/O, a multiple of 512"},
    {"direct", VP_OPT_INT, offsetof(struct vp_io_opts, direct), "1", 0, 1, NULL,
     "1: O_DIRECT (bypass the page cache, measure the device); 0: buffered"},
    {"keep", VP_OPT_INT, offsetof(struct vp_io_opts, keep), "0", 0, 1, NULL,
     "1: keep a scratch file vpbench created (reusable with path=)"},
    {"engine", VP_OPT_CHOICE, offsetof(struct vp_io_opts, engine), "psync", 0,
     0, "psync|io_uring",
     "psync: pread/pwrite, one I/O in flight per thread; io_uring: qd I/Os "
     "in flight per thread on a ring of its own (liburing). Where io_uring "
     "is unavailable (kernel.io_uring_disabled, seccomp, an old kernel) "
     "the rows are unavailable with the reason"},
    {"qd", VP_OPT_INT, offsetof(struct vp_io_opts, qd), "1", 1, VP_IO_QD_MAX,
     NULL,
     "I/Os in flight per thread (queue depth); above 1 needs "
     "engine=io_uring. Latency is per I/O, issue to completion"},
    {"submit", VP_OPT_CHOICE, offsetof(struct vp_io_opts, submit), "each", 0, 0,
     "each|batch",
     "io_uring: each = one io_uring_enter per new I/O, as fio does by "
     "default (iodepth_batch_submit=1); batch = every I/O refilled after a "
     "reap in one io_uring_enter with the wait (fewer system calls and "
     "doorbells, like fio --iodepth_batch_submit=qd)"},
    VP_OPT_END,
};

int vp_io_check_bs(uint64_t bs, char *err, size_t errlen)
{
	if (bs < IO_BS_MIN || bs > IO_BS_MAX || bs % 512) {
		snprintf(err, errlen,
			 "bs=%llu: must be a multiple of 512 between 512 and "
			 "16M",
			 (unsigned long long)bs);
		return -EINVAL;
	}
	return 0;
}

uint64_t vp_io_size_wanted(const struct vp_io_opts *o, uint64_t whole)
{
	if (o->size)
		return o->size < whole ? o->size : whole;
	return whole < IO_SIZE_AUTO ? whole : IO_SIZE_AUTO;
}

int vp_io_check_opts(const void *opts, char *err, size_t errlen)
{
	const struct vp_io_opts *o = opts;
	int rc = vp_io_check_bs(o->bs, err, errlen);
	if (!rc && o->size && o->size < o->bs) {
		snprintf(err, errlen, "size=%llu is smaller than bs=%llu",
			 (unsigned long long)o->size,
			 (unsigned long long)o->bs);
		rc = -EINVAL;
	}
	if (!rc && o->qd > 1 && strcmp(o->engine, "io_uring") != 0) {
		snprintf(err, errlen,
			 "qd=%lld needs engine=io_uring: engine=%s has one I/O "
			 "in flight per thread by construction (each "
			 "pread/pwrite waits for its completion); add -O "
			 "engine=io_uring, or raise -j for more I/Os in flight",
			 (long long)o->qd, o->engine);
		rc = -EINVAL;
	}
	if (!rc && strcmp(o->submit, "batch") == 0 &&
	    strcmp(o->engine, "io_uring") != 0) {
		snprintf(
		    err, errlen,
		    "submit=batch needs engine=io_uring: engine=%s submits "
		    "each I/O in its own system call",
		    o->engine);
		rc = -EINVAL;
	}
	if (!rc && (uint64_t)o->qd * o->bs > VP_IO_INFLIGHT_MAX) {
		snprintf(err, errlen,
			 "qd=%lld x bs=%llu is %llu MiB of buffers per thread, "
			 "over the limit of %llu MiB: lower qd or bs",
			 (long long)o->qd, (unsigned long long)o->bs,
			 (unsigned long long)((uint64_t)o->qd * o->bs >> 20),
			 VP_IO_INFLIGHT_MAX >> 20);
		rc = -EINVAL;
	}
	return rc;
}

/* The signature block of fd, NUL-terminated (aligned for O_DIRECT), or
 * NULL when fd does not start with one. */
static char *read_signature(int fd)
{
	char *buf = NULL;
	if (posix_memalign((void **)&buf, 4096, VP_IO_SIG_BYTES))
		return NULL;
	ssize_t n = pread(fd, buf, VP_IO_SIG_BYTES, 0);
	if (n != (ssize_t)VP_IO_SIG_BYTES ||
	    memcmp(buf, VP_IO_SIG_MAGIC, strlen(VP_IO_SIG_MAGIC)) != 0) {
		free(buf);
		return NULL;
	}
	buf[VP_IO_SIG_BYTES - 1] = '\0';
	return buf;
}

bool vp_io_has_signature(int fd)
{
	char *buf = read_signature(fd);
	free(buf);
	return buf != NULL;
}

uint64_t vp_io_signature_filled(int fd)
{
	char *buf = read_signature(fd);
	const char *f = buf ? strstr(buf, "\nfilled=") : NULL;
	uint64_t filled = f ? strtoull(f + 8, NULL, 10) : 0;
	free(buf);
	return filled;
}

int vp_io_blk_geometry(const char *wl, const char *what,
		       const struct vp_io_opts *o, struct vp_io_target *t,
		       uint64_t *avail, char *err, size_t errlen)
{
	int lbs = 0;
	t->is_blk = true;
	if (ioctl(t->fd, BLKGETSIZE64, avail)) {
		int e = errno;
		snprintf(err, errlen, "%s: %s %s: BLKGETSIZE64: %s", wl, what,
			 t->path, strerror(e));
		return -e;
	}
	/* O_DIRECT needs whole logical blocks: say so before the run. */
	if (o->direct && ioctl(t->fd, BLKSSZGET, &lbs) == 0 && lbs > 0 &&
	    o->bs % (uint64_t)lbs) {
		snprintf(err, errlen,
			 "%s: bs=%llu is not a multiple of the logical block "
			 "size %d of %s: pass -O bs=%dk or larger",
			 wl, (unsigned long long)o->bs, lbs, t->path,
			 lbs / 1024 ? lbs / 1024 : 1);
		return -EINVAL;
	}
	return 0;
}

/* Writes all of buf at off, resuming after short writes. */
static int write_full(int fd, const void *buf, size_t len, uint64_t off)
{
	const char *p = buf;
	while (len) {
		ssize_t n = pwrite(fd, p, len, (off_t)off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0)
			return -EIO;
		p += n;
		len -= (size_t)n;
		off += (uint64_t)n;
	}
	return 0;
}

static void fill_pattern(void *buf, size_t len, uint64_t seed)
{
	/* Incompressible, non-zero data: zero blocks may be elided by thin
	 * provisioning or QEMU's zero detection and never reach the disk. */
	uint64_t x = seed | 1;
	uint64_t *p = buf;
	for (size_t i = 0; i < len / sizeof(*p); i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		p[i] = x;
	}
}

/* Writes real data over [from, to) in large aligned chunks, then syncs. */
static int fill_range(const char *wl, struct vp_io_target *t, uint64_t from,
		      uint64_t to, char *err, size_t errlen)
{
	void *buf = NULL;
	int rc = 0;
	if (from >= to)
		return 0;
	if (posix_memalign(&buf, 4096, IO_FILL_CHUNK)) {
		snprintf(err, errlen, "%s: out of memory for the fill buffer",
			 wl);
		return -ENOMEM;
	}
	fill_pattern(buf, IO_FILL_CHUNK, (uint64_t)time(NULL));
	for (uint64_t off = from; off < to;) {
		size_t len = to - off < IO_FILL_CHUNK ? (size_t)(to - off)
						      : IO_FILL_CHUNK;
		rc = write_full(t->fd, buf, len, off);
		if (rc) {
			snprintf(err, errlen,
				 "%s: %s: filling the working set failed at "
				 "offset %llu: %s",
				 wl, t->path, (unsigned long long)off,
				 strerror(-rc));
			goto out;
		}
		off += len;
	}
	if (fdatasync(t->fd)) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s: fdatasync after filling: %s", wl,
			 t->path, strerror(errno));
	}
out:
	free(buf);
	return rc;
}

int vp_io_write_signature_filled(int fd, uint64_t filled)
{
	char line[48] = "";
	void *buf = NULL;
	if (posix_memalign(&buf, 4096, VP_IO_SIG_BYTES))
		return -ENOMEM;
	memset(buf, 0, VP_IO_SIG_BYTES);
	if (filled)
		snprintf(line, sizeof(line), "filled=%llu\n",
			 (unsigned long long)filled);
	snprintf(buf, VP_IO_SIG_BYTES,
		 "%screated=%lld pid=%d\n%s"
		 "This is a scratch file of the vpbench io.* workloads; its "
		 "data past the first 4 KiB is overwritten freely. Safe to "
		 "delete.\n",
		 VP_IO_SIG_MAGIC, (long long)time(NULL), (int)getpid(), line);
	int rc = write_full(fd, buf, VP_IO_SIG_BYTES, 0);
	free(buf);
	return rc;
}

int vp_io_write_signature(int fd)
{
	return vp_io_write_signature_filled(fd, 0);
}

static int write_signature(const char *wl, struct vp_io_target *t, char *err,
			   size_t errlen)
{
	int rc = vp_io_write_signature(t->fd);
	if (rc)
		snprintf(err, errlen, "%s: %s: writing the signature block: %s",
			 wl, t->path, strerror(-rc));
	return rc;
}

/* Scratch devices are filled once per process: every io.* workload of a
 * plan shares them, and refilling under TCG would cost seconds per
 * workload. setup() runs on the agent's thread only, so no lock. */
static struct {
	dev_t dev;
	ino_t ino;
	dev_t rdev;
	uint64_t filled;
} dev_filled;

static bool dev_already_filled(const struct stat *st, uint64_t end)
{
	return dev_filled.filled >= end && dev_filled.dev == st->st_dev &&
	       dev_filled.ino == st->st_ino && dev_filled.rdev == st->st_rdev;
}

static int open_device(const char *wl, const struct vp_io_opts *o,
		       const char *dev, struct vp_io_target *t, struct stat *st,
		       char *err, size_t errlen)
{
	uint64_t avail = 0;
	snprintf(t->path, sizeof(t->path), "%s", dev);
	t->is_dev = true;
	t->fd = open(dev, O_RDWR | O_CLOEXEC);
	if (t->fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: scratch device %s: %s", wl, dev,
			 strerror(e));
		return -e;
	}
	if (fstat(t->fd, st)) {
		int e = errno;
		snprintf(err, errlen, "%s: scratch device %s: fstat: %s", wl,
			 dev, strerror(e));
		return -e;
	}
	if (S_ISBLK(st->st_mode)) {
		int rc = vp_io_blk_geometry(wl, "scratch device", o, t, &avail,
					    err, errlen);
		if (rc)
			return rc;
	} else if (S_ISREG(st->st_mode)) {
		avail = (uint64_t)st->st_size;
	} else {
		snprintf(err, errlen,
			 "%s: scratch device %s is neither a block device nor "
			 "a regular file",
			 wl, dev);
		return -EINVAL;
	}
	/* The same rule as for path=: only what vpbench prepared (the runner
	 * signs the scratch image it creates) is written, whoever names it
	 * (`vpbench agent --scratch-dev` is a command line too). */
	if (!vp_io_has_signature(t->fd)) {
		snprintf(err, errlen,
			 "%s: scratch device %s carries no vpbench signature "
			 "in its first 4 KiB: refusing to write to it",
			 wl, dev);
		return -EEXIST;
	}
	t->base = VP_IO_SIG_BYTES;
	avail = avail > t->base ? avail - t->base : 0;
	t->size = vp_io_size_wanted(o, avail);
	t->size -= t->size % o->bs;
	if (t->size < o->bs) {
		snprintf(err, errlen,
			 "%s: scratch device %s holds %llu bytes, less than "
			 "bs=%llu",
			 wl, dev, (unsigned long long)avail,
			 (unsigned long long)o->bs);
		return -ENOSPC;
	}
	return 0;
}

/* Opens a user-given path: creates it when absent, makes a new file inside
 * a directory, accepts an existing file only when it carries the vpbench
 * signature. */
static int open_path(const char *wl, const char *path, struct vp_io_target *t,
		     char *err, size_t errlen)
{
	struct stat st;
	snprintf(t->path, sizeof(t->path), "%s", path);
	if (lstat(path, &st) == 0) {
		if (S_ISDIR(st.st_mode))
			return 1; /* caller makes a file inside */
		if (S_ISLNK(st.st_mode)) {
			snprintf(err, errlen,
				 "%s: path=%s is a symbolic link: refusing to "
				 "write through it; give the real path of a "
				 "vpbench scratch file or a new file name",
				 wl, path);
			return -ELOOP;
		}
		if (!S_ISREG(st.st_mode)) {
			snprintf(
			    err, errlen,
			    "%s: path=%s exists and is not a regular file: "
			    "refusing to write to it (io.* write only to "
			    "files they created)",
			    wl, path);
			return -EEXIST;
		}
		t->fd = open(path, O_RDWR | O_NOFOLLOW | O_CLOEXEC);
		if (t->fd < 0) {
			int e = errno;
			snprintf(err, errlen, "%s: path=%s: %s", wl, path,
				 strerror(e));
			return -e;
		}
		/* Check the opened file itself, not the name we looked at. */
		if (fstat(t->fd, &st) || !S_ISREG(st.st_mode) ||
		    !vp_io_has_signature(t->fd)) {
			snprintf(err, errlen,
				 "%s: path=%s exists and is not a vpbench "
				 "scratch file (no vpbench signature in its "
				 "first 4 KiB): refusing to overwrite it; "
				 "remove it or name a file that does not exist "
				 "(io.randread and io.seqread read it without "
				 "writing)",
				 wl, path);
			return -EEXIST;
		}
		return 0;
	}
	if (errno != ENOENT) {
		int e = errno;
		snprintf(err, errlen, "%s: path=%s: %s", wl, path, strerror(e));
		return -e;
	}
	t->fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC,
		     0600);
	if (t->fd < 0) {
		int e = errno;
		snprintf(err, errlen, "%s: path=%s: cannot create: %s", wl,
			 path, strerror(e));
		return -e;
	}
	t->created = true;
	return 0;
}

static int open_in_dir(const char *wl, const char *dir, struct vp_io_target *t,
		       char *err, size_t errlen)
{
	int n = snprintf(t->path, sizeof(t->path), "%s/vpbench-io.XXXXXX", dir);
	if (n < 0 || (size_t)n >= sizeof(t->path)) {
		snprintf(err, errlen, "%s: scratch folder name too long: %s",
			 wl, dir);
		return -ENAMETOOLONG;
	}
	t->fd = mkostemp(t->path, O_CLOEXEC);
	if (t->fd < 0) {
		int e = errno;
		snprintf(err, errlen,
			 "%s: cannot create a scratch file in %s: %s (pass -O "
			 "path=FILE on a writable disk-backed filesystem)",
			 wl, dir, strerror(e));
		return -e;
	}
	t->created = true;
	return 0;
}

static bool on_memory_fs(int fd)
{
	struct statfs sf;
	if (fstatfs(fd, &sf))
		return false;
	return sf.f_type == TMPFS_MAGIC || sf.f_type == RAMFS_MAGIC;
}

/* Switches the open file to O_DIRECT (fcntl on the same descriptor, so the
 * file we vetted is the file we use). */
int vp_io_set_direct(const char *wl, struct vp_io_target *t, char *err,
		     size_t errlen)
{
	static const char hint[] =
	    "pass -O path=/var/tmp/vpbench.scratch on a disk-backed "
	    "filesystem, or -O direct=0";
	if (!t->is_blk && on_memory_fs(t->fd)) {
		/* Newer kernels accept O_DIRECT on tmpfs, but it would time
		 * memory copies while claiming device I/O. (Block device
		 * nodes live on devtmpfs: their fstatfs says nothing.) */
		snprintf(err, errlen,
			 "%s: %s is on a memory filesystem (tmpfs/ramfs): "
			 "O_DIRECT would not reach a disk: %s",
			 wl, t->path, hint);
		return -EINVAL;
	}
	int fl = fcntl(t->fd, F_GETFL);
	if (fl < 0 || fcntl(t->fd, F_SETFL, fl | O_DIRECT)) {
		int e = errno;
		if (e == EINVAL)
			snprintf(err, errlen,
				 "%s: %s: O_DIRECT refused (tmpfs?): %s", wl,
				 t->path, hint);
		else
			snprintf(err, errlen, "%s: %s: cannot set O_DIRECT: %s",
				 wl, t->path, strerror(e));
		return -e;
	}
	t->direct = true;
	return 0;
}

/* One read of a block at the start of the working set: catches block
 * sizes below the device's O_DIRECT alignment before the measured run. */
int vp_io_probe_read(const char *wl, struct vp_io_target *t, char *err,
		     size_t errlen)
{
	void *buf = NULL;
	int rc = 0;
	if (posix_memalign(&buf, 4096, t->bs)) {
		snprintf(err, errlen, "%s: out of memory for bs=%llu", wl,
			 (unsigned long long)t->bs);
		return -ENOMEM;
	}
	ssize_t n = pread(t->fd, buf, t->bs, (off_t)t->base);
	if (n < 0) {
		rc = -errno;
		if (errno == EINVAL && t->direct)
			snprintf(err, errlen,
				 "%s: %s: O_DIRECT read of bs=%llu at offset "
				 "%llu refused (EINVAL): the block size is "
				 "below the device's alignment; pass -O bs=4k",
				 wl, t->path, (unsigned long long)t->bs,
				 (unsigned long long)t->base);
		else
			snprintf(err, errlen, "%s: %s: read at offset %llu: %s",
				 wl, t->path, (unsigned long long)t->base,
				 strerror(errno));
	} else if ((uint64_t)n != t->bs) {
		rc = -EIO;
		snprintf(err, errlen,
			 "%s: %s: short read at offset %llu (%zd of %llu "
			 "bytes)",
			 wl, t->path, (unsigned long long)t->base, n,
			 (unsigned long long)t->bs);
	}
	free(buf);
	return rc;
}

/* Atomic: lanes of a parallel run may set it (to the same function). */
static void (*_Atomic created_hook)(const char *path);

void vp_io_set_created_hook(void (*fn)(const char *path))
{
	atomic_store(&created_hook, fn);
}

int vp_io_target_open(const char *wl, const struct vp_io_opts *opts,
		      const char *scratch_dir, const char *scratch_dev,
		      struct vp_io_target *t, char *err, size_t errlen)
{
	struct stat st;
	int rc;
	memset(t, 0, sizeof(*t));
	t->fd = -1;
	t->bs = opts->bs;
	rc = vp_io_check_bs(opts->bs, err, errlen);
	if (rc)
		goto fail;
	if (scratch_dev && *scratch_dev) {
		rc = open_device(wl, opts, scratch_dev, t, &st, err, errlen);
		if (rc)
			goto fail;
		if (opts->direct) {
			rc = vp_io_set_direct(wl, t, err, errlen);
			if (rc)
				goto fail;
		}
		if (!dev_already_filled(&st, t->base + t->size)) {
			/* The runner's image comes filled (its signature says
			 * how far); anything else is filled here, once. */
			if (vp_io_signature_filled(t->fd) < t->base + t->size)
				rc = fill_range(wl, t, t->base,
						t->base + t->size, err, errlen);
			if (rc)
				goto fail;
			dev_filled.dev = st.st_dev;
			dev_filled.ino = st.st_ino;
			dev_filled.rdev = st.st_rdev;
			dev_filled.filled = t->base + t->size;
		}
		rc = vp_io_probe_read(wl, t, err, errlen);
		if (rc)
			goto fail;
		return 0;
	}

	if (opts->path[0]) {
		rc = open_path(wl, opts->path, t, err, errlen);
		if (rc == 1)
			rc = open_in_dir(wl, opts->path, t, err, errlen);
	} else {
		rc = open_in_dir(wl, scratch_dir ? scratch_dir : "/var/tmp", t,
				 err, errlen);
	}
	if (rc)
		goto fail;
	/* Before the fill, which takes seconds: a run killed then must not
	 * leave 64 MiB nobody knows about. */
	void (*hook)(const char *) = atomic_load(&created_hook);
	if (t->created && !opts->keep && hook)
		hook(t->path);
	t->base = VP_IO_SIG_BYTES;
	t->size = vp_io_size_wanted(opts, UINT64_MAX);
	t->size -= t->size % opts->bs;
	if (t->size < opts->bs) {
		snprintf(err, errlen, "%s: size=%llu is smaller than bs=%llu",
			 wl, (unsigned long long)opts->size,
			 (unsigned long long)opts->bs);
		rc = -EINVAL;
		goto fail;
	}
	if (opts->direct) {
		rc = vp_io_set_direct(wl, t, err, errlen);
		if (rc)
			goto fail;
	}
	if (fstat(t->fd, &st)) {
		rc = -errno;
		snprintf(err, errlen, "%s: %s: fstat: %s", wl, t->path,
			 strerror(errno));
		goto fail;
	}
	uint64_t from = t->base;
	if (t->created) {
		rc = write_signature(wl, t, err, errlen);
		if (rc)
			goto fail;
	} else if ((uint64_t)st.st_size > from) {
		/* A reused scratch file: only its missing tail needs data. */
		from = (uint64_t)st.st_size - (uint64_t)st.st_size % 4096;
	}
	rc = fill_range(wl, t, from, t->base + t->size, err, errlen);
	if (rc)
		goto fail;
	rc = vp_io_probe_read(wl, t, err, errlen);
	if (rc)
		goto fail;
	return 0;
fail:
	vp_io_target_close(t, false);
	return rc;
}

void vp_io_target_close(struct vp_io_target *t, bool keep)
{
	if (t->fd >= 0)
		close(t->fd);
	t->fd = -1;
	if (t->created && !keep)
		unlink(t->path);
	t->created = false;
}
