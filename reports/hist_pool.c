/* Bucket rows of all reps summed into one distribution per cell and family,
 * and the percentile ladder from the summed counts (see hist_pool.h). */
#include "reports/hist_pool.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/metric_info.h"
#include "reports/summary.h"

static const char *const q_label[VP_HIST_NQ] = {"p50", "p90", "p99", "p99.9",
						"p99.99"};

const char *vp_pool_q_label(unsigned k)
{
	return k < VP_HIST_NQ ? q_label[k] : "?";
}

static double cell_sum(const struct vp_cell *c)
{
	double sum = 0;
	for (size_t k = 0; k < c->n; k++)
		sum += c->v[k];
	return sum;
}

/* The cell <family><suffix> of p's target, workload and threads. */
static const struct vp_cell *
sibling(const struct vp_summary *s, const struct vp_pool *p, const char *suffix)
{
	char name[96];
	snprintf(name, sizeof(name), "%s%s", p->family, suffix);
	long i = vp_summary_find(s, p->target, s->workloads[p->workload],
				 p->threads, name);
	return i >= 0 && s->cells[i].n ? &s->cells[i] : NULL;
}

static struct vp_pool *pool_of(struct vp_summary *s, const struct vp_cell *c,
			       const char *family)
{
	for (size_t i = 0; i < s->npools; i++) {
		struct vp_pool *p = &s->pools[i];
		if (p->target == c->target && p->workload == c->workload &&
		    p->threads == c->threads && !strcmp(p->family, family))
			return p;
	}
	struct vp_pool *n = realloc(s->pools, (s->npools + 1) * sizeof(*n));
	if (!n)
		return NULL;
	s->pools = n;
	struct vp_pool *p = &n[s->npools++];
	*p = (struct vp_pool){.target = c->target,
			      .workload = c->workload,
			      .threads = c->threads};
	snprintf(p->family, sizeof(p->family), "%s", family);
	return p;
}

static int add_bucket(struct vp_pool *p, double hi, double count)
{
	if (!(p->nb & (p->nb + 1)) || !p->nb) { /* grows at 2^k - 1 */
		size_t cap = p->nb ? 2 * (p->nb + 1) : 8;
		struct vp_pool_bucket *b = realloc(p->b, cap * sizeof(*b));
		if (!b)
			return -ENOMEM;
		p->b = b;
	}
	p->b[p->nb++] = (struct vp_pool_bucket){.hi = hi, .count = count};
	return 0;
}

static int cmp_bucket(const void *pa, const void *pb)
{
	const struct vp_pool_bucket *a = pa, *b = pb;
	return (a->hi > b->hi) - (a->hi < b->hi);
}

/* Schema 2: a bucket with upper bound hi >= 2 sub is 2^(msb(hi) -
 * log2(sub)) wide (lat_hist.h); below that every value has its own. */
static double lower_bound(const struct vp_pool *p, double hi, double prev_hi)
{
	if (p->pow2)
		return hi <= 1 ? 0 : hi / 2; /* schema 1: (hi / 2, hi] */
	if (hi < 2.0 * p->sub)
		return hi;
	int top = ilogb(hi), bits = ilogb((double)p->sub);
	double lo = hi + 1 - ldexp(1, top - bits);
	return lo > prev_hi ? lo : prev_hi + 1;
}

/* Nearest rank over the summed buckets; schema 2 reports the bucket's
 * midpoint (within 1 / (2 sub)), schema 1 interpolates inside the factor-2
 * bucket as vpbench always did for it. Clamped to the largest max. */
static double quantile(const struct vp_pool *p, double q)
{
	double rank = ceil(q * p->n), seen = 0;
	if (rank < 1)
		rank = 1;
	for (size_t i = 0; i < p->nb; i++) {
		const struct vp_pool_bucket *b = &p->b[i];
		if (seen + b->count < rank) {
			seen += b->count;
			continue;
		}
		double v =
		    p->pow2 ? b->lo + (b->hi - b->lo) * (rank - seen) / b->count
			    : (b->lo + b->hi) / 2;
		v *= p->scale;
		return isnan(p->max) || v < p->max ? v : p->max;
	}
	return p->max;
}

