/* probes/lat_hist: bucket layout, merge, the rows a family emits, and the
 * accuracy claim of lat_hist.h checked against exact sorted samples of
 * known distributions (uniform, log-normal, a bimodal one with a 10 ms tail
 * at 0.05%), seeded so a failure reproduces. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/lat_hist.h"

static struct vp_hist *new_hist(void)
{
	struct vp_hist *h = malloc(sizeof(*h));
	cr_assert(h);
	vp_hist_reset(h);
	return h;
}

Test(lat_hist, buckets_tile_the_range_and_index_agrees)
{
	uint64_t next = 0;
	for (unsigned i = 0; i < VP_HIST_NBUCKETS; i++) {
		uint64_t lo = vp_hist_bucket_lo(i), hi = vp_hist_bucket_hi(i);
		cr_assert_eq(lo, next, "bucket %u starts at %llu", i,
			     (unsigned long long)lo);
		cr_assert_geq(hi, lo);
		cr_assert_eq(vp_hist_index(lo), i);
		cr_assert_eq(vp_hist_index(hi), i);
		/* Width at most 1/VP_HIST_SUB of the lower bound. */
		if (hi > lo)
			cr_assert_leq((hi - lo + 1) * VP_HIST_SUB, lo,
				      "bucket %u [%llu, %llu] too wide", i,
				      (unsigned long long)lo,
				      (unsigned long long)hi);
		next = hi + 1;
	}
	cr_expect_eq(next, 0, "the last bucket ends at UINT64_MAX");
	cr_expect_eq(vp_hist_index(UINT64_MAX), VP_HIST_NBUCKETS - 1);
	for (uint64_t v = 0; v < 2 * VP_HIST_SUB; v++)
		cr_expect_eq(vp_hist_index(v), v, "small values are exact");
}

Test(lat_hist, record_merge_min_max_sum)
{
	struct vp_hist *a = new_hist(), *b = new_hist(), *m = new_hist();
	struct vp_hist *e = new_hist();
	vp_hist_record(a, 5);
	vp_hist_record(a, 7000);
	vp_hist_record(b, 3);
	vp_hist_record(b, UINT64_MAX);
	vp_hist_merge(m, a);
	vp_hist_merge(m, e); /* empty: must not pull min to 0 */
	vp_hist_merge(m, b);
	cr_expect_eq(m->n, 4);
	cr_expect_eq(m->min, 3);
	cr_expect_eq(m->max, UINT64_MAX);
	cr_expect_eq(m->sum, UINT64_MAX, "sum saturates");
	uint64_t total = 0;
	for (unsigned i = 0; i < VP_HIST_NBUCKETS; i++)
		total += m->count[i];
	cr_expect_eq(total, 4);
	cr_expect_float_eq(vp_hist_quantile(m, 0), 3.0, 1e-9);
	cr_expect_float_eq(vp_hist_quantile(m, 1), (double)UINT64_MAX, 1);
	cr_expect_eq(vp_hist_count_above(m, 1000000), 1);
	free(a);
	free(b);
	free(m);
	free(e);
}

Test(lat_hist, single_value_is_exact)
{
	struct vp_hist *h = new_hist();
	for (int i = 0; i < 200000; i++)
		vp_hist_record(h, 123457);
	for (unsigned k = 0; k < VP_HIST_NQ; k++)
		cr_expect_float_eq(vp_hist_quantile(h, vp_hist_q[k]), 123457.0,
				   1e-9, "clamped to the exact min/max");
	free(h);
}

/* --- accuracy against exact sorted samples ------------------------------ */

static uint64_t rng_state;

static uint64_t splitmix64(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ull);
	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static double uniform01(void)
{
	return ((double)(splitmix64() >> 11) + 0.5) / 9007199254740992.0;
}

static double normal(void)
{
	return sqrt(-2 * log(uniform01())) * cos(2 * M_PI * uniform01());
}

static uint64_t draw_uniform(void)
{
	return 100 + (uint64_t)(uniform01() * 999900.0);
}

static uint64_t draw_lognormal(void)
{
	return (uint64_t)llround(2000.0 * exp(1.0 * normal()));
}

