/* Rendering of the "Why" section (see html_why.h); every figure and
 * sentence comes from why.c, every string is escaped. */
#include "reports/html_why.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html_charts.h"
#include "reports/html_escape.h"
#include "reports/svg.h"
#include "reports/svg_scatter.h"
#include "reports/why.h"

static void pct_td(FILE *f, double v)
{
	if (isnan(v))
		fputs("<td class=\"muted\">–</td>", f);
	else
		fprintf(f, "<td class=\"n\">%.1f%%</td>", v);
}

static void guest_td(FILE *f, const struct vp_why_cell *c)
{
	char b[32];

	if (isnan(c->guest)) {
		fputs("<td class=\"muted\">–</td>", f);
		return;
	}
	if (c->kind == VP_WHY_WAKE) {
		vp_fmt_axis(c->guest, VP_AXIS_NS, b, sizeof(b));
		fprintf(f, "<td class=\"n\">p99 %s</td>", b);
	} else {
		fprintf(f, "<td class=\"n\">%.0f</td>", c->guest);
	}
}

static void tail_td(FILE *f, const struct vp_why_cell *c)
{
	char a[32], b[32];

	if (isnan(c->tail_n) || isnan(c->p999)) {
		if (isnan(c->tail_n))
			fputs("<td class=\"muted\">–</td>", f);
		else
			fprintf(f,
				"<td class=\"muted\">%.0f samples: too few "
				"for p99.9</td>",
				c->tail_n);
		return;
	}
	vp_fmt_axis(c->p999, VP_AXIS_NS, a, sizeof(a));
	vp_fmt_axis(c->p9999, VP_AXIS_NS, b, sizeof(b));
	fprintf(f, "<td class=\"n\">%s / %s<br><small>n=%.0f</small></td>", a,
		isnan(c->p9999) ? "–" : b, c->tail_n);
}

static void kvm_td(FILE *f, const struct vp_why_cell *c)
{
	if (isnan(c->kvm_exits)) {
		fputs("<td class=\"muted\">–</td>", f);
		return;
	}
	fprintf(f, "<td class=\"n\">%.0f", c->kvm_exits);
	if (!isnan(c->kvm_halt_exits))
		fprintf(f, " / %.0f", c->kvm_halt_exits);
	if (!isnan(c->kvm_yields))
		fprintf(f, " / %.0f", c->kvm_yields);
	fputs("</td>", f);
}

static void overcommit_td(FILE *f, const struct vp_why_cell *c)
{
	if (!c->vcpu_overcommit && !c->thread_overcommit) {
		fputs("<td class=\"muted\">none</td>", f);
		return;
	}
	fputs("<td class=\"unav\">", f);
	if (c->vcpu_overcommit)
		fprintf(f, "%d vCPUs / %d host CPUs%s", c->cpus, c->host_cpus,
			c->thread_overcommit ? "<br>" : "");
	if (c->thread_overcommit)
		fprintf(f, "%d threads / %d CPUs", c->threads, c->cpus);
	fputs("</td>", f);
}

static void table(const struct vp_summary *s, const struct vp_why *w, FILE *f)
{
	fputs("<table><tr><th>workload</th><th>target</th><th>threads</th>"
	      "<th>guest view: waits / calls over 1 ms, or wake-up p99</th>"
	      "<th>tail p99.9 / p99.99 (all reps)</th>"
	      "<th>vCPU run-queue delay (host)</th><th>run-queue delay "
	      "(inside)</th><th>steal</th><th>KVM exits / halt exits / "
	      "directed yields</th><th>overcommit</th><th>reading</th>"
	      "</tr>\n",
	      f);
	for (size_t i = 0; i < w->ncells; i++) {
		const struct vp_why_cell *c = &w->cells[i];

		fputs("<tr><td>", f);
		vp_html_escape(f, s->workloads[c->workload]);
		fputs("</td><td><span style=\"color:", f);
		fputs(vp_report_color(s, c->target), f);
		fputs("\">&#9632;</span> ", f);
		vp_html_escape(f, s->targets[c->target].label);
		fprintf(f, "</td><td class=\"n\">%d</td>", c->threads);
		guest_td(f, c);
		tail_td(f, c);
		pct_td(f, c->vcpu_delay);
		pct_td(f, c->runq_delay);
		pct_td(f, c->steal);
		kvm_td(f, c);
		overcommit_td(f, c);
		fputs("<td>", f);
		vp_html_escape(f, c->reading);
		fputs("</td></tr>\n", f);
	}
	fputs("</table>\n", f);
}

