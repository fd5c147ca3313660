/* The order of a target's steps and when to stop repeating them.
 *
 * A cell is one (workload, threads) pair; a step is one repetition of a
 * cell. Two orders:
 *   sequential  every rep of a cell, then the next cell (the plan's order);
 *   random      rounds: each round runs one rep of every cell that still
 *               needs one, in a fresh seeded shuffle, so slow drift of the
 *               machine spreads over all cells instead of masquerading as a
 *               difference between workloads or thread counts (blocked
 *               randomisation; the seed is recorded so a run can be
 *               repeated in the same order).
 * Two repetition rules:
 *   fixed       exactly `reps` reps per cell;
 *   auto        at least min_reps, at most max_reps, and a cell stops as
 *               soon as the 95% confidence interval of its throughput has a
 *               half-width within ci_target_pct of its mean (Student t,
 *               n - 1 degrees of freedom). Failed reps do not count towards
 *               convergence but do count towards max_reps.
 * Lifecycle: vp_schedule_init, then vp_schedule_next until it returns
 * false, calling vp_schedule_record after each step; vp_schedule_free. */
#ifndef VP_SCHEDULE_H
#define VP_SCHEDULE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

enum vp_order { VP_ORDER_SEQUENTIAL = 0, VP_ORDER_RANDOM };

struct vp_schedule_params {
	size_t nworkloads, nthreads;
	bool auto_reps;
	unsigned reps;		     /* fixed rule */
	unsigned min_reps, max_reps; /* auto rule */
	double ci_target_pct;	     /* auto rule, e.g. 2.0 */
	enum vp_order order;
	uint64_t seed; /* random order */
};

struct vp_cell {
	unsigned reps_run; /* steps handed out */
	unsigned n_ok;	   /* throughputs recorded */
	double sum, sumsq; /* of the ok throughputs */
	bool done, converged;
};

struct vp_schedule {
	struct vp_schedule_params p;
	struct vp_cell *cells; /* nworkloads x nthreads, workload-major */
	size_t ncells;
	size_t *round; /* cells of the current round, in order */
	size_t round_len, round_pos;
	size_t current; /* cell of the last step handed out */
	uint64_t rng;
};

/* 0, -EINVAL on inconsistent parameters, -ENOMEM. */
int vp_schedule_init(struct vp_schedule *s, const struct vp_schedule_params *p);
void vp_schedule_free(struct vp_schedule *s);
/* The next step: workload index w, thread index t, repetition number rep
 * (1-based, per cell). false when every cell is done. */
bool vp_schedule_next(struct vp_schedule *s, size_t *w, size_t *t,
		      unsigned *rep);
/* The outcome of the step just handed out: its throughput when ok;
 * `unavailable` when the cell cannot run here at all (under -r auto it then
 * ends at min_reps: its other reps would say the same). Returns true when this
 * step ended its cell (then vp_schedule_cell tells how). */
bool vp_schedule_record(struct vp_schedule *s, bool ok, double throughput,
			bool unavailable);
const struct vp_cell *vp_schedule_cell(const struct vp_schedule *s, size_t w,
				       size_t t);
/* The 95% CI half-width of a cell's throughput as % of its mean; < 0 when
 * it has fewer than 2 ok reps or a zero mean. */
double vp_cell_ci_pct(const struct vp_cell *c);
/* Upper bound of steps (for progress): cells x (reps or max_reps). */
size_t vp_schedule_max_steps(const struct vp_schedule_params *p);

#endif