/* 99.95% around 1 us, 0.05% at 10 ms (+-5%): a rare, enormous tail. */
static uint64_t draw_bimodal(void)
{
	if (uniform01() < 0.0005)
		return (uint64_t)(9.5e6 + uniform01() * 1e6);
	return (uint64_t)llround(1000.0 * exp(0.3 * normal()));
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return (a > b) - (a < b);
}

#define NSAMPLES 1000000

static double worst_overall;

/* Every percentile 1..99, the ladder (p99.9, p99.99) and a few beyond,
 * against the nearest-rank sample of the sorted values. */
static double check_distribution(const char *name, uint64_t (*draw)(void),
				 uint64_t seed)
{
	uint64_t *v = malloc(NSAMPLES * sizeof(*v));
	struct vp_hist *parts[4] = {new_hist(), new_hist(), new_hist(),
				    new_hist()};
	struct vp_hist *h = new_hist();
	cr_assert(v);
	rng_state = seed;
	for (size_t i = 0; i < NSAMPLES; i++) {
		v[i] = draw();
		vp_hist_record(parts[i % 4], v[i]); /* four "threads" */
	}
	for (int p = 0; p < 4; p++)
		vp_hist_merge(h, parts[p]);
	qsort(v, NSAMPLES, sizeof(*v), cmp_u64);
	double qs[110];
	size_t nq = 0;
	for (int i = 1; i <= 99; i++)
		qs[nq++] = i / 100.0;
	for (unsigned k = 0; k < VP_HIST_NQ; k++)
		qs[nq++] = vp_hist_q[k];
	qs[nq++] = 0.99995;
	qs[nq++] = 0.99999;
	double worst = 0, bound = 1.0 / (2.0 * VP_HIST_SUB);
	for (size_t i = 0; i < nq; i++) {
		size_t rank = (size_t)ceil(qs[i] * NSAMPLES);
		double exact = (double)v[rank - 1];
		double got = vp_hist_quantile(h, qs[i]);
		double rel = fabs(got - exact) / exact;
		cr_expect_leq(rel, bound,
			      "%s q=%g: got %.1f, exact %.0f (%.3f%%)", name,
			      qs[i], got, exact, 100 * rel);
		if (rel > worst)
			worst = rel;
	}
	cr_expect_eq(h->min, v[0]);
	cr_expect_eq(h->max, v[NSAMPLES - 1]);
	cr_log_info("%s: worst relative error %.3f%% over %zu percentiles "
		    "(bound %.3f%%)",
		    name, 100 * worst, nq, 100 * bound);
	fprintf(stderr,
		"lat_hist accuracy: %s: worst relative error %.3f%% (bound "
		"%.3f%%, %d samples)\n",
		name, 100 * worst, 100 * bound, NSAMPLES);
	if (worst > worst_overall)
		worst_overall = worst;
	for (int p = 0; p < 4; p++)
		free(parts[p]);
	free(h);
	free(v);
	return worst;
}

Test(lat_hist, percentiles_within_stated_precision)
{
	check_distribution("uniform 100 ns - 1 ms", draw_uniform, 1);
	check_distribution("log-normal median 2 us sigma 1", draw_lognormal, 2);
	check_distribution("bimodal 1 us + 0.05% at 10 ms", draw_bimodal, 3);
	fprintf(stderr, "lat_hist accuracy: worst over all: %.3f%%\n",
		100 * worst_overall);
}

/* The bimodal tail lives beyond p99.9: p99.99 must land in it, p99 not. */
Test(lat_hist, tail_shows_at_p9999)
{
	struct vp_hist *h = new_hist();
	rng_state = 3;
	for (int i = 0; i < NSAMPLES; i++)
		vp_hist_record(h, draw_bimodal());
	cr_expect_lt(vp_hist_quantile(h, 0.99), 1e5);
	cr_expect_gt(vp_hist_quantile(h, 0.9999), 9e6);
	free(h);
}

/* --- rows ----------------------------------------------------------------- */

