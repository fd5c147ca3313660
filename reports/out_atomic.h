/* The one writer of whole output files (report.html, summary.csv, --json,
 * compare --markdown / --junit). A file is written to a temporary file in
 * the destination's folder (mkstemp), flushed to disk and renamed into
 * place, so a crash, a full disk or a write error never leaves a half file
 * and never touches what was there before.
 *
 * Run folders are shared (CI artifacts, shared disks), so what sits at a
 * destination is checked before anything is written:
 *   - a path the program chose itself (VP_OUT_DEFAULT: RUN/report.html,
 *     RUN/summary.csv next to the HTML) must be absent or a regular file;
 *     a symbolic link there is refused, never followed or replaced;
 *   - a path the user named on the command line (VP_OUT_NAMED) may be a
 *     symbolic link: the file it points to is replaced (its folder gets
 *     the temporary file); a character device or FIFO named so (/dev/null,
 *     /dev/stdout) is written directly, since it cannot be renamed over.
 * A folder is refused in both cases; a dangling link is named as one.
 * (results.csv, env.csv and plan.conf of a run are created new, O_EXCL,
 * by runner/util/out_file.h, which cannot follow a link either.)
 *
 * Lifecycle: vp_atomic_open -> write to o->f -> vp_atomic_commit, or
 * vp_atomic_abort on any error (removes the temporary file). */
#ifndef VP_OUT_ATOMIC_H
#define VP_OUT_ATOMIC_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum vp_out_origin {
	VP_OUT_DEFAULT, /* the program chose the path */
	VP_OUT_NAMED,	/* the user typed this path */
};

struct vp_atomic_out {
	FILE *f;	     /* write here */
	char path[PATH_MAX]; /* as given (messages) */
	char dest[PATH_MAX]; /* what the rename replaces */
	char tmp[PATH_MAX];  /* the temporary file; "" when direct */
	bool direct;	     /* a named device or FIFO: no rename */
	int fd;		     /* under f */
	int error;	     /* first errno of a write (f hides it) */
};

/* Checks the destination and opens the temporary file. 0 or -errno with a
 * message naming the path and the fix; nothing is created on error. */
int vp_atomic_open(struct vp_atomic_out *o, const char *path,
		   enum vp_out_origin origin, char *err, size_t errlen);
/* Flushes, fsyncs, closes and renames into place (then syncs the folder).
 * 0, or -errno with a message naming the path and the error (ENOSPC for a
 * full disk); on error the destination is left as it was. */
int vp_atomic_commit(struct vp_atomic_out *o, char *err, size_t errlen);
/* Closes and removes the temporary file; safe after a failed open. */
void vp_atomic_abort(struct vp_atomic_out *o);

/* open, fill(ctx, f), commit in one call. */
int vp_atomic_write(const char *path, enum vp_out_origin origin,
		    void (*fill)(const void *ctx, FILE *f), const void *ctx,
		    char *err, size_t errlen);

#endif
