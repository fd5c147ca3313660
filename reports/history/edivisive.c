/* E-divisive means with a sequential permutation test (see edivisive.h).
 *
 * q̂ of splitting a segment Z of L points into X = Z[0, k) and
 * Y = Z[k, L), m = k, r = L - k (Matteson & James 2014, eq. 6, alpha = 1):
 *
 *   q̂ = m r / L * ( 2/(m r) Σ|x - y| - 1/C(m,2) Σ_{i<j}|x_i - x_j|
 *                                    - 1/C(r,2) Σ_{i<j}|y_i - y_j| )
 *
 * The within sums of every prefix come from one pass that inserts the
 * points one by one into Fenwick trees indexed by rank (count and sum of
 * the smaller values give Σ|x - new| over the points before it in
 * O(log L)); a point's distance to the points after it is its distance to
 * the whole segment (which no shuffle changes, so it is computed once per
 * segment) minus that, which gives the suffixes' within sums without a
 * second pass. The cross sum is the whole segment's within sum minus
 * both. Unlike MongoDB's
 * Python calculator, the two within terms are weighted by their own
 * segment's size and the factor m r / L is not rounded to an integer. */
#include "reports/history/edivisive.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/history/rng.h"

/* Shuffles reaching q̂ after which a refinement stops: the p-value is
 * then known to about 30 %. */
#define REFINE_HITS 10

/* One point of a segment: its value, its rank within the segment
 * (distinct ranks, ties broken by position: tied values add 0 either
 * way) and Σ|v - x| over the segment's points x. */
struct pt {
	double v, dist;
	unsigned rank;
};

struct work {
	size_t n;
	unsigned min_size;
	/* differences of q̂ below this are rounding (sums of the same values
	 * in another order), not evidence: 1e-9 of Σ|x| */
	double tol;
	/* Fenwick trees over ranks, n + 1 nodes: count and sum of the
	 * values side by side, one cache line per level */
	struct fw_node {
		double sum;
		size_t cnt;
	} * fw;
	double *wl, *wr; /* within sums of prefixes / suffixes, n + 1 */
	struct pt *buf;	 /* a shuffled segment */
	struct pt *seg;	 /* the series' points, ranked per segment */
};

static void fw_clear(struct work *w, size_t len)
{
	memset(w->fw, 0, (len + 1) * sizeof(*w->fw));
}

/* Inserts p into the trees holding `c` points summing to `total` and
 * returns Σ |p - q| over the points q already in. */
static double fw_insert(struct work *w, size_t len, const struct pt *p,
			size_t c, double total)
{
	size_t lc = 0;
	double ls = 0;
	for (size_t i = p->rank; i > 0; i -= i & -i) {
		lc += w->fw[i].cnt;
		ls += w->fw[i].sum;
	}
	for (size_t i = p->rank + 1; i <= len; i += i & -i) {
		w->fw[i].cnt++;
		w->fw[i].sum += p->v;
	}
	return p->v * (double)lc - ls + (total - ls) - p->v * (double)(c - lc);
}

/* q̂ of the split at k of z[0, len); wl/wr filled by scan_sums. */
static double qhat_at(const struct work *w, size_t len, size_t k)
{
	double L = (double)len, m = (double)k, r = (double)(len - k);
	double cross = w->wl[len] - w->wl[k] - w->wr[k];
	return 2 * cross / L - 2 * r * w->wl[k] / (L * (m - 1)) -
	       2 * m * w->wr[k] / (L * (r - 1));
}

static void scan_sums(struct work *w, const struct pt *z, size_t len)
{
	double total = 0;
	fw_clear(w, len);
	w->wl[0] = 0;
	for (size_t i = 0; i < len; i++) {
		double before = fw_insert(w, len, &z[i], i, total);
		w->wl[i + 1] = w->wl[i] + before;
		w->wr[i] = z[i].dist - before; /* to the points after i */
		total += z[i].v;
	}
	w->wr[len] = 0;
	for (size_t i = len; i-- > 0;)
		w->wr[i] += w->wr[i + 1];
}

/* The best split of z[0, len): its q̂ (-INFINITY when the segment is too
 * short for two segments of min_size) and index. */
static double best_split(struct work *w, const struct pt *z, size_t len,
			 size_t *at)
{
	double best = -INFINITY;
	size_t ms = w->min_size;
	if (len < 2 * ms)
		return best;
	scan_sums(w, z, len);
	for (size_t k = ms; k <= len - ms; k++) {
		double q = qhat_at(w, len, k);
		if (q > best) {
			best = q;
			*at = k;
		}
	}
	return best;
}

struct ranked {
	double v;
	size_t i;
};

static int cmp_ranked(const void *pa, const void *pb)
{
	const struct ranked *a = pa, *b = pb;
	if (a->v != b->v)
		return a->v < b->v ? -1 : 1;
	return a->i < b->i ? -1 : a->i > b->i;
}

