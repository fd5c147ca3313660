/* Kernel module dependency resolution through modules.dep (load order,
 * built-in modules skipped). */
#ifndef VP_KMOD_DEPS_H
#define VP_KMOD_DEPS_H

#include <stddef.h>

#include "runner/util/strlist.h"

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

/* Module name of a path or name: directory and .ko* dropped, '-' -> '_'. */
void vp_module_name(const char *path, char *out, size_t len);

#endif
