/* Log2 histogram merge and percentile maths (see log2_hist.h). */
#include "probes/log2_hist.h"

#include <string.h>

void vp_log2_hist_reset(struct vp_log2_hist *h)
{
	memset(h, 0, sizeof(*h));
	h->min = UINT64_MAX;
}

uint64_t vp_log2_bucket_upper(unsigned b)
{
	return b >= 63 ? UINT64_MAX : (uint64_t)1 << b;
}

void vp_log2_hist_merge(struct vp_log2_hist *into,
			const struct vp_log2_hist *from)
{
	for (unsigned b = 0; b < VP_HIST_BUCKETS; b++)
		into->count[b] += from->count[b];
	into->n += from->n;
	into->sum = (into->sum + from->sum < into->sum) ? UINT64_MAX
							: into->sum + from->sum;
	if (from->min < into->min)
		into->min = from->min;
	if (from->max > into->max)
		into->max = from->max;
}

double vp_log2_hist_quantile(const struct vp_log2_hist *h, double q)
{
	if (h->n == 0)
		return 0.0;
	if (q <= 0)
		return (double)h->min;
	if (q >= 1)
		return (double)h->max;
	/* rank of the sample we want, 1-based, nearest-rank definition */
	double rank = q * (double)h->n;
	uint64_t seen = 0;
	for (unsigned b = 0; b < VP_HIST_BUCKETS; b++) {
		uint64_t c = h->count[b];
		if (!c)
			continue;
		if ((double)(seen + c) >= rank) {
			double lo =
			    b == 0 ? 0.0 : (double)vp_log2_bucket_upper(b - 1);
			double hi = (double)vp_log2_bucket_upper(b);
			double frac = (rank - (double)seen) / (double)c;
			double v = lo + (hi - lo) * frac;
			if (v < (double)h->min)
				v = (double)h->min;
			if (v > (double)h->max)
				v = (double)h->max;
			return v;
		}
		seen += c;
	}
	return (double)h->max;
}

uint64_t vp_log2_hist_count_above(const struct vp_log2_hist *h,
				  uint64_t threshold)
{
	uint64_t n = 0;
	for (unsigned b = 0; b < VP_HIST_BUCKETS; b++) {
		uint64_t lo = b == 0 ? 0 : vp_log2_bucket_upper(b - 1);
		if (lo >= threshold)
			n += h->count[b];
	}
	return n;
}
