/* Initramfs builder: the cpio newc writer (headers, padding, parent
 * directories, trailer; cross-checked with cpio(1) when installed), the ELF
 * reader and dependency walk on this very test binary, ldd output parsing,
 * ld.so.conf include handling and modules.dep resolution order. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/util/child.h"
#include "runner/guest/initramfs.h"

static unsigned hexfield(const char *h, int i)
{
	char buf[9];

	memcpy(buf, h + 6 + 8 * i, 8);
	buf[8] = '\0';
	return (unsigned)strtoul(buf, NULL, 16);
}

Test(cpio, layout_and_parents)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);
	struct vp_cpio c;
	const char *names[8];
	unsigned modes[8], sizes[8];
	size_t n = 0, off = 0;

	vp_cpio_init(&c, f);
	cr_assert_eq(vp_cpio_add(&c, "/a/b/file", S_IFREG | 0644, "hello", 5),
		     0);
	cr_assert_eq(vp_cpio_add_dir(&c, "a"), 0); /* already there */
	cr_assert_eq(vp_cpio_add(&c, "a/link", S_IFLNK | 0777, "b/file", 6), 0);
	cr_assert_eq(vp_cpio_finish(&c), 0);
	fclose(f);
	cr_expect_eq(len % 512, 0, "archive padded to 512 bytes");
	while (off + 110 <= len && n < 8) {
		const char *h = buf + off;
		unsigned nsize;

		cr_assert(memcmp(h, "070701", 6) == 0, "magic at %zu", off);
		modes[n] = hexfield(h, 1);
		sizes[n] = hexfield(h, 6);
		nsize = hexfield(h, 11);
		names[n] = h + 110;
		cr_assert_eq(names[n][nsize - 1], '\0');
		off += (110 + nsize + 3) & ~3u;
		cr_expect_eq(off % 4, 0);
		off += (sizes[n] + 3) & ~3u;
		if (strcmp(names[n++], "TRAILER!!!") == 0)
			break;
	}
	cr_assert_eq(n, 5);
	cr_expect_str_eq(names[0], "a");
	cr_expect(S_ISDIR(modes[0]));
	cr_expect_str_eq(names[1], "a/b");
	cr_expect_str_eq(names[2], "a/b/file");
	cr_expect_eq(modes[2], S_IFREG | 0644);
	cr_expect_eq(sizes[2], 5);
	/* 110-byte header + 9-byte name, padded to 120: data follows. */
	cr_expect(memcmp(names[2] + 10, "hello", 5) == 0);
	cr_expect_str_eq(names[3], "a/link");
	cr_expect(S_ISLNK(modes[3]));
	cr_expect_str_eq(names[4], "TRAILER!!!");
	free(buf);
}

/* cpio(1) lists the same entries. */
Test(cpio, readable_by_cpio_tool)
{
	char path[] = "/tmp/vp-cpio-test.XXXXXX", tool[256];
	char *argv[] = {"cpio", "-it", "--quiet", "-F", path, NULL};
	char *out = NULL, err[256];
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	struct vp_cpio c;

	if (vp_which("cpio", tool, sizeof(tool)) != 0) {
		unlink(path);
		cr_skip_test("cpio(1) not installed");
	}
	vp_cpio_init(&c, f);
	vp_cpio_add(&c, "x/y", S_IFREG | 0600, "abc", 3);
	cr_assert_eq(
	    vp_cpio_add_host_file(&c, "init", 0755, "/tmp", err, sizeof(err)),
	    -EINVAL, "a folder is refused: %s", err);
	cr_assert_eq(vp_cpio_finish(&c), 0);
	fclose(f);
	cr_assert_eq(
	    vp_child_capture(argv, &out, NULL, true, 10, err, sizeof(err)), 0,
	    "%s", out ? out : err);
	cr_expect_str_eq(out, "x\nx/y\n");
	free(out);
	unlink(path);
}

