/* QEMU command line, accelerator probe and version (see qemu.h); QMP is
 * qmp.c. */
#include "runner/targets/qemu.h"

#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/kvm.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "runner/util/child.h"

static int add(struct vp_strlist *l, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static int add(struct vp_strlist *l, const char *fmt, ...)
{
	char buf[8192];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	return vp_strlist_add(l, buf);
}

/* QEMU option values separate sub-options with ','; a literal comma is
 * written ",,". Paths come from the run folder, which the user names. */
static void qemu_escape(const char *in, char *out, size_t len)
{
	size_t o = 0;

	for (; *in && o + 2 < len; in++) {
		out[o++] = *in;
		if (*in == ',')
			out[o++] = ',';
	}
	out[o] = '\0';
}

int vp_qemu_build_argv(const struct vp_qemu_cfg *c, struct vp_strlist *a)
{
	char p[PATH_MAX * 2];
	int rc = 0;

	rc |= add(a, "%s", c->qemu);
	rc |= add(a, "-nodefaults");
	rc |= add(a, "-no-user-config");
	rc |= add(a, "-display");
	rc |= add(a, "none");
	rc |= add(a, "-monitor");
	rc |= add(a, "none");
	rc |= add(a, "-no-reboot");
	rc |= add(a, "-machine");
	rc |= add(a, "pc");
	rc |= add(a, "-accel");
	rc |= add(a, "%s", c->kvm ? "kvm" : "tcg,thread=multi");
	rc |= add(a, "-cpu");
	rc |= add(a, "%s", c->kvm ? "host" : "max");
	rc |= add(a, "-smp");
	rc |= add(a, "%u", c->vcpus);
	rc |= add(a, "-m");
	rc |= add(a, "%uM", c->mem_mb);
	if (c->bios) {
		rc |= add(a, "-bios");
		rc |= add(a, "%s", c->bios);
	}
	rc |= add(a, "-kernel");
	rc |= add(a, "%s", c->kernel);
	rc |= add(a, "-initrd");
	rc |= add(a, "%s", c->initrd);
	rc |= add(a, "-append");
	rc |= add(a, "%s", c->append);
	/* ttyS0: kernel console into the log; ttyS1: the agent channel on
	 * QEMU's stdout, a pipe the runner reads. */
	qemu_escape(c->console_log, p, sizeof(p));
	rc |= add(a, "-chardev");
	rc |= add(a, "file,id=con,path=%s", p);
	rc |= add(a, "-serial");
	rc |= add(a, "chardev:con");
	rc |= add(a, "-chardev");
	rc |= add(a, "stdio,id=agent,signal=off");
	rc |= add(a, "-serial");
	rc |= add(a, "chardev:agent");
	if (c->qmp_sock) {
		qemu_escape(c->qmp_sock, p, sizeof(p));
		rc |= add(a, "-qmp");
		rc |= add(a, "unix:%s,server=on,wait=off", p);
	}
	if (c->disk) {
		qemu_escape(c->disk, p, sizeof(p));
		rc |= add(a, "-drive");
		rc |= add(a,
			  "file=%s,if=none,id=scratch,format=raw,cache=%s,"
			  "aio=%s",
			  p, c->disk_cache ? c->disk_cache : "none",
			  c->disk_aio ? c->disk_aio : "native");
		rc |= add(a, "-device");
		rc |= add(a, "virtio-blk-pci,drive=scratch");
	}
	return rc ? -ENOMEM : 0;
}

/* True when /proc/cpuinfo advertises VMX or SVM. Some sandboxes expose a
 * /dev/kvm that answers every ioctl (even KVM_RUN of a HLT) while the CPU
 * has no hardware virtualization, and QEMU then fails setting MSRs or never
 * boots a kernel: only the flag tells the truth there. */
static bool cpu_has_hw_virt(void)
{
	FILE *f = fopen("/proc/cpuinfo", "re");
	char line[4096];
	bool found = false;

	if (!f)
		return true; /* cannot tell: let the ioctls decide */
	while (!found && fgets(line, sizeof(line), f))
		if (strncmp(line, "flags", 5) == 0)
			found = strstr(line, " vmx") || strstr(line, " svm");
	fclose(f);
	return found;
}

bool vp_kvm_usable(char *why, size_t len)
{
	int fd = open("/dev/kvm", O_RDWR | O_CLOEXEC);
	int v;

	if (fd < 0) {
		snprintf(why, len, "/dev/kvm: %s", strerror(errno));
		return false;
	}
	v = ioctl(fd, KVM_GET_API_VERSION, 0);
	if (v != KVM_API_VERSION) {
		snprintf(why, len, "/dev/kvm: KVM_GET_API_VERSION %s",
			 v < 0 ? strerror(errno) : "unexpected version");
		close(fd);
		return false;
	}
	v = ioctl(fd, KVM_CREATE_VM, 0);
	if (v < 0) {
		snprintf(why, len, "/dev/kvm: KVM_CREATE_VM %s",
			 strerror(errno));
		close(fd);
		return false;
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
