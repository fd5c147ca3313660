/* Step schedule: sequential order is the plan's order; random order runs
 * every step exactly once, in rounds, the same for the same seed; the
 * adaptive rule stops a cell when its 95% CI half-width is within target
 * (worked by hand below), at max_reps otherwise, never before min_reps. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "runner/agent/schedule.h"

static struct vp_schedule_params fixed(size_t nw, size_t nt, unsigned reps,
				       enum vp_order order, uint64_t seed)
{
	struct vp_schedule_params p = {.nworkloads = nw,
				       .nthreads = nt,
				       .reps = reps,
				       .order = order,
				       .seed = seed};
	return p;
}

Test(schedule, sequential_is_plan_order)
{
	struct vp_schedule s;
	struct vp_schedule_params p = fixed(2, 3, 2, VP_ORDER_SEQUENTIAL, 0);
	size_t w, t, k = 0;
	unsigned rep;

	cr_assert_eq(vp_schedule_init(&s, &p), 0);
	while (vp_schedule_next(&s, &w, &t, &rep)) {
		cr_assert_eq(w, k / 6);
		cr_assert_eq(t, (k / 2) % 3);
		cr_assert_eq(rep, k % 2 + 1);
		vp_schedule_record(&s, true, 1.0, false);
		k++;
	}
	cr_assert_eq(k, 12);
	cr_assert_eq(vp_schedule_max_steps(&p), 12);
	vp_schedule_free(&s);
}

/* Runs a random schedule; writes the cell sequence into seq. */
static size_t run_random(uint64_t seed, size_t *seq)
{
	struct vp_schedule s;
	struct vp_schedule_params p = fixed(3, 3, 3, VP_ORDER_RANDOM, seed);
	unsigned seen[9][4];
	size_t w, t, n = 0;
	unsigned rep;

	memset(seen, 0, sizeof(seen));
	cr_assert_eq(vp_schedule_init(&s, &p), 0);
	while (vp_schedule_next(&s, &w, &t, &rep)) {
		cr_assert_lt(rep, 4);
		seen[w * 3 + t][rep]++;
		/* Rounds: rep r of any cell comes after rep r-1 of all. */
		cr_assert_eq(rep, n / 9 + 1, "step %zu", n);
		seq[n++] = w * 3 + t;
		vp_schedule_record(&s, true, 1.0, false);
	}
	for (size_t c = 0; c < 9; c++)
		for (unsigned r = 1; r <= 3; r++)
			cr_assert_eq(seen[c][r], 1, "cell %zu rep %u", c, r);
	vp_schedule_free(&s);
	return n;
}

Test(schedule, random_is_complete_and_seeded)
{
	size_t a[27], b[27], c[27];

	cr_assert_eq(run_random(42, a), 27);
	cr_assert_eq(run_random(42, b), 27);
	cr_assert_eq(run_random(43, c), 27);
	cr_assert_eq(memcmp(a, b, sizeof(a)), 0, "same seed, same order");
	cr_assert_neq(memcmp(a, c, sizeof(a)), 0, "other seed, other order");
	bool in_order = true;
	for (size_t i = 0; i < 9; i++)
		in_order &= a[i] == i;
	cr_assert_not(in_order, "a shuffle, not the plan order");
}

/* One cell with the given throughputs; returns reps used. */
static unsigned run_auto(const double *v, size_t nv, unsigned min, unsigned max,
			 double target, bool *converged)
{
	struct vp_schedule s;
	struct vp_schedule_params p = {.nworkloads = 1,
				       .nthreads = 1,
				       .auto_reps = true,
				       .min_reps = min,
				       .max_reps = max,
				       .ci_target_pct = target};
	size_t w, t, i = 0;
	unsigned rep, used = 0;

	cr_assert_eq(vp_schedule_init(&s, &p), 0);
	while (vp_schedule_next(&s, &w, &t, &rep)) {
		cr_assert_lt(i, nv, "ran past the series");
		used = rep;
		vp_schedule_record(&s, !isnan(v[i]), v[i], false);
		i++;
	}
	*converged = vp_schedule_cell(&s, 0, 0)->converged;
	vp_schedule_free(&s);
	return used;
}

