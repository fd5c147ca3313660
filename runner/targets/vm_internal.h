/* Private to the vm target (vm.c, vm_boot.c, vm_collect.c): its state and
 * the steps one boot is made of. */
#ifndef VP_VM_INTERNAL_H
#define VP_VM_INTERNAL_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runner/guest/guest.h"
#include "runner/targets/target.h"

#define VM_MEM_MB	  512
#define VM_MAX_VCPUS	  64
#define VM_INITRAMFS_NAME "guest-initramfs.cpio"

struct vm_state {
	char qemu[PATH_MAX];
	char qemu_version[128];
	struct vp_guest_kernel k;
	bool kvm;
	char kvm_why[256];
	char initrd[PATH_MAX];
	char console[PATH_MAX];
	char qemu_log[PATH_MAX];
	char sockdir[PATH_MAX];
	char qmp[PATH_MAX];
	const char *disk_cache, *disk_aio;
	char fault[16];
	pid_t pid;
};

/* vm_boot.c: one initramfs per run folder (the plan is the same for every
 * vmN); 0 or -errno with a message. */
int vm_ensure_initramfs(struct vp_target *t, struct vm_state *s, char *err,
			size_t errlen);
/* cache=none (O_DIRECT) where the scratch image's file system allows it. */
void vm_pick_disk_mode(struct vp_target *t, struct vm_state *s);
/* Starts QEMU: *rfd reads the agent channel, *wfd writes to it. With out
 * set (first boot), the target's env facts are emitted. */
int vm_spawn_qemu(struct vp_target *t, struct vm_state *s, int *rfd, int *wfd,
		  struct vp_emitter *out, char *err, size_t errlen);
/* Pins the n vCPU threads tids as the plan asks (why: the reason there
 * are none); describes the placement in desc. */
void vm_pin_vcpus(struct vp_target *t, const int *tids, size_t n,
		  const char *why, char *desc, size_t len);

/* vm_collect.c: one boot of the guest, from QEMU start to power-off.
 * *booted tells whether the agent got to send a record (a failure before
 * that can be retried without losing rows). */
int vm_run_once(struct vp_target *t, struct vp_emitter *out, int attempt,
		bool *booted, char *err, size_t errlen);

/* A printf-style env fact. */
void vm_env_fmt(struct vp_emitter *out, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
