/* Step order and the repetition rule of a target (see schedule.h). */
#include "runner/agent/schedule.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/stats.h"

/* splitmix64: small, seedable, and the same sequence everywhere. */
static uint64_t next_random(uint64_t *state)
{
	uint64_t z = (*state += 0x9e3779b97f4a7c15ull);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
	return z ^ (z >> 31);
}

static unsigned cap_reps(const struct vp_schedule_params *p)
{
	return p->auto_reps ? p->max_reps : p->reps;
}

size_t vp_schedule_max_steps(const struct vp_schedule_params *p)
{
	return p->nworkloads * p->nthreads * cap_reps(p);
}

int vp_schedule_init(struct vp_schedule *s, const struct vp_schedule_params *p)
{
	memset(s, 0, sizeof(*s));
	if (p->auto_reps ? (p->min_reps < 2 || p->max_reps < p->min_reps ||
			    !(p->ci_target_pct > 0))
			 : p->reps < 1)
		return -EINVAL;
	s->p = *p;
	s->ncells = p->nworkloads * p->nthreads;
	s->rng = p->seed;
	s->cells = calloc(s->ncells ? s->ncells : 1, sizeof(*s->cells));
	s->round = calloc(s->ncells ? s->ncells : 1, sizeof(*s->round));
	if (!s->cells || !s->round) {
		vp_schedule_free(s);
		return -ENOMEM;
	}
	s->current = (size_t)-1;
	return 0;
}

void vp_schedule_free(struct vp_schedule *s)
{
	free(s->cells);
	free(s->round);
	s->cells = NULL;
	s->round = NULL;
}

/* A new round: every cell not done, shuffled (Fisher-Yates). */
static bool new_round(struct vp_schedule *s)
{
	s->round_len = s->round_pos = 0;
	for (size_t i = 0; i < s->ncells; i++)
		if (!s->cells[i].done)
			s->round[s->round_len++] = i;
	for (size_t i = s->round_len; i > 1; i--) {
		size_t j = (size_t)(next_random(&s->rng) % i);
		size_t tmp = s->round[i - 1];

		s->round[i - 1] = s->round[j];
		s->round[j] = tmp;
	}
	return s->round_len > 0;
}

static bool pick_cell(struct vp_schedule *s, size_t *cell)
{
	if (s->p.order == VP_ORDER_SEQUENTIAL) {
		for (size_t i = 0; i < s->ncells; i++)
			if (!s->cells[i].done) {
				*cell = i;
				return true;
			}
		return false;
	}
	while (s->round_pos < s->round_len &&
	       s->cells[s->round[s->round_pos]].done)
		s->round_pos++;
	if (s->round_pos == s->round_len && !new_round(s))
		return false;
	*cell = s->round[s->round_pos++];
	return true;
}

bool vp_schedule_next(struct vp_schedule *s, size_t *w, size_t *t,
		      unsigned *rep)
{
	size_t cell;

	if (!pick_cell(s, &cell))
		return false;
	s->current = cell;
	*w = cell / s->p.nthreads;
	*t = cell % s->p.nthreads;
	*rep = ++s->cells[cell].reps_run;
	return true;
}

double vp_cell_ci_pct(const struct vp_cell *c)
{
	double n = c->n_ok, mean, var;

	if (c->n_ok < 2)
		return -1;
	mean = c->sum / n;
	if (mean == 0)
		return -1;
	var = (c->sumsq - n * mean * mean) / (n - 1);
	if (var < 0) /* rounding on identical values */
		var = 0;
	return 100.0 * vp_t_quantile(0.975, n - 1) * sqrt(var / n) / fabs(mean);
}

bool vp_schedule_record(struct vp_schedule *s, bool ok, double throughput,
			bool unavailable)
{
	struct vp_cell *c;
	double ci;

	if (s->current >= s->ncells)
		return false;
	c = &s->cells[s->current];
	if (ok && isfinite(throughput)) {
		c->n_ok++;
		c->sum += throughput;
		c->sumsq += throughput * throughput;
	}
	/* Under -r auto an unavailable cell stops at min_reps: what a run
	 * owes every cell (runner/run/run.c), no more. */
	if (unavailable && s->p.auto_reps && c->reps_run >= s->p.min_reps) {
		c->done = true;
		return true;
	}
	if (!s->p.auto_reps) {
		c->done = c->reps_run >= s->p.reps;
		return c->done;
	}
	ci = vp_cell_ci_pct(c);
	c->converged =
	    c->n_ok >= s->p.min_reps && ci >= 0 && ci <= s->p.ci_target_pct;
	c->done = c->converged || c->reps_run >= s->p.max_reps;
	return c->done;
}

const struct vp_cell *vp_schedule_cell(const struct vp_schedule *s, size_t w,
				       size_t t)
{
	return &s->cells[w * s->p.nthreads + t];
}
