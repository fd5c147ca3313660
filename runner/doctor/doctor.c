/* `vpbench env --check`: gathers the facts the pre-flight checks judge
 * (doctor_checks.c) and prints them with the findings and their fixes. */
#include "runner/doctor/doctor.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/statfs.h>
#include <unistd.h>

#include "probes/envinfo.h"
#include "runner/run/counter_scope.h"
#include "runner/util/printable.h"
#include "runner/targets/kvm_host.h"
#include "runner/targets/qemu.h"

static void read_param(const char *root, const char *path, char *buf,
		       size_t len)
{
	char full[512];
	char *t;

	snprintf(full, sizeof(full), "%s%s", root, path);
	t = vp_read_text(full, 64);
	snprintf(buf, len, "%.*s", t ? (int)strcspn(t, "\n") : 0, t ? t : "");
	free(t);
}

/* The run folder, or its nearest existing ancestor (it is created later):
 * its file system and whether a file there opens with O_DIRECT. */
static void gather_disk(const char *run_dir, struct vp_doctor_facts *f)
{
	char dir[PATH_MAX], tmp[PATH_MAX + 32];
	struct statfs sf;
	int fd;

	snprintf(dir, sizeof(dir), "%s", run_dir && *run_dir ? run_dir : ".");
	while (access(dir, F_OK) != 0 && strchr(dir, '/') && strlen(dir) > 1)
		*strrchr(dir, '/') = '\0';
	if (access(dir, F_OK) != 0)
		snprintf(dir, sizeof(dir), ".");
	snprintf(f->run_dir, sizeof(f->run_dir), "%s", dir);
	if (statfs(dir, &sf) != 0) {
		f->statfs_errno = errno;
		return;
	}
	f->fs_type = (long)sf.f_type;
	snprintf(tmp, sizeof(tmp), "%s/.vpbench-odirect.XXXXXX", dir);
	fd = mkstemp(tmp);
	if (fd < 0) {
		f->odirect_errno = errno;
		return;
	}
	close(fd);
	fd = open(tmp, O_RDONLY | O_DIRECT | O_CLOEXEC);
	f->odirect_errno = fd < 0 ? errno : 0;
	if (fd >= 0)
		close(fd);
	unlink(tmp);
}

void vp_doctor_gather(const char *root, const char *run_dir,
		      struct vp_doctor_facts *f)
{
	char buf[64];

	memset(f, 0, sizeof(*f));
	f->kvm_ok = vp_kvm_usable(f->kvm_why, sizeof(f->kvm_why));
	read_param(root, "/proc/sys/kernel/perf_event_paranoid", buf,
		   sizeof(buf));
	f->paranoid = buf[0] ? atoi(buf) : -99;
	f->privileged = vp_perf_privileged();
	f->host_pmu = vp_host_has_pmu(root);
	f->hybrid = vp_host_hybrid(root);
	read_param(root, "/sys/module/kvm/parameters/enable_pmu", f->enable_pmu,
		   sizeof(f->enable_pmu));
	if (vp_qemu_find(f->qemu, sizeof(f->qemu), f->qemu_why,
			 sizeof(f->qemu_why)))
		f->qemu[0] = '\0';
	gather_disk(run_dir, f);
	read_param(root, "/sys/module/kvm/parameters/halt_poll_ns",
		   f->halt_poll_ns, sizeof(f->halt_poll_ns));
	read_param(root, "/sys/module/kvm_intel/parameters/ple_gap", f->ple_gap,
		   sizeof(f->ple_gap));
	read_param(root, "/sys/module/kvm_amd/parameters/pause_filter_count",
		   f->pause_filter_count, sizeof(f->pause_filter_count));
	read_param(root, "/sys/module/kvm/parameters/nx_huge_pages",
		   f->nx_huge_pages, sizeof(f->nx_huge_pages));
	read_param(root, "/sys/kernel/mm/transparent_hugepage/enabled", buf,
		   sizeof(buf));
	if (vp_sysfs_choice(buf, f->thp, sizeof(f->thp)))
		f->thp[0] = '\0';
	read_param(root,
		   "/sys/devices/system/cpu/cpu0/cpufreq/scaling_governor",
		   f->governor, sizeof(f->governor));
}

