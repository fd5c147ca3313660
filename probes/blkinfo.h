/* What the kernel made of a block device, as the workload side sees it:
 * its blk-mq hardware queues and I/O scheduler. Inside a guest this shows
 * whether the disk's target conditions (queues=N) arrived: the runner
 * records what QEMU was given, the guest what its driver uses. */
#ifndef VP_BLKINFO_H
#define VP_BLKINFO_H

#include <stddef.h>

/* "hw_queues=2 scheduler=none" for the block device at path (from
 * /sys/dev/block/MAJ:MIN/mq and queue/scheduler). 0, or -ENOTBLK for
 * anything but a block device, or -errno when sysfs cannot be read; buf
 * then holds the reason. */
int vp_blk_describe(const char *path, char *buf, size_t len);

#endif
