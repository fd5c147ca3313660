/* Tables of the HTML report: per workload (throughput cells with their
 * statistics, every other metric folded in <details>), the spin-wait
 * summary and the unavailable metrics with their reasons. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html_escape.h"
#include "reports/html_internal.h"

static void stats_cells(const struct vp_cell *c, FILE *f)
{
	char a[48], b[48];
	const struct vp_desc *d = &c->d;
	vp_h_val(d->mean, c->unit, a, sizeof(a));
	fprintf(f, "<td class=\"n\">%s ", a);
	vp_html_escape(f, c->unit);
	fputs("</td>", f);
	vp_h_val(d->ci_lo, c->unit, a, sizeof(a));
	vp_h_val(d->ci_hi, c->unit, b, sizeof(b));
	fprintf(f, "<td class=\"n\">%s – %s</td>", a, b);
	vp_h_val(d->median, c->unit, a, sizeof(a));
	fprintf(f, "<td class=\"n\">%s</td>", a);
	vp_h_val(d->med_lo, c->unit, a, sizeof(a));
	vp_h_val(d->med_hi, c->unit, b, sizeof(b));
	fprintf(f, "<td class=\"n\">%s – %s (%.0f%%)</td>", a, b,
		100 * d->med_level);
	if (d->n >= 2)
		fprintf(f, "<td class=\"n\">%.1f%%%s</td>", 100 * d->cv,
			d->cv > VP_NOISY_CV ? "<span class=\"tag\">noisy</span>"
					    : "");
	else
		fputs("<td class=\"n\">–</td>", f);
}

static void ratio_cells(const struct vp_cell *c, FILE *f)
{
	if (!isnan(c->ratio)) {
		fprintf(f, "<td class=\"n\">%.3f", c->ratio);
		if (!isnan(c->ratio_lo))
			fprintf(f, " [%.3f–%.3f] %s", c->ratio_lo, c->ratio_hi,
				vp_h_ratio_mark(c->ratio_lo, c->ratio_hi));
		fputs("</td>", f);
	} else {
		fputs("<td class=\"muted\">–</td>", f);
	}
	if (!isnan(c->eff))
		fprintf(f, "<td class=\"n\">%.0f%% [%.0f–%.0f%%]</td>",
			100 * c->eff, 100 * c->eff_lo, 100 * c->eff_hi);
	else
		fputs("<td class=\"muted\">–</td>", f);
}

static void throughput_row(const struct vp_summary *s, const struct vp_cell *c,
			   FILE *f)
{
	fputs("<tr><td>", f);
	vp_h_target(f, s, c->target);
	fprintf(f, "</td><td class=\"n\">%d</td><td class=\"n\">%zu",
		c->threads, c->d.n);
	if (c->d.n < VP_MIN_REPS)
		fputs("<span class=\"tag\">n&lt;3</span>", f);
	fputs("</td>", f);
	if (!c->d.n) {
		fputs("<td colspan=\"7\" class=\"unav\">", f);
		fputs(c->n_failed ? "failed: " : "unavailable: ", f);
		vp_html_escape(f, c->reason);
		fputs("</td></tr>\n", f);
		return;
	}
	stats_cells(c, f);
	ratio_cells(c, f);
	fputs("</tr>\n", f);
}

static void metric_row(const struct vp_summary *s, const struct vp_cell *c,
		       FILE *f)
{
	char a[48], b[48];
	fputs("<tr><td>", f);
	vp_html_escape(f, s->targets[c->target].label);
	fprintf(f, "</td><td class=\"n\">%d</td><td>", c->threads);
	vp_html_escape(f, s->metrics[c->metric]);
	fprintf(f, "</td><td class=\"n\">%zu</td>", c->d.n);
	if (c->d.n) {
		vp_h_val(c->d.mean, c->unit, a, sizeof(a));
		fprintf(f, "<td class=\"n\">%s ", a);
		vp_html_escape(f, c->unit);
		vp_h_val(c->d.ci_lo, c->unit, a, sizeof(a));
		vp_h_val(c->d.ci_hi, c->unit, b, sizeof(b));
		fprintf(f, "</td><td class=\"n\">%s – %s</td>", a, b);
		vp_h_val(c->d.median, c->unit, a, sizeof(a));
		fprintf(f, "<td class=\"n\">%s</td>", a);
		if (c->d.n >= 2 && !isnan(c->d.cv))
			fprintf(f, "<td class=\"n\">%.1f%%</td>",
				100 * c->d.cv);
		else
			fputs("<td>–</td>", f);
		if (!isnan(c->ratio))
			fprintf(f, "<td class=\"n\">%.3f</td>", c->ratio);
		else
			fputs("<td>–</td>", f);
	} else {
		fputs("<td colspan=\"5\"></td>", f);
	}
	fputs("<td>", f);
	if (c->n_failed || c->n_unavail) {
		fprintf(f, "<span class=\"unav\">%zu %s: ",
			c->n_failed + c->n_unavail,
			c->n_failed ? "failed" : "unavailable");
		vp_html_escape(f, c->reason);
		fputs("</span>", f);
	} else {
		fputs("ok", f);
	}
	fputs("</td></tr>\n", f);
}

void vp_html_workload_table(const struct vp_summary *s,
			    const struct vp_verdicts *v, size_t w, FILE *f)
{
	const char *m = v->tp_metric[w];
	fputs("<h3>", f);
	vp_html_escape(f, s->workloads[w]);
	fputs("</h3>\n", f);
	if (m) {
		fputs("<table><tr><th>target</th><th>threads</th><th>n</th>"
		      "<th>mean</th><th>95% CI of mean</th><th>median</th>"
		      "<th>CI of median (coverage)</th><th>CV</th>"
		      "<th>ratio to baseline [95% CI]</th><th>scaling "
		      "efficiency</th></tr>\n",
		      f);
		for (size_t t = 0; t < s->ntargets; t++) {
			size_t first, end;
			vp_summary_range(s, t, w, &first, &end);
			for (size_t i = first; i < end; i++)
				if (!strcmp(s->metrics[s->cells[i].metric], m))
					throughput_row(s, &s->cells[i], f);
		}
		fputs("</table>\n", f);
	}
	/* Everything else, folded away. */
	fputs("<details><summary>all metrics of ", f);
	vp_html_escape(f, s->workloads[w]);
	fputs("</summary><table><tr><th>target</th><th>threads</th>"
	      "<th>metric</th><th>n</th><th>mean</th><th>95% CI</th>"
	      "<th>median</th><th>CV</th><th>ratio</th><th>status</th>"
	      "</tr>\n",
	      f);
	for (size_t t = 0; t < s->ntargets; t++) {
		size_t first, end;
		vp_summary_range(s, t, w, &first, &end);
		for (size_t i = first; i < end; i++)
			if (!s->cells[i].bucket)
				metric_row(s, &s->cells[i], f);
	}
	fputs("</table></details>\n", f);
}

