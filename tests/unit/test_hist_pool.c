/* reports/hist_pool: three reps' log-linear rows, written as an agent
 * writes them (vp_hist_emit -> results.csv) and read back, pool into the
 * percentiles of all samples together: equal to the quantile of the merged
 * histogram, within the stated precision of the exact sorted samples, and
 * not the median of the per-rep percentiles. Thin pools say why. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/lat_hist.h"
#include "reports/hist_pool.h"
#include "reports/results_csv.h"
#include "reports/summary.h"

static uint64_t rng = 7;

static double uniform01(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return ((double)(rng >> 11) + 0.5) / 9007199254740992.0;
}

static int cmp_u64(const void *pa, const void *pb)
{
	uint64_t a = *(const uint64_t *)pa, b = *(const uint64_t *)pb;
	return (a > b) - (a < b);
}

/* Rep r: 50000 calls around 1 us, and in rep 3 only a 0.1% tail at 5 ms
 * (one rep carries the tail: a median of per-rep p99.9 would miss it). */
static uint64_t draw(int rep)
{
	if (rep == 3 && uniform01() < 0.001)
		return (uint64_t)(5e6 * (1 + 0.1 * uniform01()));
	return (uint64_t)(800 + 400 * uniform01());
}

#define PER_REP 50000

Test(hist_pool, reps_pool_by_summed_counts)
{
	char dir[] = "/tmp/vp_pool_XXXXXX", path[256], err[512];
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	cr_assert_eq(vp_results_write_header(f), 0);
	struct vp_target_info ti = {.run_id = "r",
				    .target = "host",
				    .target_kind = "host",
				    .accel = "none",
				    .hypervisor = "none",
				    .vcpus = 2,
				    .host_cpus = 2};
	struct vp_hist *h = malloc(sizeof(*h)), *all = malloc(sizeof(*all));
	uint64_t *v = malloc(3 * PER_REP * sizeof(*v));
	cr_assert(h && all && v);
	vp_hist_reset(all);
	for (int rep = 1; rep <= 3; rep++) {
		struct vp_metrics m;
		vp_metrics_init(&m);
		vp_hist_reset(h);
		for (int i = 0; i < PER_REP; i++) {
			uint64_t x = draw(rep);
			v[(rep - 1) * PER_REP + i] = x;
			vp_hist_record(h, x);
		}
		vp_hist_merge(all, h);
		vp_hist_emit(h, "call", "ns", 1.0, "none", &m);
		for (size_t i = 0; i < m.n; i++) {
			struct vp_row row = {&ti, "lock.kernel", 2, rep,
					     &m.v[i]};
			cr_assert_eq(vp_results_write_row(f, &row), 0);
		}
		vp_metrics_free(&m);
	}
	fclose(f);

	struct vp_run run;
	struct vp_summary s;
	cr_assert_eq(vp_run_load(dir, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_summary_build(&run, 1, NULL, &s, err, sizeof(err)), 0,
		     "%s", err);
	const struct vp_pool *p = vp_pool_find(&s, 0, 0, 2, "call");
	cr_assert_not_null(p);
	cr_expect_not(p->pow2);
	cr_expect_eq(p->sub, VP_HIST_SUB);
	cr_expect_eq(p->reps, 3);
	cr_expect_float_eq(p->n, 3.0 * PER_REP, 1e-9);
	qsort(v, 3 * PER_REP, sizeof(*v), cmp_u64);
	for (unsigned k = 0; k < VP_HIST_NQ; k++) {
		double exact =
		    (double)v[(size_t)ceil(vp_hist_q[k] * 3 * PER_REP) - 1];
		cr_expect_float_eq(p->q[k], vp_hist_quantile(all, vp_hist_q[k]),
				   1e-6, "%s: pooled = merged histogram",
				   vp_pool_q_label(k));
		cr_expect_leq(fabs(p->q[k] - exact) / exact,
			      1.0 / (2 * VP_HIST_SUB), "%s: %g vs exact %g",
			      vp_pool_q_label(k), p->q[k], exact);
	}
	/* One rep's tail (0.033% of all samples) is beyond the pooled
	 * p99.9 but holds the pooled p99.99, which no rep alone supports
	 * (50000 samples each: its per-rep rows are unavailable). */
	cr_expect_lt(p->q[3], 2000);
	cr_expect_gt(p->q[4], 5e6);
	cr_expect_gt(p->max, 5e6);
	long c = vp_summary_find(&s, 0, "lock.kernel", 2, "call_p9999_ns");
	cr_assert_geq(c, 0);
	cr_expect_eq(s.cells[c].n, 0);
	cr_expect(strstr(s.cells[c].reason, "50000 samples"), "%s",
		  s.cells[c].reason);
	char note[256];
	vp_pool_note(p, 2, note, sizeof(note));
	cr_expect(strstr(note, "sum of 3 reps' log-linear buckets"), "%s",
		  note);
	vp_summary_free(&s);
	vp_run_free(&run);
	unlink(path);
	rmdir(dir);
	free(h);
	free(all);
	free(v);
}
