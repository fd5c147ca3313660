/* ELF dependency walk: DT_NEEDED through RUNPATH, ld.so.conf and the
 * default directories, as ld.so and dracut resolve them; ldd output parsing. */
#ifndef VP_ELF_DEPS_H
#define VP_ELF_DEPS_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/util/strlist.h"

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

#endif
