/* Builds the embedded guest's initramfs: the archive layout guest_init.c
 * expects (binary, libraries, modules in load order, plan), from the pieces
 * in cpio.c, elf_deps.c and kmod_deps.c. */
#include "runner/guest/initramfs.h"

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

#include "runner/util/child.h"

static int add_module(struct vp_cpio *c, const char *moddir, const char *rel,
		      FILE *list, char *err, size_t errlen)
{
	static const struct {
		const char *ext, *tool;
	} comp[] = {{".ko.xz", "xz"}, {".ko.zst", "zstd"}, {".ko.gz", "gzip"}};
	char src[PATH_MAX], name[256], dst[PATH_MAX];
	const char *tool = NULL;
	size_t rl = strlen(rel);
	int rc;

	snprintf(src, sizeof(src), "%s/%s", moddir, rel);
	vp_module_name(rel, name, sizeof(name));
	snprintf(dst, sizeof(dst), "%s/%s.ko", VP_INITRAMFS_MODDIR, name);
	for (size_t i = 0; i < sizeof(comp) / sizeof(comp[0]); i++) {
		size_t el = strlen(comp[i].ext);

		if (rl > el && strcmp(rel + rl - el, comp[i].ext) == 0)
			tool = comp[i].tool;
	}
	if (!tool) {
		rc = vp_cpio_add_host_file(c, dst, 0644, src, err, errlen);
	} else {
		/* finit_module can take compressed modules only when the
		 * guest kernel has CONFIG_MODULE_DECOMPRESS; decompressing
		 * here works with every kernel. */
		char *argv[] = {(char *)tool, "-dc", "--", src, NULL};
		char *data = NULL;
		size_t len = 0;

		rc =
		    vp_child_capture(argv, &data, &len, false, 60, err, errlen);
		if (rc > 0 || rc == -ENOENT) {
			snprintf(err, errlen, "cannot decompress %s with %s%s",
				 src, tool,
				 rc == -ENOENT ? " (not installed: apt-get "
						 "install xz-utils zstd)"
					       : "");
			rc = rc > 0 ? -EIO : rc;
		} else if (rc == 0) {
			rc = vp_cpio_add(c, dst, S_IFREG | 0644, data, len);
			if (rc)
				snprintf(err, errlen, "writing initramfs: %s",
					 strerror(-rc));
		}
		free(data);
	}
	if (!rc)
		fprintf(list, "%s.ko\n", name);
	return rc;
}

/* Everything the archive holds: the skeleton, /init (this binary), its
 * ELF interpreter and libraries, the modules with their list, the plan. */
static int write_entries(struct vp_cpio *c,
			 const struct vp_initramfs_spec *spec,
			 const char *interp, const struct vp_strlist *libs,
			 const struct vp_strlist *mods, char *err,
			 size_t errlen)
{
	static const char *const top[] = {"dev", "proc", "sys",	   "tmp",
					  "run", "root", "vpbench"};
	char *modlist = NULL;
	size_t modlist_len = 0;
	FILE *ml = open_memstream(&modlist, &modlist_len);
	int rc;

	if (!ml) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < sizeof(top) / sizeof(top[0]); i++)
		vp_cpio_add_dir(c, top[i]);
	vp_cpio_add_chr(c, "dev/console", 5, 1);
	vp_cpio_add_chr(c, "dev/null", 1, 3);
	rc = vp_cpio_add_host_file(c, "init", 0755, spec->exe, err, errlen);
	if (!rc && interp[0])
		rc =
		    vp_cpio_add_host_file(c, interp, 0755, interp, err, errlen);
	for (size_t i = 0; i < libs->n && !rc; i++)
		rc = vp_cpio_add_host_file(c, libs->v[i], 0755, libs->v[i], err,
					   errlen);
	for (size_t i = 0; i < mods->n && !rc; i++)
		rc = add_module(c, spec->moddir, mods->v[i], ml, err, errlen);
	fclose(ml);
	if (!rc)
		rc = vp_cpio_add(c, VP_INITRAMFS_MODLIST, S_IFREG | 0644,
				 modlist, modlist_len);
	free(modlist);
	if (!rc && spec->plan_text)
		rc = vp_cpio_add(c, VP_INITRAMFS_PLAN, S_IFREG | 0644,
				 spec->plan_text, strlen(spec->plan_text));
	if (!rc && spec->extra_name && spec->extra_text)
		rc = vp_cpio_add(c, spec->extra_name, S_IFREG | 0644,
				 spec->extra_text, strlen(spec->extra_text));
	return rc;
}

int vp_initramfs_build(const struct vp_initramfs_spec *spec, const char *path,
		       uint64_t *bytes, char *err, size_t errlen)
{
	struct vp_strlist dirs = {0}, libs = {0}, mods = {0};
	struct vp_cpio c;
	char tmp[PATH_MAX], interp[256];
	FILE *f = NULL;
	int fd = -1, rc;

	snprintf(tmp, sizeof(tmp), "%s.XXXXXX", path);
	vp_ld_search_dirs("", &dirs);
	rc = vp_elf_closure(spec->exe, &dirs, &libs, interp, sizeof(interp),
			    err, errlen);
	if (rc)
		goto out;
	if (spec->moddir && spec->nmodules) {
		rc = vp_modules_resolve(spec->moddir, spec->modules,
					spec->nmodules, &mods, err, errlen);
		if (rc)
			goto out;
	}
	fd = mkstemp(tmp);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", tmp,
			 strerror(errno));
		goto out;
	}
	f = fdopen(fd, "w");
	if (!f) {
		rc = -errno;
		close(fd);
		snprintf(err, errlen, "fdopen: %s", strerror(errno));
		goto out;
	}
	vp_cpio_init(&c, f);
	rc = write_entries(&c, spec, interp, &libs, &mods, err, errlen);
	{
		int frc = vp_cpio_finish(&c);

		if (!rc && frc) {
			rc = frc;
			snprintf(err, errlen, "writing %s: %s%s", tmp,
				 strerror(-rc),
				 rc == -ENOSPC ? " (disk full: free space in "
						 "the run folder)"
					       : "");
		}
	}
	if (bytes)
		*bytes = c.off;
	if (fclose(f) != 0 && !rc) {
		rc = -errno;
		snprintf(err, errlen, "writing %s: %s", tmp, strerror(errno));
	}
	f = NULL;
	if (!rc && rename(tmp, path) != 0) {
		rc = -errno;
		snprintf(err, errlen, "rename %s: %s", path, strerror(errno));
	}
	if (rc)
		unlink(tmp);
out:
	if (f) {
		fclose(f);
		unlink(tmp);
	}
	vp_strlist_free(&dirs);
	vp_strlist_free(&libs);
	vp_strlist_free(&mods);
	return rc;
}
