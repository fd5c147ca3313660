/* The headline table (throughput ratio to the baseline per class and
 * workload, one column per target with a baseline) and the scaling
 * efficiency table. The cells, exclusions and class means come from
 * reports/verdicts.c; here they are only printed, with the caveats
 * (TCG, overcommit) in the table itself and ▲/▼ beside the colours. */
#include <math.h>
#include <string.h>

#include "reports/html_escape.h"
#include "reports/html_internal.h"

static void caveat_tag(FILE *f, const char *text)
{
	fputs("<span class=\"cav\">", f);
	vp_html_escape(f, text);
	fputs("</span>", f);
}

void vp_h_caveat_tags(FILE *f, const struct vp_target_ref *t, unsigned caveats)
{
	char buf[96];
	if (caveats & VP_CAV_TCG)
		caveat_tag(f, "TCG: emulated, not a hypervisor");
	if (caveats & VP_CAV_TCG_1VCPU)
		caveat_tag(f, "1-vCPU TCG: no real atomics");
	if (caveats & VP_CAV_VCPU_OVERCOMMIT) {
		snprintf(buf, sizeof(buf),
			 "overcommitted: %d vCPUs on %d host "
			 "CPUs",
			 t->vcpus, t->host_cpus);
		caveat_tag(f, buf);
	}
	if (caveats & VP_CAV_BASE_IS_VM)
		caveat_tag(f, "baseline is itself a VM");
}

const char *vp_h_ratio_mark(double lo, double hi)
{
	if (isnan(lo) || isnan(hi))
		return "";
	return lo > 1 ? "▲" : hi < 1 ? "▼" : "";
}

static void ratio_figure(FILE *f, double r, double lo, double hi)
{
	const char *mark = vp_h_ratio_mark(lo, hi);
	fprintf(f, "<span class=\"big\">%.2f</span>", r);
	if (mark[0])
		fprintf(f, "<span class=\"mark\">%s</span>", mark);
	if (!isnan(lo))
		fprintf(f, " <span class=\"ci\">[%.2f–%.2f]</span>", lo, hi);
	else
		fputs(" <span class=\"ci\">no CI (n&lt;2)</span>", f);
}

static const char *ratio_class(double lo, double hi)
{
	if (!isnan(lo) && hi < 1)
		return " class=\"worse\"";
	if (!isnan(lo) && lo > 1)
		return " class=\"better\"";
	return "";
}

static void workload_cell(const struct vp_summary *s,
			  const struct vp_hl_cell *h, FILE *f)
{
	if (h->cell < 0) {
		fputs("<td class=\"muted\">–</td>", f);
		return;
	}
	const struct vp_cell *c = &s->cells[h->cell];
	bool out = h->excl != VP_EXCL_NONE;
	if (out)
		fputs("<td class=\"excl\">", f);
	else
		fprintf(f, "<td%s>", ratio_class(c->ratio_lo, c->ratio_hi));
	ratio_figure(f, c->ratio, c->ratio_lo, c->ratio_hi);
	fprintf(f, "<br><span class=\"thr\">%d thread%s</span>", h->threads,
		h->threads == 1 ? "" : "s");
	const struct vp_target_ref *t = &s->targets[h->target];
	if (h->caveats & VP_CAV_THREAD_OVERCOMMIT) {
		char buf[64];
		snprintf(buf, sizeof(buf), "%d threads on %d CPUs", h->threads,
			 t->vcpus);
		caveat_tag(f, buf);
	}
	if (h->caveats & VP_CAV_TCG_1VCPU)
		caveat_tag(f, "no real atomics");
	if (out) {
		char why[160];
		vp_exclusion_text(s, h, why, sizeof(why));
		fputs("<span class=\"why\">left out of the class mean: ", f);
		vp_html_escape(f, why);
		fputs("</span>", f);
	}
	fputs("</td>", f);
}

static void class_cell(const struct vp_hl_class *m, FILE *f)
{
	size_t total = m->n_used + m->n_excluded;
	if (!m->n_used) {
		fputs("<td class=\"muted\">–", f);
		if (m->n_excluded)
			fprintf(f,
				"<span class=\"why\">all %zu cell%s left "
				"out</span>",
				m->n_excluded, m->n_excluded == 1 ? "" : "s");
		fputs("</td>", f);
		return;
	}
	fprintf(f, "<td%s>", ratio_class(m->lo, m->hi));
	ratio_figure(f, m->ratio, m->lo, m->hi);
	fputs("<br><span class=\"thr\">geometric mean", f);
	if (m->n_excluded)
		fprintf(f, " of %zu of %zu workloads", m->n_used, total);
	fputs("</span>", f);
	if (m->n_excluded)
		fprintf(f,
			"<span class=\"why\">%zu left out: degenerate "
			"baseline</span>",
			m->n_excluded);
	fputs("</td>", f);
}

