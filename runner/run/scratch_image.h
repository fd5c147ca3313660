/* The raw scratch image shared by the guests (virtio-blk) and the host
 * target's io.* workloads. Filled with real data, not a sparse hole, so
 * reads reach the device on both sides. Its first 4 KiB are the io.*
 * scratch signature: the workloads write only to signed targets. */
#ifndef VP_SCRATCH_IMAGE_H
#define VP_SCRATCH_IMAGE_H

#include <stddef.h>
#include <stdint.h>

/* Creates `path` (must not exist) of `size` bytes. 0 or -errno with a
 * message naming the path and, for ENOSPC, the option that helps. */
int vp_scratch_image_create(const char *path, uint64_t size, char *err,
			    size_t errlen);

/* Refuses a folder on a memory file system (tmpfs, ramfs) for the image:
 * recent kernels accept O_DIRECT there, so a guest's "disk" would be RAM.
 * 0, or -EINVAL with the reason and the fix. */
int vp_scratch_image_check_dir(const char *dir, char *err, size_t errlen);

#endif
