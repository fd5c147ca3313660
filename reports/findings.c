/* The findings of a summary (see verdicts.h): every warning the report
 * shows, as typed entries naming the run, target or cell they concern, in
 * one list that the HTML and JSON outputs print. */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "reports/metric_info.h"
#include "reports/verdicts.h"

static int add(struct vp_verdicts *v, struct vp_finding f)
{
	if (v->nfindings == v->capfindings) {
		size_t cap = v->capfindings ? 2 * v->capfindings : 32;
		struct vp_finding *n = realloc(v->findings, cap * sizeof(*n));
		if (!n)
			return -ENOMEM;
		v->findings = n;
		v->capfindings = cap;
	}
	v->findings[v->nfindings++] = f;
	v->count[f.kind]++;
	return 0;
}

static int about_target(struct vp_verdicts *v, enum vp_finding_kind k, size_t t,
			const char *text)
{
	return add(v, (struct vp_finding){k, -1, (long)t, -1, text, 0});
}

static int target_findings(const struct vp_summary *s, struct vp_verdicts *v)
{
	static const struct {
		unsigned bit;
		enum vp_finding_kind kind;
	} map[] = {{VP_CAV_TCG, VP_FIND_TCG},
		   {VP_CAV_TCG_1VCPU, VP_FIND_TCG_1VCPU},
		   {VP_CAV_VCPU_OVERCOMMIT, VP_FIND_VCPU_OVERCOMMIT}};
	int rc = 0;
	for (size_t k = 0; k < 3 && !rc; k++)
		for (size_t t = 0; t < s->ntargets && !rc; t++)
			if (v->target_caveats[t] & map[k].bit)
				rc = about_target(v, map[k].kind, t, NULL);
	/* A reference (or a host target) that is itself a guest. */
	for (size_t t = 0; t < s->ntargets && !rc; t++) {
		const struct vp_target_ref *tr = &s->targets[t];
		const char *hv = tr->hypervisor;
		if ((v->is_baseline[t] || !strcmp(tr->kind, "host")) && hv[0] &&
		    strcmp(hv, "bare metal") && strcmp(hv, "unknown") &&
		    strcmp(hv, "none"))
			rc = about_target(v, VP_FIND_BASE_IS_VM, t, hv);
	}
	return rc;
}

static int run_findings(const struct vp_summary *s, struct vp_verdicts *v)
{
	int rc = 0;
	for (size_t r = 0; r < s->nruns && !rc; r++) {
		bool has_base = false;
		size_t nt = 0;
		for (size_t t = 0; t < s->ntargets; t++)
			if (s->targets[t].run == r) {
				nt++;
				has_base |= s->targets[t].baseline >= 0;
			}
		if (!has_base && nt > 1)
			rc = add(v,
				 (struct vp_finding){VP_FIND_NO_BASELINE,
						     (long)r, -1, -1, NULL, 0});
		if (!rc && s->runs[r].missing_steps)
			rc = add(v, (struct vp_finding){
					VP_FIND_MISSING_STEPS, (long)r, -1, -1,
					s->runs[r].missing_steps, 0});
		for (size_t k = 0; k < s->runs[r].nwarn && !rc; k++)
			rc = add(v, (struct vp_finding){
					VP_FIND_READER, (long)r, -1, -1,
					s->runs[r].warnings[k], 0});
	}
	return rc;
}

/* The cell kinds, each a predicate over a summary cell. */
static bool key_metric(const struct vp_summary *s, const struct vp_cell *c)
{
	return vp_metric_is_throughput(s->metrics[c->metric]);
}

static bool cell_is(enum vp_finding_kind k, const struct vp_summary *s,
		    const struct vp_cell *c)
{
	int cpus = s->targets[c->target].vcpus;
	switch (k) {
	case VP_FIND_THREAD_OVERCOMMIT:
		return key_metric(s, c) && c->d.n && cpus > 0 &&
		       c->threads > cpus;
	case VP_FIND_NOISY:
		return key_metric(s, c) && c->d.n >= 2 && c->d.cv > VP_NOISY_CV;
	case VP_FIND_FEW_REPS:
		return key_metric(s, c) && c->d.n < VP_MIN_REPS &&
		       (c->d.n > 0 || c->n_failed);
	case VP_FIND_FAILED: /* suspended reps have their own finding */
		return !c->bucket && c->n_failed > c->n_suspended;
	case VP_FIND_SUSPENDED:
		return key_metric(s, c) && c->n_suspended;
	case VP_FIND_OUTLIERS:
		return key_metric(s, c) && c->d.n_outliers > 0;
	case VP_FIND_OTHER_LOAD:
		return !strcmp(vp_cell_metric(s, c), "other_load_pct") &&
		       c->d.n && c->d.median > VP_OTHER_LOAD_PCT;
	case VP_FIND_NOT_CONVERGED:
		/* One row per cell, on its last rep: 1 converged, 0 not. */
		return !strcmp(vp_cell_metric(s, c), "ci_converged") &&
		       c->d.n && c->d.max < 0.5;
	default:
		return false;
	}
}

