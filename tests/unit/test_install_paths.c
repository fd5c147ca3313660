/* Unit tests of the helper lookup beside the binary (runner/util/
 * install_paths.c): a binary in <prefix>/bin finds <prefix>/<libexec>/
 * vpbench/<helper> wherever the prefix was moved, resolves symbolic links
 * to a real path, and reports -ENOENT (or the configured install folder,
 * when that holds the helper) otherwise. */
#include <criterion/criterion.h>
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/util/install_paths.h"

static char root[64];

static void mk_root(void)
{
	snprintf(root, sizeof(root), "/tmp/vpbench-test-inst.XXXXXX");
	cr_assert_not_null(mkdtemp(root));
}

static int rm_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	return remove(path);
}

static void rm_root(void)
{
	cr_assert_eq(nftw(root, rm_one, 16, FTW_DEPTH | FTW_PHYS), 0);
}

static void mkdirs(const char *path)
{
	char p[PATH_MAX];
	snprintf(p, sizeof(p), "%s", path);
	for (char *s = p + 1; *s; s++)
		if (*s == '/') {
			*s = 0;
			mkdir(p, 0755);
			*s = '/';
		}
	mkdir(p, 0755);
}

static void touch(const char *path)
{
	int fd = open(path, O_WRONLY | O_CREAT, 0755);
	cr_assert_geq(fd, 0, "%s", path);
	close(fd);
}

Test(install_paths, relocated_prefix_finds_its_own_helper, .init = mk_root,
     .fini = rm_root)
{
	char bin[PATH_MAX], helpers[PATH_MAX], file[PATH_MAX], want[PATH_MAX];
	char got[PATH_MAX];
	snprintf(bin, sizeof(bin), "%s/prefix/bin", root);
	snprintf(helpers, sizeof(helpers), "%s/%s", bin,
		 vp_install_bin_to_libexec());
	mkdirs(bin);
	mkdirs(helpers);
	snprintf(file, sizeof(file), "%s/fetch-guest-kernel.sh", helpers);
	touch(file);
	cr_assert_not_null(realpath(file, want));
	cr_assert_eq(vp_install_find_helper(bin, "fetch-guest-kernel.sh", got,
					    sizeof(got)),
		     0);
	cr_assert_str_eq(got, want);
	cr_assert_null(strstr(got, "/../"), "a clean path: %s", got);

	/* through a symbolic link to the prefix: the real path */
	char link[PATH_MAX], linkbin[PATH_MAX];
	snprintf(link, sizeof(link), "%s/moved", root);
	snprintf(linkbin, sizeof(linkbin), "%s/bin", link);
	snprintf(got, sizeof(got), "%s/prefix", root);
	cr_assert_eq(symlink(got, link), 0);
	cr_assert_eq(vp_install_find_helper(linkbin, "fetch-guest-kernel.sh",
					    got, sizeof(got)),
		     0);
	cr_assert_str_eq(got, want);
}

Test(install_paths, missing_helper_is_enoent, .init = mk_root, .fini = rm_root)
{
	char bin[PATH_MAX], got[PATH_MAX] = "x";
	snprintf(bin, sizeof(bin), "%s/empty/bin", root);
	mkdirs(bin);
	/* a name no install provides */
	cr_assert_eq(
	    vp_install_find_helper(bin, "no-such-helper.sh", got, sizeof(got)),
	    -ENOENT);
	cr_assert_str_eq(got, "");
	cr_assert_eq(
	    vp_install_find_helper(NULL, "no-such-helper.sh", got, sizeof(got)),
	    -ENOENT);
	/* a buffer too small for the path is a miss, not a truncated path */
	char small[8];
	cr_assert_eq(vp_install_find_helper(bin, "fetch-guest-kernel.sh", small,
					    sizeof(small)),
		     -ENOENT);
}
