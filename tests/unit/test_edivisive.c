/* E-divisive means on synthetic series with known answers: q̂ against a
 * brute-force O(n²) evaluation of Matteson & James's formula, the false
 * positive rate on series without change, one and two steps found where
 * they are, what a slow ramp gives, single outliers that are no change,
 * determinism by seed and the refusal of bad input. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdlib.h>

#include "reports/history/edivisive.h"
#include "tests/unit/history_fixture.h"

/* Test noise: history_fixture.h's generator (splitmix64 and
 * Box-Muller), independent of the code under test. */
static uint64_t tstate;
static double gauss(void)
{
	return sqrt(-2 * log(hf_unif(&tstate))) *
	       cos(6.283185307179586 * hf_unif(&tstate));
}
static void noise(double *x, size_t n, double mean, double sd, uint64_t seed)
{
	tstate = seed;
	for (size_t i = 0; i < n; i++)
		x[i] = mean + sd * gauss();
}

static struct vp_ediv_opts opts(uint64_t seed)
{
	return (struct vp_ediv_opts){
	    .alpha = 0.05, .min_size = 5, .permutations = 199, .seed = seed};
}

/* q̂ straight from the definition. */
static double brute_q(const double *z, size_t n, size_t k)
{
	double m = (double)k, r = (double)(n - k), cross = 0, wx = 0, wy = 0;
	for (size_t i = 0; i < k; i++)
		for (size_t j = k; j < n; j++)
			cross += fabs(z[i] - z[j]);
	for (size_t i = 0; i < k; i++)
		for (size_t j = i + 1; j < k; j++)
			wx += fabs(z[i] - z[j]);
	for (size_t i = k; i < n; i++)
		for (size_t j = i + 1; j < n; j++)
			wy += fabs(z[i] - z[j]);
	return m * r / (m + r) *
	       (2 * cross / (m * r) - wx / (m * (m - 1) / 2) -
		wy / (r * (r - 1) / 2));
}

Test(edivisive, qhat_matches_the_definition)
{
	double x[41], q[42];
	noise(x, 41, 100, 3, 7);
	x[5] = x[9] = x[30]; /* ties */
	for (size_t i = 25; i < 41; i++)
		x[i] += 4;
	cr_assert_eq(vp_ediv_qhat(x, 41, 3, q), 0);
	cr_assert(isnan(q[2]) && isnan(q[39]));
	for (size_t k = 3; k <= 38; k++)
		cr_assert(fabs(q[k] - brute_q(x, 41, k)) <=
			      1e-9 * (1 + fabs(q[k])),
			  "k=%zu: %g vs %g", k, q[k], brute_q(x, 41, k));
}

static size_t run(const double *x, size_t n, struct vp_ediv_opts o, size_t *at,
		  size_t max)
{
	struct vp_ediv_cp *cp;
	size_t ncp;
	double pl;
	cr_assert_eq(vp_edivisive(x, n, &o, &cp, &ncp, &pl), 0);
	for (size_t i = 0; i < ncp && i < max; i++) {
		at[i] = cp[i].at;
		cr_assert(cp[i].p <= o.alpha, "cp p %g", cp[i].p);
		if (i)
			cr_assert(cp[i].at > cp[i - 1].at);
	}
	free(cp);
	return ncp;
}

Test(edivisive, no_change_false_positive_rate)
{
	/* 50 series of 60 iid normal points: at alpha 0.05 about 2.5 are
	 * expected to show a change; more than 7 has probability 1.2 %. */
	size_t flagged = 0, at[8];
	for (uint64_t s = 1; s <= 50; s++) {
		double x[60];
		noise(x, 60, 1000, 20, s * 101);
		flagged += run(x, 60, opts(s), at, 8) > 0;
	}
	cr_log_info("no change: %zu of 50 series flagged", flagged);
	cr_assert(flagged <= 7, "%zu of 50 series without change flagged",
		  flagged);
}

Test(edivisive, one_step)
{
	for (uint64_t s = 1; s <= 10; s++) {
		double x[60];
		size_t at[4];
		noise(x, 60, 1000, 10, s);
		for (size_t i = 30; i < 60; i++)
			x[i] *= 0.95; /* 5 % down, 5 sd */
		size_t n = run(x, 60, opts(s), at, 4);
		cr_assert_eq(n, 1, "seed %llu: %zu change points",
			     (unsigned long long)s, n);
		cr_assert_eq(at[0], 30, "seed %llu: at %zu",
			     (unsigned long long)s, at[0]);
	}
}

Test(edivisive, two_steps)
{
	for (uint64_t s = 1; s <= 10; s++) {
		double x[60];
		size_t at[4];
		noise(x, 60, 1000, 10, s + 50);
		for (size_t i = 20; i < 60; i++)
			x[i] += i < 40 ? 60 : -60;
		size_t n = run(x, 60, opts(s), at, 4);
		cr_assert_eq(n, 2, "seed %llu: %zu change points",
			     (unsigned long long)s, n);
		cr_assert(at[0] == 20 && at[1] == 40, "seed %llu: at %zu, %zu",
			  (unsigned long long)s, at[0], at[1]);
	}
}

Test(edivisive, slow_ramp)
{
	/* A drift of 6 sd over 80 points has no single change: E-divisive
	 * cuts it into steps, each inside the ramp and at least min_size
	 * apart; it finds at least one. */
	double x[80];
	size_t at[16];
	noise(x, 80, 1000, 10, 99);
	for (size_t i = 0; i < 80; i++)
		x[i] += 60.0 * (double)i / 79;
	size_t n = run(x, 80, opts(3), at, 16);
	cr_log_info("ramp: %zu change points, first at %zu", n, n ? at[0] : 0);
	cr_assert(n >= 1 && n <= 16);
	for (size_t i = 0; i < n; i++) {
		cr_assert(at[i] >= 5 && at[i] <= 75);
		if (i)
			cr_assert(at[i] - at[i - 1] >= 5);
	}
}

