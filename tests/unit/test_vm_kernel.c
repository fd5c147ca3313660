/* Guest kernel discovery: bzImage validation and version, and the search
 * order --kernel > host /boot + /lib/modules > cache (newest version), with
 * the module tree matched by version; the error names the fetch command. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/guest/guest_kernel.h"
#include "runner/util/child.h"

static char root[64];

static void mkpath(const char *rel)
{
	char p[512], *s;

	snprintf(p, sizeof(p), "%s/%s", root, rel);
	for (s = p + strlen(root) + 1; (s = strchr(s, '/')); s++) {
		*s = '\0';
		mkdir(p, 0755);
		*s = '/';
	}
	mkdir(p, 0755);
}

static void fake_bzimage(const char *rel, const char *version)
{
	unsigned char img[0x400] = {0};
	char p[512];
	FILE *f;

	img[0x1fe] = 0x55;
	img[0x1ff] = 0xaa;
	memcpy(img + 0x202, "HdrS", 4);
	img[0x20e] = 0x00; /* version string at 0x100 + 0x200 */
	img[0x20f] = 0x01;
	snprintf((char *)img + 0x300, 0x100, "%s (builder@host) #1 SMP",
		 version);
	snprintf(p, sizeof(p), "%s/%s", root, rel);
	f = fopen(p, "w");
	cr_assert(f);
	fwrite(img, 1, sizeof(img), f);
	fclose(f);
}

static void setup(void)
{
	snprintf(root, sizeof(root), "/tmp/vp-kernel-test.XXXXXX");
	cr_assert(mkdtemp(root));
	mkpath("boot");
	mkpath("lib/modules/6.1.0-host");
	mkpath("cache/kernel/boot");
	mkpath("cache/kernel/lib/modules/6.1.0-9-cloud");
	mkpath("cache/kernel/lib/modules/6.1.0-10-cloud");
}

static void teardown(void)
{
	char *argv[] = {"rm", "-rf", "--", root, NULL};
	char err[64];

	vp_child_capture(argv, NULL, NULL, false, 10, err, sizeof(err));
}

static void search_in(struct vp_kernel_search *s, char *b, char *m, char *c)
{
	sprintf(b, "%s/boot", root);
	sprintf(m, "%s/lib/modules", root);
	sprintf(c, "%s/cache", root);
	memset(s, 0, sizeof(*s));
	s->boot_dir = b;
	s->modules_root = m;
	s->release = "6.1.0-host";
	s->cache_dir = c;
}

TestSuite(kernel, .init = setup, .fini = teardown);

Test(kernel, bzimage_version_and_refusal)
{
	char ver[64], err[256], p[512];

	fake_bzimage("boot/vmlinuz-6.1.0-host", "6.1.0-host");
	snprintf(p, sizeof(p), "%s/boot/vmlinuz-6.1.0-host", root);
	cr_assert_eq(vp_bzimage_version(p, ver, sizeof(ver), err, sizeof(err)),
		     0, "%s", err);
	cr_expect_str_eq(ver, "6.1.0-host");
	cr_expect_eq(vp_bzimage_version("/etc/passwd", ver, sizeof(ver), err,
					sizeof(err)),
		     -ENOEXEC);
	cr_expect(strstr(err, "not an x86 bzImage"), "%s", err);
	cr_expect_eq(vp_bzimage_version("/nonexistent", ver, sizeof(ver), err,
					sizeof(err)),
		     -ENOENT);
}

