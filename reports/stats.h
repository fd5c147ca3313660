/* Statistics for reports and compare: descriptive figures of one cell's
 * repetitions, Student t and binomial confidence intervals, Welch's t-test,
 * Mann-Whitney U, a confidence interval for a ratio of means, and outliers
 * by modified z-score. Self-contained: the t distribution comes from the
 * regularized incomplete beta function, no statistics library needed. */
#ifndef VP_STATS_H
#define VP_STATS_H

#include <stdbool.h>
#include <stddef.h>

#define VP_CI_LEVEL  0.95
#define VP_OUTLIER_Z 3.5 /* Iglewicz-Hoaglin cut-off */

/* Descriptive figures; fields that need more data than there is are NAN. */
struct vp_desc {
	size_t n;
	double mean, median, min, max;
	double sd;	       /* sample standard deviation (n - 1), n >= 2 */
	double cv;	       /* sd / |mean|, n >= 2 and mean != 0 */
	double ci_lo, ci_hi;   /* 95% CI of the mean (Student t), n >= 2 */
	double med_lo, med_hi; /* CI of the median from order statistics */
	double med_level;      /* its exact coverage (< 0.95 when n < 6) */
	size_t n_outliers;     /* modified z-score over VP_OUTLIER_Z */
};

/* Regularized incomplete beta function I_x(a, b), a, b > 0, 0 <= x <= 1. */
double vp_betainc(double a, double b, double x);
/* Student t distribution with df > 0 degrees of freedom. */
double vp_t_cdf(double t, double df);
/* The p-quantile (0 < p < 1). */
double vp_t_quantile(double p, double df);
/* Standard normal CDF. */
double vp_normal_cdf(double z);

/* Fills d from x[0..n) (any order; x is not modified). When outlier is not
 * NULL it receives one flag per value. Returns 0, -EINVAL when n == 0,
 * -ENOMEM. */
int vp_describe(const double *x, size_t n, struct vp_desc *d, bool *outlier);

/* Sorts x[0..n) ascending in place (no NaN expected). */
void vp_sort_doubles(double *x, size_t n);
/* The median of the sorted s[0..n), n > 0: the middle value, or the mean
 * of the two middle ones. */
double vp_median_sorted(const double *s, size_t n);

/* Modified z-scores 0.6745 (x - median) / MAD into z (n entries); when the
 * MAD is 0, the mean absolute deviation scaled by 1.2533 stands in; when
 * that is 0 too every z is 0. Returns 0 or -ENOMEM. */
int vp_modified_z(const double *x, size_t n, double *z);

/* Order-statistic CI of the median: the 1-based ranks lo, hi of the widest
 * interval [x_(k), x_(n-k+1)] whose coverage reaches `level` (or of
 * [min, max] when n is too small), and the exact coverage. */
void vp_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi,
			double *coverage);

/* Welch's unequal-variance t-test of mean(b) - mean(a) from summary
 * figures. Two-sided p. Returns 0, or -EINVAL when a side has n < 2. */
struct vp_welch {
	double t, df, p;
};
int vp_welch_test(double mean_a, double sd_a, size_t n_a, double mean_b,
		  double sd_b, size_t n_b, struct vp_welch *out);

/* Mann-Whitney U test, two-sided. u receives U of sample a (the count of
 * pairs with a > b, ties counted 1/2). Exact p when there are no ties and
 * n_a + n_b <= 40, normal approximation with tie and continuity correction
 * otherwise. Returns 0, -EINVAL (a side empty), -ENOMEM. */
int vp_mann_whitney(const double *a, size_t n_a, const double *b, size_t n_b,
		    double *u, double *p);

/* Adjustment of a family of p-values for multiple comparisons. */
enum vp_p_adjust {
	VP_ADJ_HOLM, /* Holm 1979 step-down: family-wise error rate <= alpha */
	VP_ADJ_BH,   /* Benjamini-Hochberg 1995 step-up: false discovery
			rate <= alpha */
	VP_ADJ_NONE, /* each p on its own */
};
/* Adjusted p-values adj[i] of p[0..n) (any order; rejecting where
 * adj < alpha is the procedure at level alpha). NaN entries are not in the
 * family and stay NaN; *m (may be NULL) receives the family size. Returns
 * 0 or -ENOMEM. */
int vp_p_adjust(const double *p, size_t n, enum vp_p_adjust how, double *adj,
		size_t *m);
/* "holm", "bh", "none"; and back (0 or -EINVAL). */
const char *vp_p_adjust_name(enum vp_p_adjust how);
int vp_p_adjust_parse(const char *s, enum vp_p_adjust *how);

/* Ratio mean_num / mean_den with a 95% CI from the delta method on the log
 * ratio, Welch-Satterthwaite degrees of freedom. Needs n >= 2 on both sides
 * and positive means; returns -EINVAL otherwise (ratio still set when both
 * means are positive). */
int vp_ratio_ci(double mean_num, double sd_num, size_t n_num, double mean_den,
		double sd_den, size_t n_den, double *ratio, double *lo,
		double *hi);

#endif
