/* The headline verdicts (see verdicts.h): throughput metric per workload,
 * compared thread counts, degenerate-baseline exclusions, class geometric
 * means and the caveats of targets and cells. The findings list is built
 * in findings.c. */
#include "reports/verdicts.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/metric_info.h"

static bool has_data(const struct vp_summary *s, size_t t, size_t w,
		     const char *metric, int th)
{
	long i = vp_summary_find(s, t, s->workloads[w], th, metric);
	return i >= 0 && s->cells[i].d.n > 0;
}

/* Per workload: "ops_per_s", "iops" or "mib_per_s", the first of these
 * that it has (one pass over the cells). Returns 0 or -ENOMEM. */
static int tp_metrics(const struct vp_summary *s, const char **out)
{
	static const char *const order[] = {"ops_per_s", "iops", "mib_per_s"};
	size_t *rank = malloc((s->nworkloads + 1) * sizeof(*rank));
	if (!rank)
		return -ENOMEM;
	for (size_t w = 0; w < s->nworkloads; w++)
		rank[w] = 3;
	for (size_t i = 0; i < s->ncells; i++) {
		const struct vp_cell *c = &s->cells[i];
		for (size_t k = 0; k < rank[c->workload]; k++)
			if (!strcmp(s->metrics[c->metric], order[k]))
				rank[c->workload] = k;
	}
	for (size_t w = 0; w < s->nworkloads; w++)
		out[w] = rank[w] < 3 ? order[rank[w]] : NULL;
	free(rank);
	return 0;
}

int vp_pick_threads(const struct vp_summary *s, size_t t, size_t w,
		    const char *metric)
{
	const struct vp_target_ref *tr = &s->targets[t];
	long b = tr->baseline;
	int best_common = -1, best_any = -1;
	size_t first, end;
	vp_summary_range(s, t, w, &first, &end);
	for (size_t i = first; i < end; i++) {
		const struct vp_cell *c = &s->cells[i];
		if (!c->d.n || strcmp(s->metrics[c->metric], metric))
			continue;
		if (c->threads > best_any)
			best_any = c->threads;
		if (b >= 0 && has_data(s, (size_t)b, w, metric, c->threads) &&
		    c->threads > best_common)
			best_common = c->threads;
	}
	if (has_data(s, t, w, metric, tr->vcpus) &&
	    (b < 0 || has_data(s, (size_t)b, w, metric, tr->vcpus)))
		return tr->vcpus;
	return best_common >= 0 ? best_common : best_any;
}

static bool is_tcg(const struct vp_summary *s, const struct vp_target_ref *t)
{
	const char *a = vp_run_env(&s->runs[t->run], t->name, "accel");
	return !strcmp(t->accel, "tcg") || (a && !strcmp(a, "tcg"));
}

/* A 1-vCPU TCG guest declared with more CPU slots than vCPUs (env
 * guest_cpu_slots, written since the runner gives such a guest a second
 * slot) executes real atomics; older runs' 1-vCPU guests did not. */
static bool tcg_atomics(const struct vp_summary *s,
			const struct vp_target_ref *t)
{
	const char *v =
	    vp_run_env(&s->runs[t->run], t->name, "guest_cpu_slots");
	return v && strtol(v, NULL, 10) > t->vcpus;
}

static bool is_guest(const struct vp_target_ref *t)
{
	const char *hv = t->hypervisor;
	return hv[0] && strcmp(hv, "bare metal") && strcmp(hv, "unknown") &&
	       strcmp(hv, "none");
}

static unsigned target_caveats(const struct vp_summary *s, size_t t)
{
	const struct vp_target_ref *tr = &s->targets[t];
	unsigned c = 0;
	if (is_tcg(s, tr))
		c |= VP_CAV_TCG |
		     (tr->vcpus == 1 && !tcg_atomics(s, tr) ? VP_CAV_TCG_1VCPU
							    : 0);
	if (!strcmp(tr->kind, "vm") && tr->host_cpus > 0 &&
	    tr->vcpus > tr->host_cpus)
		c |= VP_CAV_VCPU_OVERCOMMIT;
	if (tr->baseline >= 0 && is_guest(&s->targets[tr->baseline]))
		c |= VP_CAV_BASE_IS_VM;
	return c;
}

