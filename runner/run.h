/* `vpbench run`: executes a plan over its targets into a run folder
 * (results.csv, env.csv, plan.conf, console logs, report.html). */
#ifndef VP_RUN_H
#define VP_RUN_H

#include "runner/plan.h"

struct vp_run_options {
	const char *self_exe; /* absolute path of this binary */
	int quiet;	      /* no progress lines */
	int no_report;	      /* skip report.html at the end */
};

/* Returns the process exit code: 0 all ok, 1 some steps failed, 2 bad
 * input (unwritable folder...), 130 interrupted. */
int vp_run_execute(struct vp_plan *plan, const struct vp_run_options *o);

#endif
