/* Private to io_scratch.c and io_readonly.c: the pieces both ways of
 * opening an io.* target share (hwloc's include/private/ habit). Each
 * returns 0 or -errno with a message naming the file and the fix. */
#ifndef VP_IO_SCRATCH_INTERNAL_H
#define VP_IO_SCRATCH_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "workloads/io_scratch.h"

/* Working set of a scratch file or device: -O size, or 64M for size=0,
 * capped to `whole` (the device's size; UINT64_MAX for a file). */
uint64_t vp_io_size_wanted(const struct vp_io_opts *o, uint64_t whole);

/* Marks t as a block device and reads its size into *avail; with
 * o->direct also checks bs against the logical block size. `what` names
 * the role in messages ("scratch device", "device"). */
int vp_io_blk_geometry(const char *wl, const char *what,
		       const struct vp_io_opts *o, struct vp_io_target *t,
		       uint64_t *avail, char *err, size_t errlen);

/* Switches t->fd to O_DIRECT; refuses memory filesystems, where O_DIRECT
 * would time memory copies while claiming device I/O. */
int vp_io_set_direct(const char *wl, struct vp_io_target *t, char *err,
		     size_t errlen);

/* Reads one block at t->base: alignment and I/O errors surface before
 * the measured run. */
int vp_io_probe_read(const char *wl, struct vp_io_target *t, char *err,
		     size_t errlen);

#endif