static const char *or_absent(const char *v)
{
	return v[0] ? v : "absent";
}

static void print_facts(const struct vp_doctor_facts *f)
{
	printf("checked:\n");
	printf("  %-26s %s\n", "kvm", f->kvm_ok ? "usable" : f->kvm_why);
	printf("  %-26s %d%s\n", "perf_event_paranoid", f->paranoid,
	       f->privileged ? " (privileged user)" : "");
	printf("  %-26s %s%s\n", "host PMU", f->host_pmu ? "yes" : "no",
	       f->hybrid ? " (hybrid)" : "");
	printf("  %-26s %s\n", "kvm.enable_pmu", or_absent(f->enable_pmu));
	printf("  %-26s %s\n", "qemu", f->qemu[0] ? f->qemu : "none");
	printf("  %-26s %s (fs magic 0x%lx, O_DIRECT %s)\n", "run folder",
	       f->run_dir, f->fs_type,
	       f->odirect_errno ? strerror(f->odirect_errno) : "accepted");
	printf("  %-26s %s\n", "kvm.halt_poll_ns", or_absent(f->halt_poll_ns));
	printf("  %-26s %s\n", "kvm_intel.ple_gap", or_absent(f->ple_gap));
	printf("  %-26s %s\n", "kvm_amd.pause_filter_count",
	       or_absent(f->pause_filter_count));
	printf("  %-26s %s\n", "kvm.nx_huge_pages",
	       or_absent(f->nx_huge_pages));
	printf("  %-26s %s\n", "transparent hugepages", or_absent(f->thp));
	printf("  %-26s %s\n", "cpufreq governor", or_absent(f->governor));
}

int vp_doctor_main(int argc, char **argv)
{
	const char *dir = "results";
	struct vp_finding found[VP_DOCTOR_MAX_FINDINGS];
	struct vp_doctor_facts f;
	size_t n, warn = 0;

	for (int i = 1; i < argc; i++) {
		if (!strcmp(argv[i], "--check"))
			continue;
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help")) {
			printf("usage: vpbench doctor [-o RUN_FOLDER]\n"
			       "       (the same as vpbench env --check)\n"
			       "Pre-flight check of this host: what would make "
			       "a run's figures less than\nthey could be (KVM "
			       "access, perf_event_paranoid, PMU and vPMU,\n"
			       "O_DIRECT in the run folder, QEMU, KVM module "
			       "parameters, THP, CPU\ngovernor), each with its "
			       "fix. Exit 0 when all is well, 1 with\n"
			       "findings, 2 on bad usage.\n");
			return 0;
		}
		if ((!strcmp(argv[i], "-o") || !strcmp(argv[i], "--output")) &&
		    i + 1 < argc) {
			dir = argv[++i];
			continue;
		}
		char shown[160];

		fprintf(stderr,
			"vpbench env --check: unexpected argument '%s' "
			"(usage: vpbench env --check [-o RUN_FOLDER])\n",
			vp_printable(argv[i], shown, sizeof(shown)));
		return 2;
	}
	vp_doctor_gather("", dir, &f);
	print_facts(&f);
	n = vp_doctor_evaluate(&f, found, VP_DOCTOR_MAX_FINDINGS);
	for (size_t i = 0; i < n; i++)
		warn += found[i].level == VP_FINDING_WARN;
	printf("\n%zu finding%s, %zu note%s:\n", warn, warn == 1 ? "" : "s",
	       n - warn, n - warn == 1 ? "" : "s");
	for (size_t i = 0; i < n; i++) {
		printf("  [%s] %s: %s\n",
		       found[i].level == VP_FINDING_WARN ? "finding" : "note",
		       found[i].check, found[i].what);
		if (found[i].fix[0])
			printf("      fix: %s\n", found[i].fix);
	}
	if (!n)
		printf("  none: this host is ready\n");
	return warn ? 1 : 0;
}
