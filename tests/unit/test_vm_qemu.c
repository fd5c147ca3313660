/* QEMU control pieces that need no QEMU: the argv (TCG vs KVM, channels,
 * O_DIRECT disk, comma escaping), the accelerator choice, QMP
 * query-cpus-fast parsing, and the guest's kernel command line parsing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>

#include "runner/guest/guest_init.h"
#include "runner/targets/qemu.h"

static const char *after(const struct vp_strlist *a, const char *opt)
{
	for (size_t i = 0; i + 1 < a->n; i++)
		if (strcmp(a->v[i], opt) == 0)
			return a->v[i + 1];
	return NULL;
}

Test(qemu, argv_tcg_with_disk)
{
	struct vp_qemu_cfg c = {
	    .qemu = "qemu-system-x86_64",
	    .kernel = "/k/vmlinuz",
	    .initrd = "/run,1/initrd.cpio",
	    .append = "console=ttyS0 vpbench.target=vm2",
	    .vcpus = 2,
	    .mem_mb = 512,
	    .console_log = "/run,1/console-vm2.log",
	    .qmp_sock = "/tmp/q/qmp.sock",
	    .disk = "/run,1/scratch.img",
	    .disk_cache = "none",
	    .disk_aio = "native",
	};
	struct vp_strlist a = {0};

	cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
	cr_expect_str_eq(a.v[0], "qemu-system-x86_64");
	cr_expect_str_eq(after(&a, "-accel"), "tcg,thread=multi");
	cr_expect_str_eq(after(&a, "-cpu"), "max");
	cr_expect_str_eq(after(&a, "-smp"), "2");
	cr_expect_str_eq(after(&a, "-m"), "512M");
	cr_expect_str_eq(after(&a, "-append"), c.append);
	/* -initrd is a plain path argument, not a sub-option list. */
	cr_expect_str_eq(after(&a, "-initrd"), "/run,1/initrd.cpio");
	cr_expect(vp_strlist_has(&a, "-no-reboot"));
	cr_expect(vp_strlist_has(&a, "-nodefaults"));
	cr_expect(
	    vp_strlist_has(&a, "file,id=con,path=/run,,1/console-vm2.log"));
	cr_expect(vp_strlist_has(&a, "stdio,id=agent,signal=off"));
	cr_expect(
	    vp_strlist_has(&a, "unix:/tmp/q/qmp.sock,server=on,wait=off"));
	cr_expect(vp_strlist_has(&a,
				 "file=/run,,1/scratch.img,if=none,id=scratch,"
				 "format=raw,cache=none,aio=native"));
	cr_expect(vp_strlist_has(&a, "virtio-blk-pci,drive=scratch"));
	/* ttyS0 = console, ttyS1 = agent, in that order. */
	size_t s0 = 0, s1 = 0;
	for (size_t i = 0; i < a.n; i++) {
		if (strcmp(a.v[i], "chardev:con") == 0)
			s0 = i;
		if (strcmp(a.v[i], "chardev:agent") == 0)
			s1 = i;
	}
	cr_expect(s0 && s1 && s0 < s1);
	vp_strlist_free(&a);
}

Test(qemu, argv_kvm_without_disk)
{
	struct vp_qemu_cfg c = {.qemu = "q",
				.kernel = "k",
				.initrd = "i",
				.append = "a",
				.vcpus = 4,
				.mem_mb = 256,
				.kvm = true,
				.console_log = "c"};
	struct vp_strlist a = {0};

	cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
	cr_expect_str_eq(after(&a, "-accel"), "kvm");
	cr_expect_str_eq(after(&a, "-cpu"), "host");
	cr_expect_null(after(&a, "-drive"));
	cr_expect_null(after(&a, "-qmp"));
	vp_strlist_free(&a);
}

Test(qemu, accel_choice)
{
	char err[256];
	bool kvm;

	cr_expect_eq(
	    vp_qemu_accel_choose("auto", true, "", &kvm, err, sizeof(err)), 0);
	cr_expect(kvm);
	cr_expect_eq(
	    vp_qemu_accel_choose("auto", false, "x", &kvm, err, sizeof(err)),
	    0);
	cr_expect(!kvm);
	cr_expect_eq(
	    vp_qemu_accel_choose("tcg", true, "", &kvm, err, sizeof(err)), 0);
	cr_expect(!kvm);
	cr_expect_eq(vp_qemu_accel_choose("kvm", false, "/dev/kvm: ENOENT",
					  &kvm, err, sizeof(err)),
		     -ENODEV);
	cr_expect(strstr(err, "KVM is not usable here (/dev/kvm: ENOENT)"),
		  "%s", err);
	cr_expect_eq(
	    vp_qemu_accel_choose("xen", true, "", &kvm, err, sizeof(err)),
	    -EINVAL);
	cr_expect(strstr(err, "auto, kvm, tcg"), "%s", err);
}

Test(guest_init, cmdline_params)
{
	struct vp_guest_params p;

	vp_guest_params_parse("BOOT_IMAGE=x console=ttyS0 quiet "
			      "vpbench.target=vm4 vpbench.accel=tcg "
			      "vpbench.host_cpus=2 vpbench.disk=1 "
			      "vpbench.fault=stall vpbench.stall_s=0.5 "
			      "vpbench.other=ignored vpbench.targetx=no\n",
			      &p);
	cr_expect_str_eq(p.target, "vm4");
	cr_expect_str_eq(p.accel, "tcg");
	cr_expect_str_eq(p.host_cpus, "2");
	cr_expect_str_eq(p.chan, "/dev/ttyS1");
	cr_expect_str_eq(p.fault, "stall");
	cr_expect_float_eq(p.stall_s, 0.5, 1e-9);
	cr_expect_eq(p.disk, 1);
	cr_expect_eq(p.boot_floor, 0);
	vp_guest_params_parse("", &p);
	cr_expect_str_eq(p.fault, "");
	cr_expect_eq(p.disk, 0);
}
