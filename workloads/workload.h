/* Workload descriptor (stress-ng stressor / fio ioengine_ops habit): one
 * struct per workload, listed in workloads/workload_list.h. A workload has
 * an option table, may refuse to run here with a reason, and runs one
 * measured repetition on a team of threads, handing metrics back. */
#ifndef VP_WORKLOAD_H
#define VP_WORKLOAD_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/metrics.h"
#include "workloads/options.h"
#include "workloads/team.h"

struct vp_workload_ctx {
	const void *opts;	 /* the workload's filled options struct */
	unsigned max_threads;	 /* largest thread count of the plan */
	const char *scratch_dir; /* default folder for scratch files, or NULL */
	const char
	    *scratch_dev; /* a block device given by the VM target, or NULL */
	/* Told each file the workload creates and removes at teardown (a
	 * scratch file), so a run killed before then can have it removed
	 * later (the runner's leftovers ledger). May be NULL. */
	void (*created)(const char *path);
};

struct vp_workload {
	const char *name;	       /* "class.variant", e.g. "lock.ticket" */
	const char *summary;	       /* one line for `vpbench list` */
	bool in_default_set;	       /* selected by its bare class name */
	const char *throughput_metric; /* e.g. "ops_per_s", "iops" */
	const struct vp_option *options; /* VP_OPT_END-terminated */
	size_t opts_size;
	/* 0 when runnable here; otherwise -errno and a reason such as
	 * "built without OpenMP". May be NULL (always supported). It may
	 * also fill `why` when it returns 0: a remark `vpbench list` shows
	 * next to "yes" (mem.tlb: whether pages=2m would work here). */
	int (*supported)(const struct vp_workload_ctx *ctx, char *why,
			 size_t len);
	/* Rules on the options alone (multiples, one option against another),
	 * checked when the plan is complete, before anything runs. 0 or
	 * -EINVAL with a message naming the option. May be NULL. */
	int (*check)(const void *opts, char *err, size_t errlen);
	/* Once per workload before its reps (scratch files...). May be NULL.
	 * 0, or -errno with a message (rows failed); -EOPNOTSUPP when the
	 * target cannot give what the options ask (rows unavailable). */
	int (*setup)(const struct vp_workload_ctx *ctx, void **state, char *err,
		     size_t errlen);
	/* One measured repetition. Adds metrics (through vp_team_metrics and
	 * its own). Returns 0, or -errno with a message (rows become failed);
	 * -EOPNOTSUPP with a reason when the workload cannot run at this
	 * team's thread count (sched.wake at an odd count): the step's row
	 * is then `unavailable`, not failed. */
	int (*run)(const struct vp_workload_ctx *ctx, void *state,
		   struct vp_team *team, struct vp_metrics *out, char *err,
		   size_t errlen);
	void (*teardown)(void *state); /* May be NULL. */
};

/* The registry (workload_list.c). */
size_t vp_workload_count(void);
const struct vp_workload *vp_workload_at(size_t i);
const struct vp_workload *vp_workload_find(const char *name);
/* Class of a workload name: "lock.tas" -> "lock" (into buf). */
void vp_workload_class(const char *name, char *buf, size_t len);

#endif
