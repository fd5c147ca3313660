/* QEMU control pieces that need no QEMU: the argv (TCG vs KVM, channels,
 * O_DIRECT disk, comma escaping), the accelerator choice, QMP
 * query-cpus-fast parsing, and the guest's kernel command line parsing. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/guest/guest_init.h"
#include "runner/targets/qemu.h"
#include "runner/targets/vm_cond.h"
#include "test_data.h"

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
	cr_expect_str_eq(after(&a, "-smp"), "2,sockets=1,cores=2,threads=1");
	cr_expect_str_eq(after(&a, "-machine"), "pc");
	cr_expect_null(after(&a, "-overcommit"));
	cr_expect_null(after(&a, "-object"));
	cr_expect_str_eq(after(&a, "-m"), "512M");
	cr_expect_str_eq(after(&a, "-append"), c.append);
	/* -initrd is a plain path argument, not a sub-option list. */
	cr_expect_str_eq(after(&a, "-initrd"), "/run,1/initrd.cpio");
	cr_expect(vp_strlist_has(&a, "-no-reboot"));
	cr_expect_str_eq(after(&a, "-name"), "vpbench,debug-threads=on");
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
	cr_expect_str_eq(after(&a, "-smp"), "4,sockets=1,cores=4,threads=1");
	cr_expect_null(after(&a, "-drive"));
	cr_expect_null(after(&a, "-qmp"));
	vp_strlist_free(&a);
}

/* A 1-vCPU TCG guest is declared with a second, unplugged CPU slot (QEMU
 * < 8.1 elides a maxcpus=1 guest's barriers; see qemu.h); under KVM, and
 * with more vCPUs, the slots are the vCPUs. */
