/* What the vm and libvirt targets boot, built the same way for both: the
 * per-run initramfs (this binary as /init, the plan, the virtio modules when
 * there is a scratch disk), the guest kernel command line, and the fault to
 * inject (VPBENCH_GUEST_FAULT, for the fault tests). */
#ifndef VP_GUEST_IMAGE_H
#define VP_GUEST_IMAGE_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/guest/guest.h"
#include "runner/targets/target.h"

/* The guest kernel of t's plan (--kernel, --modules, or the default one),
 * with the module tree a scratch disk needs. 0 or -errno with a message
 * naming the fix. */
int vp_guest_kernel_for(const struct vp_target *t, struct vp_guest_kernel *k,
			char *err, size_t errlen);

/* Builds the initramfs for t's plan into path. 0 or -errno with a message. */
int vp_guest_image_build(const struct vp_target *t,
			 const struct vp_guest_kernel *k, const char *path,
			 char *err, size_t errlen);

/* The guest kernel command line: console on ttyS0, the agent channel on
 * ttyS1, the target's name, accelerator and host CPUs, the scratch disk,
 * the fault, and VPBENCH_GUEST_APPEND for diagnosis. */
void vp_guest_cmdline(const struct vp_target *t, const char *fault, char *buf,
		      size_t len);

/* Whether t's guest gets a NIC: a vmN target whose plan has a net.*
 * workload with peer=host (libvirt guests have none). */
bool vp_guest_wants_nic(const struct vp_target *t);

/* The fault VPBENCH_GUEST_FAULT asks of this target ("" for none): only the
 * target named by VPBENCH_GUEST_FAULT_TARGET when that is set. */
void vp_guest_fault(const struct vp_target *t, char *buf, size_t len);

#endif