static int cmp_unav(const void *pa, const void *pb, void *ctx)
{
	const struct vp_summary *s = ctx;
	size_t ia = *(const size_t *)pa, ib = *(const size_t *)pb;
	const struct vp_cell *a = &s->cells[ia], *b = &s->cells[ib];
	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	if (a->metric != b->metric)
		return a->metric < b->metric ? -1 : 1;
	int c = strcmp(a->reason, b->reason);
	return c ? c : (ia > ib) - (ia < ib);
}

/* keep[i]: cell i is the first of its target x metric x reason among the
 * cells without data (sorted, so many unavailable cells stay fast). */
static bool *first_of_kind(const struct vp_summary *s)
{
	size_t n = 0, *idx = malloc((s->ncells + 1) * sizeof(*idx));
	bool *keep = calloc(s->ncells + 1, sizeof(*keep));
	if (!idx || !keep) {
		free(idx);
		free(keep);
		return NULL;
	}
	for (size_t i = 0; i < s->ncells; i++)
		if (!s->cells[i].d.n && s->cells[i].reason)
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), cmp_unav, (void *)s);
	for (size_t k = 0; k < n; k++) {
		const struct vp_cell *c = &s->cells[idx[k]];
		const struct vp_cell *p = k ? &s->cells[idx[k - 1]] : NULL;
		keep[idx[k]] = !p || p->target != c->target ||
			       p->metric != c->metric ||
			       strcmp(p->reason, c->reason);
	}
	free(idx);
	return keep;
}