static int cell_findings(const struct vp_summary *s, struct vp_verdicts *v)
{
	static const enum vp_finding_kind kinds[] = {
	    VP_FIND_THREAD_OVERCOMMIT, VP_FIND_NOISY,
	    VP_FIND_FEW_REPS,	       VP_FIND_FAILED,
	    VP_FIND_OUTLIERS,	       VP_FIND_OTHER_LOAD,
	    VP_FIND_NOT_CONVERGED,     VP_FIND_SUSPENDED};
	int rc = 0;
	const struct vp_headline *h = &v->head;
	for (size_t w = 0; w < s->nworkloads && !rc; w++)
		for (size_t k = 0; k < h->ntargets && !rc; k++) {
			const struct vp_hl_cell *c = vp_hl_cell_at(v, k, w);
			if (c && c->cell >= 0 && c->excl != VP_EXCL_NONE)
				rc = add(v, (struct vp_finding){
						VP_FIND_EXCLUDED, -1,
						(long)c->target, c->cell, NULL,
						c->excl});
		}
	for (size_t k = 0; k < sizeof(kinds) / sizeof(kinds[0]) && !rc; k++)
		for (size_t i = 0; i < s->ncells && !rc; i++)
			if (cell_is(kinds[k], s, &s->cells[i]))
				rc = add(v, (struct vp_finding){
						kinds[k], -1,
						(long)s->cells[i].target,
						(long)i,
						kinds[k] == VP_FIND_SUSPENDED
						    ? s->cells[i]
							  .suspended_reason
						    : s->cells[i].reason,
						0});
	return rc;
}

int vp_findings_build(const struct vp_summary *s, struct vp_verdicts *v)
{
	int rc = target_findings(s, v);
	if (!rc)
		rc = run_findings(s, v);
	if (!rc)
		rc = cell_findings(s, v);
	return rc;
}

const char *vp_finding_name(enum vp_finding_kind k)
{
	static const char *const names[VP_NFIND] = {
	    [VP_FIND_TCG] = "tcg",
	    [VP_FIND_TCG_1VCPU] = "tcg_1vcpu",
	    [VP_FIND_BASE_IS_VM] = "reference_is_a_vm",
	    [VP_FIND_VCPU_OVERCOMMIT] = "vcpu_overcommit",
	    [VP_FIND_NO_BASELINE] = "no_baseline",
	    [VP_FIND_READER] = "input_warning",
	    [VP_FIND_EXCLUDED] = "excluded_from_class_mean",
	    [VP_FIND_THREAD_OVERCOMMIT] = "thread_overcommit",
	    [VP_FIND_NOISY] = "noisy",
	    [VP_FIND_FEW_REPS] = "few_repetitions",
	    [VP_FIND_FAILED] = "failed_repetitions",
	    [VP_FIND_OUTLIERS] = "outliers",
	    [VP_FIND_OTHER_LOAD] = "other_load",
	    [VP_FIND_NOT_CONVERGED] = "not_converged",
	    [VP_FIND_SUSPENDED] = "suspended",
	    [VP_FIND_MISSING_STEPS] = "missing_steps"};
	return k < VP_NFIND ? names[k] : "";
}

const char *vp_caveat_name(unsigned bit)
{
	switch (bit) {
	case VP_CAV_TCG:
		return "tcg";
	case VP_CAV_TCG_1VCPU:
		return "tcg_1vcpu_no_atomics";
	case VP_CAV_VCPU_OVERCOMMIT:
		return "vcpu_overcommit";
	case VP_CAV_THREAD_OVERCOMMIT:
		return "thread_overcommit";
	case VP_CAV_BASE_IS_VM:
		return "baseline_is_a_vm";
	default:
		return "";
	}
}
