/* The run room: `vpbench run` executes a plan over its targets into a run
 * folder (results.csv, env.csv, plan.conf, console logs, report.html).
 *
 * What the room offers:
 *   run.c            the orchestration: targets in order (or a lane per
 *                    host), failed rows for what a target did not measure,
 *                    the final report
 *   run_check.c      checks of the plan against this machine before a run
 *                    folder exists (usage errors, exit 2)
 *   run_folder.c     the folder and the files that open it
 *   scratch_image.c  the guests' scratch disk, filled once per run
 *   counter_scope.c  one counter scope for every target of a plan
 *   progress.c       step k of n on stderr, ETA
 *   provenance.c     build, command line and times per target in env.csv */
#ifndef VP_RUN_H
#define VP_RUN_H

#include "runner/plan/plan.h"

struct vp_run_options {
	const char *self_exe; /* absolute path of this binary */
	int quiet;	      /* no progress lines */
	int no_report;	      /* skip report.html at the end */
};

/* Checks the runner can make on this machine before the run (run_check.c):
 * for vmN targets a given --kernel is a readable file, --modules a
 * directory, --accel kvm has a usable /dev/kvm. 0 or -errno with a
 * message; the caller exits 2. */
int vp_run_check(const struct vp_plan *p, char *err, size_t errlen);

/* Returns the process exit code: 0 all ok, 1 some steps failed, 2 bad
 * input (unwritable folder...), 130 interrupted. */
int vp_run_execute(struct vp_plan *plan, const struct vp_run_options *o);

#endif
