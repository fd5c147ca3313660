/* A results-history series: one cell (host label, target and its
 * conditions, accelerator, workload with its options, threads, metric)
 * followed over many runs, oldest first, one point per run: the run's median
 * of that cell. This is the one type passed between the history store
 * (store.h: loads series from SQLite or PostgreSQL), the change-point check
 * (check.h) and the report's trend charts, so none of them knows the others.
 *
 * Lifecycle: the store allocates a vp_series_set with
 * vp_history_load_series(); the caller frees it with vp_series_set_free(). */
#ifndef VP_HISTORY_SERIES_H
#define VP_HISTORY_SERIES_H

#include <stddef.h>

/* One run's value of one series. */
struct vp_series_point {
	char *run_id;	   /* the run's id (results.csv run_id) */
	char *started_utc; /* ISO 8601 UTC start of the run, "" if unknown */
	char *build;	   /* vpbench build (git describe) of the run, "" */
	double median;	   /* median of the cell's ok values in that run */
	unsigned n;	   /* ok values behind the median (reps) */
};

struct vp_series {
	char *key;	   /* printable, stable series key (documented in
			    * reports/README.md) */
	char *host;	   /* host label */
	char *target;	   /* target with its conditions, e.g. vm4:pvspin=off */
	char *accel;	   /* none | kvm | tcg | ... */
	char *workload;	   /* workload with its non-default options */
	unsigned threads;
	char *metric;	   /* e.g. ops_per_s */
	int better;	   /* +1 higher is better, -1 lower is better, 0 neither */
	size_t n;	   /* points, oldest first */
	struct vp_series_point *pts;
};

struct vp_series_set {
	size_t n;
	struct vp_series *s;
};

/* Frees every string and array of the set and the set itself; NULL is ok. */
void vp_series_set_free(struct vp_series_set *set);

#endif
