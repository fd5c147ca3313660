/* A run folder's plan.conf as `report` sees it: read with the same rules as
 * `vpbench run --plan` (the runner lends them, see below), so a plan.conf
 * that is a link, a folder, a device or hand-edited nonsense is named in a
 * warning and left out of the JSON instead of being copied into it; and the
 * planned steps against the steps results.csv holds, so a run killed
 * part-way says how many are missing. */
#ifndef VP_RUN_PLAN_H
#define VP_RUN_PLAN_H

#include <stddef.h>

#include "reports/csv_read.h"

/* Reads the plan file at path with the plan's rules; 0 with *steps (all
 * targets' steps, -1 when not fixed: -r auto) or -errno with the reason in
 * err. The reports room cannot include the runner: the runner installs its
 * reader at start-up (runner/plan/report_plan.c). */
typedef int (*vp_plan_reader_fn)(const char *path, long *steps, char *err,
				 size_t errlen);
void vp_report_set_plan_reader(vp_plan_reader_fn fn);

/* Checks run's plan.conf (none: nothing to say) and sets run->plan_refused,
 * run->planned_steps, run->measured_steps, run->missing_steps; a refused
 * plan.conf becomes a warning of the run. 0 or -ENOMEM. */
int vp_run_plan_check(struct vp_run *run);

#endif
