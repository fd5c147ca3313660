/* QEMU control for the vm target: accelerator choice (KVM when /dev/kvm is
 * usable, else multi-threaded TCG), the command line (built as an argv
 * array, qemu_argv.c) and version. The QMP client is qmp.h. */
#ifndef VP_QEMU_H
#define VP_QEMU_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/guest/guest.h"

#define VP_QEMU_BINARY	    "qemu-system-x86_64"
#define VP_QEMU_RHEL_BINARY "/usr/libexec/qemu-kvm"
#define VP_QEMU_INSTALL_HINT                                                   \
	"apt-get install qemu-system-x86 (Debian/Ubuntu) or dnf install "      \
	"qemu-kvm (RHEL/Fedora)"

struct vp_qemu_cfg {
	const char *qemu; /* binary */
	const char *kernel, *initrd, *append;
	unsigned vcpus;
	unsigned mem_mb;
	bool kvm;
	const char *console_log; /* ttyS0 -> this file */
	const char *qmp_sock;	 /* NULL = no QMP */
	const char *disk;	 /* raw scratch image or NULL */
	const char *disk_cache;	 /* "none" or "writeback" */
	const char *disk_aio;	 /* "native", "threads" or "io_uring" */
	bool disk_iothread;	 /* serve the disk from an iothread */
	unsigned disk_queues;	 /* virtio-blk num-queues, 0 = QEMU's */
	const char *bios;	 /* NULL = QEMU's default firmware */
	/* Target conditions (runner/targets/vm_cond.h), KVM only unless
	 * said otherwise: */
	int pv_unhalt;	      /* 0 as -cpu host has it, 1 on, -1 off */
	bool cpu_pm;	      /* -overcommit cpu-pm=on */
	bool invtsc;	      /* -cpu host,migratable=no,+invtsc */
	const char *mem_path; /* hugetlbfs dir for guest RAM (TCG too) */
	/* virtio-net NIC: NULL none, "user" (QEMU user networking) or "tap"
	 * (the tap descriptor nic_fd, inherited by QEMU), vhost-net or not */
	const char *nic;
	int nic_fd;
	bool nic_vhost;
};

/* The QEMU binary: $VPBENCH_QEMU when set (a name in PATH or a path), else
 * qemu-system-x86_64 in PATH, else /usr/libexec/qemu-kvm (RHEL ships only
 * that). 0 with the path, or -ENOENT with what was tried and the install
 * line. */
int vp_qemu_find(char *path, size_t len, char *err, size_t errlen);

/* CPU slots (QEMU's maxcpus) a guest of `vcpus` vCPUs is declared with:
 * vcpus, except a 1-vCPU TCG guest, which gets a second slot that is never
 * plugged. QEMU before 8.1 decides from maxcpus alone whether guest code
 * can race with anything, and for maxcpus 1 drops the guest's memory
 * barriers and turns its locked instructions into plain ones. But QEMU's
 * own I/O threads share the virtqueues with that vCPU: the store-load
 * barrier in virtio's interrupt suppression goes missing, both sides miss
 * each other's update, and a disk completion is never signalled (the guest
 * waits in submit_bio_wait until the step times out). With two slots TCG
 * emits real barriers and atomics; the guest still runs on one CPU. */
unsigned vp_qemu_cpu_slots(unsigned vcpus, bool kvm);

/* The accel_note of a TCG guest of `vcpus` vCPUs (why: why not KVM):
 * emulation, not hardware virtualization, and for a 1-vCPU guest its
 * second CPU slot and why it has one. */
void vp_qemu_tcg_note(char *buf, size_t len, const char *why, unsigned vcpus);

/* The full argv (agent channel = ttyS1 on QEMU's stdout), in
 * qemu_argv.c. Pure. */
int vp_qemu_build_argv(const struct vp_qemu_cfg *c, struct vp_strlist *argv);

/* Is /dev/kvm usable (open O_RDWR, KVM_GET_API_VERSION == 12, KVM_CREATE_VM
 * and a vmx/svm CPU flag)? When not, why says so with the fix. */
bool vp_kvm_usable(char *why, size_t len);

/* The reason and fix for a /dev/kvm step `op` ("open", "KVM_CREATE_VM")
 * failing with errno err: ENOENT (no module), EACCES/EPERM (group: the
 * usermod line when in_group is 0; in_group 1 yes, -1 unknown), EBUSY
 * (another hypervisor holds VT-x/AMD-V), ENXIO/ENODEV. Pure. */
void vp_kvm_why(const char *op, int err, const char *group, int in_group,
		char *buf, size_t len);

/* Whether /proc/cpuinfo text lists the vmx or svm flag (whole flags, so
 * svm_lock alone does not count). Pure. */
bool vp_cpuinfo_hw_virt(const char *cpuinfo);

/* want = auto|kvm|tcg. Sets *kvm; a forced kvm without a usable /dev/kvm
 * is -ENODEV with the reason. Pure. */
int vp_qemu_accel_choose(const char *want, bool kvm_ok, const char *kvm_why,
			 bool *kvm, char *err, size_t errlen);

/* "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)" from `qemu --version`. */
int vp_qemu_version(const char *qemu, char *buf, size_t len, char *err,
		    size_t errlen);

#endif
