/* The plan: what to run where. Built from CLI flags or a plan file
 * (`vpbench run --plan FILE`), serialised to a plan file for agents inside
 * guests and on SSH targets, so every target runs exactly the same plan.
 *
 * Plan file format: one `key = value` per line, `#` comments, keys equal to
 * the long CLI options (targets, workloads, threads, reps, duration, warmup,
 * counters, pin, accel, kernel, modules, host-load, vcpu-pin, disk-size,
 * boot-timeout, run-timeout, parallel, output, run-id) plus repeatable
 * `option = K=V`
 * for -O. */
#ifndef VP_PLAN_H
#define VP_PLAN_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

#include "probes/pin.h"
#include "workloads/workload.h"

#define VP_PLAN_MAX_TARGETS   32
#define VP_PLAN_MAX_WORKLOADS 64
#define VP_PLAN_MAX_THREADS   16
#define VP_PLAN_MAX_OPTIONS   64

struct vp_plan_workload {
	const struct vp_workload *wl;
	void *opts; /* wl->opts_size bytes, defaults then -O values */
};

struct vp_plan {
	char targets[VP_PLAN_MAX_TARGETS][128];
	size_t ntargets;
	struct vp_plan_workload workloads[VP_PLAN_MAX_WORKLOADS];
	size_t nworkloads;
	unsigned threads[VP_PLAN_MAX_THREADS];
	size_t nthreads;
	unsigned reps;
	double duration_s;
	double warmup_s;
	char counters[512]; /* auto | none | list */
	enum vp_pin_mode pin;
	char accel[8]; /* auto | kvm | tcg */
	char kernel[PATH_MAX];
	char modules[PATH_MAX];
	unsigned host_load;
	bool vcpu_pin;
	uint64_t disk_size;
	double boot_timeout_s;
	double run_timeout_s;  /* 0 = derived from the plan */
	bool parallel_hosts;   /* --parallel hosts: one thread per host */
	char output[PATH_MAX]; /* run folder; "" = results/<UTC timestamp> */
	char run_id[64];
	char options[VP_PLAN_MAX_OPTIONS][VP_OPT_STRING_MAX + 64]; /* "K=V" */
	size_t noptions;
};

/* Defaults of DESIGN.md (targets host,vm1,vm2,vm4; workloads cpu,lock,io;
 * threads 1,2,4; ...). */
void vp_plan_defaults(struct vp_plan *p);
void vp_plan_free(struct vp_plan *p);

/* Setters used by both the CLI and the plan-file reader. Each returns 0 or
 * -EINVAL/-ERANGE with a message naming the problem and the valid choices. */
int vp_plan_set(struct vp_plan *p, const char *key, const char *value,
		char *err, size_t errlen);
/* Applies the -O options to the selected workloads (error when no selected
 * workload declares a key). Call after all setters. */
int vp_plan_finalize(struct vp_plan *p, char *err, size_t errlen);

/* Reads a plan file; errors name file and line. */
int vp_plan_load(struct vp_plan *p, const char *path, char *err, size_t errlen);
/* Writes the plan as a plan file (reloadable by vp_plan_load). */
int vp_plan_write(const struct vp_plan *p, FILE *f);

/* Estimated seconds of measurement per target (for ETA and timeouts). */
double vp_plan_measure_seconds(const struct vp_plan *p);
/* Number of (workload x threads x rep) steps per target. */
size_t vp_plan_steps(const struct vp_plan *p);

#endif
