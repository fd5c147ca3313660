/* The scratch disk's target conditions (`vm2:aio=io_uring,iothread=on`):
 * how QEMU serves the guest's virtio-blk disk, the block path whose cost
 * the io.* workloads see at queue depth. Part of a vmN target's conditions
 * (vm_cond.h), in their canonical order after the on/off switches:
 *
 *   iothread=on|off   on: -object iothread,id=iothread0 and the disk's
 *                     virtio-blk-pci,iothread=iothread0 (requests are
 *                     served off QEMU's main loop); off: the main loop
 *   aio=threads|native|io_uring
 *                     -drive aio=: QEMU's thread pool, Linux AIO (needs
 *                     cache=none), or io_uring (the host must allow it)
 *   cache=none|writeback
 *                     -drive cache=: none opens the image O_DIRECT (the
 *                     host page cache is bypassed, as io.* does on the
 *                     host); writeback goes through the host page cache
 *   queues=N          virtio-blk-pci,num-queues=N (1..64); unset, QEMU
 *                     gives one queue per vCPU
 *
 * Unset, the disk is what it always was: cache=none,aio=native where the
 * image's file system takes O_DIRECT, else cache=writeback,aio=threads;
 * no iothread. Every setting works under TCG too. */
#ifndef VP_VM_DISK_COND_H
#define VP_VM_DISK_COND_H

#include <stdbool.h>
#include <stddef.h>

#define VP_DISK_QUEUES_MAX 64

enum vp_disk_aio { VP_AIO_THREADS = 0, VP_AIO_NATIVE, VP_AIO_IO_URING };
enum vp_disk_cache { VP_CACHE_NONE = 0, VP_CACHE_WRITEBACK };

struct vp_vm_disk_cond {
	signed char iothread;  /* -1 not given, 0 off, 1 on */
	signed char aio;       /* -1 not given, else enum vp_disk_aio */
	signed char cache;     /* -1 not given, else enum vp_disk_cache */
	unsigned short queues; /* 0 not given, else 1..VP_DISK_QUEUES_MAX */
};

/* What QEMU is given for the disk, once the conditions met the host. */
struct vp_disk_mode {
	const char *cache; /* "none", "writeback" */
	const char *aio;   /* "threads", "native", "io_uring" */
	bool iothread;
	unsigned queues; /* 0: QEMU's default (one per vCPU) */
};

/* Nothing given. */
void vp_vm_disk_cond_clear(struct vp_vm_disk_cond *d);
bool vp_vm_disk_cond_any(const struct vp_vm_disk_cond *d);

/* Parses one key=value item (key kl bytes, value vl bytes; has_value
 * false when there was no '='). 1 when key is not a disk condition (the
 * caller tries others), 0 when parsed, -EINVAL with a message naming the
 * valid values. */
int vp_vm_disk_cond_parse_item(const char *key, size_t kl, const char *v,
			       size_t vl, bool has_value,
			       struct vp_vm_disk_cond *d, char *err,
			       size_t errlen);

/* Rules between the disk conditions (aio=native needs cache=none): 0 or
 * -EINVAL with the reason and the fix. */
int vp_vm_disk_cond_check(const struct vp_vm_disk_cond *d, char *err,
			  size_t errlen);

/* Appends ",key=value" items (no leading comma when at offset 0) in
 * canonical order; returns the new offset. */
size_t vp_vm_disk_cond_format(const struct vp_vm_disk_cond *d, char *buf,
			      size_t len, size_t o);

/* The disk mode for these conditions on a host where O_DIRECT on the
 * image works (odirect_ok; odirect_why says why not) and io_uring works
 * (uring_why NULL, or why not). 0, or -ENOTSUP with the reason when a
 * condition cannot be honoured (cache=none or aio=native on a file system
 * that refuses O_DIRECT, aio=io_uring where the host denies io_uring). */
int vp_vm_disk_mode_resolve(const struct vp_vm_disk_cond *d, bool odirect_ok,
			    const char *odirect_why, const char *uring_why,
			    struct vp_disk_mode *m, char *err, size_t errlen);

#endif