Test(schedule, auto_stopping_rule)
{
	bool conv;
	/* 100, 102, 98: mean 100, sd 2, half-width t(0.975, 2) * 2 / sqrt(3)
	 * = 4.303 * 1.1547 = 4.97% -> not within 2%; adding 101, 99: mean
	 * 100, sd 1.581, t(0.975, 4) = 2.776, half-width 1.963% -> stop. */
	const double steady[] = {100, 102, 98, 101, 99, 100, 100};
	cr_assert_eq(run_auto(steady, 7, 3, 10, 2.0, &conv), 5);
	cr_assert(conv);
	/* The same with a 5% target stops at min_reps = 3 (4.97% <= 5%). */
	cr_assert_eq(run_auto(steady, 7, 3, 10, 5.0, &conv), 3);
	cr_assert(conv);
	/* Constant values converge at min_reps, not before. */
	const double flat[] = {7, 7, 7, 7, 7, 7};
	cr_assert_eq(run_auto(flat, 6, 4, 6, 2.0, &conv), 4);
	/* Noise never converges: max_reps, and it says so. */
	const double noisy[] = {1, 100, 1, 100, 1, 100};
	cr_assert_eq(run_auto(noisy, 6, 2, 6, 2.0, &conv), 6);
	cr_assert_not(conv);
	/* Failed reps count towards max_reps, not towards convergence. */
	const double failing[] = {NAN, NAN, NAN, NAN};
	cr_assert_eq(run_auto(failing, 4, 2, 4, 2.0, &conv), 4);
	cr_assert_not(conv);
}

Test(schedule, ci_pct_by_hand)
{
	struct vp_cell c = {
	    .n_ok = 3, .sum = 300, .sumsq = 100 * 100 + 102 * 102 + 98 * 98};
	cr_assert_float_eq(vp_cell_ci_pct(&c), 4.9687, 1e-3);
	struct vp_cell one = {.n_ok = 1, .sum = 5, .sumsq = 25};
	cr_assert_lt(vp_cell_ci_pct(&one), 0);
}

Test(schedule, bad_parameters)
{
	struct vp_schedule s;
	struct vp_schedule_params p = {.nworkloads = 1, .nthreads = 1};
	cr_assert_eq(vp_schedule_init(&s, &p), -EINVAL, "reps 0");
	p.auto_reps = true;
	p.min_reps = 1;
	p.max_reps = 5;
	p.ci_target_pct = 2;
	cr_assert_eq(vp_schedule_init(&s, &p), -EINVAL, "min 1 has no CI");
	p.min_reps = 6;
	cr_assert_eq(vp_schedule_init(&s, &p), -EINVAL, "max < min");
	p.min_reps = 3;
	p.ci_target_pct = 0;
	cr_assert_eq(vp_schedule_init(&s, &p), -EINVAL, "no target");
}

Test(schedule, auto_unavailable_cell_stops_at_min_reps)
{
	struct vp_schedule s;
	struct vp_schedule_params p = {.nworkloads = 1,
				       .nthreads = 1,
				       .auto_reps = true,
				       .min_reps = 3,
				       .max_reps = 10,
				       .ci_target_pct = 2};
	size_t w, t, n = 0;
	unsigned rep;

	cr_assert_eq(vp_schedule_init(&s, &p), 0);
	while (vp_schedule_next(&s, &w, &t, &rep)) {
		n++;
		vp_schedule_record(&s, false, NAN, true);
	}
	cr_assert_eq(n, 3);
	cr_assert_not(vp_schedule_cell(&s, 0, 0)->converged);
	vp_schedule_free(&s);
}
