/* Where the files installed beside the binary are, so that what vpbench
 * tells a user to run exists. Installed layout (GNUInstallDirs):
 * <prefix>/bin/vpbench and <prefix>/libexec/vpbench/<helper>. The lookup
 * follows the running binary, so a relocated prefix, a DESTDIR staging
 * tree and a build-tree binary (which uses the source tree's ci/) all find
 * their own copy. */
#ifndef VP_INSTALL_PATHS_H
#define VP_INSTALL_PATHS_H

#include <stddef.h>

/* Finds helper `name` (e.g. "fetch-guest-kernel.sh") for a binary living
 * in exe_dir: the source tree's ci/ when exe_dir is the build folder, else
 * exe_dir/<bindir-to-libexecdir>/vpbench, else the configured
 * <libexecdir>/vpbench. 0 with the path in buf, or -ENOENT. */
int vp_install_find_helper(const char *exe_dir, const char *name, char *buf,
			   size_t len);

/* The configured path from bindir to the helpers, e.g. "../libexec/vpbench". */
const char *vp_install_bin_to_libexec(void);

/* The same for the running binary (/proc/self/exe). */
int vp_install_helper(const char *name, char *buf, size_t len);

#endif