Test(elf, own_binary_needs_libc)
{
	struct vp_elf_info info;
	char err[256];

	cr_assert_eq(
	    vp_elf_read_info("/proc/self/exe", &info, err, sizeof(err)), 0,
	    "%s", err);
	cr_expect_str_eq(info.interp, "/lib64/ld-linux-x86-64.so.2");
	cr_expect(vp_strlist_has(&info.needed, "libc.so.6"));
	cr_expect(vp_strlist_has(&info.needed, "libcriterion.so.3"));
	vp_elf_info_free(&info);
	cr_expect(vp_elf_is_x86_64("/proc/self/exe"));
	cr_expect(!vp_elf_is_x86_64("/etc/hostname"));
	cr_expect_eq(vp_elf_read_info("/etc/hostname", &info, err, sizeof(err)),
		     -ENOEXEC);
	cr_expect(strstr(err, "not an ELF64"), "%s", err);
}

/* The walk finds what ldd finds (ldd is the reference where present). */
Test(elf, closure_matches_ldd)
{
	struct vp_strlist dirs = {0}, files = {0}, ldd = {0}, missing = {0};
	char interp[256], err[256], self[4096], tool[256];
	char *out = NULL;
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	cr_assert(n > 0);
	self[n] = '\0';
	vp_ld_search_dirs("", &dirs);
	cr_assert_eq(vp_elf_closure(self, &dirs, &files, interp, sizeof(interp),
				    err, sizeof(err)),
		     0, "%s", err);
	cr_expect_str_eq(interp, "/lib64/ld-linux-x86-64.so.2");
	cr_expect(files.n >= 2);
	if (vp_which("ldd", tool, sizeof(tool)) != 0)
		cr_skip_test("ldd not installed");
	char *argv[] = {"ldd", self, NULL};
	cr_assert_eq(
	    vp_child_capture(argv, &out, NULL, false, 20, err, sizeof(err)), 0);
	cr_assert_eq(vp_ldd_parse(out, &ldd, &missing), 0);
	cr_expect_eq(missing.n, 0);
	/* ldd prints the interpreter too; the walk keeps it apart. */
	cr_expect_eq(ldd.n, files.n + 1, "ldd %zu vs walk %zu", ldd.n, files.n);
	for (size_t j = 0; j < ldd.n; j++) {
		char a[4096], b[4096];
		bool found = realpath(interp, b) && realpath(ldd.v[j], a) &&
			     strcmp(a, b) == 0;

		for (size_t i = 0; i < files.n && !found; i++)
			found = realpath(files.v[i], b) && strcmp(a, b) == 0;
		cr_expect(found, "ldd's %s not found by the walk", ldd.v[j]);
	}
	for (size_t i = 0; i < files.n; i++) {
		char a[4096], b[4096];
		bool found = false;

		cr_assert(realpath(files.v[i], a));
		for (size_t j = 0; j < ldd.n && !found; j++)
			found = realpath(ldd.v[j], b) && strcmp(a, b) == 0;
		cr_expect(found, "%s not in ldd output", files.v[i]);
	}
	free(out);
	vp_strlist_free(&dirs);
	vp_strlist_free(&files);
	vp_strlist_free(&ldd);
	vp_strlist_free(&missing);
}

Test(elf, ldd_parse)
{
	static const char text[] =
	    "\tlinux-vdso.so.1 (0x00007ffd)\n"
	    "\tlibhwloc.so.15 => /lib/x86_64-linux-gnu/libhwloc.so.15 "
	    "(0x00007f)\n"
	    "\tlibfoo.so.1 => not found\n"
	    "\t/lib64/ld-linux-x86-64.so.2 (0x00007f22)\n"
	    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x1)\n"
	    "\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x1)\n";
	struct vp_strlist p = {0}, m = {0};

	cr_assert_eq(vp_ldd_parse(text, &p, &m), 0);
	cr_assert_eq(p.n, 3);
	cr_expect_str_eq(p.v[0], "/lib/x86_64-linux-gnu/libhwloc.so.15");
	cr_expect_str_eq(p.v[1], "/lib64/ld-linux-x86-64.so.2");
	cr_expect_str_eq(p.v[2], "/lib/x86_64-linux-gnu/libc.so.6");
	cr_assert_eq(m.n, 1);
	cr_expect_str_eq(m.v[0], "libfoo.so.1");
	vp_strlist_free(&p);
	vp_strlist_free(&m);
}

