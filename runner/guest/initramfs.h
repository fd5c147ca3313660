/* The embedded guest's initramfs: a cpio "newc" archive holding this very
 * vpbench binary as /init, the shared libraries it needs (found by walking
 * ELF DT_NEEDED entries through the same search path ld.so uses, as
 * dracut/mkinitramfs do), its ELF interpreter, the kernel modules the guest
 * needs (from modules.dep, in load order) and the plan file. No busybox, no
 * disk image: the guest runs nothing but vpbench. */
#ifndef VP_INITRAMFS_H
#define VP_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

#include "runner/guest/cpio.h"
#include "runner/guest/elf_deps.h"
#include "runner/guest/kmod_deps.h"
#include "runner/util/strlist.h"

/* What goes into the guest. */
struct vp_initramfs_spec {
	const char *exe;	    /* the vpbench binary -> /init */
	const char *moddir;	    /* kernel module tree (may be NULL) */
	const char *const *modules; /* module names to load at boot */
	size_t nmodules;
	const char *plan_text;		     /* -> /vpbench/plan.conf */
	const char *extra_name, *extra_text; /* optional extra file */
};

/* Path of the module list inside the initramfs: one relative path per
 * line (in /lib/vpbench-modules/), load order. */
#define VP_INITRAMFS_MODLIST "/lib/vpbench-modules/order"
#define VP_INITRAMFS_MODDIR  "/lib/vpbench-modules"
#define VP_INITRAMFS_PLAN    "/vpbench/plan.conf"

/* Writes the archive to path (via a temporary file renamed into place).
 * Compressed modules (.ko.xz, .ko.zst, .ko.gz) are decompressed with
 * xz/zstd/gzip spawned as argv; a missing tool is named in the error.
 * *bytes receives the archive size. */
int vp_initramfs_build(const struct vp_initramfs_spec *spec, const char *path,
		       uint64_t *bytes, char *err, size_t errlen);

#endif
