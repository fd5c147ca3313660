/* A guest without a vPMU says which: the guest's counters probe only sees
 * "no hardware PMU: perf_event_open ENOENT"; the host knows why (TCG,
 * kvm.enable_pmu=N, a hybrid Intel host, a host without a PMU) and puts
 * that reason in front of the guest's, on rows and on counter.* env facts,
 * as they pass from the collector to the run folder. */
#include <stdio.h>
#include <string.h>

#include "runner/targets/vm_internal.h"

#define GUEST_NO_PMU "no hardware PMU"

bool vm_vpmu_note(const char *note, const char *why, char *out, size_t len)
{
	const char *p = note;

	if (!why || !*why)
		return false;
	if (strncmp(p, "unavailable: ", 13) == 0)
		p += 13;
	if (strncmp(p, GUEST_NO_PMU, strlen(GUEST_NO_PMU)) != 0)
		return false;
	snprintf(out, len, "%.*s%s (%s)", (int)(p - note), note, why, p);
	return true;
}

static int f_row(struct vp_emitter *e, const struct vp_row *row)
{
	struct vm_vpmu_filter *f = e->ctx;
	struct vp_metric m = *row->m;
	struct vp_row r = *row;

	if (row->m->status != VP_STATUS_UNAVAILABLE ||
	    !vm_vpmu_note(row->m->note, f->why, m.note, sizeof(m.note)))
		return f->inner->row(f->inner, row);
	r.m = &m;
	return f->inner->row(f->inner, &r);
}

static int f_env(struct vp_emitter *e, const char *key, const char *value)
{
	struct vm_vpmu_filter *f = e->ctx;
	char v[1024];

	if (strncmp(key, "counter.", 8) == 0 &&
	    vm_vpmu_note(value, f->why, v, sizeof(v)))
		return f->inner->env(f->inner, key, v);
	return f->inner->env(f->inner, key, value);
}

static void f_progress(struct vp_emitter *e, int step, int steps,
		       const char *label)
{
	struct vm_vpmu_filter *f = e->ctx;

	if (f->inner->progress)
		f->inner->progress(f->inner, step, steps, label);
}

static void f_finish(struct vp_emitter *e, int code, const char *message)
{
	struct vm_vpmu_filter *f = e->ctx;

	if (f->inner->finish)
		f->inner->finish(f->inner, code, message);
}

static void f_mark(struct vp_emitter *e, const struct vp_step_mark *m)
{
	struct vm_vpmu_filter *f = e->ctx;

	if (f->inner->mark)
		f->inner->mark(f->inner, m);
}

struct vp_emitter *vm_vpmu_filter_init(struct vm_vpmu_filter *f,
				       struct vp_emitter *inner,
				       const char *why)
{
	if (!why || !*why)
		return inner;
	f->inner = inner;
	f->why = why;
	f->self = (struct vp_emitter){.row = f_row,
				      .env = f_env,
				      .progress = f_progress,
				      .finish = f_finish,
				      .mark = f_mark,
				      .ctx = f};
	return &f->self;
}
