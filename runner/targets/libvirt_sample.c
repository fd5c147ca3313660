/* Host-side vCPU attribution of a libvirt domain: a statistics sample
 * (virDomainListGetStats, VIR_DOMAIN_STATS_VCPU) at each step's begin and
 * end marks (the agent's M records, around the step's warm-up and measured
 * window, as the vm target samples), and per step the vcpu_run_pct and
 * vcpu_delay_pct rows of the mapping in libvirt_stats.h, plus the rows the
 * vm target reads from QEMU itself (vcpu_preemptions, kvm.*: local URIs,
 * libvirt_vcpu.c), written by a mark tee (mark_tee.h) once the guest's
 * rows of the step have come. So both targets write the same metric set. */
#if HAVE_LIBVIRT
#include <stdio.h>
#include <string.h>

#include "runner/targets/libvirt_internal.h"
#include "runner/util/child.h"

/* One sample; false with why set when libvirt could not give one. */
static bool take(struct lv_state *s, struct vp_domstats_sample *out, char *why,
		 size_t len)
{
	virDomainPtr doms[2] = {s->dom, NULL};
	virDomainStatsRecordPtr *recs = NULL;
	double before = vp_child_now();
	int n =
	    LV(virDomainListGetStats)(doms, VIR_DOMAIN_STATS_VCPU, &recs, 0);

	/* The daemon reads the counters somewhere in the round trip. */
	vp_domstats_sample_init(out, (before + vp_child_now()) / 2);
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
			vp_domstats_sample_field(out, p->field, p->value.ul);
	}
	LV(virDomainStatsRecordListFree)(recs);
	if (!out->n) {
		snprintf(why, len, "libvirt gave no vcpu.N.time statistics");
		return false;
	}
	return true;
}

/* Sampler ops (mark_tee.h). */
static void sample_begin(void *ctx)
{
	struct lv_sampler *smp = ctx;

	smp->b_why[0] = 0;
	smp->have_b = take(smp->s, &smp->b, smp->b_why, sizeof(smp->b_why));
	smp->kb_err = 0;
	lv_vcpu_take(smp, &smp->vb, &smp->kb, &smp->kb_err, smp->kb_why,
		     sizeof(smp->kb_why), vp_child_now());
}

static void sample_end(void *ctx, bool begun, struct vp_metrics *m)
{
	struct lv_sampler *smp = ctx;
	struct vp_domstats_sample e;
	struct vp_domstats_figures f;
	struct vp_vcpu_sample ve;
	struct vp_kvm_sample ke;
	char why[256] = "", kwhy[256] = "";
	int kerr = 0;

	memset(&f, 0, sizeof(f));
	if (!begun)
		snprintf(f.why, sizeof(f.why), "%s", VP_MARK_NO_BEGIN);
	else if (!smp->have_b)
		snprintf(f.why, sizeof(f.why), "%s", smp->b_why);
	else if (!take(smp->s, &e, why, sizeof(why)))
		snprintf(f.why, sizeof(f.why), "%s", why);
	else
		vp_domstats_figures(&smp->b, &e, &f);
	if (!begun) {
		vp_vcpu_preemption_unavailable(m, VP_MARK_NO_BEGIN);
		vp_metrics_unavailable(m, "kvm.stats", "count", "%s",
				       VP_MARK_NO_BEGIN);
	} else {
		lv_vcpu_take(smp, &ve, &ke, &kerr, kwhy, sizeof(kwhy),
			     vp_child_now());
		lv_vcpu_rows(smp, &ve, &ke, kerr, kwhy, m);
	}
	if (f.run_ok)
		vp_metrics_ok(m, "vcpu_run_pct", f.run_pct, "%");
	else
		vp_metrics_unavailable(m, "vcpu_run_pct", "%", "%s", f.why);
	if (f.delay_ok)
		vp_metrics_ok(m, "vcpu_delay_pct", f.delay_pct, "%");
	else
		vp_metrics_unavailable(m, "vcpu_delay_pct", "%", "%s", f.why);
}

void lv_sampler_open(struct lv_sampler *smp, struct lv_state *s,
		     struct vp_emitter *out, const struct vp_target_info *ti)
{
	memset(smp, 0, sizeof(*smp));
	smp->s = s;
	lv_vcpu_open(smp, ti->target);
	vp_mark_tee_init(&smp->tee, out, ti,
			 &(struct vp_mark_sampler){.begin = sample_begin,
						   .end = sample_end,
						   .ctx = smp});
}

struct vp_emitter *lv_sampler_emitter(struct lv_sampler *smp)
{
	return vp_mark_tee_emitter(&smp->tee);
}

void lv_sampler_close(struct lv_sampler *smp)
{
	vp_mark_tee_close(&smp->tee);
}
#endif