Test(kernel, order_host_then_cache)
{
	struct vp_kernel_search s;
	struct vp_guest_kernel k;
	char b[128], m[128], c[128], err[512];

	search_in(&s, b, m, c);
	/* Nothing anywhere: the error names the command. */
	cr_expect_eq(vp_guest_kernel_find_in(&s, &k, err, sizeof(err)),
		     -ENOENT);
	cr_expect(strstr(err, "bash ci/fetch-guest-kernel.sh` from the vpbench "
			      "sources"),
		  "%s", err);
	cr_expect(strstr(err, "--kernel FILE --modules DIR"), "%s", err);
	/* An installed binary names its own copy of the script. */
	s.fetch_script = "/opt/vp/libexec/vpbench/fetch-guest-kernel.sh";
	cr_expect_eq(vp_guest_kernel_find_in(&s, &k, err, sizeof(err)),
		     -ENOENT);
	cr_expect(strstr(err, "run `bash "
			      "/opt/vp/libexec/vpbench/fetch-guest-kernel.sh` "
			      "(downloads"),
		  "%s", err);
	cr_expect_null(strstr(err, "ci/"), "%s", err);
	s.fetch_script = NULL;

	/* Cache only: the newest version (version order, not ASCII). */
	fake_bzimage("cache/kernel/boot/vmlinuz-6.1.0-9-cloud",
		     "6.1.0-9-cloud");
	fake_bzimage("cache/kernel/boot/vmlinuz-6.1.0-10-cloud",
		     "6.1.0-10-cloud");
	cr_assert_eq(vp_guest_kernel_find_in(&s, &k, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_str_eq(k.source, "cache");
	cr_expect_str_eq(k.version, "6.1.0-10-cloud");
	cr_expect(strstr(k.modules, "cache/kernel/lib/modules/6.1.0-10-cloud"),
		  "%s", k.modules);

	/* The host's own kernel wins over the cache. */
	fake_bzimage("boot/vmlinuz-6.1.0-host", "6.1.0-host");
	cr_assert_eq(vp_guest_kernel_find_in(&s, &k, err, sizeof(err)), 0);
	cr_expect_str_eq(k.source, "host");
	cr_expect(strstr(k.modules, "lib/modules/6.1.0-host"), "%s", k.modules);
}

Test(kernel, option_wins_and_modules_option)
{
	struct vp_kernel_search s;
	struct vp_guest_kernel k;
	char b[128], m[128], c[128], err[512], opt[512], mods[512];

	search_in(&s, b, m, c);
	fake_bzimage("boot/vmlinuz-6.1.0-host", "6.1.0-host");
	fake_bzimage("cache/kernel/boot/vmlinuz-6.1.0-9-cloud",
		     "6.1.0-9-cloud");
	snprintf(opt, sizeof(opt), "%s/cache/kernel/boot/vmlinuz-6.1.0-9-cloud",
		 root);
	s.kernel_opt = opt;
	cr_assert_eq(vp_guest_kernel_find_in(&s, &k, err, sizeof(err)), 0, "%s",
		     err);
	cr_expect_str_eq(k.source, "option");
	cr_expect_str_eq(k.kernel, opt);
	/* Modules found next to the kernel (dpkg -x layout). */
	cr_expect(strstr(k.modules, "lib/modules/6.1.0-9-cloud"), "%s",
		  k.modules);

	snprintf(mods, sizeof(mods), "%s/lib/modules/6.1.0-host", root);
	s.modules_opt = mods;
	cr_assert_eq(vp_guest_kernel_find_in(&s, &k, err, sizeof(err)), 0);
	cr_expect_str_eq(k.modules, mods);

	s.modules_opt = "/nonexistent/modules";
	cr_expect_eq(vp_guest_kernel_find_in(&s, &k, err, sizeof(err)),
		     -ENOTDIR);
	cr_expect(strstr(err, "--modules"), "%s", err);

	s.modules_opt = NULL;
	s.kernel_opt = "/etc/passwd";
	cr_expect_eq(vp_guest_kernel_find_in(&s, &k, err, sizeof(err)),
		     -ENOEXEC);
	cr_expect(strstr(err, "/etc/passwd"), "%s", err);
}

Test(kernel, cache_dir_env)
{
	char buf[256];

	setenv("VPBENCH_CACHE", "/x/y", 1);
	vp_guest_cache_dir(buf, sizeof(buf));
	cr_expect_str_eq(buf, "/x/y");
	unsetenv("VPBENCH_CACHE");
	setenv("HOME", "/home/u", 1);
	vp_guest_cache_dir(buf, sizeof(buf));
	cr_expect_str_eq(buf, "/home/u/.cache/vpbench");
}
