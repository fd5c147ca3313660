/* Conditions of a vmN target, written in its name: `vm4:pvspin=off`,
 * `vm4:pvspin=off,cpu-pm=on`. Each condition is a key=value switch of the
 * guest's paravirtual or exit features; a target with conditions is a
 * target of its own everywhere (rows, env.csv, reports), so `vm4` and
 * `vm4:pvspin=off` sit side by side.
 *
 *   pvspin=on|off      paravirtual spinlocks: off = -cpu ...,kvm-pv-unhalt=off
 *                      and the guest kernel's `nopvspin` (KVM only)
 *   cpu-pm=on|off      on = -overcommit cpu-pm=on: HLT, PAUSE and MWAIT no
 *                      longer exit to the host (KVM only)
 *   invtsc=on|off      on = -cpu host,migratable=no,+invtsc (KVM only)
 *   hugepages=on|off   on = guest RAM from a hugetlbfs file under
 *                      /dev/hugepages (checked: mounted, enough free pages)
 *   net=user|tap       the NIC's backend (net.* peer=host): QEMU user
 *                      networking (the default), or a tap device in a
 *                      network namespace the host-side peer creates
 *   vhost=on|off       the NIC's data path in the host kernel (vhost-net);
 *                      needs net=tap and /dev/vhost-net (refused with the
 *                      reason otherwise, vm_net.c)
 *   iothread=, aio=, cache=, queues=
 *                      the scratch disk's QEMU settings (vm_disk_cond.h)
 *
 * Syntax: after `vmN:` a comma list of key=value. In a target list (-t) the
 * items after such a target that are key=value (no ':' before the '=')
 * continue its conditions: `-t host,vm4:pvspin=off,cpu-pm=on,vm2` is three
 * targets. Names are canonical: conditions in the order above, each at most
 * once. */
#ifndef VP_VM_COND_H
#define VP_VM_COND_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/targets/vm_disk_cond.h"

enum vp_vm_cond_key {
	VP_COND_PVSPIN = 0,
	VP_COND_CPU_PM,
	VP_COND_INVTSC,
	VP_COND_HUGEPAGES,
	VP_COND_NET,   /* 0 user, 1 tap */
	VP_COND_VHOST,
	VP_COND_KEYS
};

struct vp_vm_cond {
	signed char v[VP_COND_KEYS]; /* -1 not given, 0 off, 1 on */
	struct vp_vm_disk_cond disk; /* the scratch disk's settings */
};

/* "pvspin", "cpu-pm", ... */
const char *vp_vm_cond_key_name(enum vp_vm_cond_key k);

/* Parses a condition list ("pvspin=off,cpu-pm=on"). 0, or -EINVAL with a
 * message naming the bad key or value and the valid ones. */
int vp_vm_cond_parse(const char *spec, struct vp_vm_cond *c, char *err,
		     size_t errlen);

/* The conditions of a target name ("vm4:pvspin=off" -> pvspin off; "vm4"
 * -> none). 0 or -EINVAL as above. */
int vp_vm_cond_of_target(const char *name, struct vp_vm_cond *c, char *err,
			 size_t errlen);

/* Canonical list ("pvspin=off,cpu-pm=on"), "" when none. */
void vp_vm_cond_format(const struct vp_vm_cond *c, char *buf, size_t len);

/* Whether any condition is given. */
bool vp_vm_cond_any(const struct vp_vm_cond *c);

/* NULL when every condition can be honoured under TCG; else why not (the
 * first KVM-only condition and what it needs), written to buf. */
const char *vp_vm_cond_tcg_refusal(const struct vp_vm_cond *c, char *buf,
				   size_t len);

/* Plan-time check of a target's conditions against --accel: with tcg, a
 * KVM-only condition is -EINVAL with the reason (auto is decided per run,
 * when the accelerator is known). */
int vp_vm_cond_accel_check(const char *target, const char *accel, char *err,
			   size_t errlen);

/* Splits a target list at commas, joining key=value items to the vmN:
 * target before them, and canonicalises vmN conditions. Calls fn for each
 * target; 0 or the first error (-EINVAL with a message). */
int vp_target_list_each(const char *list,
			int (*fn)(void *ctx, const char *name, char *err,
				  size_t errlen),
			void *ctx, char *err, size_t errlen);

#endif
