/* Whole output files written beside their destination and renamed into
 * place (out_atomic.h). */
#include "reports/out_atomic.h"

#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

/* The stream's writes go through here so the errno of a failed write is
 * kept: stdio only remembers that one failed, and a full disk must be
 * reported as ENOSPC, not as a generic I/O error. */
static ssize_t cookie_write(void *c, const char *buf, size_t len)
{
	struct vp_atomic_out *o = c;
	size_t done = 0;
	if (o->error) { /* failed or aborted: nothing more reaches it */
		errno = o->error;
		return -1;
	}
	while (done < len) {
		ssize_t n = write(o->fd, buf + done, len - done);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0) {
			if (!o->error)
				o->error = n < 0 ? errno : ENOSPC;
			errno = o->error;
			return done ? (ssize_t)done : -1;
		}
		done += (size_t)n;
	}
	return (ssize_t)done;
}

/* The file mode a plain fopen(path, "w") would have created. */
static mode_t new_file_mode(void)
{
	mode_t mask = 022;
	FILE *f = fopen("/proc/self/status", "re");
	char line[128];
	while (f && fgets(line, sizeof(line), f))
		if (!strncmp(line, "Umask:", 6)) {
			mask = (mode_t)strtoul(line + 6, NULL, 8) & 0777;
			break;
		}
	if (f)
		fclose(f);
	return 0666 & ~mask;
}

static int refuse(const char *path, int e, char *err, size_t errlen,
		  const char *what)
{
	snprintf(err, errlen, "cannot write %s: %s", path, what);
	return -e;
}

/* What sits at a named symbolic link: its target becomes the destination. */
static int follow_named_link(struct vp_atomic_out *o, char *err, size_t errlen)
{
	char to[PATH_MAX] = "";
	ssize_t n = readlink(o->path, to, sizeof(to) - 1);
	if (n > 0)
		to[n] = 0;
	if (!realpath(o->path, o->dest)) {
		int e = errno;
		if (e == ENOENT)
			snprintf(err, errlen,
				 "cannot write %s: it is a dangling symbolic "
				 "link (to %s, which does not exist); remove "
				 "it or name another path",
				 o->path, to);
		else
			snprintf(err, errlen,
				 "cannot write %s: symbolic link to %s: %s",
				 o->path, to, strerror(e));
		return -e;
	}
	return 0;
}

/* Decides dest and direct from what is at the path; 0 or -errno. */
static int check_dest(struct vp_atomic_out *o, enum vp_out_origin origin,
		      struct stat *st, bool *exists, char *err, size_t errlen)
{
	*exists = false;
	snprintf(o->dest, sizeof(o->dest), "%s", o->path);
	if (lstat(o->path, st) != 0) {
		if (errno == ENOENT)
			return 0;
		return refuse(o->path, errno, err, errlen, strerror(errno));
	}
	if (S_ISLNK(st->st_mode)) {
		if (origin != VP_OUT_NAMED)
			return refuse(
			    o->path, ELOOP, err, errlen,
			    "it is a symbolic link; vpbench does not write "
			    "through or replace a link it did not make in a "
			    "folder others may share (remove the link, or "
			    "name this path on the command line to write to "
			    "the file it points to)");
		int rc = follow_named_link(o, err, errlen);
		if (rc)
			return rc;
		if (stat(o->dest, st) != 0)
			return refuse(o->path, errno, err, errlen,
				      strerror(errno));
	}
	if (S_ISDIR(st->st_mode))
		return refuse(o->path, EISDIR, err, errlen,
			      "it is a folder (expected the path of a file)");
	if (S_ISREG(st->st_mode)) {
		*exists = true;
		return 0;
	}
	if (origin == VP_OUT_NAMED &&
	    (S_ISCHR(st->st_mode) || S_ISFIFO(st->st_mode))) {
		o->direct = true;
		return 0;
	}
	return refuse(o->path, EINVAL, err, errlen,
		      origin == VP_OUT_NAMED
			  ? "it is a socket or block device, not a file"
			  : "it is not a regular file (a device, FIFO or "
			    "socket); remove it or name another path");
}

static int open_direct(struct vp_atomic_out *o, char *err, size_t errlen)
{
	o->fd = open(o->dest, O_WRONLY | O_NOCTTY | O_CLOEXEC);
	if (o->fd < 0)
		return refuse(o->path, errno, err, errlen, strerror(errno));
	return 0;
}