static const struct vp_metric *find(const struct vp_metrics *m,
				    const char *name)
{
	const struct vp_metric *x = vp_metrics_find(m, name);
	cr_assert(x, "no row %s", name);
	return x;
}

Test(lat_hist, emit_marks_thin_percentiles_unavailable)
{
	struct vp_hist *h = new_hist();
	struct vp_metrics m;
	for (int i = 0; i < 1500; i++) /* p99 needs 1000, p99.9 10000 */
		vp_hist_record(h, 1000 + (uint64_t)i);
	vp_metrics_init(&m);
	vp_hist_emit(h, "call", "us", 1e-3, "never", &m);
	cr_expect_eq(find(&m, "call_p50_us")->status, VP_STATUS_OK);
	cr_expect_eq(find(&m, "call_p90_us")->status, VP_STATUS_OK);
	cr_expect_eq(find(&m, "call_p99_us")->status, VP_STATUS_OK);
	const struct vp_metric *p999 = find(&m, "call_p999_us");
	cr_expect_eq(p999->status, VP_STATUS_UNAVAILABLE);
	cr_expect(strstr(p999->note, "1500 samples"), "%s", p999->note);
	cr_expect(strstr(p999->note, "10000"), "%s", p999->note);
	cr_expect_eq(find(&m, "call_p9999_us")->status, VP_STATUS_UNAVAILABLE);
	cr_expect_float_eq(find(&m, "call_max_us")->value, 2.499, 1e-9);
	cr_expect_float_eq(find(&m, "call_samples")->value, 1500, 1e-9);
	cr_expect_float_eq(find(&m, "call_hist_sub_buckets")->value,
			   VP_HIST_SUB, 1e-9);
	/* p50 (rank 750: value 1749) within the bucket precision, in us. */
	cr_expect_float_eq(find(&m, "call_p50_us")->value, 1.749,
			   1.749 / (2.0 * VP_HIST_SUB));
	/* Bucket rows: only non-empty ones, counts adding up to n. */
	double total = 0;
	size_t rows = 0;
	for (size_t i = 0; i < m.n; i++)
		if (strncmp(m.v[i].name, "call_bucket_le_", 15) == 0) {
			cr_expect_gt(m.v[i].value, 0);
			total += m.v[i].value;
			rows++;
		}
	cr_expect_float_eq(total, 1500, 1e-9);
	cr_expect_leq(rows, 1500 / 8 + 2, "%zu bucket rows", rows);
	vp_metrics_free(&m);
	free(h);
}

Test(lat_hist, emit_empty_and_unavailable)
{
	struct vp_hist *h = new_hist();
	struct vp_metrics m;
	vp_metrics_init(&m);
	vp_hist_emit(h, "wake", "ns", 1.0, "nothing timed", &m);
	const struct vp_metric *p50 = find(&m, "wake_p50_ns");
	cr_expect_eq(p50->status, VP_STATUS_UNAVAILABLE);
	cr_expect_str_eq(p50->note, "nothing timed");
	cr_expect_eq(find(&m, "wake_max_ns")->status, VP_STATUS_UNAVAILABLE);
	cr_expect_float_eq(find(&m, "wake_samples")->value, 0, 1e-9);
	for (size_t i = 0; i < m.n; i++)
		cr_expect_null(strstr(m.v[i].name, "_bucket_le_"));
	vp_metrics_clear(&m);
	vp_hist_emit_unavailable("wake", "ns", "no TSC", &m);
	cr_expect_eq(m.n, VP_HIST_NQ + 2);
	for (size_t i = 0; i < m.n; i++)
		cr_expect_eq(m.v[i].status, VP_STATUS_UNAVAILABLE);
	vp_metrics_free(&m);
	free(h);
}

Test(lat_hist, min_samples)
{
	cr_expect_eq(vp_hist_min_samples(0.5), 20);
	cr_expect_eq(vp_hist_min_samples(0.9), 100);
	cr_expect_eq(vp_hist_min_samples(0.99), 1000);
	cr_expect_eq(vp_hist_min_samples(0.999), 10000);
	cr_expect_eq(vp_hist_min_samples(0.9999), 100000);
}