static bool starts(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static enum vp_exclusion exclusion(const struct vp_summary *s,
				   const struct vp_cell *c)
{
	const struct vp_cell *b = &s->cells[c->base_cell];
	const struct vp_target_ref *bt = &s->targets[b->target];
	if (bt->vcpus > 0 && c->threads > bt->vcpus)
		return VP_EXCL_BASE_OVERCOMMIT;
	if (b->d.n >= 2 && b->d.cv > VP_BASE_MAX_CV)
		return VP_EXCL_BASE_NOISY;
	if (!isnan(c->ratio_lo) && c->ratio_lo > 0 &&
	    c->ratio_hi / c->ratio_lo > VP_RATIO_MAX_CI_FACTOR)
		return VP_EXCL_WIDE_CI;
	return VP_EXCL_NONE;
}

static void decide_cell(const struct vp_summary *s, struct vp_verdicts *v,
			struct vp_hl_cell *h)
{
	const struct vp_target_ref *tr = &s->targets[h->target];
	h->threads = vp_pick_threads(s, h->target, h->workload, h->metric);
	h->cell = vp_summary_find(s, h->target, s->workloads[h->workload],
				  h->threads, h->metric);
	h->caveats = v->target_caveats[h->target];
	if (!starts(s->workloads[h->workload], "lock."))
		h->caveats &= ~VP_CAV_TCG_1VCPU;
	if (tr->vcpus > 0 && h->threads > tr->vcpus)
		h->caveats |= VP_CAV_THREAD_OVERCOMMIT;
	if (h->cell < 0 || isnan(s->cells[h->cell].ratio) ||
	    s->cells[h->cell].base_cell < 0) {
		h->cell = -1;
		return;
	}
	h->excl = exclusion(s, &s->cells[h->cell]);
	v->head.n_with_ratio++;
	v->head.n_excluded += h->excl != VP_EXCL_NONE;
}

/* Geometric mean of the included cells' ratios: log-ratio variances add
 * (delta method, workloads independent), degrees of freedom by
 * Welch-Satterthwaite. */
struct pool {
	double sum_log, var, df_den;
	bool no_ci;
};

static void pool_add(struct pool *p, const struct vp_desc *a,
		     const struct vp_desc *b)
{
	p->sum_log += log(a->mean / b->mean);
	if (a->n < 2 || b->n < 2) {
		p->no_ci = true;
		return;
	}
	double va = a->sd * a->sd / ((double)a->n * a->mean * a->mean);
	double vb = b->sd * b->sd / ((double)b->n * b->mean * b->mean);
	p->var += va + vb;
	p->df_den +=
	    va * va / (double)(a->n - 1) + vb * vb / (double)(b->n - 1);
}

static void pool_mean(const struct pool *p, struct vp_hl_class *m)
{
	double k = (double)m->n_used, L = p->sum_log / k;
	m->ratio = exp(L);
	m->lo = m->hi = NAN;
	if (p->no_ci)
		return;
	double var = p->var / (k * k), h = 0;
	if (var > 0)
		h = vp_t_quantile(0.975, p->var * p->var / p->df_den) *
		    sqrt(var);
	m->lo = exp(L - h);
	m->hi = exp(L + h);
}

static void class_means(const struct vp_summary *s, struct vp_verdicts *v)
{
	struct vp_headline *h = &v->head;
	for (size_t cls = 0; cls < h->nclasses; cls++)
		for (size_t k = 0; k < h->ntargets; k++) {
			struct vp_hl_class *m =
			    &h->means[cls * h->ntargets + k];
			struct pool p = {0};
			*m = (struct vp_hl_class){.cls = cls,
						  .target = h->targets[k],
						  .ratio = NAN,
						  .lo = NAN,
						  .hi = NAN};
			for (size_t w = 0; w < s->nworkloads; w++) {
				const struct vp_hl_cell *c =
				    vp_hl_cell_at(v, k, w);
				if (h->class_of[w] != cls || !c || c->cell < 0)
					continue;
				if (c->excl != VP_EXCL_NONE) {
					m->n_excluded++;
					continue;
				}
				const struct vp_cell *x = &s->cells[c->cell];
				pool_add(&p, &x->d, &s->cells[x->base_cell].d);
				m->n_used++;
			}
			if (m->n_used)
				pool_mean(&p, m);
		}
}

static long class_index(struct vp_headline *h, const char *wl)
{
	const char *dot = strchr(wl, '.');
	size_t len = dot ? (size_t)(dot - wl) : strlen(wl);
	for (size_t i = 0; i < h->nclasses; i++)
		if (strlen(h->classes[i]) == len &&
		    !strncmp(h->classes[i], wl, len))
			return (long)i;
	char **n = realloc(h->classes, (h->nclasses + 1) * sizeof(*n));
	if (!n)
		return -1;
	h->classes = n;
	if (!(n[h->nclasses] = strndup(wl, len)))
		return -1;
	return (long)h->nclasses++;
}

static int headline(const struct vp_summary *s, struct vp_verdicts *v)
{
	struct vp_headline *h = &v->head;
	size_t nw = s->nworkloads ? s->nworkloads : 1;
	h->targets = calloc(s->ntargets + 1, sizeof(*h->targets));
	h->class_of = calloc(nw, sizeof(*h->class_of));
	if (!h->targets || !h->class_of)
		return -ENOMEM;
	for (size_t t = 0; t < s->ntargets; t++)
		if (s->targets[t].baseline >= 0)
			h->targets[h->ntargets++] = t;
	for (size_t w = 0; w < s->nworkloads; w++) {
		long c = class_index(h, s->workloads[w]);
		if (c < 0)
			return -ENOMEM;
		h->class_of[w] = (size_t)c;
	}
	h->cells = calloc(h->ntargets * nw + 1, sizeof(*h->cells));
	h->means = calloc(h->nclasses * h->ntargets + 1, sizeof(*h->means));
	if (!h->cells || !h->means)
		return -ENOMEM;
	for (size_t w = 0; w < s->nworkloads; w++)
		for (size_t k = 0; k < h->ntargets && v->tp_metric[w]; k++) {
			struct vp_hl_cell *c = &h->cells[w * h->ntargets + k];
			*c = (struct vp_hl_cell){.target = h->targets[k],
						 .workload = w,
						 .metric = v->tp_metric[w],
						 .threads = -1,
						 .cell = -1};
			decide_cell(s, v, c);
		}
	class_means(s, v);
	return 0;
}

int vp_verdicts_build(const struct vp_summary *s, struct vp_verdicts *v)
{
	memset(v, 0, sizeof(*v));
	v->tp_metric = calloc(s->nworkloads + 1, sizeof(*v->tp_metric));
	v->target_caveats = calloc(s->ntargets + 1, sizeof(unsigned));
	v->is_baseline = calloc(s->ntargets + 1, sizeof(bool));
	if (!v->tp_metric || !v->target_caveats || !v->is_baseline)
		return -ENOMEM;
	if (tp_metrics(s, v->tp_metric))
		return -ENOMEM;
	for (size_t t = 0; t < s->ntargets; t++) {
		v->target_caveats[t] = target_caveats(s, t);
		if (s->targets[t].baseline >= 0)
			v->is_baseline[s->targets[t].baseline] = true;
	}
	int rc = headline(s, v);
	return rc ? rc : vp_findings_build(s, v);
}

void vp_verdicts_free(struct vp_verdicts *v)
{
	for (size_t i = 0; i < v->head.nclasses; i++)
		free(v->head.classes[i]);
	free(v->head.classes);
	free(v->head.class_of);
	free(v->head.targets);
	free(v->head.cells);
	free(v->head.means);
	free(v->tp_metric);
	free(v->target_caveats);
	free(v->is_baseline);
	free(v->findings);
	memset(v, 0, sizeof(*v));
}

const struct vp_hl_cell *vp_hl_cell_at(const struct vp_verdicts *v, size_t k,
				       size_t w)
{
	const struct vp_hl_cell *c = &v->head.cells[w * v->head.ntargets + k];
	return v->tp_metric[w] ? c : NULL;
}

const struct vp_hl_class *vp_hl_mean_at(const struct vp_verdicts *v, size_t cls,
					size_t k)
{
	return &v->head.means[cls * v->head.ntargets + k];
}

const char *vp_exclusion_name(enum vp_exclusion e)
{
	switch (e) {
	case VP_EXCL_BASE_OVERCOMMIT:
		return "baseline_overcommitted";
	case VP_EXCL_BASE_NOISY:
		return "baseline_noisy";
	case VP_EXCL_WIDE_CI:
		return "ratio_ci_too_wide";
	case VP_EXCL_NONE:
	default:
		return "";
	}
}

void vp_exclusion_text(const struct vp_summary *s, const struct vp_hl_cell *h,
		       char *buf, size_t len)
{
	buf[0] = 0;
	if (h->cell < 0 || h->excl == VP_EXCL_NONE)
		return;
	const struct vp_cell *c = &s->cells[h->cell];
	const struct vp_cell *b = &s->cells[c->base_cell];
	const struct vp_target_ref *bt = &s->targets[b->target];
	if (h->excl == VP_EXCL_BASE_OVERCOMMIT)
		snprintf(buf, len,
			 "baseline overcommitted: %d threads on %d CPUs",
			 c->threads, bt->vcpus);
	else if (h->excl == VP_EXCL_BASE_NOISY)
		snprintf(buf, len, "baseline too noisy: CV %.0f%% > %.0f%%",
			 100 * b->d.cv, 100 * VP_BASE_MAX_CV);
	else
		snprintf(buf, len,
			 "ratio CI too wide: %.3g–%.3g spans a factor of "
			 "%.3g > %g",
			 c->ratio_lo, c->ratio_hi, c->ratio_hi / c->ratio_lo,
			 VP_RATIO_MAX_CI_FACTOR);
}