static void header_row(const struct vp_summary *s, const struct vp_verdicts *v,
		       FILE *f)
{
	char buf[256];
	fputs("<table class=\"head\"><tr><th>workload</th>", f);
	for (size_t k = 0; k < v->head.ntargets; k++) {
		size_t t = v->head.targets[k];
		const struct vp_target_ref *tr = &s->targets[t];
		fputs("<th>", f);
		vp_h_target(f, s, t);
		fputs("<br><span class=\"thr\">", f);
		vp_html_escape(f, vp_h_target_desc(tr, buf, sizeof(buf)));
		fputs(" / ", f);
		vp_html_escape(f, s->targets[tr->baseline].label);
		fputs("</span><br>", f);
		vp_h_caveat_tags(f, tr, v->target_caveats[t]);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
}

static void intro(const struct vp_verdicts *v, FILE *f)
{
	fputs("<p class=\"sub\">Mean throughput of each target divided by "
	      "its baseline's at the same thread count (threads = the "
	      "target's vCPUs where measured), with the 95% confidence "
	      "interval. <span class=\"legend\"><span "
	      "style=\"background:#fbd9d3\">▼ CI below 1: slower than the "
	      "baseline</span><span style=\"background:#d6f0dc\">▲ CI above "
	      "1: faster</span><span>CI includes 1: no clear "
	      "difference</span></span></p>\n",
	      f);
	fprintf(f,
		"<p class=\"note\"><b>%zu of %zu cells left out of the class "
		"means</b> because their baseline is degenerate: the baseline "
		"ran more threads than it has CPUs, its CV exceeds %.0f%%, or "
		"the ratio's 95%% CI spans more than a factor of %g. %s</p>\n",
		v->head.n_excluded, v->head.n_with_ratio, 100 * VP_BASE_MAX_CV,
		VP_RATIO_MAX_CI_FACTOR,
		v->head.n_excluded ? "They keep their figure, hatched and "
				     "marked with the reason."
				   : "");
}

void vp_html_headline(const struct vp_summary *s, const struct vp_verdicts *v,
		      FILE *f)
{
	const struct vp_headline *h = &v->head;
	fputs("<h2 id=\"headline\">Headline: throughput relative to the "
	      "baseline</h2>\n",
	      f);
	if (!h->ntargets) {
		fputs("<p class=\"muted\">No target has a baseline in these "
		      "runs (the default baseline is the target named "
		      "<code>host</code>; choose another with "
		      "<code>--baseline</code>).</p>\n",
		      f);
		return;
	}
	intro(v, f);
	header_row(s, v, f);
	for (size_t cls = 0; cls < h->nclasses; cls++) {
		bool any = false;
		for (size_t w = 0; w < s->nworkloads; w++)
			any |= h->class_of[w] == cls && v->tp_metric[w];
		if (!any)
			continue;
		fputs("<tr class=\"cls\"><td class=\"wl\">", f);
		vp_html_escape(f, h->classes[cls]);
		fputs(" (all workloads)</td>", f);
		for (size_t k = 0; k < h->ntargets; k++)
			class_cell(vp_hl_mean_at(v, cls, k), f);
		fputs("</tr>\n", f);
		for (size_t w = 0; w < s->nworkloads; w++) {
			if (h->class_of[w] != cls || !v->tp_metric[w])
				continue;
			fputs("<tr><td class=\"wl\">", f);
			vp_html_escape(f, s->workloads[w]);
			fprintf(f, " <span class=\"thr\">%s</span></td>",
				v->tp_metric[w]);
			for (size_t k = 0; k < h->ntargets; k++)
				workload_cell(s, vp_hl_cell_at(v, k, w), f);
			fputs("</tr>\n", f);
		}
	}
	fputs("</table>\n", f);
}

/* The cell of target t, workload w with the highest thread count that has
 * a scaling efficiency. */
static const struct vp_cell *best_eff(const struct vp_summary *s, size_t t,
				      size_t w, const char *m)
{
	const struct vp_cell *best = NULL;
	size_t first, end;
	vp_summary_range(s, t, w, &first, &end);
	for (size_t i = first; i < end; i++) {
		const struct vp_cell *c = &s->cells[i];
		if (!strcmp(s->metrics[c->metric], m) && !isnan(c->eff) &&
		    (!best || c->threads > best->threads))
			best = c;
	}
	return best;
}

static void eff_cell(const struct vp_cell *c, FILE *f)
{
	if (!c) {
		fputs("<td class=\"muted\">–</td>", f);
		return;
	}
	fprintf(f, "<td><span class=\"big\">%.0f%%</span>", 100 * c->eff);
	if (!isnan(c->eff_lo))
		fprintf(f, " <span class=\"ci\">[%.0f–%.0f%%]</span>",
			100 * c->eff_lo, 100 * c->eff_hi);
	fprintf(f, "<br><span class=\"thr\">%d threads</span></td>",
		c->threads);
}

void vp_html_scaling_table(const struct vp_summary *s,
			   const struct vp_verdicts *v, FILE *f)
{
	bool any = false;
	for (size_t i = 0; i < s->ncells && !any; i++)
		any = !isnan(s->cells[i].eff);
	fputs("<h3>Scaling efficiency at the highest thread count</h3>\n", f);
	if (!any) {
		fputs("<p class=\"muted\">Needs runs at 1 thread and at more "
		      "threads (<code>-j 1,2,4</code>).</p>\n",
		      f);
		return;
	}
	fputs("<p class=\"sub\">Throughput at N threads / (N x throughput at "
	      "1 thread) with its 95% CI: 100% is perfect scaling.</p>\n"
	      "<table class=\"head\"><tr><th>workload</th>",
	      f);
	for (size_t t = 0; t < s->ntargets; t++) {
		fputs("<th>", f);
		vp_h_target(f, s, t);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t w = 0; w < s->nworkloads; w++) {
		if (!v->tp_metric[w])
			continue;
		fputs("<tr><td class=\"wl\">", f);
		vp_html_escape(f, s->workloads[w]);
		fputs("</td>", f);
		for (size_t t = 0; t < s->ntargets; t++)
			eff_cell(best_eff(s, t, w, v->tp_metric[w]), f);
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}
