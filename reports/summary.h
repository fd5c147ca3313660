/* Cells of one or several run folders: every target x workload x threads x
 * metric with its ok values (unavailable and failed rows counted with their
 * reason, never averaged in), descriptive statistics, the ratio to the
 * baseline target with a CI, and scaling efficiency. Written as summary.csv
 * and used by the HTML report and compare. */
#ifndef VP_SUMMARY_H
#define VP_SUMMARY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/csv_read.h"
#include "reports/labels.h"
#include "reports/stats.h"

struct vp_target_ref {
	size_t run;	  /* index into the runs */
	const char *name; /* target as in its results.csv */
	char *label;	  /* name, or "<machine>/<name>" (labels.h) */
	const char *kind, *accel, *hypervisor;
	int vcpus, host_cpus;
	long baseline; /* index of its baseline target, -1: none or itself */
};

struct vp_cell {
	size_t target;		 /* index into targets */
	size_t workload, metric; /* indexes into workloads / metrics */
	int threads;
	const char *unit;
	bool bucket;
	double *v; /* ok values, in row order */
	int *reps;
	bool *outlier;
	size_t n, cap;
	/* n_failed counts suspended rows too (ok rows of a stopped target,
	 * left out of the values); n_suspended says how many of them. */
	size_t n_unavail, n_failed, n_suspended;
	const char *reason; /* note of the first unavailable/failed row */
	const char *suspended_reason; /* note of the first suspended row */
	struct vp_desc d;   /* d.n == 0 when no ok value */
	long base_cell;	    /* the baseline target's cell, or -1 */
	double ratio, ratio_lo, ratio_hi; /* mean / baseline mean, 95% CI */
	/* Why there is no ratio although both cells have values (counters of
	 * different scopes), else NULL; owned by the summary. */
	char *ratio_refused;
	double eff, eff_lo, eff_hi; /* scaling efficiency (threads > 1) */
};

struct vp_summary {
	struct vp_run *runs;
	size_t nruns;
	struct vp_target_ref *targets;
	size_t ntargets;
	struct vp_cell *cells;
	size_t ncells, capcells;
	char **workloads; /* order of first appearance */
	size_t nworkloads;
	char **metrics;
	size_t nmetrics;
	long *hash; /* cell index buckets (open addressing), internal */
	size_t hashcap;
	struct vp_name_index {
		long *slot;	  /* index into the names, -1: empty */
		size_t cap;	  /* a power of two, > 2 x names */
	} wl_index, metric_index; /* internal: name -> index */
	/* Latency distributions summed over the reps (hist_pool.h). */
	struct vp_pool *pools;
	size_t npools;
};

struct vp_summary_opts {
	/* NULL: "host" of each run; a target name (per run), or one target
	 * for all runs by its label or as "<run folder>/<name>". */
	const char *baseline;
	const struct vp_label_override *labels; /* --label RUN=TEXT */
	size_t nlabels;
};

/* Builds the cells of runs[0..nruns) (which must outlive s, as must the
 * option strings). Returns 0, -EINVAL with a message when the named
 * baseline or a labelled run exists nowhere, -ENOMEM. */
int vp_summary_build_opts(struct vp_run *runs, size_t nruns,
			  const struct vp_summary_opts *o, struct vp_summary *s,
			  char *err, size_t errlen);
/* The same with only a baseline. */
int vp_summary_build(struct vp_run *runs, size_t nruns, const char *baseline,
		     struct vp_summary *s, char *err, size_t errlen);
void vp_summary_free(struct vp_summary *s);
/* The cells of target t and workload w are s->cells[*first .. *end) (cells
 * are sorted by target, workload, threads, metric): per-target, per-
 * workload loops stay linear however many cells there are. */
void vp_summary_range(const struct vp_summary *s, size_t t, size_t w,
		      size_t *first, size_t *end);
/* Cell index or -1. */
long vp_summary_find(const struct vp_summary *s, size_t target,
		     const char *workload, int threads, const char *metric);
const char *vp_cell_workload(const struct vp_summary *s,
			     const struct vp_cell *c);
const char *vp_cell_metric(const struct vp_summary *s, const struct vp_cell *c);
/* Writes summary.csv (bucket rows left out: they are distributions, drawn
 * by the HTML report; their pooled percentiles are rows of their own,
 * pooled_<family>_<p50..p9999>_<unit> and pooled_<family>_samples, with
 * n the reps pooled and the figure in median), through reports/out_atomic.h
 * as a path the user named. Returns 0 or -errno with a message. */
int vp_summary_write_csv(const struct vp_summary *s, const char *path,
			 char *err, size_t errlen);
/* The same onto an open stream (its errors are the stream's). */
void vp_summary_print_csv(const struct vp_summary *s, FILE *f);

#endif
