/* Latency distributions pooled across reps: for every target x workload x
 * threads x latency family (spin_wait, call, wake, lat, ...) the bucket
 * rows of all reps added up, and the percentile ladder computed from those
 * summed counts, not as a median of per-rep percentiles. Reads both
 * results schemas: schema 2's log-linear buckets (lower bounds from the
 * family's <family>_hist_sub_buckets row, bounds in ns) and schema 1's
 * power-of-two buckets (lat_ bounds in us), whose percentiles are marked
 * as coming from power-of-two buckets. Built by the summary; the HTML
 * report draws the ladders and histograms from it. */
#ifndef VP_HIST_POOL_H
#define VP_HIST_POOL_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/lat_hist.h"

struct vp_summary;

struct vp_pool_bucket {
	double lo, hi; /* inclusive bounds, ns */
	double count;  /* summed over the reps */
};

struct vp_pool {
	size_t target, workload; /* indexes into the summary's lists */
	int threads;
	char family[32];  /* "call" */
	const char *unit; /* of the percentile rows: "ns" or "us" */
	double scale;	  /* ns -> unit */
	bool pow2;	  /* schema 1 buckets (coarse: factor 2) */
	unsigned sub;	  /* sub-buckets per power of two (schema 2) */
	size_t reps;	  /* reps whose buckets were added */
	double n;	  /* samples */
	double max;	  /* largest per-rep max, in unit (NAN: unknown) */
	struct vp_pool_bucket *b;
	size_t nb;
	double q[VP_HIST_NQ]; /* in unit; NAN when unavailable (see why) */
};

/* Builds s->pools from s's bucket cells. 0 or -ENOMEM. */
int vp_pools_build(struct vp_summary *s);
void vp_pools_free(struct vp_summary *s);
/* Pool of target t, workload w, threads th and family, or NULL. */
const struct vp_pool *vp_pool_find(const struct vp_summary *s, size_t t,
				   size_t w, int th, const char *family);
/* Why percentile k of p is unavailable ("812 samples: p99.9 needs at least
 * 10000"), or where its value comes from ("log-linear buckets, 64 per power
 * of two" / "power-of-two buckets (results schema 1)"). */
void vp_pool_note(const struct vp_pool *p, unsigned k, char *buf, size_t len);
/* Label of quantile k for people: "p50" ... "p99.99". */
const char *vp_pool_q_label(unsigned k);

#endif
