/* plan.conf of a run folder: refused or checked, and the steps it planned
 * against those results.csv holds (run_plan.h). */
#include "reports/run_plan.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static vp_plan_reader_fn plan_reader;

void vp_report_set_plan_reader(vp_plan_reader_fn fn)
{
	plan_reader = fn;
}

/* One key per step: target, workload, threads, rep (the -r auto cell-end
 * rows share their last step's key). */
static char *step_key(const struct vp_result *x)
{
	char *k = NULL;
	if (asprintf(&k, "%s\x1f%s\x1f%d\x1f%d", x->target, x->workload,
		     x->threads, x->rep) < 0)
		return NULL;
	return k;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static long count_steps(const struct vp_run *run)
{
	char **keys = calloc(run->nrows ? run->nrows : 1, sizeof(*keys));
	long n = keys ? 0 : -ENOMEM;
	for (size_t i = 0; keys && i < run->nrows && n >= 0; i++)
		if (!(keys[i] = step_key(&run->rows[i])))
			n = -ENOMEM;
	if (n == 0 && run->nrows) {
		qsort(keys, run->nrows, sizeof(*keys), cmp_str);
		n = 1;
		for (size_t i = 1; i < run->nrows; i++)
			n += strcmp(keys[i], keys[i - 1]) != 0;
	}
	for (size_t i = 0; keys && i < run->nrows; i++)
		free(keys[i]);
	free(keys);
	return n;
}

/* why names the file. */
static int refuse(struct vp_run *run, const char *why)
{
	run->plan_refused = true;
	vp_run_warn(run,
		    "%s; the run's plan is left out of the report (a run "
		    "folder holds the plan.conf its run wrote)",
		    why);
	return 0;
}

int vp_run_plan_check(struct vp_run *run)
{
	struct vp_run_paths p;
	struct stat st;
	char err[1024];
	long steps = -1;
	run->planned_steps = -1;
	vp_run_input_paths(run->dir, &p);
	if (lstat(p.plan, &st) != 0)
		return 0; /* older runs, a results.csv copied alone */
	if (S_ISLNK(st.st_mode)) {
		snprintf(err, sizeof(err), "%s is a symbolic link, not read",
			 p.plan);
		return refuse(run, err);
	}
	if (!plan_reader)
		return 0;
	if (plan_reader(p.plan, &steps, err, sizeof(err)))
		return refuse(run, err);
	long done = count_steps(run);
	if (done < 0)
		return -ENOMEM;
	run->planned_steps = steps;
	run->measured_steps = done;
	if (steps < 0 || done >= steps)
		return 0;
	if (asprintf(&run->missing_steps,
		     "%s: %ld of the %ld planned steps have no row in "
		     "results.csv (the run was stopped part-way, or rows were "
		     "removed)",
		     run->label, steps - done, steps) < 0) {
		run->missing_steps = NULL;
		return -ENOMEM;
	}
	return 0;
}
