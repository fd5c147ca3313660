/* Environment probe: CPUID signature mapping on saved dumps, /proc/cpuinfo
 * parsing, the key/value list, and a live collection with the expected
 * stable keys. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/envinfo.h"
#include "test_data.h"

static char *slurp(const char *name)
{
	return vp_test_slurp("cpuid", name);
}

Test(envinfo, signature_table)
{
	static const struct {
		const char sig[12];
		const char *name;
	} cases[] = {
	    {"KVMKVMKVM\0\0\0", "KVM"},
	    {"Microsoft Hv", "Microsoft Hv"},
	    {"VMwareVMware", "VMware"},
	    {"XenVMMXenVMM", "Xen"},
	    {"TCGTCGTCGTCG", "TCG"},
	    {"bhyve bhyve ", "bhyve"},
	    {"ACRNACRNACRN", "ACRN"},
	    {"QNXQVMBSQG\0\0", "QNX"},
	    {" lrpepyh  vr", "Parallels"},
	    {"VBoxVBoxVBox", "VirtualBox"},
	    {"KVMKVMKVMKVM", NULL}, /* not padded with NULs: not KVM */
	    {"\0\0\0\0\0\0\0\0\0\0\0\0", NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const char *n = vp_hypervisor_from_signature(cases[i].sig);
		if (!cases[i].name)
			cr_expect_null(n, "case %zu gave %s", i, n);
		else
			cr_expect_str_eq(n ? n : "(null)", cases[i].name);
	}
}