/* One series per target: its steps' long waits against vCPU delay. */
static void chart(const struct vp_summary *s, const struct vp_why *w, FILE *f)
{
	struct vp_series *ser = calloc(s->ntargets, sizeof(*ser));
	double *x = calloc(w->npoints + 1, sizeof(*x));
	double *y = calloc(w->npoints + 1, sizeof(*y));
	char **lab = calloc(w->npoints + 1, sizeof(*lab));
	size_t ns = 0, k = 0;

	if (!ser || !x || !y || !lab)
		goto out;
	for (size_t t = 0; t < s->ntargets; t++) {
		size_t first = k;

		for (size_t i = 0; i < w->npoints; i++) {
			const struct vp_why_point *p = &w->points[i];

			if (p->target != t)
				continue;
			x[k] = p->delay;
			y[k] = p->longs;
			if (asprintf(&lab[k], "%s %s, %d threads, rep %d",
				     s->targets[t].label,
				     s->workloads[p->workload], p->threads,
				     p->rep) < 0)
				lab[k] = NULL;
			k++;
		}
		if (k > first)
			ser[ns++] =
			    (struct vp_series){.name = s->targets[t].label,
					       .color = vp_report_color(s, t),
					       .n = k - first,
					       .x = x + first,
					       .y = y + first};
	}
	struct vp_chart c = vp_chart_defaults(
	    "Long waits against vCPU run-queue delay, every step of a vm "
	    "target",
	    "vCPU threads' wait in the host run queue (% of the step)",
	    "waits / calls over 1 ms", 760, 380);
	vp_svg_scatter(f, &c, ser, ns, (const char *const *)lab);
out:
	for (size_t i = 0; lab && i < k; i++)
		free(lab[i]);
	free(lab);
	free(x);
	free(y);
	free(ser);
}

void vp_html_why(const struct vp_summary *s, FILE *f)
{
	struct vp_why w;

	fputs("<h2 id=\"why\">Why: long waits next to what the schedulers "
	      "saw</h2>\n",
	      f);
	if (vp_why_build(s, &w)) {
		fputs("<p class=\"unav\">Out of memory building this "
		      "section.</p>\n",
		      f);
		return;
	}
	if (!w.ncells) {
		fputs("<p class=\"muted\">No lock, kernel-lock (lock.kernel) "
		      "or wake-up (sched.wake) workload in these runs.</p>\n",
		      f);
		vp_why_free(&w);
		return;
	}
	fprintf(f,
		"<p class=\"sub\">For each lock, kernel-lock and wake-up "
		"workload: the guest's long waits (spin waits or system "
		"calls over 1 ms; wake-up p99 for sched.wake) next to the "
		"time the vCPU threads waited in the host's run queue "
		"(vm targets, sampled by the runner at each step's marks), "
		"the time the benchmark threads waited in the target's own "
		"run queue, steal and KVM's exit counters where KVM gave "
		"them. Medians over repetitions; a run-queue delay from "
		"%.0f%% of the step on counts as preemption. A dash: not "
		"measured (see the unavailable metrics below for why).</p>\n",
		VP_WHY_DELAY_PCT);
	table(s, &w, f);
	if (w.npoints)
		chart(s, &w, f);
	else
		fputs("<p class=\"muted\">No step has both long waits and a "
		      "host-side vCPU run-queue delay (only vm targets have "
		      "vCPU threads to sample), so there is no chart.</p>\n",
		      f);
	vp_why_free(&w);
}
