/* Statistics for reports and compare (see stats.h). The t distribution is
 * computed from the regularized incomplete beta function (continued fraction,
 * modified Lentz), so the suite needs no statistics library and the figures
 * can be checked against textbook tables. */
#include "reports/stats.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

static double betacf(double a, double b, double x)
{
	const double eps = 1e-15, tiny = 1e-300;
	double qab = a + b, qap = a + 1.0, qam = a - 1.0;
	double c = 1.0, d = 1.0 - qab * x / qap;
	if (fabs(d) < tiny)
		d = tiny;
	d = 1.0 / d;
	double h = d;
	for (int m = 1; m <= 1000; m++) {
		double m2 = 2.0 * m;
		double aa = m * (b - m) * x / ((qam + m2) * (a + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		h *= d * c;
		aa = -(a + m) * (qab + m) * x / ((a + m2) * (qap + m2));
		d = 1.0 + aa * d;
		if (fabs(d) < tiny)
			d = tiny;
		c = 1.0 + aa / c;
		if (fabs(c) < tiny)
			c = tiny;
		d = 1.0 / d;
		double del = d * c;
		h *= del;
		if (fabs(del - 1.0) < eps)
			break;
	}
	return h;
}

double vp_betainc(double a, double b, double x)
{
	if (x <= 0.0)
		return 0.0;
	if (x >= 1.0)
		return 1.0;
	double lbt =
	    lgamma(a + b) - lgamma(a) - lgamma(b) + a * log(x) + b * log1p(-x);
	double bt = exp(lbt);
	/* The continued fraction converges fast only below this point; use
	 * the symmetry I_x(a,b) = 1 - I_{1-x}(b,a) above it. */
	if (x < (a + 1.0) / (a + b + 2.0))
		return bt * betacf(a, b, x) / a;
	return 1.0 - bt * betacf(b, a, 1.0 - x) / b;
}

double vp_t_cdf(double t, double df)
{
	if (isnan(t) || !(df > 0))
		return NAN;
	if (isinf(t))
		return t > 0 ? 1.0 : 0.0;
	double tail = 0.5 * vp_betainc(df / 2.0, 0.5, df / (df + t * t));
	return t >= 0 ? 1.0 - tail : tail;
}

double vp_t_quantile(double p, double df)
{
	if (!(p > 0 && p < 1) || !(df > 0))
		return NAN;
	if (p == 0.5)
		return 0.0;
	if (p < 0.5)
		return -vp_t_quantile(1.0 - p, df);
	double lo = 0.0, hi = 1.0;
	while (vp_t_cdf(hi, df) < p && hi < 1e15)
		hi *= 2.0;
	/* Bisection: the CDF is monotone, 200 halvings reach double
	 * precision from any bracket found above. */
	for (int i = 0; i < 200 && hi - lo > 1e-14 * hi; i++) {
		double mid = 0.5 * (lo + hi);
		if (vp_t_cdf(mid, df) < p)
			lo = mid;
		else
			hi = mid;
	}
	return 0.5 * (lo + hi);
}

double vp_normal_cdf(double z)
{
	return 0.5 * erfc(-z / sqrt(2.0));
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void vp_sort_doubles(double *x, size_t n)
{
	qsort(x, n, sizeof(*x), cmp_double);
}

double vp_median_sorted(const double *s, size_t n)
{
	return n % 2 ? s[n / 2] : 0.5 * (s[n / 2 - 1] + s[n / 2]);
}

static double median_of(const double *x, size_t n, double *scratch)
{
	memcpy(scratch, x, n * sizeof(*x));
	vp_sort_doubles(scratch, n);
	return vp_median_sorted(scratch, n);
}

int vp_modified_z(const double *x, size_t n, double *z)
{
	if (n == 0)
		return 0;
	double *tmp = malloc(n * sizeof(*tmp));
	if (!tmp)
		return -ENOMEM;
	double med = median_of(x, n, tmp);
	double *dev = malloc(n * sizeof(*dev));
	if (!dev) {
		free(tmp);
		return -ENOMEM;
	}
	double sum = 0;
	for (size_t i = 0; i < n; i++) {
		dev[i] = fabs(x[i] - med);
		sum += dev[i];
	}
	double mad = median_of(dev, n, tmp);
	double meanad = sum / (double)n;
	for (size_t i = 0; i < n; i++) {
		if (mad > 0)
			z[i] = 0.6745 * (x[i] - med) / mad;
		else if (meanad > 0)
			z[i] = (x[i] - med) / (1.253314 * meanad);
		else
			z[i] = 0;
	}
	free(dev);
	free(tmp);
	return 0;
}

/* P(B = i) for B ~ Binomial(n, 1/2), in logs so large n cannot
 * underflow. */
static double binom_half_pmf(size_t n, size_t i)
{
	return exp(lgamma((double)n + 1) - lgamma((double)i + 1) -
		   lgamma((double)(n - i) + 1) - (double)n * M_LN2);
}

void vp_median_ci_ranks(size_t n, double level, size_t *lo, size_t *hi,
			double *coverage)
{
	*lo = *hi = 0;
	*coverage = 0;
	if (n == 0)
		return;
	/* The coverage of [x(k), x(n+1-k)] is 1 - 2 P(B <= k-1); the CDF
	 * grows by one term per k (one pass: a cell may hold many rows). */
	double cdf = binom_half_pmf(n, 0);
	size_t best = 1;
	double cov_best = 1.0 - 2.0 * cdf;
	for (size_t k = 2; k <= (n + 1) / 2; k++) {
		cdf += binom_half_pmf(n, k - 1);
		double cov = 1.0 - 2.0 * (cdf > 1 ? 1 : cdf);
		if (cov < level)
			break;
		best = k;
		cov_best = cov;
	}
	*lo = best;
	*hi = n + 1 - best;
	*coverage = cov_best < 0 ? 0 : cov_best;
}

int vp_describe(const double *x, size_t n, struct vp_desc *d, bool *outlier)
{
	d->n = n;
	d->mean = d->median = d->min = d->max = d->sd = d->cv = NAN;
	d->ci_lo = d->ci_hi = d->med_lo = d->med_hi = NAN;
	d->med_level = 0;
	d->n_outliers = 0;
	if (n == 0)
		return -EINVAL;
	int rc = 0;
	double *s = malloc(n * sizeof(*s));
	double *z = malloc(n * sizeof(*z));
	if (!s || !z) {
		rc = -ENOMEM;
		goto out;
	}
	memcpy(s, x, n * sizeof(*x));
	vp_sort_doubles(s, n);
	double sum = 0;
	for (size_t i = 0; i < n; i++)
		sum += x[i];
	d->mean = sum / (double)n;
	d->median = vp_median_sorted(s, n);
	d->min = s[0];
	d->max = s[n - 1];
	if (n >= 2) {
		double ss = 0;
		for (size_t i = 0; i < n; i++)
			ss += (x[i] - d->mean) * (x[i] - d->mean);
		d->sd = sqrt(ss / (double)(n - 1));
		if (d->mean != 0)
			d->cv = d->sd / fabs(d->mean);
		double h = vp_t_quantile(0.5 + VP_CI_LEVEL / 2, (double)n - 1) *
			   d->sd / sqrt((double)n);
		d->ci_lo = d->mean - h;
		d->ci_hi = d->mean + h;
	}
	size_t lo, hi;
	vp_median_ci_ranks(n, VP_CI_LEVEL, &lo, &hi, &d->med_level);
	if (n >= 2) {
		d->med_lo = s[lo - 1];
		d->med_hi = s[hi - 1];
	}
	rc = vp_modified_z(x, n, z);
	if (rc)
		goto out;
	for (size_t i = 0; i < n; i++) {
		bool o = fabs(z[i]) > VP_OUTLIER_Z;
		if (outlier)
			outlier[i] = o;
		d->n_outliers += o;
	}
out:
	free(s);
	free(z);
	return rc;
}

int vp_welch_test(double mean_a, double sd_a, size_t n_a, double mean_b,
		  double sd_b, size_t n_b, struct vp_welch *out)
{
	out->t = out->df = out->p = NAN;
	if (n_a < 2 || n_b < 2)
		return -EINVAL;
	double va = sd_a * sd_a / (double)n_a, vb = sd_b * sd_b / (double)n_b;
	double diff = mean_b - mean_a;
	double se = sqrt(va + vb);
	if (se == 0) {
		/* No spread at all: any difference is certain. */
		out->df = (double)(n_a + n_b - 2);
		out->t = diff == 0 ? 0 : copysign(INFINITY, diff);
		out->p = diff == 0 ? 1.0 : 0.0;
		return 0;
	}
	out->t = diff / se;
	out->df = (va + vb) * (va + vb) /
		  (va * va / (double)(n_a - 1) + vb * vb / (double)(n_b - 1));
	out->p =
	    vp_betainc(out->df / 2, 0.5, out->df / (out->df + out->t * out->t));
	return 0;
}

struct ranked {
	double v;
	int side; /* 0: a, 1: b */
};

static int cmp_ranked(const void *a, const void *b)
{
	return cmp_double(&((const struct ranked *)a)->v,
			  &((const struct ranked *)b)->v);
}

/* Exact two-sided p of U = u for sizes m, n without ties: counts the
 * orderings giving each U (f[i][j][u] = f[i-1][j][u-j] + f[i][j-1][u]). */
static int mwu_exact(size_t m, size_t n, double u, double *p)
{
	size_t umax = m * n, w = umax + 1;
	double *f = calloc((m + 1) * (n + 1) * w, sizeof(*f));
	if (!f)
		return -ENOMEM;
#define F(i, j, k) f[((i) * (n + 1) + (j)) * w + (k)]
	for (size_t i = 0; i <= m; i++)
		for (size_t j = 0; j <= n; j++) {
			if (i == 0 || j == 0) {
				F(i, j, 0) = 1;
				continue;
			}
			for (size_t k = 0; k <= i * j; k++)
				F(i, j, k) = (k >= j ? F(i - 1, j, k - j) : 0) +
					     F(i, j - 1, k);
		}
	double total = 0, below = 0, above = 0;
	for (size_t k = 0; k <= umax; k++) {
		double c = F(m, n, k);
		total += c;
		if ((double)k <= u + 1e-9)
			below += c;
		if ((double)k >= u - 1e-9)
			above += c;
	}
#undef F
	free(f);
	double pp = 2.0 * fmin(below, above) / total;
	*p = pp > 1 ? 1 : pp;
	return 0;
}

int vp_mann_whitney(const double *a, size_t n_a, const double *b, size_t n_b,
		    double *u, double *p)
{
	*u = *p = NAN;
	if (!n_a || !n_b)
		return -EINVAL;
	size_t n = n_a + n_b;
	struct ranked *r = malloc(n * sizeof(*r));
	if (!r)
		return -ENOMEM;
	for (size_t i = 0; i < n_a; i++)
		r[i] = (struct ranked){a[i], 0};
	for (size_t i = 0; i < n_b; i++)
		r[n_a + i] = (struct ranked){b[i], 1};
	qsort(r, n, sizeof(*r), cmp_ranked);
	double rank_a = 0, tie_sum = 0;
	bool ties = false;
	for (size_t i = 0; i < n;) {
		size_t j = i;
		while (j < n && r[j].v == r[i].v)
			j++;
		double t = (double)(j - i), avg = (double)(i + j + 1) / 2.0;
		if (t > 1) {
			ties = true;
			tie_sum += t * t * t - t;
		}
		for (size_t k = i; k < j; k++)
			if (r[k].side == 0)
				rank_a += avg;
		i = j;
	}
	free(r);
	*u = rank_a - (double)n_a * (double)(n_a + 1) / 2.0;
	if (!ties && n <= 40)
		return mwu_exact(n_a, n_b, *u, p);
	double mu = (double)n_a * (double)n_b / 2.0;
	double var = (double)n_a * (double)n_b / 12.0 *
		     ((double)n + 1 - tie_sum / ((double)n * (double)(n - 1)));
	if (var <= 0) {
		*p = 1.0;
		return 0;
	}
	double d = *u - mu;
	double cc = d > 0 ? 0.5 : d < 0 ? -0.5 : 0;
	double z = (d - cc) / sqrt(var);
	double pp = 2.0 * fmin(vp_normal_cdf(z), 1.0 - vp_normal_cdf(z));
	*p = pp > 1 ? 1 : pp;
	return 0;
}

int vp_ratio_ci(double mean_num, double sd_num, size_t n_num, double mean_den,
		double sd_den, size_t n_den, double *ratio, double *lo,
		double *hi)
{
	*ratio = *lo = *hi = NAN;
	if (!(mean_num > 0 && mean_den > 0))
		return -EINVAL;
	*ratio = mean_num / mean_den;
	if (n_num < 2 || n_den < 2)
		return -EINVAL;
	/* Var(log mean) ~ sd^2 / (n mean^2) (delta method). */
	double va = sd_num * sd_num / ((double)n_num * mean_num * mean_num);
	double vb = sd_den * sd_den / ((double)n_den * mean_den * mean_den);
	double v = va + vb;
	if (v == 0) {
		*lo = *hi = *ratio;
		return 0;
	}
	double df =
	    v * v /
	    (va * va / (double)(n_num - 1) + vb * vb / (double)(n_den - 1));
	double h = vp_t_quantile(0.5 + VP_CI_LEVEL / 2, df) * sqrt(v);
	*lo = *ratio * exp(-h);
	*hi = *ratio * exp(h);
	return 0;
}

struct indexed {
	double p;
	size_t i;
};

static int cmp_indexed(const void *a, const void *b)
{
	const struct indexed *x = a, *y = b;
	if (x->p != y->p)
		return x->p < y->p ? -1 : 1;
	return (x->i > y->i) - (x->i < y->i); /* stable: ties keep order */
}

int vp_p_adjust(const double *p, size_t n, enum vp_p_adjust how, double *adj,
		size_t *m_out)
{
	size_t m = 0;
	struct indexed *s = malloc((n ? n : 1) * sizeof(*s));
	if (!s)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		adj[i] = NAN;
		if (!isnan(p[i]))
			s[m++] = (struct indexed){p[i], i};
	}
	if (m_out)
		*m_out = m;
	qsort(s, m, sizeof(*s), cmp_indexed);
	double run = 0;
	if (how == VP_ADJ_HOLM) {
		/* adj(k) = max_{j <= k} min(1, (m - j + 1) p(j)), 1-based */
		for (size_t k = 0; k < m; k++) {
			double v = fmin(1.0, (double)(m - k) * s[k].p);
			run = fmax(run, v);
			adj[s[k].i] = run;
		}
	} else if (how == VP_ADJ_BH) {
		/* adj(k) = min_{j >= k} min(1, m / j p(j)) */
		run = 1.0;
		for (size_t k = m; k-- > 0;) {
			double v = (double)m / (double)(k + 1) * s[k].p;
			run = fmin(run, v);
			adj[s[k].i] = run;
		}
	} else {
		for (size_t k = 0; k < m; k++)
			adj[s[k].i] = s[k].p;
	}
	free(s);
	return 0;
}

const char *vp_p_adjust_name(enum vp_p_adjust how)
{
	return how == VP_ADJ_HOLM ? "holm" : how == VP_ADJ_BH ? "bh" : "none";
}

int vp_p_adjust_parse(const char *s, enum vp_p_adjust *how)
{
	for (int h = VP_ADJ_HOLM; h <= VP_ADJ_NONE; h++)
		if (!strcmp(s, vp_p_adjust_name((enum vp_p_adjust)h))) {
			*how = (enum vp_p_adjust)h;
			return 0;
		}
	return -EINVAL;
}
