/* The plan's rules lent to `vpbench report` (reports/run_plan.h): a run
 * folder's plan.conf is read exactly as `vpbench run --plan` reads a plan
 * file, and the steps it plans are counted for every target. */
#include "runner/plan/report_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "runner/plan/plan.h"

int vp_report_plan_read(const char *path, long *steps, char *err, size_t errlen)
{
	struct vp_plan *p = malloc(sizeof(*p));
	if (!p) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	vp_plan_defaults(p);
	int rc = vp_plan_load(p, path, err, errlen);
	if (!rc)
		rc = vp_plan_finalize(p, err, errlen);
	/* -r auto stops a cell when its CI is tight: no fixed count. */
	*steps =
	    rc || p->reps_auto ? -1 : (long)(vp_plan_steps(p) * p->ntargets);
	vp_plan_free(p);
	free(p);
	return rc;
}