/* Ranks of w->seg[a, b) among themselves, and each point's distance to
 * the others. */
static int rank_segment(struct work *w, size_t a, size_t b)
{
	size_t len = b - a;
	struct ranked *r = malloc((len ? len : 1) * sizeof(*r));
	if (!r)
		return -ENOMEM;
	double total = 0, below = 0;
	for (size_t i = 0; i < len; i++) {
		r[i] = (struct ranked){.v = w->seg[a + i].v, .i = i};
		total += r[i].v;
	}
	qsort(r, len, sizeof(*r), cmp_ranked);
	for (size_t i = 0; i < len; i++) {
		struct pt *p = &w->seg[a + r[i].i];
		p->rank = (unsigned)i;
		/* i points below (summing to `below`), len - 1 - i above */
		double above = total - below - p->v;
		p->dist = p->v * (double)i - below + above -
			  p->v * (double)(len - 1 - i);
		below += p->v;
	}
	free(r);
	return 0;
}

/* The largest q̂ of one shuffle of every segment between the bounds. */
static double shuffled_max(struct work *w, const size_t *bounds, size_t nb,
			   struct vp_rng *g)
{
	double best = -INFINITY;
	for (size_t s = 0; s + 1 < nb; s++) {
		size_t a = bounds[s], len = bounds[s + 1] - a, at = 0;
		if (len < 2 * (size_t)w->min_size)
			continue;
		memcpy(w->buf, w->seg + a, len * sizeof(*w->buf));
		for (size_t i = len - 1; i > 0; i--) {
			size_t j = vp_rng_below(g, i + 1);
			struct pt t = w->buf[i];
			w->buf[i] = w->buf[j];
			w->buf[j] = t;
		}
		double q = best_split(w, w->buf, len, &at);
		if (q > best)
			best = q;
	}
	return best;
}

/* Sequential permutation test of a candidate with statistic q0 over at
 * most `limit` shuffles, p = (hits + 1) / (shuffles + 1). It stops early
 * once p <= level is out of reach (Besag & Clifford 1991) or, with
 * enough_hits, once that many shuffles reached q0 (p is then known to
 * about 30 %). */
static double perm_test(struct work *w, const size_t *bounds, size_t nb,
			double q0, struct vp_rng *g, unsigned limit,
			double level, unsigned enough_hits, unsigned *done)
{
	unsigned hits = 0, l = 0;
	double decided = level * ((double)limit + 1);
	while (l < limit && (double)hits + 1 <= decided &&
	       (!enough_hits || hits < enough_hits)) {
		/* ">=": a shuffle as extreme as the candidate counts against
		 * it, as in ecp */
		if (shuffled_max(w, bounds, nb, g) >= q0 - w->tol)
			hits++;
		l++;
	}
	*done = l;
	return ((double)hits + 1) / ((double)l + 1);
}

static int insert_bound(size_t **bounds, size_t *nb, size_t at)
{
	size_t *nbounds = realloc(*bounds, (*nb + 1) * sizeof(**bounds));
	if (!nbounds)
		return -ENOMEM;
	size_t i = *nb;
	while (i > 0 && nbounds[i - 1] > at) {
		nbounds[i] = nbounds[i - 1];
		i--;
	}
	nbounds[i] = at;
	*bounds = nbounds;
	(*nb)++;
	return 0;
}

static void work_free(struct work *w)
{
	free(w->fw);
	free(w->wl);
	free(w->wr);
	free(w->buf);
	free(w->seg);
}

static int work_init(struct work *w, const double *x, size_t n,
		     unsigned min_size)
{
	*w = (struct work){.n = n, .min_size = min_size};
	w->fw = calloc(n + 1, sizeof(*w->fw));
	w->wl = calloc(n + 1, sizeof(*w->wl));
	w->wr = calloc(n + 1, sizeof(*w->wr));
	w->buf = calloc(n ? n : 1, sizeof(*w->buf));
	w->seg = calloc(n ? n : 1, sizeof(*w->seg));
	if (!w->fw || !w->wl || !w->wr || !w->buf || !w->seg) {
		work_free(w);
		return -ENOMEM;
	}
	for (size_t i = 0; i < n; i++) {
		w->seg[i].v = x[i];
		w->tol += 1e-9 * fabs(x[i]);
	}
	return rank_segment(w, 0, n);
}

static int check_input(const double *x, size_t n, const struct vp_ediv_opts *o)
{
	if (!o || o->min_size < 2 || o->permutations < 9 ||
	    !(o->alpha > 0 && o->alpha < 1) || (n && !x))
		return -EINVAL;
	for (size_t i = 0; i < n; i++)
		if (!isfinite(x[i]))
			return -EINVAL;
	return 0;
}

