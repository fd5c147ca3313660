/* cpio "newc" archive writer for the guest initramfs. */
#include "runner/guest/cpio.h"

#include <elf.h>
#include <errno.h>
#include <fcntl.h>
#include <glob.h>
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <unistd.h>

void vp_cpio_init(struct vp_cpio *c, FILE *f)
{
	memset(c, 0, sizeof(*c));
	c->f = f;
	c->ino = 721; /* arbitrary, non-zero: 0 confuses hard-link detection */
}

static void cpio_write(struct vp_cpio *c, const void *p, size_t n)
{
	if (c->err)
		return;
	if (n && fwrite(p, 1, n, c->f) != n)
		c->err = errno ? -errno : -EIO;
	c->off += n;
}

static void cpio_pad(struct vp_cpio *c)
{
	static const char zeros[4];

	cpio_write(c, zeros, (4 - (c->off & 3)) & 3);
}

static void cpio_header(struct vp_cpio *c, const char *name, uint32_t mode,
			uint64_t size, unsigned rmaj, unsigned rmin)
{
	char hdr[111];
	size_t nlen = strlen(name) + 1;

	snprintf(hdr, sizeof(hdr),
		 "070701%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X%08X",
		 c->ino++, mode, 0u, 0u, S_ISDIR(mode) ? 2u : 1u, 0u,
		 (unsigned)size, 0u, 0u, rmaj, rmin, (unsigned)nlen, 0u);
	cpio_write(c, hdr, 110);
	cpio_write(c, name, nlen);
	cpio_pad(c);
}

static const char *strip_slash(const char *name)
{
	while (*name == '/')
		name++;
	return name;
}

/* Creates every missing parent directory of name. */
static void cpio_parents(struct vp_cpio *c, const char *name)
{
	char buf[PATH_MAX];

	snprintf(buf, sizeof(buf), "%s", name);
	for (char *s = strchr(buf, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		if (*buf && !vp_strlist_has(&c->dirs, buf)) {
			cpio_header(c, buf, S_IFDIR | 0755, 0, 0, 0);
			if (vp_strlist_add(&c->dirs, buf) != 0 && !c->err)
				c->err = -ENOMEM;
		}
		*s = '/';
	}
}

int vp_cpio_add(struct vp_cpio *c, const char *name, uint32_t mode,
		const void *data, size_t size)
{
	name = strip_slash(name);
	if (!*name || size > UINT32_MAX)
		return -EINVAL;
	cpio_parents(c, name);
	if (S_ISDIR(mode)) {
		if (vp_strlist_has(&c->dirs, name))
			return c->err;
		if (vp_strlist_add(&c->dirs, name) != 0)
			return -ENOMEM;
		size = 0;
	}
	cpio_header(c, name, mode, size, 0, 0);
	cpio_write(c, data, size);
	cpio_pad(c);
	return c->err;
}

int vp_cpio_add_dir(struct vp_cpio *c, const char *name)
{
	return vp_cpio_add(c, name, S_IFDIR | 0755, NULL, 0);
}

/* A character device node (/dev/console before devtmpfs is mounted). */
int vp_cpio_add_chr(struct vp_cpio *c, const char *name, unsigned maj,
		    unsigned min)
{
	name = strip_slash(name);
	cpio_parents(c, name);
	cpio_header(c, name, S_IFCHR | 0600, 0, maj, min);
	return c->err;
}

int vp_cpio_add_host_file(struct vp_cpio *c, const char *name, uint32_t mode,
			  const char *host_path, char *err, size_t errlen)
{
	struct stat st;
	char buf[65536];
	int fd, rc = 0;
	uint64_t left;

	fd = open(host_path, O_RDONLY | O_CLOEXEC);
	if (fd < 0 || fstat(fd, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot read %s: %s", host_path,
			 strerror(errno));
		goto out;
	}
	if (!S_ISREG(st.st_mode) || st.st_size > (off_t)UINT32_MAX) {
		rc = -EINVAL;
		snprintf(err, errlen, "%s is not a regular file under 4 GiB",
			 host_path);
		goto out;
	}
	name = strip_slash(name);
	cpio_parents(c, name);
	cpio_header(c, name, S_IFREG | (mode & 07777), (uint64_t)st.st_size, 0,
		    0);
	for (left = (uint64_t)st.st_size; left > 0 && !c->err;) {
		ssize_t n = read(
		    fd, buf, left < sizeof(buf) ? (size_t)left : sizeof(buf));

		if (n <= 0) {
			rc = n < 0 ? -errno : -EIO;
			snprintf(err, errlen, "reading %s: %s", host_path,
				 n < 0 ? strerror(errno) : "file shrank");
			goto out;
		}
		cpio_write(c, buf, (size_t)n);
		left -= (uint64_t)n;
	}
	cpio_pad(c);
	rc = c->err;
	if (rc)
		snprintf(err, errlen, "writing initramfs: %s", strerror(-rc));
out:
	if (fd >= 0)
		close(fd);
	return rc;
}

int vp_cpio_finish(struct vp_cpio *c)
{
	cpio_header(c, "TRAILER!!!", 0, 0, 0, 0);
	/* The kernel reads the archive in 512-byte blocks; pad like cpio(1). */
	while ((c->off & 511) && !c->err)
		cpio_write(c, "", 1);
	if (!c->err && fflush(c->f) != 0)
		c->err = -errno;
	vp_strlist_free(&c->dirs);
	return c->err;
}
