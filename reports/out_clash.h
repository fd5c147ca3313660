/* Outputs that would destroy an input or each other: `report RUN --summary
 * RUN/results.csv` would replace the raw results, `-o X --json X` would
 * leave one of two files announced as written. Paths are compared as files,
 * not as strings: by device and inode where the file exists (hard links,
 * symbolic links, "./a" and "a" all meet), else by the device and inode of
 * the folder it would be created in plus its name. */
#ifndef VP_OUT_CLASH_H
#define VP_OUT_CLASH_H

#include <stddef.h>

/* One path and the option or role that named it ("-o", "--summary",
 * "results.csv of run RUN"), for the message. */
struct vp_path_role {
	const char *path; /* NULL: not used (skipped) */
	const char *role;
};

/* 0 when no output is one of the inputs or another output; else -EINVAL
 * with a message naming both and the fix. */
int vp_out_clash_check(const struct vp_path_role *outs, size_t nouts,
		       const struct vp_path_role *ins, size_t nins, char *err,
		       size_t errlen);

#endif
