/* The vmN target: boots a QEMU guest with N vCPUs around this very binary
 * (kernel + an initramfs built here, no disk image, no network), streams the
 * agent's records back from the guest's second serial port, and turns
 * boot timeouts, run timeouts, panics and early exits into an error with
 * the console tail, after killing QEMU. This file: prerequisites, the
 * retry of a boot that failed before its first record, teardown; the boot
 * itself is vm_boot.c, its collection vm_collect.c. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/targets/guest_image.h"
#include "runner/targets/kvm_host.h"
#include "runner/targets/qemu.h"
#include "runner/targets/vm_internal.h"
#include "runner/util/child.h"

/* The target's conditions against what this host and accelerator give:
 * KVM-only ones under TCG (auto fell back) and hugepages without enough
 * huge pages are refused with the reason. */
static int vm_check_conditions(struct vp_target *t, struct vm_state *s,
			       char *err, size_t errlen)
{
	char why[512];
	int rc = vp_vm_cond_of_target(t->name, &s->cond, why, sizeof(why));

	if (rc) {
		snprintf(err, errlen, "%s", why);
		return rc;
	}
	if (!s->kvm && vp_vm_cond_tcg_refusal(&s->cond, why, sizeof(why))) {
		snprintf(err, errlen, "%s; this run uses TCG (%s)", why,
			 s->kvm_why);
		return -ENOTSUP;
	}
	if (s->cond.v[VP_COND_HUGEPAGES] == 1) {
		rc = vp_hugepages_check("", VM_HUGEPAGES_DIR, VM_MEM_MB, why,
					sizeof(why));
		if (rc) {
			snprintf(err, errlen, "condition hugepages=on: %s",
				 why);
			return rc;
		}
	}
	return 0;
}

static int vm_prepare(struct vp_target *t, char *err, size_t errlen)
{
	struct vm_state *s = calloc(1, sizeof(*s));
	bool kvm_ok;
	int rc;

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	t->priv = s;
	s->pid = -1;
	s->peer.pid = -1;
	s->peer.stdin_fd = s->peer.tap_fd = -1;
	snprintf(t->ti.target_kind, sizeof(t->ti.target_kind), "vm");
	if (t->vm_cpu_n) /* --vm-cpus: the host CPUs this guest may use */
		t->ti.host_cpus = (int)t->vm_cpu_n;
	if (t->vcpus < 1 || t->vcpus > VM_MAX_VCPUS) {
		snprintf(err, errlen, "vCPU count %u outside 1 .. %d", t->vcpus,
			 VM_MAX_VCPUS);
		return -EINVAL;
	}
	rc = vp_qemu_find(s->qemu, sizeof(s->qemu), err, errlen);
	if (rc)
		return rc;
	kvm_ok = vp_kvm_usable(s->kvm_why, sizeof(s->kvm_why));
	rc = vp_qemu_accel_choose(t->plan->accel, kvm_ok, s->kvm_why, &s->kvm,
				  err, errlen);
	if (rc)
		return rc;
	snprintf(t->ti.accel, sizeof(t->ti.accel), "%s",
		 s->kvm ? "kvm" : "tcg");
	rc = vm_check_conditions(t, s, err, errlen);
	if (rc)
		return rc;
	if (!vp_vpmu_absent_here(s->kvm, s->vpmu_why, sizeof(s->vpmu_why)))
		s->vpmu_why[0] = '\0';
	rc = vp_guest_kernel_for(t, &s->k, err, errlen);
	if (rc)
		return rc;
	rc = vp_qemu_version(s->qemu, s->qemu_version, sizeof(s->qemu_version),
			     err, errlen);
	if (rc)
		return rc;
	rc = vm_net_prepare(t, s, err, errlen);
	if (rc)
		return rc;
	rc = vm_ensure_initramfs(t, s, err, errlen);
	if (rc)
		return rc;
	rc = vm_pick_disk_mode(t, s, err, errlen);
	if (rc)
		return rc;
	snprintf(s->console, sizeof(s->console), "%s/console-%s.log",
		 t->run_dir, t->name);
	snprintf(s->qemu_log, sizeof(s->qemu_log), "%s/qemu-%s.log", t->run_dir,
		 t->name);
	vp_guest_fault(t, s->fault, sizeof(s->fault));
	return 0;
}

static int vm_run_agent(struct vp_target *t, struct vp_emitter *out, char *err,
			size_t errlen)
{
	struct vm_state *s = t->priv;
	struct vm_vpmu_filter vf;
	bool booted = false;
	int rc;

	out = vm_vpmu_filter_init(&vf, out, s->vpmu_why);
	rc = vm_run_once(t, out, 0, &booted, err, errlen);

	/* A guest that stalls before its agent said anything lost nothing:
	 * boot it once more (multi-threaded TCG occasionally wedges a guest
	 * kernel while it patches its own text). Not with fault injection,
	 * whose failures are the point. */
	if (rc && !booted && rc != -EINTR && !s->fault[0] &&
	    !(t->interrupted && *t->interrupted)) {
		char first_err[512];

		char keep[PATH_MAX + 8];

		snprintf(first_err, sizeof(first_err), "%s", err);
		out->env(out, "boot_retry", first_err);
		/* Keep the first boot's logs for diagnosis. */
		snprintf(keep, sizeof(keep), "%s.1", s->console);
		rename(s->console, keep);
		snprintf(keep, sizeof(keep), "%s.1", s->qemu_log);
		rename(s->qemu_log, keep);
		rc = vm_run_once(t, out, 1, &booted, err, errlen);
		if (rc) {
			size_t n = strlen(err);

			snprintf(err + n, errlen - n,
				 " (second boot; the first failed too)");
		}
	}
	return rc;
}

/* True when no vmN target follows t in the plan: the shared initramfs
 * (megabytes, rebuilt from the binary in a second) can go. */
static bool last_vm_target(const struct vp_target *t)
{
	size_t i = 0;

	while (i < t->plan->ntargets && strcmp(t->plan->targets[i], t->name))
		i++;
	for (i++; i < t->plan->ntargets; i++)
		if (strncmp(t->plan->targets[i], "vm", 2) == 0)
			return false;
	return true;
}

static void vm_teardown(struct vp_target *t)
{
	struct vm_state *s = t->priv;
	const char *keep = getenv("VPBENCH_KEEP_GUEST");

	if (!s)
		return;
	if (s->initrd[0] && last_vm_target(t) && !(keep && *keep == '1'))
		unlink(s->initrd);
	if (s->pid > 0)
		vp_child_stop(s->pid, 2);
	vm_net_teardown(s);
	if (s->sockdir[0]) {
		unlink(s->qmp);
		rmdir(s->sockdir);
	}
	free(s);
	t->priv = NULL;
}

bool vp_target_tcg_fallback_note(const struct vp_plan *p, char *buf, size_t len)
{
	char why[384];
	bool vm = false;

	for (size_t i = 0; i < p->ntargets; i++)
		vm |= strncmp(p->targets[i], "vm", 2) == 0;
	if (!vm || strcmp(p->accel, "auto") != 0 ||
	    vp_kvm_usable(why, sizeof(why)))
		return false;
	snprintf(buf, len,
		 "vpbench: KVM is not usable, vmN targets run under TCG "
		 "emulation (figures do not represent hardware "
		 "virtualization): %s",
		 why);
	return true;
}

const struct vp_target_ops vp_target_vm_ops = {
    .kind = "vm",
    .prepare = vm_prepare,
    .run_agent = vm_run_agent,
    .teardown = vm_teardown,
};
