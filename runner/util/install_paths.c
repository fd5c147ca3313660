/* Helper lookup beside the binary (install_paths.h). The folders come from
 * CMake as definitions on this file only: VP_BUILD_DIR, VP_SOURCE_DIR,
 * VP_LIBEXECDIR (absolute) and VP_BIN_TO_LIBEXEC (relative to bindir). */
#include "runner/util/install_paths.h"

#include <errno.h>
#include <limits.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#ifndef VP_BUILD_DIR
#define VP_BUILD_DIR ""
#endif
#ifndef VP_SOURCE_DIR
#define VP_SOURCE_DIR ""
#endif
#ifndef VP_LIBEXECDIR
#define VP_LIBEXECDIR "/usr/local/libexec/vpbench"
#endif
#ifndef VP_BIN_TO_LIBEXEC
#define VP_BIN_TO_LIBEXEC "../libexec/vpbench"
#endif

static bool same_dir(const char *a, const char *b)
{
	char ra[PATH_MAX], rb[PATH_MAX];
	if (!*a || !*b || !realpath(a, ra) || !realpath(b, rb))
		return false;
	return strcmp(ra, rb) == 0;
}

/* Writes dir/name into buf and keeps it when that file exists. */
static bool try_path(char *buf, size_t len, const char *dir, const char *sep,
		     const char *name)
{
	int n = snprintf(buf, len, "%s%s%s", dir, sep, name);
	if (n < 0 || (size_t)n >= len)
		return false;
	char real[PATH_MAX];
	if (access(buf, R_OK) || !realpath(buf, real))
		return false;
	snprintf(buf, len, "%s", real);
	return true;
}

int vp_install_find_helper(const char *exe_dir, const char *name, char *buf,
			   size_t len)
{
	char rel[PATH_MAX];
	if (exe_dir && same_dir(exe_dir, VP_BUILD_DIR) &&
	    try_path(buf, len, VP_SOURCE_DIR, "/ci/", name))
		return 0;
	if (exe_dir) {
		snprintf(rel, sizeof(rel), "%s/%s", exe_dir, VP_BIN_TO_LIBEXEC);
		if (try_path(buf, len, rel, "/", name))
			return 0;
	}
	if (try_path(buf, len, VP_LIBEXECDIR, "/", name))
		return 0;
	if (len)
		buf[0] = 0;
	return -ENOENT;
}

const char *vp_install_bin_to_libexec(void)
{
	return VP_BIN_TO_LIBEXEC;
}

int vp_install_helper(const char *name, char *buf, size_t len)
{
	char exe[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", exe, sizeof(exe) - 1);
	if (n <= 0)
		return vp_install_find_helper(NULL, name, buf, len);
	exe[n] = 0;
	char *slash = strrchr(exe, '/');
	if (slash)
		*slash = 0;
	return vp_install_find_helper(exe, name, buf, len);
}
