/* Output paths checked against the inputs and each other (out_clash.h). */
#include "reports/out_clash.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

struct file_id {
	bool known;  /* the file or its folder could be looked at */
	bool exists; /* dev/ino are the file's own */
	bool regular_or_absent;
	dev_t dev;
	ino_t ino;
	const char *name; /* when !exists: its name in that folder */
};

/* The folder part of path ("." when none) into dir, its last component
 * (trailing slashes dropped) returned. */
static const char *split(const char *path, char *dir, size_t len)
{
	size_t n = strlen(path);
	while (n > 1 && path[n - 1] == '/')
		n--;
	size_t b = n;
	while (b > 0 && path[b - 1] != '/')
		b--;
	if (b == 0)
		snprintf(dir, len, ".");
	else
		snprintf(dir, len, "%.*s", b > 1 ? (int)(b - 1) : 1, path);
	return path + b;
}

static struct file_id identify(const char *path, char *dir, size_t len)
{
	struct file_id id = {0};
	struct stat st;
	/* stat follows links: a link to an input is that input. */
	if (stat(path, &st) == 0) {
		id.known = id.exists = true;
		id.regular_or_absent = S_ISREG(st.st_mode);
		id.dev = st.st_dev;
		id.ino = st.st_ino;
		return id;
	}
	id.regular_or_absent = true;
	id.name = split(path, dir, len);
	if (stat(dir, &st) == 0) {
		id.known = true;
		id.dev = st.st_dev;
		id.ino = st.st_ino;
	}
	return id;
}

static bool same(const struct file_id *a, const char *pa,
		 const struct file_id *b, const char *pb)
{
	if (!a->known || !b->known)
		return strcmp(pa, pb) == 0;
	if (a->exists != b->exists || a->dev != b->dev || a->ino != b->ino)
		return false;
	if (a->exists)
		return true;
	/* Both absent in one folder: the same name there (trailing
	 * slashes aside). */
	size_t la = strcspn(a->name, "/"), lb = strcspn(b->name, "/");
	return la == lb && strncmp(a->name, b->name, la) == 0;
}

int vp_out_clash_check(const struct vp_path_role *outs, size_t nouts,
		       const struct vp_path_role *ins, size_t nins, char *err,
		       size_t errlen)
{
	char d1[PATH_MAX], d2[PATH_MAX];
	for (size_t i = 0; i < nouts; i++) {
		if (!outs[i].path)
			continue;
		struct file_id a = identify(outs[i].path, d1, sizeof(d1));
		for (size_t j = 0; j < nins; j++) {
			if (!ins[j].path)
				continue;
			struct file_id b =
			    identify(ins[j].path, d2, sizeof(d2));
			if (b.exists &&
			    same(&a, outs[i].path, &b, ins[j].path)) {
				snprintf(err, errlen,
					 "%s %s is the %s %s: writing it would "
					 "destroy it; name another path",
					 outs[i].role, outs[i].path,
					 ins[j].role, ins[j].path);
				return -EINVAL;
			}
		}
		for (size_t j = 0; j < i; j++) {
			if (!outs[j].path)
				continue;
			struct file_id b =
			    identify(outs[j].path, d2, sizeof(d2));
			if (!a.regular_or_absent)
				break; /* /dev/null twice is fine */
			if (same(&a, outs[i].path, &b, outs[j].path)) {
				snprintf(err, errlen,
					 "%s %s and %s %s are the same file: "
					 "one output would replace the other; "
					 "give each its own path",
					 outs[j].role, outs[j].path,
					 outs[i].role, outs[i].path);
				return -EINVAL;
			}
		}
	}
	return 0;
}
