/* The pre-flight verdicts (see doctor.h): a pure function of the gathered
 * facts, one small check per concern, each finding with its fix. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "runner/doctor/doctor.h"
#include "runner/targets/kvm_host.h"

#define TMPFS_MAGIC_ 0x01021994L
#define RAMFS_MAGIC_ 0x858458f6L
#define ZFS_MAGIC_   0x2fc12fc1L /* ZFS_SUPER_MAGIC of OpenZFS */

struct sink {
	struct vp_finding *v;
	size_t n, max;
};

static void add(struct sink *s, enum vp_finding_level level, const char *check,
		const char *fix, const char *fmt, ...)
    __attribute__((format(printf, 5, 6)));
static void add(struct sink *s, enum vp_finding_level level, const char *check,
		const char *fix, const char *fmt, ...)
{
	struct vp_finding *f;
	va_list ap;

	if (s->n == s->max)
		return;
	f = &s->v[s->n++];
	f->level = level;
	f->check = check;
	va_start(ap, fmt);
	vsnprintf(f->what, sizeof(f->what), fmt, ap);
	va_end(ap);
	snprintf(f->fix, sizeof(f->fix), "%s", fix ? fix : "");
}

/* "reason; fix: do this" -> what = reason, fix = do this. */
static void add_split(struct sink *s, enum vp_finding_level level,
		      const char *check, const char *prefix, const char *text,
		      const char *fallback_fix)
{
	const char *f = strstr(text, "; fix: ");

	if (f)
		add(s, level, check, f + 7, "%s%.*s", prefix, (int)(f - text),
		    text);
	else
		add(s, level, check, fallback_fix, "%s%s", prefix, text);
}

static void check_kvm(const struct vp_doctor_facts *f, struct sink *s)
{
	if (f->kvm_ok)
		return;
	add_split(s, VP_FINDING_WARN, "kvm",
		  "KVM is not usable, so vmN targets run under TCG emulation "
		  "(their figures do not represent hardware virtualization): ",
		  f->kvm_why,
		  "run on a host with VT-x/AMD-V and /dev/kvm access");
}

static void check_perf(const struct vp_doctor_facts *f, struct sink *s)
{
	static const char fix[] =
	    "sudo sysctl kernel.perf_event_paranoid=1 (or run as root)";

	if (f->paranoid == -99) {
		add(s, VP_FINDING_NOTE, "perf", NULL,
		    "kernel.perf_event_paranoid is unreadable: counter "
		    "availability is decided per event at run time");
		return;
	}
	if (f->privileged || f->paranoid < 2)
		return;
	if (f->paranoid >= 3)
		add(s, VP_FINDING_WARN, "perf", fix,
		    "kernel.perf_event_paranoid=%d: this user may open no "
		    "perf event at all on the host, while guests (the agent "
		    "runs as root there) count user+kernel",
		    f->paranoid);
	else
		add(s, VP_FINDING_WARN, "perf", fix,
		    "kernel.perf_event_paranoid=2: this user counts user "
		    "space only on the host while guests count user+kernel; "
		    "--counter-scope auto then counts user space everywhere");
}

static void check_pmu(const struct vp_doctor_facts *f, struct sink *s)
{
	char why[256];

	if (!f->host_pmu) {
		add(s, VP_FINDING_WARN, "pmu",
		    "run on bare metal, or give this VM a vPMU (its host: "
		    "-cpu host with kvm.enable_pmu=1)",
		    "no hardware PMU on this host: cycles, instructions, cache "
		    "and TLB counters are unavailable here and in its guests "
		    "(the host is itself a VM without a vPMU, or perf has no "
		    "CPU PMU)");
		return;
	}
	/* Without KVM the guests are TCG: the kvm finding says it. */
	if (f->kvm_ok && vp_vpmu_absent_reason(true, f->enable_pmu, f->hybrid,
					       true, why, sizeof(why)))
		add_split(s, VP_FINDING_WARN, "vpmu",
			  "guests get no hardware counters: ", why,
			  f->hybrid ? "pin the guests to one core type; "
				      "counters in guests stay unavailable"
				    : NULL);
}

