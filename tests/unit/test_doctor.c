/* Pre-flight findings (vpbench env --check) from recorded facts: a ready
 * KVM host has none; each problem yields its finding with the fix. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runner/doctor/doctor.h"

/* A well-set-up Intel KVM host (synthesized, the kernel defaults). */
static struct vp_doctor_facts ready(void)
{
	struct vp_doctor_facts f = {
	    .kvm_ok = true,
	    .kvm_why = "/dev/kvm usable",
	    .paranoid = 1,
	    .privileged = false,
	    .host_pmu = true,
	    .enable_pmu = "Y",
	    .qemu = "/usr/bin/qemu-system-x86_64",
	    .run_dir = "/var/tmp/runs",
	    .fs_type = 0xef53, /* ext4 */
	    .halt_poll_ns = "200000",
	    .ple_gap = "128",
	    .nx_huge_pages = "auto",
	    .thp = "madvise",
	    .governor = "performance",
	};
	return f;
}

static const struct vp_finding *find(const struct vp_finding *v, size_t n,
				     const char *check)
{
	for (size_t i = 0; i < n; i++)
		if (strcmp(v[i].check, check) == 0)
			return &v[i];
	return NULL;
}

Test(doctor, ready_host_has_no_finding)
{
	struct vp_doctor_facts f = ready();
	struct vp_finding v[VP_DOCTOR_MAX_FINDINGS];
	size_t n = vp_doctor_evaluate(&f, v, VP_DOCTOR_MAX_FINDINGS);

	cr_expect_eq(n, 0, "first: %s", n ? v[0].what : "");
	f.privileged = true; /* root with paranoid 2: fine too */
	f.paranoid = 2;
	cr_expect_eq(vp_doctor_evaluate(&f, v, VP_DOCTOR_MAX_FINDINGS), 0);
}

struct finding_case {
	const char *name;
	void (*change)(struct vp_doctor_facts *);
	const char *check;
	enum vp_finding_level level;
	const char *what, *fix;
};

static void no_kvm_group(struct vp_doctor_facts *f)
{
	f->kvm_ok = false;
	snprintf(f->kvm_why, sizeof(f->kvm_why),
		 "/dev/kvm: open (EACCES): this user is not in group 'kvm'; "
		 "fix: sudo usermod -aG kvm $USER, then log in again");
}
static void no_kvm_nested(struct vp_doctor_facts *f)
{
	f->kvm_ok = false;
	snprintf(f->kvm_why, sizeof(f->kvm_why),
		 "/dev/kvm answers but the CPU flags show neither vmx nor svm");
}
static void paranoid2(struct vp_doctor_facts *f)
{
	f->paranoid = 2;
}
static void paranoid4(struct vp_doctor_facts *f)
{
	f->paranoid = 4;
}
static void paranoid_unknown(struct vp_doctor_facts *f)
{
	f->paranoid = -99;
}
static void no_pmu(struct vp_doctor_facts *f)
{
	f->host_pmu = false;
}
static void pmu_off(struct vp_doctor_facts *f)
{
	snprintf(f->enable_pmu, sizeof(f->enable_pmu), "N");
}
static void hybrid(struct vp_doctor_facts *f)
{
	f->hybrid = true;
	snprintf(f->enable_pmu, sizeof(f->enable_pmu), "N");
}
static void tmpfs(struct vp_doctor_facts *f)
{
	f->fs_type = 0x01021994;
}
static void zfs(struct vp_doctor_facts *f)
{
	f->fs_type = 0x2fc12fc1;
}
static void no_odirect(struct vp_doctor_facts *f)
{
	f->fs_type = 0x65735546; /* a FUSE mount */
	f->odirect_errno = EINVAL;
}
static void no_dir(struct vp_doctor_facts *f)
{
	f->statfs_errno = ENOENT;
}
static void no_qemu(struct vp_doctor_facts *f)
{
	f->qemu[0] = '\0';
	snprintf(f->qemu_why, sizeof(f->qemu_why),
		 "neither qemu-system-x86_64 in PATH nor /usr/libexec/qemu-kvm "
		 "found (dnf install qemu-kvm)");
}
static void ple_off(struct vp_doctor_facts *f)
{
	snprintf(f->ple_gap, sizeof(f->ple_gap), "0");
}
static void amd_pf_off(struct vp_doctor_facts *f)
{
	f->ple_gap[0] = '\0';
	snprintf(f->pause_filter_count, sizeof(f->pause_filter_count), "0");
}
static void poll_off(struct vp_doctor_facts *f)
{
	snprintf(f->halt_poll_ns, sizeof(f->halt_poll_ns), "0");
}
static void nx_y(struct vp_doctor_facts *f)
{
	snprintf(f->nx_huge_pages, sizeof(f->nx_huge_pages), "Y");
}
static void thp_never(struct vp_doctor_facts *f)
{
	snprintf(f->thp, sizeof(f->thp), "never");
}
static void powersave(struct vp_doctor_facts *f)
{
	snprintf(f->governor, sizeof(f->governor), "powersave");
}
static void no_cpufreq(struct vp_doctor_facts *f)
{
	f->governor[0] = '\0';
}

