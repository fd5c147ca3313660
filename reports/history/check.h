/* Change points on results-history series (E-divisive means with a
 * permutation test, Matteson & James 2014) and their verdicts: for each
 * change point the run where it starts, the runs either side, the shift with
 * its confidence interval and whether it is worse. Decides only; the
 * terminal, Markdown and JUnit writers print the result.
 *
 * Lifecycle: vp_hcheck_opts_default(), set fields, vp_history_check() on a
 * loaded vp_series_set, print with the writers, vp_hcheck_result_free(). */
#ifndef VP_HISTORY_CHECK_H
#define VP_HISTORY_CHECK_H

#include <stdio.h>

#include "reports/history/series.h"

struct vp_hcheck_opts {
	double alpha;	       /* significance of the permutation test */
	unsigned min_size;     /* minimum segment length (points) */
	unsigned permutations; /* per candidate change point */
	unsigned long seed;    /* of the permutations; same seed, same answer */
	double
	    threshold_pct;  /* a shift smaller than this is not a regression */
	char correction[8]; /* bh | holm | none, over all series tested */
	/* Added by the check's implementation: */
	unsigned max_permutations; /* a would-be regression's p-value is
				    * refined up to this many shuffles; 0:
				    * what the correction needs over the
				    * family (bh: 2 m / (alpha k) for k
				    * would-be regressions in m tests;
				    * holm: 2 m / alpha; none: no
				    * refinement), at most
				    * VP_HCHECK_MAX_PERMUTATIONS */
	unsigned newest_runs;	   /* "at the newest runs": the change starts
				    * within the series' last newest_runs
				    * runs and no later one follows; 0: two
				    * minimum segments (2 * min_size) */
};

/* The cap of the automatic max_permutations: p-values down to 5e-5, so a
 * single regression survives the correction over 1,000 tests at 0.05. */
#define VP_HCHECK_MAX_PERMUTATIONS 19999

/* One change point of one series. */
struct vp_hcheck_cp {
	size_t series;	  /* index into the checked vp_series_set */
	size_t at;	  /* index of the first point after the change */
	double p_value;	  /* permutation p-value */
	double p_adj;	  /* after the multiple-comparison correction */
	double shift_pct; /* median after / median before - 1, in percent */
	double ci_lo_pct, ci_hi_pct; /* 95 % CI of shift_pct */
	int worse;		     /* 1: in the metric's worse direction */
	int regression;		     /* worse, significant after correction, and
				      * |shift| beyond threshold_pct */
	int at_newest; /* the change starts at the newest runs (see
			* vp_hcheck_opts.newest_runs) */
	/* Added by the check's implementation: */
	unsigned perms;	       /* shuffles behind p_value */
	double before, after;  /* medians of the segments either side */
	size_t seg_lo, seg_hi; /* before = points [seg_lo, at), after =
				* [at, seg_hi) (indices into pts) */
	size_t prev;	       /* index of the run just before the change */
};

struct vp_hcheck_result {
	size_t n_series_tested;
	size_t n_cp;
	struct vp_hcheck_cp *cp;
	size_t n_regressions; /* regression == 1 */
	size_t
	    n_newest_regressions; /* regression && at_newest: CI fails on it */
	/* Added by the check's implementation: */
	struct vp_hcheck_opts opts; /* as used (automatic values resolved) */
	size_t n_series;	    /* of the checked set */
	unsigned char *tested;	    /* per series: 1 when it had enough
				     * runs (2 * min_size) to be tested */
	size_t n_family;	    /* p-values in the correction: every
				     * change point and each series' last,
				     * unsuccessful candidate */
};

void vp_hcheck_opts_default(struct vp_hcheck_opts *o);
/* 0, or -errno with a message on stderr naming the problem. */
int vp_history_check(const struct vp_series_set *set,
		     const struct vp_hcheck_opts *o,
		     struct vp_hcheck_result *out);
void vp_hcheck_result_free(struct vp_hcheck_result *r);

/* Writers: 0 or -errno. */
int vp_hcheck_write_text(FILE *f, const struct vp_series_set *set,
			 const struct vp_hcheck_result *r);
int vp_hcheck_write_markdown(FILE *f, const struct vp_series_set *set,
			     const struct vp_hcheck_result *r);
int vp_hcheck_write_junit(FILE *f, const struct vp_series_set *set,
			  const struct vp_hcheck_result *r);

#endif