static void check_disk(const struct vp_doctor_facts *f, struct sink *s)
{
	static const char fix[] =
	    "choose a run folder on a disk-backed file system (ext4, xfs) "
	    "with -o DIR";

	if (f->statfs_errno) {
		add(s, VP_FINDING_NOTE, "disk", "create it, or pass -o DIR",
		    "cannot check the file system of %s: %s", f->run_dir,
		    strerror(f->statfs_errno));
		return;
	}
	if (f->fs_type == TMPFS_MAGIC_ || f->fs_type == RAMFS_MAGIC_)
		add(s, VP_FINDING_WARN, "disk", fix,
		    "%s is on a memory file system (tmpfs/ramfs): recent "
		    "kernels accept O_DIRECT there, so a guest's virtio-blk "
		    "scratch disk would be RAM (vmN io.* are refused) and the "
		    "host's io.* are refused",
		    f->run_dir);
	else if (f->fs_type == ZFS_MAGIC_)
		add(s, VP_FINDING_WARN, "disk", fix,
		    "%s is on ZFS: O_DIRECT is accepted but served through "
		    "the ARC (buffered) before OpenZFS 2.3, so io.* would "
		    "measure a cache, not the disk",
		    f->run_dir);
	else if (f->odirect_errno == EINVAL)
		add(s, VP_FINDING_WARN, "disk", fix,
		    "%s refuses O_DIRECT: guests would get cache=writeback "
		    "(the host page cache) and the host's io.* are refused",
		    f->run_dir);
	else if (f->odirect_errno)
		add(s, VP_FINDING_NOTE, "disk", "create it, or pass -o DIR",
		    "cannot test O_DIRECT in %s: %s", f->run_dir,
		    strerror(f->odirect_errno));
}

static void check_qemu(const struct vp_doctor_facts *f, struct sink *s)
{
	if (!f->qemu[0])
		add_split(s, VP_FINDING_WARN, "qemu",
			  "no QEMU for vmN targets: ", f->qemu_why, NULL);
}

static bool is_zero(const char *v)
{
	return strcmp(v, "0") == 0;
}

static void check_kvm_params(const struct vp_doctor_facts *f, struct sink *s)
{
	if (is_zero(f->ple_gap))
		add(s, VP_FINDING_NOTE, "kvm-params",
		    "reload kvm_intel without ple_gap=0 (default 128)",
		    "kvm_intel.ple_gap=0: pause-loop exiting is off, so KVM "
		    "never deschedules a spinning vCPU (lock-holder "
		    "preemption costs more than on a default host)");
	if (is_zero(f->pause_filter_count))
		add(s, VP_FINDING_NOTE, "kvm-params",
		    "reload kvm_amd without pause_filter_count=0 (default "
		    "3000)",
		    "kvm_amd.pause_filter_count=0: pause filtering is off, so "
		    "KVM never deschedules a spinning vCPU");
	if (is_zero(f->halt_poll_ns))
		add(s, VP_FINDING_NOTE, "kvm-params",
		    "echo 200000 > /sys/module/kvm/parameters/halt_poll_ns "
		    "(the default)",
		    "kvm.halt_poll_ns=0: halt polling is off, so an idle vCPU "
		    "sleeps at once and wake-ups (sched.wake) cost more");
	if (f->nx_huge_pages[0] == 'Y' ||
	    strcmp(f->nx_huge_pages, "force") == 0)
		add(s, VP_FINDING_NOTE, "kvm-params",
		    "kvm.nx_huge_pages=never where the CPU is not affected by "
		    "iTLB multihit",
		    "kvm.nx_huge_pages=%s: executable guest memory is mapped "
		    "with 4 KiB pages (iTLB multihit mitigation)",
		    f->nx_huge_pages);
}

static void check_tuning(const struct vp_doctor_facts *f, struct sink *s)
{
	if (strcmp(f->thp, "never") == 0)
		add(s, VP_FINDING_WARN, "thp",
		    "echo madvise > "
		    "/sys/kernel/mm/transparent_hugepage/enabled",
		    "transparent huge pages are off: QEMU's guest RAM gets "
		    "4 KiB host pages, so nested paging costs more than on a "
		    "default host (mem.tlb)");
	else if (!f->thp[0])
		add(s, VP_FINDING_NOTE, "thp", NULL,
		    "no transparent huge pages in this kernel");
	if (!f->governor[0])
		add(s, VP_FINDING_NOTE, "governor", NULL,
		    "no CPU frequency governor (a VM, or a fixed clock): "
		    "clock speed is not under this host's control");
	else if (strcmp(f->governor, "performance") != 0)
		add(s, VP_FINDING_WARN, "governor",
		    "sudo cpupower frequency-set -g performance",
		    "CPU frequency governor is '%s': the clock follows the "
		    "load, so figures vary between runs and targets",
		    f->governor);
}

size_t vp_doctor_evaluate(const struct vp_doctor_facts *f,
			  struct vp_finding *out, size_t max)
{
	struct sink s = {out, 0, max};

	check_kvm(f, &s);
	check_perf(f, &s);
	check_pmu(f, &s);
	check_disk(f, &s);
	check_qemu(f, &s);
	check_kvm_params(f, &s);
	check_tuning(f, &s);
	return s.n;
}
