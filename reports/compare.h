/* Regression comparison of two run folders (BASE, NEW): cells are paired by
 * target x workload x threads x metric and judged regressed / improved /
 * unchanged / not comparable from Welch's t-test (Mann-Whitney U shown
 * alongside) and a practical threshold, knowing which metrics are better
 * higher and which lower. The Welch p-values of all tested cells form one
 * family, adjusted for multiple comparisons (Holm by default), so that a
 * compare of identical code does not flag noise as change. Bucket rows
 * are ignored; metrics without a better direction (counters, context
 * switches) are counted, not judged. */
#ifndef VP_COMPARE_H
#define VP_COMPARE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/metric_info.h"
#include "reports/summary.h"
#include "reports/verdicts.h"

enum vp_verdict {
	VP_REGRESSED,
	VP_IMPROVED,
	VP_NOT_COMPARABLE,
	VP_UNCHANGED,
	VP_NVERDICTS
};

struct vp_compare_opts {
	double threshold; /* relative change that matters, 0.05 = 5% */
	double alpha;	  /* significance level of the test, 0.05 */
	enum vp_p_adjust correction; /* over all tested cells */
	bool changes_only; /* outputs list regressed and improved cells only */
};
/* The defaults: 5%, 0.05, Benjamini-Hochberg, every cell listed. BH, not
 * Holm: when the code is identical every null hypothesis holds, and then
 * BH's false discovery rate is the probability of any false alarm, so a
 * same-build compare fails with probability <= alpha either way; with a
 * real change BH keeps the power Holm loses over a family of ~40-180
 * cells (a 20% cut of cpu.int, p 0.0017 with 5 reps at CV 7%, stayed
 * unflagged under Holm: adjusted 0.071). */
#define VP_COMPARE_DEFAULTS                                                    \
	{                                                                      \
		0.05, 0.05, VP_ADJ_BH, false                                   \
	}

struct vp_cmp_row {
	const char *target, *workload, *metric, *unit;
	int threads;
	enum vp_direction dir;
	const struct vp_cell *a, *b; /* BASE, NEW; either may be NULL */
	double change;		     /* (mean NEW - mean BASE) / mean BASE */
	double p_welch, p_mwu;
	double p_adj; /* p_welch adjusted over the family (correction) */
	enum vp_verdict verdict;
	char why[200];
};

struct vp_comparison {
	struct vp_run *base_run, *new_run;
	struct vp_summary base, new;
	struct vp_compare_opts opts;
	struct vp_cmp_row *rows;
	size_t nrows;
	size_t count[VP_NVERDICTS];
	size_t n_undirected; /* paired cells without a better direction */
	size_t n_tested;     /* cells with a Welch p: the corrected family */
	char **env_notes;    /* mismatched environments, plain text */
	size_t nenv;
	/* The report's verdicts of each side: their caveats (TCG, overcommit,
	 * noisy cells...) are stated beside the comparison. */
	struct vp_verdicts base_v, new_v;
};

/* Pairs and judges the cells of two loaded runs (which must outlive c).
 * Returns 0 or -ENOMEM. */
int vp_compare_runs(struct vp_run *base, struct vp_run *newr,
		    const struct vp_compare_opts *o, struct vp_comparison *c,
		    char *err, size_t errlen);
void vp_comparison_free(struct vp_comparison *c);
const char *vp_verdict_name(enum vp_verdict v);
/* "Holm step-down (family-wise error rate)", ... for the outputs. */
const char *vp_correction_title(enum vp_p_adjust how);

/* Outputs: a plain table, Markdown (CI job summary), JUnit XML (one test
 * case per judged cell; failure = regressed, skipped = not comparable).
 * Each names the correction and shows the adjusted p; with changes_only
 * the table and Markdown list the regressed and improved cells only
 * (JUnit keeps every case: CI dashboards count them). */
void vp_compare_print(const struct vp_comparison *c, FILE *f);
int vp_compare_write_markdown(const struct vp_comparison *c, const char *path,
			      char *err, size_t errlen);
int vp_compare_write_junit(const struct vp_comparison *c, const char *path,
			   char *err, size_t errlen);

#endif
