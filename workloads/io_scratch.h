/* The scratch target of the io.* workloads: the one file or device their
 * writes may touch. Safety is the point of this module:
 *   - a scratch file vpbench creates starts with a 4 KiB signature block
 *     that the workloads never overwrite (their working set starts after
 *     it); an existing `path` is used only when it carries that signature,
 *     anything else (plain files, devices, symlinks) is refused;
 *   - a scratch device given by the target (a guest's /dev/vdX, the raw
 *     image on the host) must carry the same signature (the runner writes
 *     it into the image it creates) and is used after it, never created
 *     or extended;
 *   - files created here are removed again by vp_io_target_close() unless
 *     the caller asks to keep them;
 *   - the read workloads may also measure an existing file or block device
 *     of the user's: vp_io_target_open_read() opens it O_RDONLY and never
 *     writes it (io_readonly.c).
 * Data is written for real (no sparse holes) so reads reach the device. */
#ifndef VP_IO_SCRATCH_H
#define VP_IO_SCRATCH_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/options.h"

/* Size of the signature block at the head of vpbench scratch files. */
#define VP_IO_SIG_BYTES 4096u
/* First bytes of the signature block. */
#define VP_IO_SIG_MAGIC "VPBENCH-SCRATCH v1\n"

/* The options every io.* workload shares (-O KEY=VALUE). */
struct vp_io_opts {
	char path[VP_OPT_STRING_MAX];	/* "" = new file in the scratch dir */
	uint64_t size;			/* working set, bytes */
	uint64_t bs;			/* block size, bytes */
	int64_t direct;			/* 1: O_DIRECT */
	int64_t keep;			/* 1: keep a created file afterwards */
	char engine[VP_OPT_STRING_MAX]; /* "psync" or "io_uring" */
	int64_t qd;			/* I/Os in flight per thread */
	char submit[VP_OPT_STRING_MAX]; /* io_uring: "each" or "batch" */
};

/* Upper bounds of -O qd and of one thread's in-flight buffers (qd x bs). */
#define VP_IO_QD_MAX	   1024
#define VP_IO_INFLIGHT_MAX (256ull << 20)

extern const struct vp_option vp_io_options[];

/* An opened scratch target. I/O goes to [base, base + size) in blocks of
 * bs; base is VP_IO_SIG_BYTES for scratch files, 0 for scratch devices. */
struct vp_io_target {
	int fd;
	char path[PATH_MAX];
	uint64_t base, size, bs;
	bool direct;
	bool created;  /* this process created the file (removed on close) */
	bool is_dev;   /* the target's scratch device (block device or image) */
	bool is_blk;   /* a block device */
	bool readonly; /* the user's own file or device, opened O_RDONLY */
};

/* Told the path of each scratch file vp_io_target_open creates (and will
 * remove), right after creating it and before filling it, so the runner
 * can record it for the removal of a killed run's leftovers. The same
 * function for every caller (the io workloads set it from their context);
 * NULL: nobody is told. */
void vp_io_set_created_hook(void (*fn)(const char *path));

/* Checks bs: a multiple of 512 within the option bounds. 0 or -EINVAL with
 * a message naming the option. */
int vp_io_check_bs(uint64_t bs, char *err, size_t errlen);

/* The workloads' `check`: bs as above, a working set of at least one
 * block, qd > 1 only with engine=io_uring and qd x bs within
 * VP_IO_INFLIGHT_MAX, so a bad -O fails before the run, not in it. */
int vp_io_check_opts(const void *opts, char *err, size_t errlen);

/* Opens (and creates/fills when needed) the scratch target for workload
 * `wl` ("io.randread", used in messages). scratch_dev wins over opts->path
 * when non-NULL; with neither, a new file goes into scratch_dir (NULL:
 * /var/tmp). On success t->fd is open (O_DIRECT when opts->direct) and the
 * working set holds real data. Returns 0 or -errno with a message that
 * names the file and the option that helps. */
int vp_io_target_open(const char *wl, const struct vp_io_opts *opts,
		      const char *scratch_dir, const char *scratch_dev,
		      struct vp_io_target *t, char *err, size_t errlen);

/* For workloads that only read: like vp_io_target_open, except that an
 * existing regular file or block device named by opts->path is opened
 * O_RDONLY and measured as it is (t->readonly): never written, created or
 * removed. Its working set is the whole file or device (size from st_size
 * or BLKGETSIZE64; past the signature block of a vpbench scratch file),
 * capped by a non-zero opts->size. */
int vp_io_target_open_read(const char *wl, const struct vp_io_opts *opts,
			   const char *scratch_dir, const char *scratch_dev,
			   struct vp_io_target *t, char *err, size_t errlen);

/* Closes the target; removes the file when this process created it and
 * keep is false. Safe after a failed open and when already closed. */
void vp_io_target_close(struct vp_io_target *t, bool keep);

/* Writes the signature block at offset 0 of fd (a new scratch file or the
 * runner's scratch image). 0 or -errno. */
int vp_io_write_signature(int fd);
/* The same for an image whose bytes [0, filled) already hold written data
 * (the runner fills its scratch image once per run, then signs it): io.*
 * on it, in every target, use that data instead of filling their working
 * set again (seconds per guest under TCG). */
int vp_io_write_signature_filled(int fd, uint64_t filled);

/* True when the open file `fd` starts with the vpbench signature block. */
bool vp_io_has_signature(int fd);
/* How far its signature says fd is filled with data (0: not said). */
uint64_t vp_io_signature_filled(int fd);

#endif