Test(envinfo, cpuid_dumps_map_to_hypervisors)
{
	static const struct {
		const char *file, *want; /* NULL: no hypervisor */
	} cases[] = {
	    {"kvm_this_machine.txt", "KVM"},
	    {"bare_metal.txt", NULL},
	    {"bare_metal_stale_leaf.txt", NULL},
	    {"hyperv.txt", "Microsoft Hv"},
	    {"kvm_hyperv_enlightened.txt", "KVM"},
	    {"vmware.txt", "VMware"},
	    {"xen.txt", "Xen"},
	    {"tcg.txt", "TCG"},
	    {"bhyve.txt", "bhyve"},
	    {"acrn.txt", "ACRN"},
	    {"qnx.txt", "QNX"},
	    {"parallels.txt", "Parallels"},
	    {"virtualbox.txt", "VirtualBox"},
	    {"empty_signature.txt",
	     "unknown (hypervisor bit set, empty signature)"},
	    {"unknown_signature.txt", "unknown (FooBarBazQux)"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = slurp(cases[i].file);
		struct vp_cpuid_regs l1, base, next;
		cr_assert_eq(vp_cpuid_dump_find(t, 1, &l1), 0, "%s",
			     cases[i].file);
		cr_assert_eq(vp_cpuid_dump_find(t, 0x40000000, &base), 0);
		int have_next = vp_cpuid_dump_find(t, 0x40000100, &next) == 0;
		char buf[128];
		const char *hv = vp_hypervisor_from_cpuid(
		    &l1, &base, have_next ? &next : NULL, buf, sizeof(buf));
		if (!cases[i].want)
			cr_expect_null(hv, "%s gave %s", cases[i].file, hv);
		else
			cr_expect_str_eq(hv ? hv : "(null)", cases[i].want,
					 "%s", cases[i].file);
		free(t);
	}
}

Test(envinfo, cpuid_dump_parser)
{
	char *t = slurp("kvm_this_machine.txt");
	struct vp_cpuid_regs r;
	cr_assert_eq(vp_cpuid_dump_find(t, 0x40000000, &r), 0);
	cr_expect_eq(r.eax, 0x40000001);
	cr_expect_eq(r.ebx, 0x4b4d564b);
	cr_expect_eq(r.edx, 0x0000004d);
	cr_expect_eq(vp_cpuid_dump_find(t, 0x80000008, &r), -ENOENT);
	cr_expect_eq(vp_cpuid_dump_find("garbage\n0x1 nothing\n", 1, &r),
		     -ENOENT);
	free(t);
}

Test(envinfo, cpuinfo_model_and_flags)
{
	static const struct {
		const char *file;
		const char *model; /* NULL: none */
		int constant_tsc, nonstop_tsc, hypervisor;
	} cases[] = {
	    {"cpuinfo_kvm_this_machine.txt", "AMD EPYC", 1, 1, 1},
	    {"cpuinfo_old_intel.txt",
	     "Intel(R) Core(TM)2 CPU          6600  @ 2.40GHz", 1, 0, 0},
	    {"cpuinfo_arm64.txt", NULL, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char *t = slurp(cases[i].file);
		char model[256];
		int r = vp_cpuinfo_model(t, model, sizeof(model));
		if (cases[i].model) {
			cr_expect_eq(r, 0);
			cr_expect_str_eq(model, cases[i].model);
		} else {
			cr_expect_eq(r, -ENOENT);
		}
		cr_expect_eq(vp_cpuinfo_has_flag(t, "constant_tsc"),
			     cases[i].constant_tsc, "%s", cases[i].file);
		cr_expect_eq(vp_cpuinfo_has_flag(t, "nonstop_tsc"),
			     cases[i].nonstop_tsc, "%s", cases[i].file);
		cr_expect_eq(vp_cpuinfo_has_flag(t, "hypervisor"),
			     cases[i].hypervisor, "%s", cases[i].file);
		/* a prefix of a flag is not the flag */
		cr_expect_eq(vp_cpuinfo_has_flag(t, "constant"), 0);
		free(t);
	}
}

Test(envinfo, kvlist_sets_replaces_and_keeps_order)
{
	struct vp_kvlist l;
	vp_kvlist_init(&l);
	for (int i = 0; i < 100; i++) {
		char k[16];
		snprintf(k, sizeof(k), "k%d", i);
		vp_kvlist_set(&l, k, "v%d", i);
	}
	vp_kvlist_set(&l, "k7", "seven %s", "again");
	cr_expect_eq(l.n, 100);
	cr_expect_str_eq(vp_kvlist_get(&l, "k7"), "seven again");
	cr_expect_str_eq(l.v[7].key, "k7");
	cr_expect_str_eq(l.v[99].value, "v99");
	cr_expect_null(vp_kvlist_get(&l, "missing"));
	vp_kvlist_free(&l);
	cr_expect_eq(l.n, 0);
}

Test(envinfo, collect_has_the_stable_keys)
{
	static const char *const keys[] = {
	    "hypervisor",
	    "hypervisor_cpuid",
	    "hypervisor_sysfs",
	    "cpu_model",
	    "cpus_online",
	    "cpus_available",
	    "constant_tsc",
	    "nonstop_tsc",
	    "hwloc",
	    "packages",
	    "cores",
	    "pus",
	    "numa_nodes",
	    "caches",
	    "kernel",
	    "kernel_version",
	    "arch",
	    "clocksource",
	    "tsc_ghz",
	    "mem_total_mib",
	    "kvm_features",
	    "kvm_hints",
	    "pv_spinlocks",
	    "papi",
	    "libpfm4",
	    "perf_event_paranoid",
	    "counter.cycles",
	    "counter.instructions",
	    "counter.cache_misses",
	    "counter.dtlb_misses",
	    "counter.task_clock",
	    "counter.context_switches",
	    "counter.cpu_migrations",
	    "counter.page_faults",
	};
	struct vp_kvlist l;
	vp_kvlist_init(&l);
	vp_env_collect(&l);
	for (size_t i = 0; i < sizeof(keys) / sizeof(keys[0]); i++) {
		const char *v = vp_kvlist_get(&l, keys[i]);
		cr_expect_not_null(v, "missing key %s", keys[i]);
		if (v)
			cr_expect_neq(v[0], '\0', "empty value for %s",
				      keys[i]);
	}
	for (size_t i = 0; i < l.n; i++)
		for (const char *c = l.v[i].key; *c; c++)
			cr_expect((*c >= 'a' && *c <= 'z') ||
				      (*c >= '0' && *c <= '9') || *c == '_' ||
				      *c == '.',
				  "key %s is not snake_case", l.v[i].key);
	/* facts this machine has for sure */
	cr_expect_str_eq(vp_kvlist_get(&l, "counter.task_clock"),
			 "available via perf_event");
	char hv[128];
	vp_env_hypervisor(hv, sizeof(hv));
	cr_expect_str_eq(vp_kvlist_get(&l, "hypervisor"), hv);
	long online = strtol(vp_kvlist_get(&l, "cpus_online"), NULL, 10);
	cr_expect_geq(online, 1);
#if HAVE_HWLOC
	cr_expect_geq(strtol(vp_kvlist_get(&l, "pus"), NULL, 10), 1);
	cr_expect(strstr(vp_kvlist_get(&l, "caches"), "L1d") != NULL ||
		      strncmp(vp_kvlist_get(&l, "caches"), "unavailable", 11) ==
			  0,
		  "%s", vp_kvlist_get(&l, "caches"));
#endif
	vp_kvlist_free(&l);
}

/* On this development VM (CPUID says KVM) the live probe must say so, and
 * "bare metal" only when the hypervisor bit is clear. */
Test(envinfo, live_hypervisor_agrees_with_cpuinfo_flag)
{
	FILE *f = fopen("/proc/cpuinfo", "r");
	if (!f)
		cr_skip_test("no /proc/cpuinfo");
	static char buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	char hv[128];
	vp_env_hypervisor(hv, sizeof(hv));
	if (vp_cpuinfo_has_flag(buf, "hypervisor"))
		cr_expect_str_neq(hv, "bare metal");
	else if (!vp_cpuinfo_has_flag(buf, "fpu"))
		cr_skip_test("not an x86 /proc/cpuinfo");
}

/* The KVM feature leaf recorded on the development VM, decoded with the bit
 * numbers of Linux's uapi kvm_para.h. */
Test(envinfo, kvm_feature_leaf_decode)
{
	char *t = slurp("kvm_this_machine.txt");
	struct vp_cpuid_regs base, feat;
	char f[512], h[128];

	cr_assert_eq(vp_cpuid_dump_find(t, 0x40000000, &base), 0);
	cr_assert_eq(vp_cpuid_dump_find(t, 0x40000001, &feat), 0);
	cr_assert_eq(
	    vp_kvm_features_describe(&base, &feat, f, sizeof(f), h, sizeof(h)),
	    0);
	cr_expect_str_eq(f, "0x01007efb (clocksource nop_io_delay "
			    "clocksource2 async_pf steal_time pv_eoi "
			    "pv_unhalt pv_tlb_flush async_pf_vmexit "
			    "pv_send_ipi poll_control pv_sched_yield "
			    "async_pf_int clocksource_stable)");
	cr_expect_str_eq(h, "0x00000000 (none)");
	free(t);

	/* pvspin=off on the host side: kvm-pv-unhalt (bit 7) cleared; the
	 * realtime hint (edx bit 0) and an unnamed bit. */
	feat.eax &= ~(1u << 7);
	feat.eax |= 1u << 20;
	feat.edx = 1;
	vp_kvm_features_describe(&base, &feat, f, sizeof(f), h, sizeof(h));
	cr_expect_null(strstr(f, "pv_unhalt"), "%s", f);
	cr_expect(strstr(f, " bit20 "), "%s", f);
	cr_expect_str_eq(h, "0x00000001 (realtime)");
	feat.eax = 0;
	vp_kvm_features_describe(&base, &feat, f, sizeof(f), h, sizeof(h));
	cr_expect_str_eq(f, "0x00000000 (none)");

	/* Another hypervisor's signature: not decoded as KVM bits. */
	t = slurp("tcg.txt");
	cr_assert_eq(vp_cpuid_dump_find(t, 0x40000000, &base), 0);
	cr_expect_eq(
	    vp_kvm_features_describe(&base, &feat, f, sizeof(f), h, sizeof(h)),
	    -ENOENT);
	cr_expect_str_eq(f, "none (not a KVM guest)");
	free(t);
}

static char *slurp_klog(const char *name)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/klog/%s", VP_TEST_DATA, name);
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f, "cannot open %s", path);
	static char buf[1 << 16];
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	buf[n] = '\0';
	fclose(f);
	return strdup(buf);
}

