/* Host-side rows at the agent's step marks, held until the guest's rows of
 * the step have arrived (see mark_tee.h). */
#include "runner/targets/mark_tee.h"

#include <stdio.h>
#include <string.h>

static bool same_step(const struct vp_mark_step *s, const char *workload,
		      int threads, int rep)
{
	return !strcmp(s->workload, workload) && s->threads == threads &&
	       s->rep == rep;
}

static void set_step(struct vp_mark_step *s, const struct vp_step_mark *mk)
{
	s->step = mk->step;
	snprintf(s->workload, sizeof(s->workload), "%s", mk->workload);
	s->threads = mk->threads;
	s->rep = mk->rep;
}

/* The held rows go out once the guest has delivered its rows of the
 * step; otherwise they are dropped and the run marks the step failed. */
static void flush(struct vp_mark_tee *m)
{
	if (m->pending && m->pending_seen)
		for (size_t i = 0; i < m->pm.n; i++) {
			struct vp_row row = {&m->ti, m->done.workload,
					     m->done.threads, m->done.rep,
					     &m->pm.v[i]};
			m->out->row(m->out, &row);
		}
	m->pending = m->pending_seen = false;
	vp_metrics_clear(&m->pm);
}

static void on_mark(struct vp_mark_tee *m, const struct vp_step_mark *mk)
{
	if (mk->phase == VP_MARK_BEGIN) {
		m->begun = true;
		set_step(&m->cur, mk);
		m->sampler.begin(m->sampler.ctx);
		return;
	}
	bool begun = m->begun && m->cur.step == mk->step &&
		     same_step(&m->cur, mk->workload, mk->threads, mk->rep);
	set_step(&m->done, mk);
	m->pending = true;
	m->sampler.end(m->sampler.ctx, begun, &m->pm);
	m->begun = false;
}

static struct vp_mark_tee *of(struct vp_emitter *e)
{
	return e->ctx;
}

static int tee_row(struct vp_emitter *e, const struct vp_row *row)
{
	struct vp_mark_tee *m = of(e);

	if (m->pending &&
	    same_step(&m->done, row->workload, row->threads, row->rep)) {
		/* Host rows carry the guest's own view, like its rows. */
		m->pending_seen = true;
		snprintf(m->ti.hypervisor, sizeof(m->ti.hypervisor), "%s",
			 row->ti->hypervisor);
		m->ti.vcpus = row->ti->vcpus;
	}
	return m->out->row(m->out, row);
}

static int tee_env(struct vp_emitter *e, const char *key, const char *value)
{
	return of(e)->out->env(of(e)->out, key, value);
}

static void tee_progress(struct vp_emitter *e, int step, int steps,
			 const char *label)
{
	struct vp_mark_tee *m = of(e);

	flush(m);
	if (m->out->progress)
		m->out->progress(m->out, step, steps, label);
}

static void tee_finish(struct vp_emitter *e, int code, const char *message)
{
	struct vp_mark_tee *m = of(e);

	flush(m);
	if (m->out->finish)
		m->out->finish(m->out, code, message);
}

static void tee_mark(struct vp_emitter *e, const struct vp_step_mark *mk)
{
	struct vp_mark_tee *m = of(e);

	flush(m);
	on_mark(m, mk);
	if (m->out->mark)
		m->out->mark(m->out, mk);
}

void vp_mark_tee_init(struct vp_mark_tee *m, struct vp_emitter *out,
		      const struct vp_target_info *ti,
		      const struct vp_mark_sampler *sampler)
{
	memset(m, 0, sizeof(*m));
	vp_metrics_init(&m->pm);
	m->out = out;
	m->ti = *ti;
	m->sampler = *sampler;
	m->tee = (struct vp_emitter){.row = tee_row,
				     .env = tee_env,
				     .progress = tee_progress,
				     .finish = tee_finish,
				     .mark = tee_mark,
				     .ctx = m};
}

struct vp_emitter *vp_mark_tee_emitter(struct vp_mark_tee *m)
{
	return &m->tee;
}

void vp_mark_tee_close(struct vp_mark_tee *m)
{
	flush(m);
	vp_metrics_free(&m->pm);
}