int vp_ediv_qhat(const double *x, size_t n, unsigned min_size, double *q)
{
	struct vp_ediv_opts o = {
	    .alpha = 0.05, .min_size = min_size, .permutations = 9};
	int rc = check_input(x, n, &o);
	struct work w;
	if (rc || (rc = work_init(&w, x, n, min_size)))
		return rc;
	for (size_t k = 0; k <= n; k++)
		q[k] = NAN;
	if (n >= 2 * (size_t)min_size) {
		scan_sums(&w, w.seg, n);
		for (size_t k = min_size; k <= n - min_size; k++)
			q[k] = qhat_at(&w, n, k);
	}
	work_free(&w);
	return 0;
}

int vp_edivisive(const double *x, size_t n, const struct vp_ediv_opts *o,
		 struct vp_ediv_cp **cps, size_t *ncp, double *p_last)
{
	struct work w;
	struct vp_rng g;
	size_t *bounds = NULL, nb = 0;
	int rc = check_input(x, n, o);

	*cps = NULL;
	*ncp = 0;
	if (p_last)
		*p_last = NAN;
	if (rc || (rc = work_init(&w, x, n, o->min_size)))
		return rc;
	vp_rng_seed(&g, o->seed);
	if ((rc = insert_bound(&bounds, &nb, 0)) ||
	    (rc = insert_bound(&bounds, &nb, n)))
		goto out;
	for (;;) {
		/* the candidate: the best split over all current segments
		 * (each segment's points ranked among themselves) */
		double q0 = -INFINITY;
		size_t at0 = 0;
		for (size_t s = 0; s + 1 < nb; s++) {
			size_t a = bounds[s], at = 0;
			double q =
			    best_split(&w, w.seg + a, bounds[s + 1] - a, &at);
			if (q > q0) {
				q0 = q;
				at0 = a + at;
			}
		}
		if (q0 == -INFINITY)
			break;
		unsigned done;
		double p = perm_test(&w, bounds, nb, q0, &g, o->permutations,
				     o->alpha, 0, &done);
		if (p > o->alpha) {
			if (p_last)
				*p_last = p;
			break;
		}
		struct vp_ediv_cp *ncps =
		    realloc(*cps, (*ncp + 1) * sizeof(**cps));
		if (!ncps) {
			rc = -ENOMEM;
			goto out;
		}
		*cps = ncps;
		(*cps)[(*ncp)++] = (struct vp_ediv_cp){.at = at0,
						       .q = q0,
						       .p = p,
						       .perms = done,
						       .order = (unsigned)*ncp};
		size_t s = 0;
		while (bounds[s + 1] < at0)
			s++;
		size_t a = bounds[s], b = bounds[s + 1];
		if ((rc = insert_bound(&bounds, &nb, at0)) ||
		    (rc = rank_segment(&w, a, at0)) ||
		    (rc = rank_segment(&w, at0, b)))
			goto out;
	}
	/* by index: the order found is by strength */
	for (size_t i = 1; i < *ncp; i++) {
		struct vp_ediv_cp t = (*cps)[i];
		size_t j = i;
		while (j > 0 && (*cps)[j - 1].at > t.at) {
			(*cps)[j] = (*cps)[j - 1];
			j--;
		}
		(*cps)[j] = t;
	}
out:
	if (rc) {
		free(*cps);
		*cps = NULL;
		*ncp = 0;
	}
	free(bounds);
	work_free(&w);
	return rc;
}

int vp_ediv_refine(const double *x, size_t n, const struct vp_ediv_opts *o,
		   const struct vp_ediv_cp *cps, size_t ncp, size_t i,
		   unsigned max_permutations, double *p, unsigned *perms)
{
	struct work w;
	struct vp_rng g;
	size_t *bounds = NULL, nb = 0;
	int rc = check_input(x, n, o);
	if (rc || i >= ncp)
		return rc ? rc : -EINVAL;
	if ((rc = work_init(&w, x, n, o->min_size)))
		return rc;
	/* the segments when the change point was accepted: those of the
	 * change points accepted before it */
	if ((rc = insert_bound(&bounds, &nb, 0)) ||
	    (rc = insert_bound(&bounds, &nb, n)))
		goto out;
	for (size_t j = 0; j < ncp; j++)
		if (cps[j].order < cps[i].order &&
		    (rc = insert_bound(&bounds, &nb, cps[j].at)))
			goto out;
	for (size_t s = 0; s + 1 < nb; s++)
		if ((rc = rank_segment(&w, bounds[s], bounds[s + 1])))
			goto out;
	/* a stream of its own, so refining one change point does not move
	 * the shuffles of another */
	vp_rng_seed(&g, o->seed ^ (0x5851f42d4c957f2dULL * (cps[i].order + 1)));
	*p = perm_test(&w, bounds, nb, cps[i].q, &g, max_permutations, 1.0,
		       REFINE_HITS, perms);
out:
	free(bounds);
	work_free(&w);
	return rc;
}
