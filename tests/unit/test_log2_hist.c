/* Log2 histogram: bucket boundaries, merge, saturation and the percentile
 * maths, against hand-computed cases. Bucket b holds 2^(b-1) < v <= 2^b
 * (bucket 0 holds 0 and 1); quantiles interpolate linearly inside a bucket
 * at rank q*n and are clamped to the recorded min/max. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <stdint.h>

#include "probes/log2_hist.h"

struct bucket_case {
	uint64_t v;
	unsigned bucket;
};

ParameterizedTestParameters(log2_hist, bucket_of)
{
	static struct bucket_case cases[] = {
	    {0, 0},
	    {1, 0},
	    {2, 1},
	    {3, 2},
	    {4, 2},
	    {5, 3},
	    {8, 3},
	    {9, 4},
	    {1000, 10},
	    {1024, 10},
	    {1025, 11},
	    {1000000, 20}, /* 2^19 = 524288 < 1e6 <= 2^20 */
	    {(uint64_t)1 << 62, 62},
	    {((uint64_t)1 << 62) + 1, 63},
	    {(uint64_t)1 << 63, 63},
	    /* Above 2^63 there is no bucket 64: the last one is open. */
	    {((uint64_t)1 << 63) + 1, 63},
	    {UINT64_MAX, 63},
	};
	return cr_make_param_array(struct bucket_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct bucket_case *c, log2_hist, bucket_of)
{
	unsigned b = vp_log2_bucket(c->v);
	cr_expect_eq(b, c->bucket, "bucket(%llu) = %u, expected %u",
		     (unsigned long long)c->v, b, c->bucket);
	/* Every value lies within its bucket's bounds. */
	cr_expect_leq(c->v, vp_log2_bucket_upper(b));
	if (b > 0)
		cr_expect_gt(c->v, vp_log2_bucket_upper(b - 1));
}

Test(log2_hist, bucket_upper_bounds)
{
	cr_expect_eq(vp_log2_bucket_upper(0), 1);
	cr_expect_eq(vp_log2_bucket_upper(1), 2);
	cr_expect_eq(vp_log2_bucket_upper(10), 1024);
	cr_expect_eq(vp_log2_bucket_upper(20), 1048576);
	cr_expect_eq(vp_log2_bucket_upper(62), (uint64_t)1 << 62);
	cr_expect_eq(vp_log2_bucket_upper(63), UINT64_MAX);
}

Test(log2_hist, reset_is_empty)
{
	struct vp_log2_hist h;
	vp_log2_hist_reset(&h);
	cr_expect_eq(h.n, 0);
	cr_expect_eq(h.sum, 0);
	cr_expect_eq(h.min, UINT64_MAX);
	cr_expect_eq(h.max, 0);
	cr_expect_eq(vp_log2_hist_quantile(&h, 0.5), 0.0);
	for (unsigned b = 0; b < VP_HIST_BUCKETS; b++)
		cr_expect_eq(h.count[b], 0);
}

Test(log2_hist, add_counts_sum_min_max)
{
	struct vp_log2_hist h;
	vp_log2_hist_reset(&h);
	static const uint64_t v[] = {1, 2, 3, 4};
	for (size_t i = 0; i < 4; i++)
		vp_log2_hist_add(&h, v[i]);
	cr_expect_eq(h.n, 4);
	cr_expect_eq(h.sum, 10);
	cr_expect_eq(h.min, 1);
	cr_expect_eq(h.max, 4);
	cr_expect_eq(h.count[0], 1);
	cr_expect_eq(h.count[1], 1);
	cr_expect_eq(h.count[2], 2);
}

struct quantile_case {
	double q;
	double expect;
};

/* Samples {1, 2, 3, 4}: buckets b0={1}, b1={2}, b2={3,4}.
 *   q=0.25: rank 1 -> b0 [0,1], frac 1 -> 1
 *   q=0.50: rank 2 -> b1 (1,2], frac 1 -> 2
 *   q=0.75: rank 3 -> b2 (2,4], frac (3-2)/2 -> 3
 *   q=0.99: rank 3.96 -> b2, frac 1.96/2 -> 3.96
 *   q=0 / q=1: the exact min / max. */