static int open_temp(struct vp_atomic_out *o, const struct stat *st,
		     bool exists, char *err, size_t errlen)
{
	const char *slash = strrchr(o->dest, '/');
	int dlen = slash ? (int)(slash - o->dest) : 1;
	const char *dir = slash ? o->dest : ".";
	if (slash == o->dest)
		dlen = 1; /* "/x": the root folder */
	snprintf(o->tmp, sizeof(o->tmp), "%.*s/.vpbench-out.XXXXXX", dlen, dir);
	o->fd = mkostemp(o->tmp, O_CLOEXEC);
	if (o->fd < 0) {
		int e = errno;
		snprintf(err, errlen,
			 "cannot write %s: cannot create a file in %.*s: %s",
			 o->path, dlen, dir, strerror(e));
		o->tmp[0] = 0;
		return -e;
	}
	/* Keep the mode of the file replaced, else what fopen would give. */
	if (fchmod(o->fd, exists ? st->st_mode & 07777 : new_file_mode())) {
		int e = errno;
		snprintf(err, errlen, "cannot write %s: %s", o->path,
			 strerror(e));
		return -e;
	}
	return 0;
}

int vp_atomic_open(struct vp_atomic_out *o, const char *path,
		   enum vp_out_origin origin, char *err, size_t errlen)
{
	struct stat st;
	bool exists;
	memset(o, 0, sizeof(*o));
	o->fd = -1;
	if (!path[0] || strlen(path) >= sizeof(o->path))
		return refuse(path, ENAMETOOLONG, err, errlen,
			      path[0] ? "path too long" : "empty path");
	snprintf(o->path, sizeof(o->path), "%s", path);
	int rc = check_dest(o, origin, &st, &exists, err, errlen);
	if (!rc)
		rc = o->direct ? open_direct(o, err, errlen)
			       : open_temp(o, &st, exists, err, errlen);
	if (!rc) {
		cookie_io_functions_t io = {.write = cookie_write};
		o->f = fopencookie(o, "w", io);
		if (!o->f)
			rc = refuse(path, ENOMEM, err, errlen, "out of memory");
	}
	if (rc)
		vp_atomic_abort(o);
	return rc;
}

void vp_atomic_abort(struct vp_atomic_out *o)
{
	if (o->f) {
		/* Nothing more may reach the file: mark it failed first. */
		if (!o->error)
			o->error = ECANCELED;
		fclose(o->f);
		o->f = NULL;
	}
	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->tmp[0])
		unlink(o->tmp);
	o->tmp[0] = 0;
}

/* The folder entry of the rename survives a crash too. */
static void sync_folder(const char *dest)
{
	char dir[PATH_MAX];
	const char *slash = strrchr(dest, '/');
	snprintf(dir, sizeof(dir), "%.*s",
		 slash ? (slash == dest ? 1 : (int)(slash - dest)) : 1,
		 slash ? dest : ".");
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		fsync(fd);
		close(fd);
	}
}

int vp_atomic_commit(struct vp_atomic_out *o, char *err, size_t errlen)
{
	int e = 0;
	if (fflush(o->f) != 0 || ferror(o->f))
		e = o->error ? o->error : EIO;
	/* Devices and FIFOs cannot be synced (EINVAL): nothing to keep. */
	if (!e && fsync(o->fd) != 0 && errno != EINVAL && errno != EROFS)
		e = errno;
	struct stat st;
	if (!e && !o->direct && lstat(o->dest, &st) == 0 &&
	    (S_ISLNK(st.st_mode) || S_ISDIR(st.st_mode)))
		e = S_ISDIR(st.st_mode) ? EISDIR : ELOOP; /* changed since */
	if (!e && !o->direct && rename(o->tmp, o->dest) != 0)
		e = errno;
	if (e) {
		snprintf(err, errlen, "cannot write %s: %s%s", o->path,
			 strerror(e),
			 e == ELOOP ? " (a symbolic link appeared there)" : "");
		vp_atomic_abort(o);
		return -e;
	}
	o->tmp[0] = 0; /* renamed: nothing to remove */
	fclose(o->f);
	o->f = NULL;
	close(o->fd);
	o->fd = -1;
	if (!o->direct)
		sync_folder(o->dest);
	return 0;
}

int vp_atomic_write(const char *path, enum vp_out_origin origin,
		    void (*fill)(const void *ctx, FILE *f), const void *ctx,
		    char *err, size_t errlen)
{
	struct vp_atomic_out o;
	int rc = vp_atomic_open(&o, path, origin, err, errlen);
	if (rc)
		return rc;
	fill(ctx, o.f);
	return vp_atomic_commit(&o, err, errlen);
}
