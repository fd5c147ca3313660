/* The doctor room (doctor.c gathers, doctor_checks.c judges):
 * `vpbench env --check` (also `vpbench doctor`): before a long run, what
 * on this host would make the figures less than they could be, each with
 * its fix. The facts are gathered in one place (doctor.c) and judged by a
 * pure function (doctor_checks.c), so every finding is unit-tested on
 * recorded facts. Exit 0 when there is no finding, 1 with findings. */
#ifndef VP_DOCTOR_H
#define VP_DOCTOR_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

struct vp_doctor_facts {
	/* KVM: vp_kvm_usable's verdict and reason (with its fix). */
	bool kvm_ok;
	char kvm_why[384];
	/* perf: kernel.perf_event_paranoid (-99 unknown), whether this user
	 * is privileged (root or CAP_PERFMON/CAP_SYS_ADMIN), PMU facts. */
	int paranoid;
	bool privileged;
	bool host_pmu, hybrid;
	char enable_pmu[16]; /* kvm.enable_pmu text, "" when absent */
	/* QEMU: the binary found ("" none) or why not. */
	char qemu[PATH_MAX];
	char qemu_why[256];
	/* Run folder: its file system magic (0 unknown), statfs errno, and
	 * the errno of an O_DIRECT open of a file in it (0 accepted). */
	char run_dir[PATH_MAX];
	long fs_type;
	int statfs_errno;
	int odirect_errno;
	/* Host tuning: KVM module parameters ("" absent), THP and the CPU
	 * frequency governor ("" no cpufreq). */
	char halt_poll_ns[32], ple_gap[32], pause_filter_count[32];
	char nx_huge_pages[32];
	char thp[32];
	char governor[32];
};

enum vp_finding_level {
	VP_FINDING_WARN = 0, /* makes figures worse or wrong: exit 1 */
	VP_FINDING_NOTE,     /* worth knowing; does not fail the check */
};

struct vp_finding {
	enum vp_finding_level level;
	const char *check; /* "kvm", "perf", "vpmu", "disk", "qemu", ... */
	char what[512];
	char fix[256];
};

#define VP_DOCTOR_MAX_FINDINGS 16

/* Reads this machine (sysfs parts under root, "" for /; the rest live:
 * /dev/kvm, statfs and O_DIRECT of run_dir, PATH). */
void vp_doctor_gather(const char *root, const char *run_dir,
		      struct vp_doctor_facts *f);

/* Judges the facts. Returns the number of findings written (<= max). */
size_t vp_doctor_evaluate(const struct vp_doctor_facts *f,
			  struct vp_finding *out, size_t max);

/* `vpbench env --check [-o DIR]`: prints the facts checked and the
 * findings; returns 0, 1 (findings) or 2 (bad usage). */
int vp_doctor_main(int argc, char **argv);

#endif
