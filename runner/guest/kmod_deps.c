/* Kernel module dependency resolution through modules.dep (load order,
 * built-in modules skipped). */
#include "runner/guest/kmod_deps.h"

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

/* "kernel/drivers/block/virtio_blk.ko.xz" -> "virtio_blk" */
void vp_module_name(const char *path, char *out, size_t len)
{
	const char *base = strrchr(path, '/');
	char *dot;

	snprintf(out, len, "%s", base ? base + 1 : path);
	dot = strstr(out, ".ko");
	if (dot)
		*dot = '\0';
	for (char *p = out; *p; p++)
		if (*p == '-')
			*p = '_';
}

/* Finds the modules.dep line of name; returns a malloc'd copy or NULL. */
static char *dep_line(const char *text, const char *name)
{
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		const char *colon = memchr(line, ':', n);

		if (colon) {
			char path[PATH_MAX], mod[256];

			snprintf(path, sizeof(path), "%.*s",
				 (int)(colon - line), line);
			vp_module_name(path, mod, sizeof(mod));
			if (strcmp(mod, name) == 0)
				return strndup(line, n);
		}
		line = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static bool builtin_has(const char *text, const char *name)
{
	for (const char *line = text; line && *line;) {
		const char *eol = strchr(line, '\n');
		size_t n = eol ? (size_t)(eol - line) : strlen(line);
		char path[PATH_MAX], mod[256];

		snprintf(path, sizeof(path), "%.*s", (int)n, line);
		vp_module_name(path, mod, sizeof(mod));
		if (strcmp(mod, name) == 0)
			return true;
		line = eol ? eol + 1 : NULL;
	}
	return false;
}

int vp_modules_resolve_text(const char *dep_text, const char *builtin_text,
			    const char *const *names, size_t nnames,
			    struct vp_strlist *order, char *err, size_t errlen)
{
	int rc = 0;

	for (size_t i = 0; i < nnames && !rc; i++) {
		char want[256], *line, *colon, *deps[64];
		size_t ndeps = 0;

		vp_module_name(names[i], want, sizeof(want));
		line = dep_line(dep_text, want);
		if (!line) {
			if (builtin_text && builtin_has(builtin_text, want))
				continue;
			rc = -ENOENT;
			snprintf(err, errlen,
				 "kernel module %s is neither in modules.dep "
				 "nor built in (modules.builtin)",
				 want);
			break;
		}
		colon = strchr(line, ':');
		*colon = '\0';
		for (char *save = NULL,
			  *tok = strtok_r(colon + 1, " \t", &save);
		     tok && ndeps < 64; tok = strtok_r(NULL, " \t", &save))
			deps[ndeps++] = tok;
		/* depmod lists the full dependency chain so that loading it
		 * from the end backwards satisfies every module (modprobe's
		 * order). */
		while (ndeps > 0 && !rc) {
			const char *d = deps[--ndeps];

			if (!vp_strlist_has(order, d))
				rc = vp_strlist_add(order, d);
		}
		if (!rc && !vp_strlist_has(order, line))
			rc = vp_strlist_add(order, line);
		free(line);
		if (rc)
			snprintf(err, errlen, "out of memory");
	}
	return rc;
}

static char *slurp(const char *path, size_t *len)
{
	FILE *f = fopen(path, "re");
	char *buf = NULL;
	size_t cap = 0, n = 0;

	if (!f)
		return NULL;
	for (;;) {
		size_t r;

		if (cap - n < 65537) {
			char *nb = realloc(buf, cap + 262144);

			if (!nb) {
				free(buf);
				fclose(f);
				return NULL;
			}
			buf = nb;
			cap += 262144;
		}
		r = fread(buf + n, 1, cap - n - 1, f);
		n += r;
		if (r == 0)
			break;
	}
	buf[n] = '\0';
	fclose(f);
	if (len)
		*len = n;
	return buf;
}

int vp_modules_resolve(const char *moddir, const char *const *names,
		       size_t nnames, struct vp_strlist *order, char *err,
		       size_t errlen)
{
	char path[PATH_MAX];
	char *dep, *builtin;
	int rc;

	snprintf(path, sizeof(path), "%s/modules.dep", moddir);
	dep = slurp(path, NULL);
	if (!dep) {
		rc = -errno ? -errno : -ENOENT;
		snprintf(err, errlen,
			 "cannot read %s: %s (run depmod for that tree or pass "
			 "--modules DIR)",
			 path, strerror(errno ? errno : ENOENT));
		return rc;
	}
	snprintf(path, sizeof(path), "%s/modules.builtin", moddir);
	builtin = slurp(path, NULL);
	rc = vp_modules_resolve_text(dep, builtin, names, nnames, order, err,
				     errlen);
	free(dep);
	free(builtin);
	return rc;
}