static void finish(const struct vp_summary *s, struct vp_pool *p)
{
	const struct vp_cell *sub = sibling(s, p, "_hist_sub_buckets");
	const struct vp_cell *mx = sibling(s, p, "_max_ns");
	p->unit = "ns";
	p->scale = 1;
	if (!mx && (mx = sibling(s, p, "_max_us"))) {
		p->unit = "us";
		p->scale = 1e-3;
	}
	p->pow2 = !sub || sub->d.min != sub->d.max || !(sub->d.min >= 2);
	p->sub = p->pow2 ? 0 : (unsigned)sub->d.min;
	p->max = mx ? mx->d.max : NAN;
	/* Schema 1 wrote lat_ bounds in us; everything here is ns. */
	double to_ns = p->pow2 && !strcmp(p->unit, "us") ? 1000 : 1;
	qsort(p->b, p->nb, sizeof(*p->b), cmp_bucket);
	double prev = -1;
	p->n = 0;
	for (size_t i = 0; i < p->nb; i++) {
		p->b[i].hi *= to_ns;
		p->b[i].lo =
		    lower_bound(p, p->b[i].hi / to_ns, prev / to_ns) * to_ns;
		prev = p->b[i].hi;
		p->n += p->b[i].count;
	}
	for (unsigned k = 0; k < VP_HIST_NQ; k++)
		p->q[k] = p->n >= (double)vp_hist_min_samples(vp_hist_q[k])
			      ? quantile(p, vp_hist_q[k])
			      : NAN;
}

int vp_pools_build(struct vp_summary *s)
{
	char family[32];
	for (size_t i = 0; i < s->ncells; i++) {
		const struct vp_cell *c = &s->cells[i];
		double hi;
		if (!c->bucket || !c->n)
			continue;
		const char *m = s->metrics[c->metric];
		const char *tag = strstr(m, "_bucket_le_");
		if (!vp_metric_is_bucket(m, &hi) ||
		    (size_t)(tag - m) >= sizeof(family))
			continue;
		snprintf(family, sizeof(family), "%.*s", (int)(tag - m), m);
		struct vp_pool *p = pool_of(s, c, family);
		if (!p || add_bucket(p, hi, cell_sum(c)))
			return -ENOMEM;
		if (c->n > p->reps)
			p->reps = c->n;
	}
	for (size_t i = 0; i < s->npools; i++)
		finish(s, &s->pools[i]);
	return 0;
}

void vp_pools_free(struct vp_summary *s)
{
	for (size_t i = 0; i < s->npools; i++)
		free(s->pools[i].b);
	free(s->pools);
	s->pools = NULL;
	s->npools = 0;
}

const struct vp_pool *vp_pool_find(const struct vp_summary *s, size_t t,
				   size_t w, int th, const char *family)
{
	for (size_t i = 0; i < s->npools; i++) {
		const struct vp_pool *p = &s->pools[i];
		if (p->target == t && p->workload == w && p->threads == th &&
		    !strcmp(p->family, family))
			return p;
	}
	return NULL;
}

void vp_pool_note(const struct vp_pool *p, unsigned k, char *buf, size_t len)
{
	double need = (double)vp_hist_min_samples(vp_hist_q[k]);
	if (p->n < need)
		snprintf(buf, len, "%.0f samples: %s needs at least %.0f", p->n,
			 q_label[k], need);
	else if (p->pow2)
		snprintf(buf, len,
			 "from power-of-two buckets (results schema 1): "
			 "within a factor of 2; %zu reps, %.0f samples",
			 p->reps, p->n);
	else
		snprintf(buf, len,
			 "from the sum of %zu reps' log-linear buckets (%u "
			 "per power of two, within %.2f%%): %.0f samples",
			 p->reps, p->sub, 100.0 / (2.0 * p->sub), p->n);
}