Test(elf, ld_conf_includes)
{
	char root[] = "/tmp/vp-ldroot.XXXXXX", p[512];
	struct vp_strlist dirs = {0};
	FILE *f;

	cr_assert(mkdtemp(root));
	snprintf(p, sizeof(p), "%s/etc", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/ld.so.conf.d", root);
	mkdir(p, 0755);
	snprintf(p, sizeof(p), "%s/etc/ld.so.conf", root);
	f = fopen(p, "w");
	fprintf(f, "# comment\n/opt/first\ninclude /etc/ld.so.conf.d/*.conf\n");
	fclose(f);
	snprintf(p, sizeof(p), "%s/etc/ld.so.conf.d/a.conf", root);
	f = fopen(p, "w");
	fprintf(f, "  /opt/second  # trailing\n\nrelative/ignored\n");
	fclose(f);
	cr_assert_eq(vp_ld_search_dirs(root, &dirs), 0);
	cr_assert(dirs.n >= 3);
	cr_expect_str_eq(dirs.v[0], "/opt/first");
	cr_expect_str_eq(dirs.v[1], "/opt/second");
	cr_expect_str_eq(dirs.v[2], "/lib/x86_64-linux-gnu");
	cr_expect(!vp_strlist_has(&dirs, "relative/ignored"));
	vp_strlist_free(&dirs);
	snprintf(p, sizeof(p), "%s/etc/ld.so.conf.d/a.conf", root);
	unlink(p);
	snprintf(p, sizeof(p), "%s/etc/ld.so.conf", root);
	unlink(p);
	snprintf(p, sizeof(p), "%s/etc/ld.so.conf.d", root);
	rmdir(p);
	snprintf(p, sizeof(p), "%s/etc", root);
	rmdir(p);
	rmdir(root);
}

static const char dep_text[] =
    "kernel/drivers/virtio/virtio.ko: kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/drivers/virtio/virtio_ring.ko:\n"
    "kernel/drivers/virtio/virtio_pci_modern_dev.ko:\n"
    "kernel/drivers/virtio/virtio_pci_legacy_dev.ko:\n"
    "kernel/drivers/virtio/virtio_pci.ko.xz: "
    "kernel/drivers/virtio/virtio_pci_legacy_dev.ko "
    "kernel/drivers/virtio/virtio_pci_modern_dev.ko "
    "kernel/drivers/virtio/virtio.ko kernel/drivers/virtio/virtio_ring.ko\n"
    "kernel/drivers/block/virtio_blk.ko.zst: kernel/drivers/virtio/virtio.ko "
    "kernel/drivers/virtio/virtio_ring.ko\n";

Test(modules, dependency_order)
{
	const char *names[] = {"virtio-pci", "virtio_blk"};
	struct vp_strlist order = {0};
	char err[256];
	const char *want[] = {
	    "kernel/drivers/virtio/virtio_ring.ko",
	    "kernel/drivers/virtio/virtio.ko",
	    "kernel/drivers/virtio/virtio_pci_modern_dev.ko",
	    "kernel/drivers/virtio/virtio_pci_legacy_dev.ko",
	    "kernel/drivers/virtio/virtio_pci.ko.xz",
	    "kernel/drivers/block/virtio_blk.ko.zst",
	};

	cr_assert_eq(vp_modules_resolve_text(dep_text, NULL, names, 2, &order,
					     err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(order.n, 6);
	for (size_t i = 0; i < 6; i++)
		cr_expect_str_eq(order.v[i], want[i]);
	vp_strlist_free(&order);
}

Test(modules, builtin_and_missing)
{
	const char *names[] = {"virtio_net"};
	const char *blk[] = {"virtio_blk"};
	struct vp_strlist order = {0};
	char err[256];

	cr_expect_eq(vp_modules_resolve_text(
			 dep_text, "kernel/drivers/net/virtio_net.ko\n", names,
			 1, &order, err, sizeof(err)),
		     0);
	cr_expect_eq(order.n, 0, "built-in modules are not loaded");
	cr_expect_eq(vp_modules_resolve_text(dep_text, "", names, 1, &order,
					     err, sizeof(err)),
		     -ENOENT);
	cr_expect(strstr(err, "virtio_net"), "%s", err);
	cr_expect_eq(vp_modules_resolve_text(dep_text, "", blk, 1, &order, err,
					     sizeof(err)),
		     0);
	cr_expect_eq(order.n, 3);
	vp_strlist_free(&order);
}