void vp_html_unavailable(const struct vp_summary *s, FILE *f)
{
	fputs("<h2 id=\"unavailable\">Unavailable metrics and counters</h2>\n",
	      f);
	size_t n = 0;
	bool *keep = first_of_kind(s);
	for (size_t i = 0; keep && i < s->ncells; i++) {
		const struct vp_cell *c = &s->cells[i];
		if (!keep[i]) /* one line per target x metric x reason */
			continue;
		if (!n++)
			fputs("<p class=\"sub\">Never averaged as zero: these "
			      "figures were not measured, for the reason "
			      "given.</p><table><tr><th>target</th>"
			      "<th>metric</th><th>status</th><th>reason</th>"
			      "</tr>\n",
			      f);
		fputs("<tr><td>", f);
		vp_html_escape(f, s->targets[c->target].label);
		fputs("</td><td>", f);
		vp_html_escape(f, s->metrics[c->metric]);
		fprintf(f, "</td><td>%s</td><td class=\"unav\">",
			c->n_failed ? "failed" : "unavailable");
		vp_html_escape(f, c->reason);
		fputs("</td></tr>\n", f);
	}
	free(keep);
	if (n)
		fputs("</table>\n", f);
	else
		fputs("<p class=\"muted\">Every metric was measured.</p>\n", f);
}

void vp_html_spin_table(const struct vp_summary *s, FILE *f)
{
	static const char *const cols[] = {"spin_fraction", "spin_wait_p50_ns",
					   "spin_wait_p99_ns",
					   "spin_wait_max_ns", "long_waits"};
	bool any = false;
	char a[48];
	for (size_t i = 0; i < s->ncells; i++) {
		const struct vp_cell *c = &s->cells[i];
		if (strcmp(s->metrics[c->metric], "spin_fraction") || !c->d.n)
			continue;
		if (!any)
			fputs("<table><tr><th>workload</th><th>target</th>"
			      "<th>threads</th><th>time spinning</th>"
			      "<th>wait p50</th><th>wait p99</th>"
			      "<th>wait max</th><th>waits &gt; 1 ms</th>"
			      "</tr>\n",
			      f);
		any = true;
		fputs("<tr><td>", f);
		vp_html_escape(f, s->workloads[c->workload]);
		fputs("</td><td>", f);
		vp_html_escape(f, s->targets[c->target].label);
		fprintf(f, "</td><td class=\"n\">%d</td>", c->threads);
		for (size_t k = 0; k < 5; k++) {
			long j = vp_summary_find(s, c->target,
						 s->workloads[c->workload],
						 c->threads, cols[k]);
			if (j < 0 || !s->cells[j].d.n) {
				fputs("<td class=\"muted\">–</td>", f);
				continue;
			}
			const struct vp_cell *o = &s->cells[j];
			if (k == 0)
				snprintf(a, sizeof(a), "%.1f%%",
					 100 * o->d.median);
			else
				vp_h_val(o->d.median, o->unit, a, sizeof(a));
			fprintf(f, "<td class=\"n\">%s</td>", a);
		}
		fputs("</tr>\n", f);
	}
	if (any)
		fputs("</table><p class=\"sub\">Medians over repetitions. "
		      "Long waits are the signature of lock-holder "
		      "preemption: a waiter spins while the holder's vCPU is "
		      "descheduled.</p>\n",
		      f);
}
