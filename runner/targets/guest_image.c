/* The embedded guest as the vm and libvirt targets boot it: initramfs,
 * kernel command line, injected fault (guest_image.h). */
#include "runner/targets/guest_image.h"

#include "runner/targets/net_peer_host.h"
#include "runner/util/leftovers.h"

#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The drivers the guest may need, each with what needs it. */
static const char *const disk_modules[] = {"virtio_pci", "virtio_blk"};
static const char *const net_modules[] = {"virtio_pci", "virtio_net"};

/* The plan file text the guest agent loads. */
static char *plan_text(const struct vp_plan *p)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	if (!f)
		return NULL;
	if (vp_plan_write(p, f) != 0) {
		fclose(f);
		free(buf);
		return NULL;
	}
	fclose(f);
	return buf;
}

int vp_guest_kernel_for(const struct vp_target *t, struct vp_guest_kernel *k,
			char *err, size_t errlen)
{
	int rc = vp_guest_kernel_find(t->plan->kernel, t->plan->modules, k, err,
				      errlen);
	if (rc)
		return rc;
	/* Drivers are modules in distribution kernels: the guest needs them
	 * for a scratch disk or a NIC. */
	const char *need = t->scratch_image ? "virtio_blk for its scratch disk"
			   : vp_guest_wants_nic(t)
			       ? "virtio_net for net.* peer=host"
			       : NULL;
	if (need && !k->modules[0]) {
		snprintf(err, errlen,
			 "no module tree for guest kernel %s (%s): the guest "
			 "needs virtio_pci and %s; pass --modules DIR",
			 k->kernel, k->version[0] ? k->version : "?", need);
		return -ENOENT;
	}
	return 0;
}

int vp_guest_image_build(const struct vp_target *t,
			 const struct vp_guest_kernel *k, const char *path,
			 char *err, size_t errlen)
{
	struct vp_initramfs_spec spec = {0};
	const char *mods[4];
	size_t nmods = 0;
	uint64_t bytes = 0;
	char *plan = plan_text(t->plan);
	int rc;

	if (!plan) {
		snprintf(err, errlen, "cannot serialise the plan");
		return -ENOMEM;
	}
	spec.exe = t->self_exe;
	spec.moddir = k->modules[0] ? k->modules : NULL;
	/* Without a scratch disk the guest needs no driver at all, and every
	 * module load (signature check, relocation) costs boot time. */
	if (t->scratch_image) {
		mods[nmods++] = disk_modules[0];
		mods[nmods++] = disk_modules[1];
	}
	if (vp_guest_wants_nic(t)) {
		if (!nmods)
			mods[nmods++] = net_modules[0];
		mods[nmods++] = net_modules[1];
	}
	spec.modules = mods;
	spec.nmodules = nmods;
	spec.plan_text = plan;
	rc = vp_initramfs_build(&spec, path, &bytes, err, errlen);
	if (!rc) /* a killed run's leftover, removed by the next run */
		vp_leftovers_add(path, NULL);
	free(plan);
	return rc;
}

void vp_guest_cmdline(const struct vp_target *t, const char *fault, char *buf,
		      size_t len)
{
	int o = snprintf(buf, len,
			 "console=ttyS0 quiet panic=-1 rdinit=/init "
			 "vpbench.target=%s vpbench.accel=%s "
			 "vpbench.host_cpus=%d vpbench.chan=/dev/ttyS1",
			 t->name, t->ti.accel, t->ti.host_cpus);

	if (t->scratch_image && (size_t)o < len)
		o += snprintf(buf + o, len - (size_t)o, " vpbench.disk=1");
	if (fault && fault[0] && (size_t)o < len)
		o += snprintf(buf + o, len - (size_t)o, " vpbench.fault=%s",
			      fault);
	/* Extra guest kernel parameters for diagnosis (e.g. loglevel=7). */
	if (getenv("VPBENCH_GUEST_APPEND") && (size_t)o < len)
		snprintf(buf + o, len - (size_t)o, " %s",
			 getenv("VPBENCH_GUEST_APPEND"));
}

bool vp_guest_wants_nic(const struct vp_target *t)
{
	return strncmp(t->name, "vm", 2) == 0 &&
	       vp_plan_wants_host_peer(t->plan);
}

void vp_guest_fault(const struct vp_target *t, char *buf, size_t len)
{
	const char *fault = getenv("VPBENCH_GUEST_FAULT");
	const char *only = getenv("VPBENCH_GUEST_FAULT_TARGET");

	buf[0] = '\0';
	if (fault && *fault && (!only || !*only || strcmp(only, t->name) == 0))
		snprintf(buf, len, "%s", fault);
}
