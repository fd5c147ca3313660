/* The embedded guest's initramfs: a cpio "newc" archive holding this very
 * vpbench binary as /init, the shared libraries it needs (found by walking
 * ELF DT_NEEDED entries through the same search path ld.so uses, as
 * dracut/mkinitramfs do), its ELF interpreter, the kernel modules the guest
 * needs (from modules.dep, in load order) and the plan file. No busybox, no
 * disk image: the guest runs nothing but vpbench. */
#ifndef VP_INITRAMFS_H
#define VP_INITRAMFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

/* A growable list of strings (owned copies). */
struct vp_strlist {
	char **v;
	size_t n, cap;
};

void vp_strlist_free(struct vp_strlist *l);
int vp_strlist_add(struct vp_strlist *l, const char *s);
bool vp_strlist_has(const struct vp_strlist *l, const char *s);

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
/* Adds a regular file with the contents of host_path (symlinks followed). */
int vp_cpio_add_host_file(struct vp_cpio *c, const char *name, uint32_t mode,
			  const char *host_path, char *err, size_t errlen);
/* Writes the TRAILER!!! entry and frees the writer's state; returns the
 * first error seen (0 when all went well). */
int vp_cpio_finish(struct vp_cpio *c);

/* ELF facts of one object: PT_INTERP, DT_NEEDED, DT_RUNPATH/DT_RPATH
 * ($ORIGIN expanded). Only ELF64 little-endian x86-64 is accepted. */
struct vp_elf_info {
	char interp[256];
	struct vp_strlist needed;
	struct vp_strlist runpath;
};

int vp_elf_read_info(const char *path, struct vp_elf_info *info, char *err,
		     size_t errlen);
void vp_elf_info_free(struct vp_elf_info *info);
/* True when path is an ELF64 x86-64 object (used to skip i386 libraries of
 * the same soname in biarch directories, as ld.so does). */
bool vp_elf_is_x86_64(const char *path);

/* The library search path ld.so would use after DT_RUNPATH: the
 * directories of ld.so.conf (with its include globs) under `root` (""
 * for the real root), then the multiarch and legacy defaults. */
int vp_ld_search_dirs(const char *root, struct vp_strlist *dirs);

/* Walks the dependency closure of exe: fills files with the absolute host
 * paths of every needed library (in discovery order) and interp with the
 * ELF interpreter. A library that cannot be found is an error naming it. */
int vp_elf_closure(const char *exe, const struct vp_strlist *search_dirs,
		   struct vp_strlist *files, char *interp, size_t interplen,
		   char *err, size_t errlen);

/* Parses `ldd` output (lines "soname => /path (0x...)" and "/path (0x..)")
 * into resolved paths; "not found" entries go to missing. Used to check
 * remote machines and as a cross-check in tests. */
int vp_ldd_parse(const char *text, struct vp_strlist *paths,
		 struct vp_strlist *missing);

/* Resolves module names (virtio_pci, virtio-blk: '-' and '_' are
 * equivalent) through <moddir>/modules.dep into relative module paths in
 * load order (dependencies first, each once). Modules listed in
 * modules.builtin are skipped. A module that is neither is an error. */
int vp_modules_resolve(const char *moddir, const char *const *names,
		       size_t nnames, struct vp_strlist *order, char *err,
		       size_t errlen);
/* Same on the text of modules.dep / modules.builtin (unit-testable). */
int vp_modules_resolve_text(const char *dep_text, const char *builtin_text,
			    const char *const *names, size_t nnames,
			    struct vp_strlist *order, char *err, size_t errlen);

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
