/* The history check (see check.h): E-divisive means on each series' per-run
 * medians, then per change point the shift between the segments either
 * side with a bootstrap CI, the worse direction from the metric, a refined
 * p-value for the changes that could be regressions and one
 * multiple-comparison correction over every test of every series.
 *
 * Which runs count as "the newest": a segment must hold min_size runs, so
 * a change that starts at the very last run cannot be seen until
 * min_size - 1 more runs follow it (MongoDB's and Otava's E-divisive have
 * the same blind tail). A change counts as at the newest runs when it
 * starts within the last newest_runs runs (default two minimum segments)
 * and no later change point follows; the regression job then fails from
 * the first run at which the change is detectable and for a few runs
 * after, which gives a change detected late because of noise a chance. */
#include "reports/history/check.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/history/edivisive.h"
#include "reports/history/rng.h"
#include "reports/stats.h"

#define BOOT_RESAMPLES 999

void vp_hcheck_opts_default(struct vp_hcheck_opts *o)
{
	*o = (struct vp_hcheck_opts){
	    .alpha = 0.05,
	    /* five runs: the smallest segment whose median a single odd run
	     * cannot move far, and a regression is seen five runs after it
	     * lands */
	    .min_size = 5,
	    /* ecp's default: p resolves to 0.005, ten times below alpha */
	    .permutations = 199,
	    .seed = 1,
	    .threshold_pct = 5,
	};
	snprintf(o->correction, sizeof(o->correction), "bh");
}

/* FNV-1a of the series key: each series gets its own stream of shuffles,
 * so adding a series to the history does not change another's answer. */
static uint64_t key_hash(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ULL;
	for (; s && *s; s++)
		h = (h ^ (unsigned char)*s) * 0x100000001b3ULL;
	return h;
}

/* k-th smallest of x[0..n) (reorders x), Hoare's selection. */
static double select_kth(double *x, size_t n, size_t k)
{
	size_t lo = 0, hi = n - 1;
	while (lo < hi) {
		double piv = x[lo + (hi - lo) / 2];
		size_t i = lo, j = hi;
		while (i <= j) {
			while (x[i] < piv)
				i++;
			while (x[j] > piv)
				j--;
			if (i <= j) {
				double t = x[i];
				x[i] = x[j];
				x[j] = t;
				i++;
				if (j == 0)
					break;
				j--;
			}
		}
		if (k <= j)
			hi = j;
		else if (k >= i)
			lo = i;
		else
			return x[k];
	}
	return x[k];
}

static double shift_pct(double before, double after)
{
	if (before > 0 && after >= 0)
		return 100 * (after / before - 1);
	if (before == 0 && after == 0)
		return 0;
	if (before == 0)
		return after > 0 ? INFINITY : -INFINITY;
	return NAN; /* negative medians: no ratio */
}

/* The median of one resample with replacement of the sorted s[0, n): as
 * the values are sorted, it is the value at the median of n uniform
 * indices, found by counting them (cnt: n counters) rather than by
 * selecting among copied values. */
static double resampled_median(const double *s, size_t n, struct vp_rng *g,
			       unsigned *cnt)
{
	memset(cnt, 0, n * sizeof(*cnt));
	for (size_t i = 0; i < n; i++)
		cnt[vp_rng_below(g, n)]++;
	/* positions k and, for an even n, k + 1 of the sorted resample */
	size_t k = (n - 1) / 2, last = k + (n % 2 == 0), seen = 0;
	double lo = NAN;
	for (size_t j = 0; j < n; j++) {
		seen += cnt[j];
		if (isnan(lo) && seen > k)
			lo = s[j];
		if (seen > last)
			return (lo + s[j]) / 2;
	}
	return lo; /* not reached: seen ends at n > last */
}

/* The shift of after vs before and its 95 % percentile-bootstrap CI
 * (each segment resampled with replacement, the ratio of the resampled
 * medians); scratch holds nb + na doubles and max(nb, na) counters. */