Test(qemu, one_vcpu_tcg_guest_gets_a_second_slot)
{
	struct vp_qemu_cfg c = {.qemu = "q",
				.kernel = "k",
				.initrd = "i",
				.append = "a",
				.vcpus = 1,
				.mem_mb = 256,
				.console_log = "c"};
	struct vp_strlist a = {0};

	cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
	cr_expect_str_eq(after(&a, "-smp"),
			 "1,maxcpus=2,sockets=1,cores=2,threads=1");
	vp_strlist_free(&a);
	c.kvm = true;
	cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
	cr_expect_str_eq(after(&a, "-smp"), "1,sockets=1,cores=1,threads=1");
	vp_strlist_free(&a);
	cr_expect_eq(vp_qemu_cpu_slots(1, false), 2);
	cr_expect_eq(vp_qemu_cpu_slots(1, true), 1);
	cr_expect_eq(vp_qemu_cpu_slots(2, false), 2);
	cr_expect_eq(vp_qemu_cpu_slots(4, true), 4);
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

static char *slurp(const char *name)
{
	return vp_test_slurp("cpuid", name);
}

/* Recorded and synthesized /proc/cpuinfo texts: whole flags only. */
Test(qemu, hw_virt_flag_on_recorded_cpuinfo)
{
	static const struct {
		const char *file;
		bool virt;
	} cases[] = {
	    {"cpuinfo_kvm_this_machine.txt", false}, /* nested: no svm */
	    {"cpuinfo_old_intel.txt", true},	     /* vmx */
	    {"cpuinfo_amd_host_svm.txt", true},	     /* svm and svm_lock */
	    {"cpuinfo_svm_lock_only.txt", false},    /* " svm" substring */
	    {"cpuinfo_arm64.txt", false},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = slurp(cases[i].file);

		cr_expect_eq(vp_cpuinfo_hw_virt(t), cases[i].virt, "%s",
			     cases[i].file);
		free(t);
	}
}

/* /dev/kvm failures: each errno gets its reason and fix. */
Test(qemu, kvm_errno_messages)
{
	static const struct {
		const char *op;
		int err, in_group;
		const char *want;
	} cases[] = {
	    {"open", EACCES, 0, "sudo usermod -aG kvm $USER"},
	    {"open", EACCES, 0, "not in group 'kvm'"},
	    {"open", EACCES, 1, "already in group 'kvm'"},
	    {"open", EACCES, -1, "ls -l /dev/kvm"},
	    {"open", EPERM, 0, "usermod -aG kvm"},
	    {"open", ENOENT, -1, "modprobe kvm_intel or kvm_amd"},
	    {"open", ENOENT, -1, "open (ENOENT)"},
	    {"KVM_CREATE_VM", EBUSY, 1, "another hypervisor"},
	    {"KVM_CREATE_VM", EBUSY, 1, "KVM_CREATE_VM (EBUSY)"},
	    {"open", ENXIO, -1, "no KVM module serves it"},
	    {"KVM_CREATE_VM", ENOMEM, 1, "Cannot allocate memory"},
	};
	char buf[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vp_kvm_why(cases[i].op, cases[i].err, "kvm", cases[i].in_group,
			   buf, sizeof(buf));
		cr_expect(strstr(buf, cases[i].want), "case %zu: %s", i, buf);
	}
	/* The usermod line only where it is the fix. */
	vp_kvm_why("open", EACCES, "kvm", 1, buf, sizeof(buf));
	cr_expect_null(strstr(buf, "usermod"), "%s", buf);
	vp_kvm_why("open", ENOENT, "kvm", 0, buf, sizeof(buf));
	cr_expect_null(strstr(buf, "usermod"), "%s", buf);
	/* Another group name (some distributions use a different one). */
	vp_kvm_why("open", EACCES, "libvirt-qemu", 0, buf, sizeof(buf));
	cr_expect(strstr(buf, "usermod -aG libvirt-qemu $USER"), "%s", buf);
}

static const struct vp_qemu_cfg base = {.qemu = "q",
					.kernel = "k",
					.initrd = "i",
					.append = "a",
					.vcpus = 4,
					.mem_mb = 512,
					.kvm = true,
					.console_log = "c"};

/* Each target condition's argv, under KVM. */
Test(qemu, argv_conditions)
{
	static const struct {
		const char *name;
		int pv_unhalt;
		bool cpu_pm, invtsc;
		const char *mem_path;
		const char *cpu, *overcommit, *machine, *object;
	} cases[] = {
	    {"none", 0, false, false, NULL, "host", NULL, "pc", NULL},
	    {"pvspin=off", -1, false, false, NULL, "host,kvm-pv-unhalt=off",
	     NULL, "pc", NULL},
	    {"pvspin=on", 1, false, false, NULL, "host,kvm-pv-unhalt=on", NULL,
	     "pc", NULL},
	    {"cpu-pm=on", 0, true, false, NULL, "host", "cpu-pm=on", "pc",
	     NULL},
	    {"invtsc=on", 0, false, true, NULL, "host,migratable=no,+invtsc",
	     NULL, "pc", NULL},
	    {"hugepages=on", 0, false, false, "/dev/hugepages", "host", NULL,
	     "pc,memory-backend=ram0",
	     "memory-backend-file,id=ram0,size=512M,mem-path=/dev/hugepages,"
	     "share=off,prealloc=on"},
	    {"all", -1, true, true, "/mnt/huge,1G",
	     "host,migratable=no,+invtsc,kvm-pv-unhalt=off", "cpu-pm=on",
	     "pc,memory-backend=ram0",
	     "memory-backend-file,id=ram0,size=512M,mem-path=/mnt/huge,,1G,"
	     "share=off,prealloc=on"},
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_qemu_cfg c = base;
		struct vp_strlist a = {0};
		const char *o;

		c.pv_unhalt = cases[i].pv_unhalt;
		c.cpu_pm = cases[i].cpu_pm;
		c.invtsc = cases[i].invtsc;
		c.mem_path = cases[i].mem_path;
		cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
		cr_expect_str_eq(after(&a, "-cpu"), cases[i].cpu, "%s",
				 cases[i].name);
		o = after(&a, "-overcommit");
		if (cases[i].overcommit)
			cr_expect(o && !strcmp(o, cases[i].overcommit), "%s",
				  cases[i].name);
		else
			cr_expect_null(o, "%s", cases[i].name);
		cr_expect_str_eq(after(&a, "-machine"), cases[i].machine, "%s",
				 cases[i].name);
		o = after(&a, "-object");
		if (cases[i].object)
			cr_expect(o && !strcmp(o, cases[i].object), "%s: %s",
				  cases[i].name, o ? o : "(none)");
		else
			cr_expect_null(o, "%s", cases[i].name);
		cr_expect_str_eq(after(&a, "-m"), "512M");
		vp_strlist_free(&a);
	}
}

/* Under TCG the KVM-only switches never reach the argv (the target refuses
 * them before; this is the second line of defence). */
Test(qemu, argv_tcg_ignores_kvm_switches)
{
	struct vp_qemu_cfg c = base;
	struct vp_strlist a = {0};

	c.kvm = false;
	c.pv_unhalt = -1;
	c.cpu_pm = true;
	c.invtsc = true;
	cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
	cr_expect_str_eq(after(&a, "-cpu"), "max");
	cr_expect_null(after(&a, "-overcommit"));
	vp_strlist_free(&a);
}

/* The scratch disk's target conditions (vm_disk_cond.h) as QEMU argv. */
Test(qemu, argv_disk_conditions)
{
	static const struct {
		const char *spec;
		const char *drive, *device, *object; /* object NULL: none */
	} cases[] = {
	    {"vm2", "cache=none,aio=native", "virtio-blk-pci,drive=scratch",
	     NULL},
	    {"vm2:iothread=on", "cache=none,aio=native",
	     "virtio-blk-pci,drive=scratch,iothread=iothread0",
	     "iothread,id=iothread0"},
	    {"vm2:aio=io_uring,cache=writeback", "cache=writeback,aio=io_uring",
	     "virtio-blk-pci,drive=scratch", NULL},
	    {"vm2:aio=threads", "cache=none,aio=threads",
	     "virtio-blk-pci,drive=scratch", NULL},
	    {"vm2:queues=4", "cache=none,aio=native",
	     "virtio-blk-pci,drive=scratch,num-queues=4", NULL},
	    {"vm2:iothread=on,aio=io_uring,queues=2", "cache=none,aio=io_uring",
	     "virtio-blk-pci,drive=scratch,iothread=iothread0,num-queues=2",
	     "iothread,id=iothread0"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_vm_cond vc;
		struct vp_disk_mode m;
		struct vp_strlist a = {0};
		char drive[256], err[512];

		cr_assert_eq(
		    vp_vm_cond_of_target(cases[i].spec, &vc, err, sizeof(err)),
		    0, "%s: %s", cases[i].spec, err);
		cr_assert_eq(vp_vm_disk_mode_resolve(&vc.disk, true, NULL, NULL,
						     &m, err, sizeof(err)),
			     0);
		struct vp_qemu_cfg c = {.qemu = "q",
					.kernel = "k",
					.initrd = "i",
					.append = "a",
					.vcpus = 2,
					.mem_mb = 512,
					.console_log = "c",
					.disk = "/run/scratch.img",
					.disk_cache = m.cache,
					.disk_aio = m.aio,
					.disk_iothread = m.iothread,
					.disk_queues = m.queues};
		cr_assert_eq(vp_qemu_build_argv(&c, &a), 0);
		snprintf(drive, sizeof(drive),
			 "file=/run/scratch.img,if=none,id=scratch,format=raw,"
			 "%s",
			 cases[i].drive);
		cr_expect_str_eq(after(&a, "-drive"), drive, "%s",
				 cases[i].spec);
		cr_expect_str_eq(after(&a, "-device"), cases[i].device, "%s",
				 cases[i].spec);
		if (cases[i].object)
			cr_expect_str_eq(after(&a, "-object"), cases[i].object,
					 "%s", cases[i].spec);
		else
			cr_expect_null(after(&a, "-object"), "%s",
				       cases[i].spec);
		vp_strlist_free(&a);
	}
}
