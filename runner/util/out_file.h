/* Output files of a run (results.csv, env.csv, plan.conf) written so that
 * a full disk or a file-size limit never leaves half a row: each record is
 * one write at a known offset, and a write that stores only part of it is
 * cut back off the file. The first failure is kept with its errno; the
 * caller stops and says so, naming the path. */
#ifndef VP_OUT_FILE_H
#define VP_OUT_FILE_H

#include <limits.h>
#include <stddef.h>
#include <sys/types.h>

struct vp_out_file {
	int fd;
	off_t size; /* bytes of whole records on disk */
	char path[PATH_MAX];
	int error; /* first errno of a failed write, sync or close; 0 */
};

/* Creates path (must not exist: O_EXCL). 0 or -errno with a message naming
 * the path. */
int vp_out_open(struct vp_out_file *f, const char *path, char *err,
		size_t errlen);
/* Appends len bytes as a whole or not at all. 0 or -errno (the file keeps
 * its previous whole records; later writes fail with the same errno). */
int vp_out_write(struct vp_out_file *f, const void *buf, size_t len);
/* fdatasync: the records written so far survive a crash. 0 or -errno. */
int vp_out_sync(struct vp_out_file *f);
/* Syncs and closes; 0 or -errno (the first error of the file's life). Safe
 * on a file that never opened (fd -1). */
int vp_out_close(struct vp_out_file *f);
/* "writing PATH failed: ERRNO TEXT" for the first error, into err. */
void vp_out_error(const struct vp_out_file *f, char *err, size_t errlen);

#endif