static void shift_ci(const double *b, size_t nb, const double *a, size_t na,
		     uint64_t seed, double *scratch, unsigned *cnt,
		     struct vp_hcheck_cp *cp)
{
	double *sb = scratch, *sa = scratch + nb;
	double boot[BOOT_RESAMPLES];
	struct vp_rng g;
	memcpy(sb, b, nb * sizeof(*b));
	memcpy(sa, a, na * sizeof(*a));
	vp_sort_doubles(sb, nb);
	vp_sort_doubles(sa, na);
	cp->before = vp_median_sorted(sb, nb);
	cp->after = vp_median_sorted(sa, na);
	cp->shift_pct = shift_pct(cp->before, cp->after);
	cp->ci_lo_pct = cp->ci_hi_pct = NAN;
	if (!isfinite(cp->shift_pct))
		return;
	vp_rng_seed(&g, seed);
	size_t nok = 0;
	for (size_t r = 0; r < BOOT_RESAMPLES; r++) {
		double mb = resampled_median(sb, nb, &g, cnt);
		double s = shift_pct(mb, resampled_median(sa, na, &g, cnt));
		if (isfinite(s))
			boot[nok++] = s;
	}
	if (nok < BOOT_RESAMPLES)
		return; /* a resample with a zero median: no ratio CI */
	/* ranks 25 and 975 of 999: 2.5 % and 97.5 % */
	cp->ci_lo_pct = select_kth(boot, nok, 24);
	cp->ci_hi_pct = select_kth(boot, nok, nok - 25);
}

static int worse_of(int better, double before, double after)
{
	if (better > 0)
		return after < before;
	if (better < 0)
		return after > before;
	return 0;
}

/* One series' finite points (x) and where they sit in pts (map). */
struct finite {
	double *x;
	size_t *map, n;
};

static int finite_points(const struct vp_series *s, struct finite *f)
{
	f->n = 0;
	f->x = malloc((s->n ? s->n : 1) * sizeof(*f->x));
	f->map = malloc((s->n ? s->n : 1) * sizeof(*f->map));
	if (!f->x || !f->map)
		return -ENOMEM;
	for (size_t j = 0; j < s->n; j++)
		if (isfinite(s->pts[j].median)) {
			f->x[f->n] = s->pts[j].median;
			f->map[f->n++] = j;
		}
	return 0;
}

static int add_cps(struct vp_hcheck_result *out, size_t *cap, size_t more)
{
	if (out->n_cp + more <= *cap)
		return 0;
	size_t ncap = (*cap ? *cap * 2 : 64) + more;
	struct vp_hcheck_cp *n = realloc(out->cp, ncap * sizeof(*n));
	if (!n)
		return -ENOMEM;
	out->cp = n;
	*cap = ncap;
	return 0;
}

/* The p-values of the correction and, for each, the change point it
 * belongs to (NONE: a series' last, unsuccessful test). */
#define NONE ((size_t)-1)
struct family {
	double *p;
	size_t *cp, n, cap;
};

static int add_p(struct family *f, double p, size_t cp)
{
	if (f->n == f->cap) {
		size_t ncap = f->cap ? f->cap * 2 : 64;
		double *np = realloc(f->p, ncap * sizeof(*np));
		if (!np)
			return -ENOMEM;
		f->p = np;
		size_t *nc = realloc(f->cp, ncap * sizeof(*nc));
		if (!nc)
			return -ENOMEM;
		f->cp = nc;
		f->cap = ncap;
	}
	f->p[f->n] = p;
	f->cp[f->n++] = cp;
	return 0;
}

static struct vp_ediv_opts ediv_opts(const struct vp_hcheck_opts *o,
				     const struct vp_series *s)
{
	return (struct vp_ediv_opts){.alpha = o->alpha,
				     .min_size = o->min_size,
				     .permutations = o->permutations,
				     .seed = o->seed ^ key_hash(s->key)};
}

/* Change points of series i appended to out, with their shift; the
 * series' last, unsuccessful test's p into the family. */
