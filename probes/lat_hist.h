/* Log-linear latency histogram: the one histogram type for every latency
 * vpbench records (spin waits, call_, wake_, lat_; later network round trips
 * and io_uring completions). Values are non-negative integers, by
 * convention nanoseconds.
 *
 * Buckets (HdrHistogram / fio style): each power of two [2^k, 2^(k+1)) is
 * split into VP_HIST_SUB linear sub-buckets of width 2^(k - VP_HIST_SUB_BITS);
 * values below VP_HIST_SUB have a bucket each (exact). So every bucket is at
 * most 1/VP_HIST_SUB of its lower bound wide, and the value a percentile
 * reports (the midpoint of its bucket, clamped to the exact min and max) is
 * within 1/(2 VP_HIST_SUB) of every sample in that bucket: 0.78% with the
 * default of 64 sub-buckets (VP_HIST_SUB_BITS 6; the CMake cache variable of
 * the same name chooses 5..10). The whole uint64_t range is covered.
 *
 * Lifecycle: vp_hist_reset() (storage is the caller's: the struct is about
 * 30 KiB with 64 sub-buckets, so allocate it with its owner, not on a small
 * stack), vp_hist_record() on the hot path (a shift, a mask, an increment:
 * no division, no allocation, no syscall), vp_hist_merge() to add per-thread
 * histograms after the run, then vp_hist_quantile() or vp_hist_emit() to
 * turn the merged counts into results.csv rows.
 *
 * Rows (results.csv schema 2, see reports/README.md) for a family F with
 * percentile unit U (ns, or us with scale 1e-3):
 *   F_p50_U F_p90_U F_p99_U F_p999_U F_p9999_U  percentiles (p99.9 is p999);
 *       unavailable, with the sample count, when there are fewer than
 *       10/(1-q) samples (20, 100, 1000, 10000, 100000)
 *   F_max_U        exact maximum;   F_samples   samples behind them (count)
 *   F_hist_sub_buckets              VP_HIST_SUB, so a reader knows the
 *                                   buckets' lower bounds (count)
 *   F_bucket_le_<hi>                one row per non-empty bucket, <hi> its
 *                                   inclusive upper bound in ns (count) */
#ifndef VP_LAT_HIST_H
#define VP_LAT_HIST_H

#include <stdint.h>

#include "probes/metrics.h"

#ifndef VP_HIST_SUB_BITS
#define VP_HIST_SUB_BITS 6
#endif
#if VP_HIST_SUB_BITS < 5 || VP_HIST_SUB_BITS > 10
#error "VP_HIST_SUB_BITS must be 5..10 (32..1024 sub-buckets)"
#endif
#define VP_HIST_SUB (1u << VP_HIST_SUB_BITS)
/* Buckets 0..VP_HIST_SUB-1 hold 0..VP_HIST_SUB-1; then VP_HIST_SUB per
 * power of two from 2^VP_HIST_SUB_BITS up to 2^63. */
#define VP_HIST_NBUCKETS ((65u - VP_HIST_SUB_BITS) * VP_HIST_SUB)

struct vp_hist {
	uint64_t n;	   /* samples */
	uint64_t sum;	   /* saturates at UINT64_MAX */
	uint64_t min, max; /* exact; min is UINT64_MAX while empty */
	uint64_t count[VP_HIST_NBUCKETS];
};

/* Empties h (every count 0, min UINT64_MAX). */
void vp_hist_reset(struct vp_hist *h);

/* Bucket index of v. For v < VP_HIST_SUB the OR makes the top bit
 * VP_HIST_SUB_BITS, so the shift is 0 and the index is v itself. */
static inline unsigned vp_hist_index(uint64_t v)
{
	unsigned top = 63u - (unsigned)__builtin_clzll(v | VP_HIST_SUB);
	unsigned shift = top - VP_HIST_SUB_BITS;

	return (shift << VP_HIST_SUB_BITS) + (unsigned)(v >> shift);
}

static inline void vp_hist_record(struct vp_hist *h, uint64_t v)
{
	h->count[vp_hist_index(v)]++;
	h->n++;
	h->sum = h->sum + v < h->sum ? UINT64_MAX : h->sum + v;
	if (v < h->min)
		h->min = v;
	if (v > h->max)
		h->max = v;
}

/* Inclusive bounds of bucket i (< VP_HIST_NBUCKETS). */
uint64_t vp_hist_bucket_lo(unsigned i);
uint64_t vp_hist_bucket_hi(unsigned i);

/* Adds from's counts into `into` (min/max/sum/n too). */
void vp_hist_merge(struct vp_hist *into, const struct vp_hist *from);

/* The q-quantile (0 < q < 1) by nearest rank: the midpoint of the bucket
 * holding the ceil(q n)-th smallest sample, clamped to [min, max]. q <= 0
 * gives min, q >= 1 max; 0 when empty (check n first). */
double vp_hist_quantile(const struct vp_hist *h, double q);

/* Samples in buckets that lie wholly above `threshold`: a lower bound of
 * the samples > threshold, off by at most one bucket's worth. Probes that
 * need an exact count keep their own counter. */
uint64_t vp_hist_count_above(const struct vp_hist *h, uint64_t threshold);

/* The quantiles every family reports and their metric-name tags. */
#define VP_HIST_NQ 5
extern const double vp_hist_q[VP_HIST_NQ];	    /* .5 .9 .99 .999 .9999 */
extern const char *const vp_hist_q_tag[VP_HIST_NQ]; /* p50 ... p9999 */

/* Fewest samples that support quantile q: 10 / (1 - q), rounded. */
uint64_t vp_hist_min_samples(double q);

/* Appends family's rows (see the top of this file) to out. unit is the
 * percentile rows' unit ("ns", "us"), scale multiplies ns into it. With
 * h->n == 0 the percentile, max rows are unavailable with `why_empty` and no
 * bucket row is written. */
void vp_hist_emit(const struct vp_hist *h, const char *family, const char *unit,
		  double scale, const char *why_empty, struct vp_metrics *out);
/* The same percentile, max and samples rows, all unavailable with `why`
 * (a family that was not measured at all). */
void vp_hist_emit_unavailable(const char *family, const char *unit,
			      const char *why, struct vp_metrics *out);

#endif
