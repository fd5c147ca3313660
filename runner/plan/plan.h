/* The plan room: what to run where. Code outside runner/plan/ includes
 * this header, plan_keys.h (the run-key table) and report_plan.h only.
 *
 * What the room offers:
 *   plan.c          defaults, vp_plan_set, finalizing (validation, -O
 *                   options, step counts)
 *   plan_keys.c, plan_keys.h
 *                   the run-key table: every `vpbench run` setting once
 *   plan_values.c   values by type: parsing with bounds, exact formatting
 *   plan_lists.c (plan_internal.h)
 *                   the CUSTOM keys: target, workload and thread lists,
 *                   -O options, pinning, counters
 *   plan_file.c     plan files read and written through the same table
 *   plan_usage.c    getopt arrays and the option part of --help
 *   report_plan.c   the plan reader `vpbench report` uses (plan.conf of a
 *                   run folder: how many steps were planned)
 *
 * Built from CLI flags or a plan file
 * (`vpbench run --plan FILE`), serialised to a plan file for agents inside
 * guests and on SSH targets, so every target runs exactly the same plan.
 *
 * Every setting is one entry of the run-key table (plan_keys.h), which
 * drives the CLI flags, --help, vp_plan_set and vp_plan_write alike.
 * Plan file format: one `key = value` per line, `#` comments, keys equal to
 * the long CLI options, `option = K=V` repeatable for -O. A value may be
 * written in double quotes ("a # b", escapes \" and \\ only); the writer
 * quotes values holding #, ", \ or blanks at either end, so every value
 * reads back exactly. Values never hold control bytes (refused). */
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
	/* -r auto: repeat each (workload, threads) cell until its 95% CI
	 * half-width is within ci_target_pct of the mean, between min_reps
	 * and max_reps (runner/agent/schedule.h). */
	bool reps_auto;
	unsigned min_reps, max_reps;
	double ci_target_pct;
	char order[16]; /* sequential | random (seeded shuffled rounds) */
	unsigned seed;	/* of --order random; 0: chosen at finalize */
	double duration_s;
	double warmup_s;
	char counters[512]; /* auto | none | list */
	char counter_scope[16]; /* auto | user | user+kernel */
	enum vp_pin_mode pin;
	char accel[8]; /* auto | kvm | tcg */
	char kernel[PATH_MAX];
	char modules[PATH_MAX];
	unsigned host_load;
	bool vcpu_pin;
	char vm_cpus[256]; /* host cpulist for QEMU and load threads; "" all */
	uint64_t disk_size;
	double boot_timeout_s;
	double run_timeout_s;  /* 0 = derived from the plan */
	bool parallel_hosts;   /* --parallel hosts: one thread per host */
	char output[PATH_MAX]; /* run folder; "" = results/<UTC timestamp> */
	char run_id[64];
	char options[VP_PLAN_MAX_OPTIONS][VP_OPT_STRING_MAX + 64]; /* "K=V" */
	size_t noptions;
};

/* The defaults of the run-key table (targets host,vm1,vm2,vm4; workloads
 * cpu,lock,io,sched; threads 1,2,4; ...). */
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
/* Writes the plan as a plan file (reloadable by vp_plan_load) in one
 * write. 0, -EINVAL when a value cannot be written faithfully (a control
 * byte set behind vp_plan_set's back), or -errno of the write. */
int vp_plan_write(const struct vp_plan *p, FILE *f);

/* Estimated seconds of measurement per target (for ETA and timeouts). */
double vp_plan_measure_seconds(const struct vp_plan *p);
/* Repetitions per (workload, threads) cell: at most (reps, or max_reps
 * under -r auto) and at least (reps, or min_reps). */
unsigned vp_plan_max_reps(const struct vp_plan *p);
unsigned vp_plan_required_reps(const struct vp_plan *p);
/* Number of (workload x threads x rep) steps per target, at most. */
size_t vp_plan_steps(const struct vp_plan *p);

#endif