Test(edivisive, single_outliers_are_no_change)
{
	size_t flagged_mid = 0, flagged_end = 0, at[4];
	for (uint64_t s = 1; s <= 20; s++) {
		double x[40];
		noise(x, 40, 1000, 10, s + 200);
		x[17] = 1200; /* 20 sd */
		flagged_mid += run(x, 40, opts(s), at, 4) > 0;
		noise(x, 40, 1000, 10, s + 200);
		x[39] = 800; /* the newest run */
		flagged_end += run(x, 40, opts(s), at, 4) > 0;
	}
	cr_log_info("outlier: %zu mid, %zu newest of 20", flagged_mid,
		    flagged_end);
	cr_assert(flagged_mid <= 3 && flagged_end <= 3,
		  "single outliers flagged: %zu mid, %zu newest of 20",
		  flagged_mid, flagged_end);
}

/* A constant series (a metric that every run reports the same, such as
 * a configured load) has no change however its sums round; tied values
 * either side of a real step do not hide it. */
Test(edivisive, ties_and_constant_series)
{
	double x[30];
	size_t at[4];
	const double levels[] = {0.1, 37.5, 1e9 / 3, 4.2e-7};
	for (size_t l = 0; l < 4; l++) {
		for (size_t i = 0; i < 30; i++)
			x[i] = levels[l];
		for (uint64_t s = 1; s <= 5; s++)
			cr_assert_eq(run(x, 30, opts(s), at, 4), 0,
				     "constant %g flagged (seed %lu)",
				     levels[l], (unsigned long)s);
	}
	for (size_t i = 0; i < 30; i++)
		x[i] = i < 18 ? 37.5 : 40.0;
	cr_assert_eq(run(x, 30, opts(3), at, 4), 1, "the tied step is missed");
	cr_assert_eq(at[0], 18);
}

Test(edivisive, same_seed_same_answer_and_refined_p)
{
	double x[50];
	noise(x, 50, 10, 1, 5);
	for (size_t i = 25; i < 50; i++)
		x[i] += 3;
	struct vp_ediv_opts o = opts(42);
	struct vp_ediv_cp *a, *b;
	size_t na, nb;
	cr_assert_eq(vp_edivisive(x, 50, &o, &a, &na, NULL), 0);
	cr_assert_eq(vp_edivisive(x, 50, &o, &b, &nb, NULL), 0);
	cr_assert(na == 1 && nb == 1);
	cr_assert(a[0].at == b[0].at && a[0].p == b[0].p);
	cr_assert(fabs(a[0].p - 1.0 / 200) < 1e-12, "p %g", a[0].p);
	/* a 3 sd step over 25 + 25 points: no shuffle comes near it, so
	 * the refinement runs to the end and p is 1 / (4999 + 1) */
	double p;
	unsigned perms;
	cr_assert_eq(vp_ediv_refine(x, 50, &o, a, na, 0, 4999, &p, &perms), 0);
	cr_assert_eq(perms, 4999);
	cr_assert(fabs(p - 1.0 / 5000) < 1e-12, "p %g", p);
	free(a);
	free(b);
}

Test(edivisive, refinement_of_a_weak_change_stops_early)
{
	/* a change only just significant: 10 shuffles reach its q̂ well
	 * before 99999 and p stays near what 199 shuffles said */
	size_t tried = 0;
	for (uint64_t s = 1; s <= 40 && tried < 3; s++) {
		double x[40];
		noise(x, 40, 100, 1, s + 1000);
		for (size_t i = 20; i < 40; i++)
			x[i] += 0.8;
		struct vp_ediv_opts o = opts(s);
		struct vp_ediv_cp *cp;
		size_t n;
		cr_assert_eq(vp_edivisive(x, 40, &o, &cp, &n, NULL), 0);
		if (n == 1 && cp[0].p > 0.01) {
			double p;
			unsigned perms;
			cr_assert_eq(vp_ediv_refine(x, 40, &o, cp, n, 0, 99999,
						    &p, &perms),
				     0);
			cr_assert(perms < 99999 && p > 0.001 && p < 0.2,
				  "p %g from %u shuffles (was %g)", p, perms,
				  cp[0].p);
			tried++;
		}
		free(cp);
	}
	cr_assert(tried > 0, "no weak change among 40 seeds");
}

Test(edivisive, short_series_and_bad_input)
{
	double x[9] = {1, 2, 3, 4, 5, 6, 7, 8, 9}, pl = 0;
	struct vp_ediv_cp *cp;
	size_t n;
	struct vp_ediv_opts o = opts(1);
	cr_assert_eq(vp_edivisive(x, 9, &o, &cp, &n, &pl), 0);
	cr_assert(n == 0 && cp == NULL && isnan(pl));
	o.min_size = 1;
	cr_assert_eq(vp_edivisive(x, 9, &o, &cp, &n, &pl), -EINVAL);
	o = opts(1);
	x[3] = NAN;
	cr_assert_eq(vp_edivisive(x, 9, &o, &cp, &n, &pl), -EINVAL);
	o.alpha = 0;
	x[3] = 4;
	cr_assert_eq(vp_edivisive(x, 9, &o, &cp, &n, &pl), -EINVAL);
}
