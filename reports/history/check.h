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
	double threshold_pct;  /* a shift smaller than this is not a regression */
	char correction[8];    /* bh | holm | none, over all series tested */
};

/* One change point of one series. */
struct vp_hcheck_cp {
	size_t series;	  /* index into the checked vp_series_set */
	size_t at;	  /* index of the first point after the change */
	double p_value;	  /* permutation p-value */
	double p_adj;	  /* after the multiple-comparison correction */
	double shift_pct; /* median after / median before - 1, in percent */
	double ci_lo_pct, ci_hi_pct; /* 95 % CI of shift_pct */
	int worse;	  /* 1: in the metric's worse direction */
	int regression;	  /* worse, significant after correction, and
			   * |shift| beyond threshold_pct */
	int at_newest;	  /* the change starts at the newest run */
};

struct vp_hcheck_result {
	size_t n_series_tested;
	size_t n_cp;
	struct vp_hcheck_cp *cp;
	size_t n_regressions;	     /* regression == 1 */
	size_t n_newest_regressions; /* regression && at_newest: CI fails on it */
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
