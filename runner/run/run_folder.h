/* The run folder: its default name (results/<UTC timestamp>), its
 * creation, and the files that open it (results.csv and env.csv with their
 * headers, plan.conf), each written whole through runner/util/out_file.h. */
#ifndef VP_RUN_FOLDER_H
#define VP_RUN_FOLDER_H

#include <stddef.h>

#include "runner/plan/plan.h"
#include "runner/util/out_file.h"

struct vp_run_files {
	struct vp_out_file results, env;
};

/* Fills plan->output and plan->run_id when empty (results/<stamp>,
 * <stamp>-<pid>). */
void vp_run_folder_default(struct vp_plan *plan);

/* Creates plan->output and its files. The folder must be new or empty.
 * Returns 0; 2 when the folder cannot be used (cannot be created, not
 * empty: an earlier run or other files, named) with a message naming the
 * fix; 1 when writing failed (full disk...) with the path and errno
 * text. Files opened before a failure stay open: vp_run_folder_close. */
int vp_run_folder_open(const struct vp_plan *plan, struct vp_run_files *f,
		       char *err, size_t errlen);

/* Syncs and closes both CSV files; 0 or -errno of the first failure of
 * either (vp_out_error on it names the path). */
int vp_run_folder_close(struct vp_run_files *f);

#endif
