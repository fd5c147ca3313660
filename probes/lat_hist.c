/* Log-linear histogram: bucket bounds, merge, quantiles and the rows a
 * family emits (see lat_hist.h). Nothing here is on a hot path. */
#include "probes/lat_hist.h"

#include <math.h>
#include <stdio.h>
#include <string.h>

const double vp_hist_q[VP_HIST_NQ] = {0.5, 0.9, 0.99, 0.999, 0.9999};
const char *const vp_hist_q_tag[VP_HIST_NQ] = {"p50", "p90", "p99", "p999",
					       "p9999"};

void vp_hist_reset(struct vp_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

/* Bucket i covers [mant << shift, ((mant + 1) << shift) - 1]. */
static unsigned bucket_shift(unsigned i)
{
	unsigned g = i >> VP_HIST_SUB_BITS;

	return g ? g - 1 : 0;
}

uint64_t vp_hist_bucket_lo(unsigned i)
{
	unsigned shift = bucket_shift(i);

	return (uint64_t)(i - (shift << VP_HIST_SUB_BITS)) << shift;
}

uint64_t vp_hist_bucket_hi(unsigned i)
{
	return vp_hist_bucket_lo(i) + (((uint64_t)1 << bucket_shift(i)) - 1);
}

void vp_hist_merge(struct vp_hist *into, const struct vp_hist *from)
{
	if (!from->n)
		return;
	for (unsigned i = 0; i < VP_HIST_NBUCKETS; i++)
		into->count[i] += from->count[i];
	into->n += from->n;
	into->sum = into->sum + from->sum < into->sum ? UINT64_MAX
						      : into->sum + from->sum;
	if (from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
}

double vp_hist_quantile(const struct vp_hist *h, double q)
{
	if (!h->n)
		return 0.0;
	if (q <= 0)
		return (double)h->min;
	if (q >= 1)
		return (double)h->max;
	/* Nearest rank: the ceil(q n)-th smallest sample (1-based). */
	double r = ceil(q * (double)h->n);
	uint64_t rank = r < 1 ? 1 : (uint64_t)r, seen = 0;
	for (unsigned i = 0; i < VP_HIST_NBUCKETS; i++) {
		seen += h->count[i];
		if (seen < rank)
			continue;
		/* Midpoint in doubles: hi + 1 overflows the last bucket. */
		double v = ((double)vp_hist_bucket_lo(i) +
			    (double)vp_hist_bucket_hi(i)) /
			   2;
		if (v < (double)h->min)
			v = (double)h->min;
		if (v > (double)h->max)
			v = (double)h->max;
		return v;
	}
	return (double)h->max;
}

uint64_t vp_hist_count_above(const struct vp_hist *h, uint64_t threshold)
{
	uint64_t n = 0;

	for (unsigned i = 0; i < VP_HIST_NBUCKETS; i++)
		if (vp_hist_bucket_lo(i) > threshold)
			n += h->count[i];
	return n;
}

uint64_t vp_hist_min_samples(double q)
{
	return (uint64_t)llround(10.0 / (1.0 - q));
}

void vp_hist_emit(const struct vp_hist *h, const char *family, const char *unit,
		  double scale, const char *why_empty, struct vp_metrics *out)
{
	char name[VP_METRIC_NAME_MAX];

	for (unsigned k = 0; k < VP_HIST_NQ; k++) {
		uint64_t need = vp_hist_min_samples(vp_hist_q[k]);

		snprintf(name, sizeof(name), "%s_%s_%s", family,
			 vp_hist_q_tag[k], unit);
		if (!h->n)
			vp_metrics_unavailable(out, name, unit, "%s",
					       why_empty);
		else if (h->n < need)
			vp_metrics_unavailable(
			    out, name, unit,
			    "%llu samples: %s needs at least %llu "
			    "(10 / (1 - q))",
			    (unsigned long long)h->n, vp_hist_q_tag[k],
			    (unsigned long long)need);
		else
			vp_metrics_ok(out, name,
				      vp_hist_quantile(h, vp_hist_q[k]) * scale,
				      unit);
	}
	snprintf(name, sizeof(name), "%s_max_%s", family, unit);
	if (h->n)
		vp_metrics_ok(out, name, (double)h->max * scale, unit);
	else
		vp_metrics_unavailable(out, name, unit, "%s", why_empty);
	snprintf(name, sizeof(name), "%s_samples", family);
	vp_metrics_ok(out, name, (double)h->n, "count");
	if (!h->n)
		return;
	snprintf(name, sizeof(name), "%s_hist_sub_buckets", family);
	vp_metrics_ok(out, name, VP_HIST_SUB, "count");
	for (unsigned i = 0; i < VP_HIST_NBUCKETS; i++) {
		if (!h->count[i])
			continue;
		snprintf(name, sizeof(name), "%s_bucket_le_%llu", family,
			 (unsigned long long)vp_hist_bucket_hi(i));
		vp_metrics_ok(out, name, (double)h->count[i], "count");
	}
}

void vp_hist_emit_unavailable(const char *family, const char *unit,
			      const char *why, struct vp_metrics *out)
{
	char name[VP_METRIC_NAME_MAX];

	for (unsigned k = 0; k < VP_HIST_NQ; k++) {
		snprintf(name, sizeof(name), "%s_%s_%s", family,
			 vp_hist_q_tag[k], unit);
		vp_metrics_unavailable(out, name, unit, "%s", why);
	}
	snprintf(name, sizeof(name), "%s_max_%s", family, unit);
	vp_metrics_unavailable(out, name, unit, "%s", why);
	snprintf(name, sizeof(name), "%s_samples", family);
	vp_metrics_unavailable(out, name, "count", "%s", why);
}
