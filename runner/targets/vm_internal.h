/* Private to the vm target (vm.c, vm_boot.c, vm_collect.c): its state and
 * the steps one boot is made of. */
#ifndef VP_VM_INTERNAL_H
#define VP_VM_INTERNAL_H

#include <limits.h>
#include <sched.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runner/guest/guest.h"
#include "runner/targets/net_peer_host.h"
#include "runner/targets/qemu.h"
#include "runner/targets/target.h"
#include "runner/targets/vm_cond.h"

#define VM_MEM_MB	  512
#define VM_MAX_VCPUS	  64
#define VM_INITRAMFS_NAME "guest-initramfs.cpio"
#define VM_HUGEPAGES_DIR  "/dev/hugepages"

struct vm_state {
	char qemu[PATH_MAX];
	char qemu_version[128];
	struct vp_guest_kernel k;
	bool kvm;
	char kvm_why[384];
	struct vp_vm_cond cond; /* from the target name */
	char vpmu_why[256];	/* why the guest has no vPMU, "" if it has */
	char initrd[PATH_MAX];
	char console[PATH_MAX];
	char qemu_log[PATH_MAX];
	char sockdir[PATH_MAX];
	char qmp[PATH_MAX];
	struct vp_disk_mode disk; /* the scratch disk's QEMU settings */
	char fault[16];
	pid_t pid;
	struct vp_host_peer peer; /* net.* peer=host; pid -1 when none */
};

/* vm_boot.c: one initramfs per run folder (the plan is the same for every
 * vmN); 0 or -errno with a message. */
int vm_ensure_initramfs(struct vp_target *t, struct vm_state *s, char *err,
			size_t errlen);
/* The scratch disk's settings from the target's disk conditions and what
 * the host allows (unset: cache=none with aio=native where the image's file
 * system takes O_DIRECT). 0, or -ENOTSUP with the reason when a condition
 * cannot be honoured here. */
int vm_pick_disk_mode(struct vp_target *t, struct vm_state *s, char *err,
		      size_t errlen);
/* Starts QEMU: *rfd reads the agent channel, *wfd writes to it. With out
 * set (first boot), the target's env facts are emitted. */
int vm_spawn_qemu(struct vp_target *t, struct vm_state *s, int *rfd, int *wfd,
		  struct vp_emitter *out, char *err, size_t errlen);
/* vm_net.c: the NIC of net.* peer=host. Checks the net and vhost
 * conditions (refused with the reason) and starts the host-side peer when
 * the plan needs one; 0 or -errno with a message. */
int vm_net_prepare(struct vp_target *t, struct vm_state *s, char *err,
		   size_t errlen);
/* Appends " vpbench.net=..." to the guest command line (buf holds one). */
void vm_net_cmdline(const struct vm_state *s, char *buf, size_t len);
/* net_nic, net_backend, net_vhost, net_queues, net_peer env facts. */
void vm_net_emit_env(struct vm_state *s, struct vp_emitter *out);
/* The NIC fields of QEMU's configuration. */
void vm_net_qemu_cfg(const struct vm_state *s, struct vp_qemu_cfg *c);
void vm_net_teardown(struct vm_state *s);

/* vm_pin.c: QEMU's place on the host. */
struct vm_affinity {
	cpu_set_t mask;
	bool active;
};
/* Around QEMU's spawn: the calling thread takes the --vm-cpus set (which
 * QEMU and all its threads inherit), and gets its own mask back. */
void vm_confine_begin(const struct vp_target *t, struct vm_affinity *saved);
void vm_confine_end(struct vm_affinity *saved);
/* Pins the n vCPU threads tids as the plan asks (why: the reason there
 * are none; desc: the placement) and summarises the affinity of every
 * QEMU thread (threads). */
void vm_pin_vcpus(struct vp_target *t, struct vm_state *s, const int *tids,
		  size_t n, const char *why, char *desc, size_t len,
		  char *threads, size_t tlen);
/* vCPU i -> order[i % norder] (-1 with no order). Pure. */
void vm_vcpu_pus(size_t nvcpus, const int *order, unsigned norder, int *pus);
/* "5 threads: 5 on 0" from the /proc/<pid>/task/<tid>/status texts of a
 * process's threads (distinct Cpus_allowed_list values with counts). */
void vm_affinity_summary(const char *const *status, size_t n, char *buf,
			 size_t len);

/* vm_collect.c: one boot of the guest, from QEMU start to power-off.
 * *booted tells whether the agent got to send a record (a failure before
 * that can be retried without losing rows). */
int vm_run_once(struct vp_target *t, struct vp_emitter *out, int attempt,
		bool *booted, char *err, size_t errlen);

/* vm_vpmu.c: the host's reason for a guest without a vPMU put in front of
 * the guest's "no hardware PMU" (rows and counter.* env facts). */
struct vm_vpmu_filter {
	struct vp_emitter self, *inner;
	const char *why;
};
/* Returns the emitter to use: f's wrapper, or inner itself when why is
 * empty (the guest should have a vPMU). */
struct vp_emitter *vm_vpmu_filter_init(struct vm_vpmu_filter *f,
				       struct vp_emitter *inner,
				       const char *why);
/* "no vPMU: ... (no hardware PMU: ...)" when note starts (after an optional
 * "unavailable: ") with the guest's "no hardware PMU". Pure. */
bool vm_vpmu_note(const char *note, const char *why, char *out, size_t len);

#endif