Test(doctor, each_problem_has_its_finding_and_fix)
{
	static const struct finding_case cases[] = {
	    {"kvm group", no_kvm_group, "kvm", VP_FINDING_WARN,
	     "run under TCG emulation", "sudo usermod -aG kvm $USER"},
	    {"nested", no_kvm_nested, "kvm", VP_FINDING_WARN,
	     "neither vmx nor svm", "VT-x/AMD-V"},
	    {"paranoid 2", paranoid2, "perf", VP_FINDING_WARN,
	     "counts user space only", "perf_event_paranoid=1"},
	    {"paranoid 4", paranoid4, "perf", VP_FINDING_WARN,
	     "no perf event at all", "perf_event_paranoid=1"},
	    {"paranoid ?", paranoid_unknown, "perf", VP_FINDING_NOTE,
	     "unreadable", ""},
	    {"no pmu", no_pmu, "pmu", VP_FINDING_WARN, "no hardware PMU",
	     "bare metal"},
	    {"enable_pmu N", pmu_off, "vpmu", VP_FINDING_WARN,
	     "kvm.enable_pmu=N", "kvm.enable_pmu=1"},
	    {"hybrid", hybrid, "vpmu", VP_FINDING_WARN, "hybrid Intel host",
	     "core type"},
	    {"tmpfs", tmpfs, "disk", VP_FINDING_WARN,
	     "scratch disk would be RAM", "-o DIR"},
	    {"zfs", zfs, "disk", VP_FINDING_WARN, "through the ARC", "-o DIR"},
	    {"no O_DIRECT", no_odirect, "disk", VP_FINDING_WARN,
	     "refuses O_DIRECT", "-o DIR"},
	    {"no dir", no_dir, "disk", VP_FINDING_NOTE, "cannot check",
	     "-o DIR"},
	    {"no qemu", no_qemu, "qemu", VP_FINDING_WARN,
	     "/usr/libexec/qemu-kvm", ""},
	    {"ple off", ple_off, "kvm-params", VP_FINDING_NOTE, "ple_gap=0",
	     "default 128"},
	    {"amd filter off", amd_pf_off, "kvm-params", VP_FINDING_NOTE,
	     "pause_filter_count=0", "default 3000"},
	    {"poll off", poll_off, "kvm-params", VP_FINDING_NOTE,
	     "halt_poll_ns=0", "200000"},
	    {"nx", nx_y, "kvm-params", VP_FINDING_NOTE, "nx_huge_pages=Y",
	     "never"},
	    {"thp never", thp_never, "thp", VP_FINDING_WARN, "4 KiB host pages",
	     "madvise"},
	    {"powersave", powersave, "governor", VP_FINDING_WARN, "'powersave'",
	     "-g performance"},
	    {"no cpufreq", no_cpufreq, "governor", VP_FINDING_NOTE,
	     "no CPU frequency governor", ""},
	};
	struct vp_finding v[VP_DOCTOR_MAX_FINDINGS];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_doctor_facts f = ready();
		const struct vp_finding *x;
		size_t n;

		cases[i].change(&f);
		n = vp_doctor_evaluate(&f, v, VP_DOCTOR_MAX_FINDINGS);
		cr_expect_eq(n, 1, "%s: %zu findings", cases[i].name, n);
		x = find(v, n, cases[i].check);
		cr_assert_not_null(x, "%s: no %s finding", cases[i].name,
				   cases[i].check);
		cr_expect_eq(x->level, cases[i].level, "%s", cases[i].name);
		cr_expect(strstr(x->what, cases[i].what), "%s: %s",
			  cases[i].name, x->what);
		cr_expect(strstr(x->fix, cases[i].fix), "%s: fix '%s'",
			  cases[i].name, x->fix);
	}
}

/* This development VM as recorded: nested without vmx/svm, no PMU,
 * enable_pmu=N, no cpufreq; root. Two findings and one note. */
Test(doctor, this_machine)
{
	struct vp_doctor_facts f = ready();
	struct vp_finding v[VP_DOCTOR_MAX_FINDINGS];
	size_t n, warn = 0;

	no_kvm_nested(&f);
	no_pmu(&f);
	pmu_off(&f);
	no_cpufreq(&f);
	f.privileged = true;
	f.paranoid = 2;
	snprintf(f.ple_gap, sizeof(f.ple_gap), "%s", "");
	n = vp_doctor_evaluate(&f, v, VP_DOCTOR_MAX_FINDINGS);
	for (size_t i = 0; i < n; i++)
		warn += v[i].level == VP_FINDING_WARN;
	cr_expect_eq(warn, 2);
	cr_expect_eq(n, 3);
	cr_expect_not_null(find(v, n, "kvm"));
	cr_expect_not_null(find(v, n, "pmu"));
	cr_expect_null(find(v, n, "vpmu"), "said once, as no host PMU");
}