static int check_series(const struct vp_series_set *set, size_t i,
			const struct vp_hcheck_opts *o,
			struct vp_hcheck_result *out, size_t *cap,
			struct family *fam)
{
	const struct vp_series *s = &set->s[i];
	struct finite f = {0};
	struct vp_ediv_cp *cps = NULL;
	size_t ncp = 0;
	double p_last, *scratch = NULL;
	unsigned *cnt = NULL;
	struct vp_ediv_opts eo = ediv_opts(o, s);
	int rc = finite_points(s, &f);
	if (rc || f.n < 2 * (size_t)o->min_size)
		goto out;
	out->tested[i] = 1;
	out->n_series_tested++;
	if ((rc = vp_edivisive(f.x, f.n, &eo, &cps, &ncp, &p_last)))
		goto out;
	if (isfinite(p_last) && (rc = add_p(fam, p_last, NONE)))
		goto out;
	if ((rc = add_cps(out, cap, ncp)))
		goto out;
	if (!(scratch = malloc(f.n * sizeof(*scratch))) ||
	    !(cnt = malloc(f.n * sizeof(*cnt)))) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t k = 0; k < ncp; k++) {
		size_t lo = k ? cps[k - 1].at : 0;
		size_t hi = k + 1 < ncp ? cps[k + 1].at : f.n, at = cps[k].at;
		struct vp_hcheck_cp *c = &out->cp[out->n_cp++];
		*c = (struct vp_hcheck_cp){
		    .series = i,
		    .at = f.map[at],
		    .prev = f.map[at - 1],
		    .seg_lo = f.map[lo],
		    .seg_hi = hi < f.n ? f.map[hi] : s->n,
		    .p_value = cps[k].p,
		    .perms = cps[k].perms,
		    .at_newest = k + 1 == ncp && at + o->newest_runs >= f.n,
		};
		shift_ci(f.x + lo, at - lo, f.x + at, hi - at,
			 eo.seed ^ (at * 0x9e3779b97f4a7c15ULL), scratch, cnt,
			 c);
		c->worse = worse_of(s->better, c->before, c->after);
		if ((rc = add_p(fam, c->p_value, (size_t)(c - out->cp))))
			goto out;
	}
out:
	free(scratch);
	free(cnt);
	free(cps);
	free(f.x);
	free(f.map);
	return rc;
}

/* A change point that becomes a regression if its p-value is small
 * enough: only these need more shuffles than the first test made. */
static bool candidate(const struct vp_hcheck_cp *c,
		      const struct vp_hcheck_opts *o)
{
	return c->worse && c->p_value <= o->alpha &&
	       !(fabs(c->shift_pct) < o->threshold_pct);
}

/* Shuffles for the candidates' p-values to pass the correction over a
 * family of m tests when they are real: Benjamini-Hochberg rejects all of
 * k candidates whose p-values are at most alpha k / m, Holm needs alpha /
 * m for the first, none only alpha; twice that resolution, capped. */
static unsigned auto_permutations(const struct vp_hcheck_opts *o,
				  enum vp_p_adjust how, size_t m, size_t k)
{
	double r = o->permutations;
	if (how == VP_ADJ_BH && k)
		r = ceil(2 * (double)m / (o->alpha * (double)k)) - 1;
	else if (how == VP_ADJ_HOLM)
		r = ceil(2 * (double)m / o->alpha) - 1;
	if (r > VP_HCHECK_MAX_PERMUTATIONS)
		r = VP_HCHECK_MAX_PERMUTATIONS;
	return r > o->permutations ? (unsigned)r : o->permutations;
}

/* The p-value of change point c by vp_ediv_refine: the series' change
 * points found again (same seed, same answer) to give it its segments. */
static int refine(const struct vp_series_set *set,
		  const struct vp_hcheck_opts *o, struct vp_hcheck_cp *c)
{
	const struct vp_series *s = &set->s[c->series];
	struct finite f = {0};
	struct vp_ediv_cp *cps = NULL;
	size_t ncp = 0;
	struct vp_ediv_opts eo = ediv_opts(o, s);
	int rc = finite_points(s, &f);
	if (!rc)
		rc = vp_edivisive(f.x, f.n, &eo, &cps, &ncp, NULL);
	for (size_t k = 0; !rc && k < ncp; k++)
		if (f.map[cps[k].at] == c->at)
			rc = vp_ediv_refine(f.x, f.n, &eo, cps, ncp, k,
					    o->max_permutations, &c->p_value,
					    &c->perms);
	free(cps);
	free(f.x);
	free(f.map);
	return rc;
}

