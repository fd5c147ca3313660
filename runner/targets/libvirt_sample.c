/* Host-side vCPU attribution of a libvirt domain: a statistics sample
 * (virDomainListGetStats, VIR_DOMAIN_STATS_VCPU) at every step boundary the
 * agent's stream shows (its P record as a step starts, its X at the end),
 * and per step the vcpu_run_pct and vcpu_delay_pct rows of the mapping in
 * libvirt_stats.h. A step's window is P to the next P: it includes the
 * step's setup and warm-up, not only the measured seconds. */
#if HAVE_LIBVIRT
#include <stdio.h>
#include <string.h>

#include "runner/targets/libvirt_internal.h"
#include "runner/util/child.h"

/* One sample; false with why set when libvirt could not give one. */
static bool take(struct lv_state *s, struct vp_vcpu_sample *out, char *why,
		 size_t len)
{
	virDomainPtr doms[2] = {s->dom, NULL};
	virDomainStatsRecordPtr *recs = NULL;
	double before = vp_child_now();
	int n =
	    LV(virDomainListGetStats)(doms, VIR_DOMAIN_STATS_VCPU, &recs, 0);

	/* The daemon reads the counters somewhere in the round trip. */
	vp_vcpu_sample_init(out, (before + vp_child_now()) / 2);
	if (n < 1) {
		snprintf(why, len, "libvirt vCPU statistics: %s",
			 n < 0 ? lv_error() : "no record for the domain");
		LV(virResetLastError)();
		if (recs)
			LV(virDomainStatsRecordListFree)(recs);
		return false;
	}
	for (int i = 0; i < recs[0]->nparams; i++) {
		virTypedParameterPtr p = &recs[0]->params[i];

		if (p->type == VIR_TYPED_PARAM_ULLONG)
			vp_vcpu_sample_field(out, p->field, p->value.ul);
	}
	LV(virDomainStatsRecordListFree)(recs);
	if (!out->n) {
		snprintf(why, len, "libvirt gave no vcpu.N.time statistics");
		return false;
	}
	return true;
}

static void emit(const struct vp_plan *p, const struct vp_target_info *ti,
		 struct vp_emitter *out, int step, const char *name, bool ok,
		 double value, const char *why)
{
	struct vp_metric m;
	size_t w, t;
	unsigned rep;

	if (vp_step_cell(step, p->nworkloads, p->nthreads, p->reps, &w, &t,
			 &rep))
		return;
	memset(&m, 0, sizeof(m));
	snprintf(m.name, sizeof(m.name), "%s", name);
	snprintf(m.unit, sizeof(m.unit), "%%");
	m.status = ok ? VP_STATUS_OK : VP_STATUS_UNAVAILABLE;
	m.value = ok ? value : 0;
	if (!ok)
		snprintf(m.note, sizeof(m.note), "%s", why);
	struct vp_row row = {ti, p->workloads[w].wl->name, (int)p->threads[t],
			     (int)rep, &m};
	out->row(out, &row);
}

void lv_sample_record(struct vp_target *t, struct lv_state *s,
		      struct lv_sampler *smp, const struct vp_target_info *ti,
		      struct vp_emitter *out, int step, bool finished)
{
	struct vp_vcpu_sample cur;
	struct vp_vcpu_figures f;
	char why[256] = "";
	bool ok;

	if (smp->done || (!finished && step == smp->step))
		return;
	ok = take(s, &cur, why, sizeof(why));
	if (smp->step > 0) {
		if (ok && smp->have_prev) {
			vp_vcpu_figures(&smp->prev, &cur, &f);
		} else {
			memset(&f, 0, sizeof(f));
			snprintf(f.why, sizeof(f.why), "%s",
				 why[0] ? why
					: "no vCPU statistics at the step's "
					  "start");
		}
		emit(t->plan, ti, out, smp->step, "vcpu_run_pct", f.run_ok,
		     f.run_pct, f.why);
		emit(t->plan, ti, out, smp->step, "vcpu_delay_pct", f.delay_ok,
		     f.delay_pct, f.why);
	}
	smp->prev = cur;
	smp->have_prev = ok;
	smp->step = step;
	smp->done = finished;
}
#endif
