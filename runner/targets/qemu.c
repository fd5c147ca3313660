/* QEMU command line, accelerator probe and version (see qemu.h); QMP is
 * qmp.c. */
#include "runner/targets/qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <limits.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "probes/envinfo.h"
#include "runner/util/child.h"

int vp_qemu_find(char *path, size_t len, char *err, size_t errlen)
{
	const char *env = getenv("VPBENCH_QEMU");

	if (env && *env) {
		if (vp_which(env, path, len) == 0)
			return 0;
		snprintf(err, errlen, "VPBENCH_QEMU=%s: not found (%s)", env,
			 VP_QEMU_INSTALL_HINT);
		return -ENOENT;
	}
	if (vp_which(VP_QEMU_BINARY, path, len) == 0)
		return 0;
	if (access(VP_QEMU_RHEL_BINARY, X_OK) == 0) {
		snprintf(path, len, "%s", VP_QEMU_RHEL_BINARY);
		return 0;
	}
	snprintf(err, errlen, "neither %s in PATH nor %s found (%s)",
		 VP_QEMU_BINARY, VP_QEMU_RHEL_BINARY, VP_QEMU_INSTALL_HINT);
	return -ENOENT;
}

bool vp_cpuinfo_hw_virt(const char *cpuinfo)
{
	/* Whole flags only: " svm" as a substring also matches "svm_lock". */
	return vp_cpuinfo_has_flag(cpuinfo, "vmx") ||
	       vp_cpuinfo_has_flag(cpuinfo, "svm");
}

/* True when /proc/cpuinfo advertises VMX or SVM. Some sandboxes expose a
 * /dev/kvm that answers every ioctl (even KVM_RUN of a HLT) while the CPU
 * has no hardware virtualization, and QEMU then fails setting MSRs or never
 * boots a kernel: only the flag tells the truth there. */
static bool cpu_has_hw_virt(void)
{
	char *text = vp_read_text("/proc/cpuinfo", 1 << 20);
	bool found;

	if (!text)
		return true; /* cannot tell: let the ioctls decide */
	found = vp_cpuinfo_hw_virt(text);
	free(text);
	return found;
}

void vp_kvm_why(const char *op, int err, const char *group, int in_group,
		char *buf, size_t len)
{
	const char *en = strerrorname_np(err);

	en = en ? en : "unknown error";
	switch (err) {
	case ENOENT:
		snprintf(buf, len,
			 "/dev/kvm: %s (%s): KVM is not loaded or the CPU has "
			 "no hardware virtualization; fix: modprobe kvm_intel "
			 "or kvm_amd, and enable VT-x/AMD-V in the firmware",
			 op, en);
		break;
	case EACCES:
	case EPERM:
		if (in_group == 0)
			snprintf(buf, len,
				 "/dev/kvm: %s (%s): this user is not in group "
				 "'%s'; fix: sudo usermod -aG %s $USER, then "
				 "log in again",
				 op, en, group && *group ? group : "kvm",
				 group && *group ? group : "kvm");
		else
			snprintf(buf, len,
				 "/dev/kvm: %s (%s)%s%s%s; fix: log in again "
				 "so a new group membership applies, or check "
				 "the device's mode and ACL (ls -l /dev/kvm)",
				 op, en,
				 in_group > 0 ? ": already in group '" : "",
				 in_group > 0 && group ? group : "",
				 in_group > 0 ? "'" : "");
		break;
	case EBUSY:
		snprintf(
		    buf, len,
		    "/dev/kvm: %s (%s): the virtualization extensions are "
		    "held by another hypervisor (VirtualBox, VMware); fix: "
		    "stop it or unload its kernel module",
		    op, en);
		break;
	case ENXIO:
	case ENODEV:
		snprintf(buf, len,
			 "/dev/kvm: %s (%s): the device node exists but no KVM "
			 "module serves it; fix: modprobe kvm_intel or kvm_amd",
			 op, en);
		break;
	default:
		snprintf(buf, len, "/dev/kvm: %s (%s): %s", op, en,
			 strerror(err));
	}
}

/* Whether this process is in the group owning /dev/kvm: 1, 0, or -1 when
 * it cannot tell. */
static int kvm_group(char *name, size_t len)
{
	struct stat st;
	struct group *g;
	gid_t groups[256];
	int n;

	name[0] = '\0';
	if (stat("/dev/kvm", &st) != 0)
		return -1;
	g = getgrgid(st.st_gid);
	snprintf(name, len, "%s", g ? g->gr_name : "kvm");
	if (getegid() == st.st_gid)
		return 1;
	n = getgroups((int)(sizeof(groups) / sizeof(groups[0])), groups);
	if (n < 0)
		return -1;
	for (int i = 0; i < n; i++)
		if (groups[i] == st.st_gid)
			return 1;
	return 0;
}

static bool kvm_fail(const char *op, int err, char *why, size_t len)
{
	char group[64];
	int in = kvm_group(group, sizeof(group));

	vp_kvm_why(op, err, group, in, why, len);
	return false;
}

bool vp_kvm_usable(char *why, size_t len)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int v;

	if (fd < 0)
		return kvm_fail("open", errno, why, len);
	v = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		int e = errno;

		close(fd);
		if (v < 0)
			return kvm_fail("KVM_GET_API_VERSION", e, why, len);
		snprintf(why, len,
			 "/dev/kvm: KVM_GET_API_VERSION returned %d, not %d", v,
			 KVM_API_VERSION);
		return false;
	}
	v = ioctl(fd, KVM_CREATE_VM, 0);
	if (v < 0) {
		int e = errno;

		close(fd);
		return kvm_fail("KVM_CREATE_VM", e, why, len);
	}
	close(v);
	close(fd);
	if (!cpu_has_hw_virt()) {
		snprintf(why, len,
			 "/dev/kvm answers but the CPU flags show neither vmx "
			 "nor svm (no hardware virtualization; QEMU cannot run "
			 "a KVM guest here)");
		return false;
	}
	snprintf(why, len, "/dev/kvm usable");
	return true;
}

int vp_qemu_accel_choose(const char *want, bool kvm_ok, const char *kvm_why,
			 bool *kvm, char *err, size_t errlen)
{
	if (!want || !*want || strcmp(want, "auto") == 0) {
		*kvm = kvm_ok;
		return 0;
	}
	if (strcmp(want, "tcg") == 0) {
		*kvm = false;
		return 0;
	}
	if (strcmp(want, "kvm") == 0) {
		if (!kvm_ok) {
			snprintf(err, errlen,
				 "--accel kvm: KVM is not usable here (%s); "
				 "use --accel auto or tcg",
				 kvm_why ? kvm_why : "/dev/kvm missing");
			return -ENODEV;
		}
		*kvm = true;
		return 0;
	}
	snprintf(err, errlen, "unknown accelerator '%s'; valid: auto, kvm, tcg",
		 want);
	return -EINVAL;
}

int vp_qemu_version(const char *qemu, char *buf, size_t len, char *err,
		    size_t errlen)
{
	char *argv[] = {(char *)qemu, "--version", NULL};
	char *out = NULL;
	const char *v;
	int rc;

	rc = vp_child_capture(argv, &out, NULL, true, 20, err, errlen);
	if (rc != 0) {
		if (rc > 0)
			snprintf(err, errlen, "%s --version failed (status %d)",
				 qemu, rc);
		free(out);
		return rc > 0 ? -EIO : rc;
	}
	v = strstr(out, "version ");
	snprintf(buf, len, "%.*s", (int)strcspn(v ? v + 8 : out, "\n"),
		 v ? v + 8 : out);
	free(out);
	return 0;
}
