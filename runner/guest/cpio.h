/* cpio "newc" archive writer for the guest initramfs. */
#ifndef VP_CPIO_H
#define VP_CPIO_H

#include <stdint.h>
#include <stdio.h>

#include "runner/util/strlist.h"

/* cpio newc writer. Parent directories of every entry are created on demand
 * (once each), so callers add plain paths. Names are stored without a
 * leading '/'. Errors are sticky: check the result of vp_cpio_finish. */
struct vp_cpio {
	FILE *f;
	uint64_t off; /* bytes written (for 4-byte padding) */
	uint32_t ino;
	struct vp_strlist dirs;
	int err;
};

void vp_cpio_init(struct vp_cpio *c, FILE *f);
/* Adds one entry; mode carries the type (S_IFREG, S_IFDIR, S_IFLNK: the
 * link target is the data). 0 or -errno. */
int vp_cpio_add(struct vp_cpio *c, const char *name, uint32_t mode,
		const void *data, size_t size);
int vp_cpio_add_dir(struct vp_cpio *c, const char *name);
/* A character device node (/dev/console before devtmpfs is mounted). */
int vp_cpio_add_chr(struct vp_cpio *c, const char *name, unsigned maj,
		    unsigned min);
/* Adds a regular file with the contents of host_path (symlinks followed). */
int vp_cpio_add_host_file(struct vp_cpio *c, const char *name, uint32_t mode,
			  const char *host_path, char *err, size_t errlen);
/* Writes the TRAILER!!! entry and frees the writer's state; returns the
 * first error seen (0 when all went well). */
int vp_cpio_finish(struct vp_cpio *c);

#endif
