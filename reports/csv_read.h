/* Reader of a run folder's results.csv and env.csv (libcsv, strict mode),
 * validating every row against the contract in reports/results_csv.h.
 * Errors name the file, the line and what was expected; a truncated last
 * row (an interrupted run) is skipped with a warning and the rest is used. */
#ifndef VP_CSV_READ_H
#define VP_CSV_READ_H

#include <limits.h>
#include <stdbool.h>
#include <stddef.h>

#include "probes/metrics.h"

/* Limits checked on every row where it is read (a row beyond them is an
 * error naming the file and line), so that no later stage meets a number
 * that makes a loop, a sum or a log scale run away:
 * - value (status ok): a decimal number (no "inf", "nan", hex), |v| up to
 *   VP_READ_VALUE_MAX, and not negative for rates, durations, latencies,
 *   fractions and counts (vp_metric_nonnegative);
 * - bucket rows: the bound in the name a decimal integer (positive in
 *   schema 1), the
 *   value a whole count up to VP_READ_BUCKET_COUNT_MAX (2^53, exact in a
 *   double);
 * - vcpus, host_cpus, threads: decimal integers 0..VP_READ_CPUS_MAX; rep:
 *   0..INT_MAX. */
#define VP_READ_VALUE_MAX	 1e20
#define VP_READ_BUCKET_COUNT_MAX 9007199254740992.0
#define VP_READ_CPUS_MAX	 1048576

struct vp_result {
	char *run_id, *target, *target_kind, *accel, *hypervisor;
	int vcpus, host_cpus;
	char *workload;
	int threads, rep;
	char *metric;
	double value; /* NAN unless status is ok */
	char *unit;
	enum vp_status status;
	char *note;
	/* status ok, note "suspended: ..." (probes/metrics.h): a figure of a
	 * stopped target, kept in the file, left out of every statistic */
	bool suspended;
	long line;  /* in results.csv */
	int schema; /* 1: power-of-two buckets, 2: log-linear (ns bounds) */
};

struct vp_env_entry {
	char *target, *key, *value;
};

struct vp_str_pool;

struct vp_run {
	/* every string of rows and env: one copy each (str_pool.h) */
	struct vp_str_pool *strings;
	char *dir;   /* the folder as given */
	char *label; /* short name for merged reports (folder base name) */
	struct vp_result *rows;
	size_t nrows, caprows;
	struct vp_env_entry *env;
	size_t nenv, capenv;
	size_t *env_index; /* env sorted by target, key (vp_run_env) */
	char **warnings;   /* "results.csv line 9: ..." */
	size_t nwarn, capwarn;
	/* From plan.conf (reports/run_plan.h): refused (not read), the steps
	 * it planned (-1: unknown) and those with rows, and a sentence when
	 * some are missing (else NULL). */
	bool plan_refused;
	long planned_steps, measured_steps;
	char *missing_steps;
};

/* The files a report reads for one run folder `dir` (a folder, or its
 * results.csv named directly: the others are then beside it). */
struct vp_run_paths {
	char folder[PATH_MAX], results[PATH_MAX], env[PATH_MAX], plan[PATH_MAX];
};
void vp_run_input_paths(const char *dir, struct vp_run_paths *p);

/* Loads dir/results.csv (required, at least one row) and dir/env.csv
 * (optional: a warning when absent). dir may also name a results.csv file.
 * Returns 0; -ENOENT (missing file), -EINVAL (malformed: err says file, line
 * and what was expected) or -ENOMEM. run is always safe to vp_run_free. */
int vp_run_load(const char *dir, struct vp_run *run, char *err, size_t errlen);
void vp_run_free(struct vp_run *run);
/* env.csv value for target/key, or NULL. */
const char *vp_run_env(const struct vp_run *run, const char *target,
		       const char *key);
/* Adds a printf-formatted warning to run (used by later stages too). */
void vp_run_warn(struct vp_run *run, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));

#endif
