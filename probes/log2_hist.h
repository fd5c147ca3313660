/* Log2-bucketed histogram of non-negative integer samples (nanoseconds of
 * spin wait, microseconds of I/O latency). Bucket b holds values v with
 * 2^(b-1) < v <= 2^b (bucket 0 holds 0 and 1), so a bucket's upper bound is
 * 2^b and travels in results.csv as `..._bucket_le_<2^b>`. Recording is a
 * couple of instructions (no syscalls); per-thread histograms are merged
 * after the run. Percentiles interpolate linearly inside the bucket and are
 * clamped to the exact recorded min/max. */
#ifndef VP_LOG2_HIST_H
#define VP_LOG2_HIST_H

#include <stdint.h>

#define VP_HIST_BUCKETS 64

struct vp_log2_hist {
	uint64_t count[VP_HIST_BUCKETS];
	uint64_t n;
	uint64_t sum; /* saturating */
	uint64_t min, max;
};

void vp_log2_hist_reset(struct vp_log2_hist *h);

static inline unsigned vp_log2_bucket(uint64_t v)
{
	if (v <= 1)
		return 0;
	/* ceil(log2(v)); values above 2^63 share the last bucket, whose
	 * upper bound is UINT64_MAX (there is no bucket 64). */
	unsigned b = 64u - (unsigned)__builtin_clzll(v - 1);
	return b < VP_HIST_BUCKETS ? b : VP_HIST_BUCKETS - 1;
}

static inline void vp_log2_hist_add(struct vp_log2_hist *h, uint64_t v)
{
	h->count[vp_log2_bucket(v)]++;
	h->n++;
	h->sum = (h->sum + v < h->sum) ? UINT64_MAX : h->sum + v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* Upper bound of bucket b (2^b; bucket 0 -> 1). */
uint64_t vp_log2_bucket_upper(unsigned b);
void vp_log2_hist_merge(struct vp_log2_hist *into,
			const struct vp_log2_hist *from);
/* q in [0,1]. Returns 0 when empty (callers check n first). */
double vp_log2_hist_quantile(const struct vp_log2_hist *h, double q);
/* Samples in buckets whose lower bound is >= threshold: a lower bound of the
 * number of samples above threshold, exact when threshold is a power of 2.
 * Probes that need an exact count keep their own counter. */
uint64_t vp_log2_hist_count_above(const struct vp_log2_hist *h,
				  uint64_t threshold);

#endif