ParameterizedTestParameters(log2_hist, quantiles_small)
{
	static struct quantile_case cases[] = {
	    {0.0, 1.0},	 {0.25, 1.0},  {0.5, 2.0},
	    {0.75, 3.0}, {0.99, 3.96}, {1.0, 4.0},
	};
	return cr_make_param_array(struct quantile_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct quantile_case *c, log2_hist, quantiles_small)
{
	struct vp_log2_hist h;
	vp_log2_hist_reset(&h);
	for (uint64_t v = 1; v <= 4; v++)
		vp_log2_hist_add(&h, v);
	double got = vp_log2_hist_quantile(&h, c->q);
	cr_expect_float_eq(got, c->expect, 1e-9, "q=%g: %.6f, expected %.6f",
			   c->q, got, c->expect);
}

Test(log2_hist, single_sample_is_exact)
{
	struct vp_log2_hist h;
	vp_log2_hist_reset(&h);
	vp_log2_hist_add(&h, 1000);
	/* Interpolation inside (512, 1024] is clamped to min = max = 1000. */
	cr_expect_float_eq(vp_log2_hist_quantile(&h, 0.5), 1000.0, 1e-9);
	cr_expect_float_eq(vp_log2_hist_quantile(&h, 0.99), 1000.0, 1e-9);
	cr_expect_float_eq(vp_log2_hist_quantile(&h, 1.0), 1000.0, 1e-9);
}

Test(log2_hist, tail_sample_shows_in_max_not_median)
{
	/* 100 waits of 100 ns and one of 10 ms: the lock-holder-preemption
	 * shape. The median stays in (64, 128] and is clamped up to the min
	 * 100; p99 (rank 99.99) interpolates inside (64, 128]:
	 * 64 + 64 * 99.99/100 = 127.9936; the max is the exact 10 ms. */
	struct vp_log2_hist h;
	vp_log2_hist_reset(&h);
	for (int i = 0; i < 100; i++)
		vp_log2_hist_add(&h, 100);
	vp_log2_hist_add(&h, 10000000);
	cr_expect_float_eq(vp_log2_hist_quantile(&h, 0.5), 100.0, 1e-9);
	cr_expect_float_eq(vp_log2_hist_quantile(&h, 0.99), 127.9936, 1e-9);
	cr_expect_float_eq(vp_log2_hist_quantile(&h, 1.0), 10000000.0, 1e-9);
	/* With the 101st rank in the tail bucket (2^23, 2^24], p999 lands
	 * there: rank 100.899, frac 0.899 -> 2^23 + 2^23 * 0.899, clamped to
	 * the max of 1e7. */
	cr_expect_float_eq(vp_log2_hist_quantile(&h, 0.999), 10000000.0, 1e-9);
	cr_expect_eq(vp_log2_hist_count_above(&h, 1 << 20), 1);
}

Test(log2_hist, quantiles_are_monotonic)
{
	struct vp_log2_hist h;
	vp_log2_hist_reset(&h);
	uint64_t x = 88172645463325252ull;
	for (int i = 0; i < 10000; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		vp_log2_hist_add(&h, x % 1000000);
	}
	double prev = vp_log2_hist_quantile(&h, 0);
	for (int i = 1; i <= 100; i++) {
		double v = vp_log2_hist_quantile(&h, i / 100.0);
		cr_expect_geq(v, prev, "q=%d%%: %g < %g", i, v, prev);
		prev = v;
	}
	cr_expect_eq(prev, (double)h.max);
}

Test(log2_hist, merge_adds_and_keeps_extremes)
{
	struct vp_log2_hist a, b, empty, into;
	vp_log2_hist_reset(&a);
	vp_log2_hist_reset(&b);
	vp_log2_hist_reset(&empty);
	vp_log2_hist_reset(&into);
	vp_log2_hist_add(&a, 5);
	vp_log2_hist_add(&a, 7);
	vp_log2_hist_add(&b, 3);
	vp_log2_hist_add(&b, 100);
	vp_log2_hist_merge(&into, &a);
	vp_log2_hist_merge(&into, &empty); /* must not pull min to 0 */
	vp_log2_hist_merge(&into, &b);
	cr_expect_eq(into.n, 4);
	cr_expect_eq(into.sum, 115);
	cr_expect_eq(into.min, 3);
	cr_expect_eq(into.max, 100);
	cr_expect_eq(into.count[3], 2); /* 5, 7 in (4, 8] */
	cr_expect_eq(into.count[2], 1); /* 3 in (2, 4] */
	cr_expect_eq(into.count[7], 1); /* 100 in (64, 128] */
}

Test(log2_hist, sum_saturates)
{
	struct vp_log2_hist h, into;
	vp_log2_hist_reset(&h);
	vp_log2_hist_add(&h, UINT64_MAX - 1);
	vp_log2_hist_add(&h, 5);
	cr_expect_eq(h.sum, UINT64_MAX);
	cr_expect_eq(h.count[63], 1);
	vp_log2_hist_reset(&into);
	vp_log2_hist_merge(&into, &h);
	vp_log2_hist_merge(&into, &h);
	cr_expect_eq(into.sum, UINT64_MAX);
	cr_expect_eq(into.n, 4);
}

struct above_case {
	uint64_t threshold;
	uint64_t expect;
};

/* Samples {1, 2, 3, 1024, 1025, 2048, 5000}. At a power of two the count
 * is exact: above 1024 are 1025, 2048, 5000. Elsewhere it is a lower bound:
 * above 1500 are 2048 and 5000, but 2048 shares (1024, 2048] with 1025, so
 * only 5000 is counted. */
ParameterizedTestParameters(log2_hist, count_above)
{
	static struct above_case cases[] = {
	    {1, 6}, {2, 5}, {1024, 3}, {1500, 1}, {4096, 1}, {8192, 0},
	};
	return cr_make_param_array(struct above_case, cases,
				   sizeof(cases) / sizeof(cases[0]));
}

ParameterizedTest(struct above_case *c, log2_hist, count_above)
{
	struct vp_log2_hist h;
	vp_log2_hist_reset(&h);
	static const uint64_t v[] = {1, 2, 3, 1024, 1025, 2048, 5000};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		vp_log2_hist_add(&h, v[i]);
	cr_expect_eq(
	    vp_log2_hist_count_above(&h, c->threshold), c->expect,
	    "above %llu: %llu, expected %llu", (unsigned long long)c->threshold,
	    (unsigned long long)vp_log2_hist_count_above(&h, c->threshold),
	    (unsigned long long)c->expect);
}
