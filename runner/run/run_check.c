/* Checks of a plan against this machine that the runner makes before a run
 * folder exists (run.h): values the user typed that cannot work here are
 * usage errors (exit 2), not failed rows found minutes into a run. What
 * the environment lacks (QEMU, a cached kernel) stays a target failure,
 * so the other targets still run. */
#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "runner/run/run.h"
#include "runner/targets/qemu.h"
#include "runner/util/printable.h"

static bool has_vm_target(const struct vp_plan *p)
{
	for (size_t i = 0; i < p->ntargets; i++)
		if (strncmp(p->targets[i], "vm", 2) == 0)
			return true;
	return false;
}

/* path must be a readable regular file (want_dir false) or a directory. */
static int check_path(const char *key, const char *path, bool want_dir,
		      char *err, size_t errlen)
{
	char shown[256];
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK | O_NOCTTY);
	int rc = fd < 0 || fstat(fd, &st) ? -errno : 0;
	if (fd >= 0)
		close(fd);
	vp_printable(path, shown, sizeof(shown));
	if (rc)
		snprintf(err, errlen, "--%s %s: %s", key, shown, strerror(-rc));
	else if (want_dir != !!S_ISDIR(st.st_mode) ||
		 (!want_dir && !S_ISREG(st.st_mode))) {
		snprintf(err, errlen, "--%s %s: not a %s", key, shown,
			 want_dir ? "directory" : "regular file");
		rc = -EINVAL;
	}
	return rc;
}

/* Busy threads per host CPU that --host-load may start. Each one takes a
 * share of the CPUs from the measured threads: at 1024 on 2 CPUs a 0.2 s
 * step took 53 s, silent, its workers waiting for a turn. */
#define HOST_LOAD_PER_CPU 4

static int check_host_load(const struct vp_plan *p, char *err, size_t errlen)
{
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	if (cpus < 1)
		cpus = 1;
	if (p->host_load <= (unsigned long)cpus * HOST_LOAD_PER_CPU)
		return 0;
	snprintf(err, errlen,
		 "--host-load %u: more busy threads than this host can carry "
		 "beside the measured ones (at most %d per CPU: %ld here); "
		 "steps would take many times their length",
		 p->host_load, HOST_LOAD_PER_CPU,
		 (long)cpus * HOST_LOAD_PER_CPU);
	return -ERANGE;
}

int vp_run_check(const struct vp_plan *p, char *err, size_t errlen)
{
	char why[256];
	bool kvm;
	int rc = check_host_load(p, err, errlen);
	if (rc || !has_vm_target(p))
		return rc;
	if (p->kernel[0])
		rc = check_path("kernel", p->kernel, false, err, errlen);
	if (!rc && p->modules[0])
		rc = check_path("modules", p->modules, true, err, errlen);
	if (!rc && strcmp(p->accel, "kvm") == 0) {
		bool ok = vp_kvm_usable(why, sizeof(why));
		rc = vp_qemu_accel_choose(p->accel, ok, why, &kvm, err, errlen);
	}
	return rc;
}
