/* QEMU control for the vm target: accelerator choice (KVM when /dev/kvm is
 * usable, else multi-threaded TCG), the command line (built as an argv
 * array) and version. The QMP client is qmp.h. */
#ifndef VP_QEMU_H
#define VP_QEMU_H

#include <stdbool.h>
#include <stddef.h>

#include "runner/guest/guest.h"

#define VP_QEMU_BINARY	     "qemu-system-x86_64"
#define VP_QEMU_INSTALL_HINT "apt-get install qemu-system-x86"

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
	const char *disk_aio;	 /* "native" or "threads" */
	const char *bios;	 /* NULL = QEMU's default firmware */
};

/* The full argv (agent channel = ttyS1 on QEMU's stdout). Pure. */
int vp_qemu_build_argv(const struct vp_qemu_cfg *c, struct vp_strlist *argv);

/* Is /dev/kvm usable (open O_RDWR and KVM_GET_API_VERSION == 12)? When not,
 * why says so. */
bool vp_kvm_usable(char *why, size_t len);

/* want = auto|kvm|tcg. Sets *kvm; a forced kvm without a usable /dev/kvm
 * is -ENODEV with the reason. Pure. */
int vp_qemu_accel_choose(const char *want, bool kvm_ok, const char *kvm_why,
			 bool *kvm, char *err, size_t errlen);

/* "7.2.22 (Debian 1:7.2+dfsg-7+deb12u18+b3)" from `qemu --version`. */
int vp_qemu_version(const char *qemu, char *buf, size_t len, char *err,
		    size_t errlen);

#endif
