/* E-divisive means (Matteson & James 2014) on one univariate series: the
 * split that maximises the scaled energy statistic q̂ (distances |x - y|,
 * alpha = 1), recursive bisection of the segments, each new change point
 * kept only when a permutation test finds it significant. The variant is
 * the one the R package ecp and MongoDB's signal-processing-algorithms
 * run: a candidate τ splits its segment [a, b) into [a, τ) and [τ, b) (no
 * separate search over the right end κ), the permutation test shuffles
 * every current segment on its own and compares the candidate's q̂ with
 * the largest q̂ of the shuffled series.
 *
 * Cost: a segment of L points is scanned in O(L log L) (univariate
 * distances summed through two Fenwick trees over the ranks, instead of
 * the O(L²) distance matrix), and the permutation test stops as soon as
 * its outcome at level alpha is decided (Besag & Clifford 1991), so a
 * series without change costs about 40 scans on average.
 *
 * A p-value from `permutations` shuffles cannot go below
 * 1 / (permutations + 1); a correction over many series needs smaller
 * ones, so vp_ediv_refine() reruns the test of one change point with more
 * shuffles (for the few that matter: the check refines only changes that
 * would be regressions).
 *
 * Lifecycle: fill vp_ediv_opts, call vp_edivisive(), optionally
 * vp_ediv_refine() on some of its change points, free(*cps). */
#ifndef VP_HISTORY_EDIVISIVE_H
#define VP_HISTORY_EDIVISIVE_H

#include <stddef.h>
#include <stdint.h>

struct vp_ediv_opts {
	double alpha;	       /* significance of each permutation test */
	unsigned min_size;     /* points per segment, >= 2 */
	unsigned permutations; /* of the test at level alpha, >= 9 */
	uint64_t seed;	       /* same seed and series, same answer */
};

struct vp_ediv_cp {
	size_t at;	/* first index of the segment after the change */
	double q;	/* q̂ of the split */
	double p;	/* permutation p-value */
	unsigned perms; /* shuffles behind p */
	unsigned order; /* 0 for the first change point accepted, ... */
};

/* Change points of x[0..n), sorted by index, into a malloc'd *cps (NULL
 * when none) and *ncp. *p_last (may be NULL) receives the p-value of the
 * candidate that stopped the recursion (NAN when no candidate could be
 * formed: n < 2 * min_size), so a multiple-comparison family can count
 * the series' last, unsuccessful test too. Values must be finite.
 * Returns 0, -EINVAL (bad options or a non-finite value), -ENOMEM. */
int vp_edivisive(const double *x, size_t n, const struct vp_ediv_opts *o,
		 struct vp_ediv_cp **cps, size_t *ncp, double *p_last);

/* The p-value of change point i of cps (from vp_edivisive on the same x,
 * n and o) by a test of its own of up to max_permutations shuffles, on the
 * segments as they were when it was accepted; it stops once 10 shuffles
 * reach its q̂. Returns 0, -EINVAL, -ENOMEM. */
int vp_ediv_refine(const double *x, size_t n, const struct vp_ediv_opts *o,
		   const struct vp_ediv_cp *cps, size_t ncp, size_t i,
		   unsigned max_permutations, double *p, unsigned *perms);

/* q̂ of splitting x[0..n) at every τ (q[τ] for min_size <= τ <= n -
 * min_size, NAN elsewhere), the statistic the search maximises; for
 * tests. Returns 0, -EINVAL, -ENOMEM. */
int vp_ediv_qhat(const double *x, size_t n, unsigned min_size, double *q);

#endif