/* The guest kernel's own word on PV spinlocks: a recorded log, then each
 * message of Linux 6.1 kvm_spinlock_init() as its log line. */
Test(envinfo, pv_spinlock_log_line)
{
	static const char *const msgs[] = {
	    "kvm-guest: PV spinlocks enabled",
	    "kvm-guest: PV spinlocks disabled, no host support",
	    "kvm-guest: PV spinlocks disabled with KVM_HINTS_REALTIME hints",
	    "kvm-guest: PV spinlocks disabled, single CPU",
	    "kvm-guest: PV spinlocks disabled, forced by \"nopvspin\" "
	    "parameter",
	    "xen: PV spinlocks disabled",
	    "Hyper-V: PV spinlocks enabled",
	};
	char *t = slurp_klog("this_machine.txt");
	char buf[256], log[512];

	cr_expect_eq(vp_pvspin_from_log(t, buf, sizeof(buf)), 0);
	cr_expect_str_eq(buf, "kvm-guest: PV spinlocks enabled");
	free(t);
	for (size_t i = 0; i < sizeof(msgs) / sizeof(msgs[0]); i++) {
		snprintf(log, sizeof(log),
			 "<6>[    0.031071] kvm-guest: setup PV sched yield\n"
			 "<6>[    0.039424] %s\n"
			 "<6>[    0.039425] PV qspinlock hash table entries: "
			 "256\n",
			 msgs[i]);
		cr_expect_eq(vp_pvspin_from_log(log, buf, sizeof(buf)), 0);
		cr_expect_str_eq(buf, msgs[i]);
	}
	/* dmesg's format, without the level. */
	cr_expect_eq(vp_pvspin_from_log("[    0.1] kvm-guest: PV spinlocks "
					"enabled",
					buf, sizeof(buf)),
		     0);
	cr_expect_str_eq(buf, "kvm-guest: PV spinlocks enabled");
	/* A TCG guest's log has none. */
	cr_expect_eq(vp_pvspin_from_log("<6>[    0.0] Hypervisor detected: "
					"TCG\n",
					buf, sizeof(buf)),
		     -ENOENT);
	cr_expect(strstr(buf, "no PV spinlock line"), "%s", buf);
}