static int bad_opts(const struct vp_hcheck_opts *o, enum vp_p_adjust *how)
{
	if (!(o->alpha > 0 && o->alpha < 1)) {
		fprintf(stderr, "history check: the significance level must "
				"lie between 0 and 1 (exclusive), e.g. 0.05\n");
		return -EINVAL;
	}
	if (o->min_size < 2) {
		fprintf(stderr, "history check: the minimum segment must "
				"hold at least 2 runs (default 5)\n");
		return -EINVAL;
	}
	if (o->permutations < 9 || o->alpha * (o->permutations + 1) < 1) {
		fprintf(stderr,
			"history check: %u permutations cannot give a p-value "
			"of %g or less; use at least %u (default 199)\n",
			o->permutations, o->alpha,
			(unsigned)ceil(1 / o->alpha) - 1 < 9
			    ? 9
			    : (unsigned)ceil(1 / o->alpha) - 1);
		return -EINVAL;
	}
	if (!(o->threshold_pct >= 0)) {
		fprintf(stderr, "history check: the threshold must be a "
				"percentage >= 0, e.g. 5\n");
		return -EINVAL;
	}
	if (vp_p_adjust_parse(o->correction, how)) {
		fprintf(stderr,
			"history check: unknown correction '%s'; use bh, "
			"holm or none\n",
			o->correction);
		return -EINVAL;
	}
	return 0;
}

int vp_history_check(const struct vp_series_set *set,
		     const struct vp_hcheck_opts *opts,
		     struct vp_hcheck_result *out)
{
	enum vp_p_adjust how;
	struct family fam = {0};
	double *adj = NULL;
	size_t cap = 0;
	int rc = bad_opts(opts, &how);

	*out = (struct vp_hcheck_result){0};
	if (rc)
		return rc;
	out->opts = *opts;
	struct vp_hcheck_opts *o = &out->opts;
	if (!o->newest_runs)
		o->newest_runs = 2 * o->min_size;
	out->n_series = set->n;
	out->tested = calloc(set->n ? set->n : 1, 1);
	if (!out->tested) {
		rc = -ENOMEM;
		goto out;
	}
	for (size_t i = 0; i < set->n; i++)
		if ((rc = check_series(set, i, o, out, &cap, &fam)))
			goto out;
	/* the family is known now: refine the candidates' p-values to the
	 * resolution the correction needs */
	size_t ncand = 0;
	for (size_t c = 0; c < out->n_cp; c++)
		ncand += candidate(&out->cp[c], o);
	if (!o->max_permutations)
		o->max_permutations = auto_permutations(o, how, fam.n, ncand);
	for (size_t j = 0; j < fam.n; j++) {
		struct vp_hcheck_cp *c =
		    fam.cp[j] == NONE ? NULL : &out->cp[fam.cp[j]];
		if (!c || !candidate(c, o) ||
		    o->max_permutations <= o->permutations)
			continue;
		if ((rc = refine(set, o, c)))
			goto out;
		fam.p[j] = c->p_value;
	}
	out->n_family = fam.n;
	adj = malloc((fam.n ? fam.n : 1) * sizeof(*adj));
	if (!adj || (rc = vp_p_adjust(fam.p, fam.n, how, adj, NULL))) {
		rc = rc ? rc : -ENOMEM;
		goto out;
	}
	for (size_t j = 0; j < fam.n; j++)
		if (fam.cp[j] != NONE)
			out->cp[fam.cp[j]].p_adj = adj[j];
	for (size_t c = 0; c < out->n_cp; c++) {
		struct vp_hcheck_cp *cp = &out->cp[c];
		cp->regression = cp->worse && cp->p_adj <= o->alpha &&
				 fabs(cp->shift_pct) >= o->threshold_pct;
		out->n_regressions += cp->regression != 0;
		out->n_newest_regressions += cp->regression && cp->at_newest;
	}
out:
	if (rc == -ENOMEM)
		fprintf(stderr, "history check: out of memory\n");
	if (rc)
		vp_hcheck_result_free(out);
	free(fam.p);
	free(fam.cp);
	free(adj);
	return rc;
}

void vp_hcheck_result_free(struct vp_hcheck_result *r)
{
	if (!r)
		return;
	free(r->cp);
	free(r->tested);
	*r = (struct vp_hcheck_result){0};
}
