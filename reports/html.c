/* The HTML report document (see html.h): headline table, warnings, tables
 * and environments; the charts come from html_charts.c. Every string that
 * comes from a CSV file goes through vp_html_escape. */
#include "reports/html.h"

#include <errno.h>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/html_charts.h"
#include "reports/html_escape.h"
#include "reports/html_why.h"
#include "reports/metric_info.h"
#include "reports/svg.h"

#define NOISY_CV 0.05
#define MIN_REPS 3

static const char css[] =
    "body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,"
    "'DejaVu Sans',sans-serif;color:#1b1f24;margin:0;background:#f6f7f9}"
    "main{max-width:1180px;margin:0 auto;padding:18px 22px 40px;"
    "background:#fff}"
    "h1{font-size:26px;margin:4px 0 2px}h2{font-size:19px;margin:30px 0 8px;"
    "border-bottom:2px solid #dde1e6;padding-bottom:4px}"
    "h3{font-size:15px;margin:18px 0 6px}"
    ".sub{color:#555;margin:0 0 10px}.muted{color:#666}"
    "table{border-collapse:collapse;margin:6px 0 14px;font-size:13px}"
    "th,td{border:1px solid #d5d9de;padding:3px 7px;text-align:left;"
    "vertical-align:top}th{background:#eef1f4;font-weight:600}"
    "td.n{text-align:right;font-variant-numeric:tabular-nums;"
    "white-space:nowrap}"
    "table.head td{text-align:center;min-width:120px}"
    "table.head td.wl{text-align:left;min-width:0}"
    "table.head tr.cls td{font-weight:700;background:#f7f8fa}"
    ".big{font-size:17px;font-weight:700}.ci{color:#444;font-size:12px}"
    ".thr{color:#777;font-size:11px}"
    "table.head tr td.worse,td.worse{background:#fbd9d3}"
    "table.head tr td.better,td.better{background:#d6f0dc}"
    ".legend span{display:inline-block;padding:1px 8px;margin-right:8px;"
    "border:1px solid #ccc}"
    ".warn{background:#fff6e5;border-left:5px solid #e69f00;"
    "padding:8px 14px;margin:10px 0}"
    ".warn li{margin:3px 0}.bad{color:#a3250f;font-weight:600}"
    ".tag{display:inline-block;font-size:11px;padding:0 5px;"
    "border-radius:3px;margin-left:4px;background:#fde3c4;color:#7a4100}"
    ".unav{color:#8a4b00}"
    ".grid2{display:grid;grid-template-columns:repeat(2,1fr);gap:8px}"
    ".grid3{display:grid;grid-template-columns:repeat(3,1fr);gap:6px}"
    "figure{margin:0}svg{max-width:100%;height:auto;"
    "border:1px solid #e3e6ea}"
    "svg text{font-family:system-ui,'DejaVu Sans',sans-serif;fill:#222}"
    "svg .ttl{font-size:14px;font-weight:600}svg .lab{font-size:12px;"
    "fill:#444}svg .tl{font-size:11px;fill:#444}svg .leg{font-size:12px}"
    "svg .val{font-size:10px;fill:#333}svg .mk{font-size:10px;fill:#a3250f}"
    "svg .ax{stroke:#555;stroke-width:1}svg .grid{stroke:#e6e8eb;"
    "stroke-width:1}svg .ref{stroke:#a3250f;stroke-width:1.5;"
    "stroke-dasharray:5 3}svg .mkl{stroke:#a3250f;stroke-width:1.3;"
    "stroke-dasharray:3 2}"
    "details{margin:6px 0}summary{cursor:pointer;color:#0b5394}"
    "table.env{table-layout:fixed;width:100%}"
    "table.env tr>:first-child{width:170px}"
    "table.env td{overflow-wrap:anywhere;font-size:12px}"
    "footer{color:#555;font-size:12px;margin-top:30px}";

static void esc(FILE *f, const char *s)
{
	vp_html_escape(f, s);
}

static void fmt_val(double v, const char *unit, char *buf, size_t len)
{
	vp_fmt_value(v, unit, "–", buf, len);
}

static const char *target_desc(const struct vp_target_ref *t, char *buf,
			       size_t len)
{
	snprintf(buf, len, "%d vCPU%s, %s, %s", t->vcpus,
		 t->vcpus == 1 ? "" : "s", t->accel, t->hypervisor);
	return buf;
}

/* Pooled ratio of a workload class: geometric mean of the workloads'
 * ratios; the log-ratio variances add (delta method, workloads
 * independent), degrees of freedom by Welch-Satterthwaite. */
struct pool {
	double sum_log, var, df_den;
	size_t k;
	bool no_ci;
};

static void pool_add(struct pool *p, const struct vp_desc *a,
		     const struct vp_desc *b)
{
	if (!(a->mean > 0 && b->mean > 0))
		return;
	p->sum_log += log(a->mean / b->mean);
	p->k++;
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

static void ratio_cell(FILE *f, double r, double lo, double hi, int threads,
		       bool pooled)
{
	const char *cls = "";
	if (!isnan(lo) && hi < 1)
		cls = " class=\"worse\"";
	else if (!isnan(lo) && lo > 1)
		cls = " class=\"better\"";
	fprintf(f, "<td%s><span class=\"big\">%.2f</span>", cls, r);
	if (!isnan(lo))
		fprintf(f, " <span class=\"ci\">[%.2f–%.2f]</span>", lo, hi);
	else
		fputs(" <span class=\"ci\">no CI (n&lt;2)</span>", f);
	if (threads > 0)
		fprintf(f, "<br><span class=\"thr\">%d thread%s</span>",
			threads, threads == 1 ? "" : "s");
	else if (pooled)
		fputs("<br><span class=\"thr\">geometric mean</span>", f);
	fputs("</td>", f);
}

static void class_of(const char *wl, char *buf, size_t len)
{
	const char *dot = strchr(wl, '.');
	snprintf(buf, len, "%.*s", dot ? (int)(dot - wl) : (int)strlen(wl), wl);
}

static void headline(const struct vp_summary *s, FILE *f)
{
	size_t ncol = 0;
	for (size_t t = 0; t < s->ntargets; t++)
		ncol += s->targets[t].baseline >= 0;
	fputs("<h2 id=\"headline\">Headline: throughput relative to the "
	      "baseline</h2>\n",
	      f);
	if (!ncol) {
		fputs("<p class=\"muted\">No target has a baseline in these "
		      "runs (the default baseline is the target named "
		      "<code>host</code>; choose another with "
		      "<code>--baseline</code>).</p>\n",
		      f);
		return;
	}
	fputs("<p class=\"sub\">Mean throughput of each target divided by its "
	      "baseline's at the same thread count (threads = the target's "
	      "vCPUs where measured), with the 95% confidence interval. "
	      "<span class=\"legend\"><span style=\"background:#fbd9d3\">CI "
	      "below 1: slower than the baseline</span><span "
	      "style=\"background:#d6f0dc\">CI above 1: faster</span>"
	      "<span>CI includes 1: no clear difference</span></span></p>\n",
	      f);
	fputs("<table class=\"head\"><tr><th>workload</th>", f);
	char buf[256];
	for (size_t t = 0; t < s->ntargets; t++) {
		const struct vp_target_ref *tr = &s->targets[t];
		if (tr->baseline < 0)
			continue;
		fputs("<th><span style=\"color:", f);
		fputs(vp_report_color(s, t), f);
		fputs("\">&#9632;</span> ", f);
		esc(f, tr->label);
		fputs("<br><span class=\"thr\">", f);
		esc(f, target_desc(tr, buf, sizeof(buf)));
		fputs(" / ", f);
		esc(f, s->targets[tr->baseline].label);
		fputs("</span></th>", f);
	}
	fputs("</tr>\n", f);
	char cls[64], prev[64] = "";
	for (size_t w0 = 0; w0 < s->nworkloads; w0++) {
		class_of(s->workloads[w0], cls, sizeof(cls));
		if (!strcmp(cls, prev))
			continue;
		snprintf(prev, sizeof(prev), "%s", cls);
		/* Class row, then its workloads. */
		for (int pass = 0; pass < 2; pass++) {
			for (size_t w = w0; w < s->nworkloads; w++) {
				char c2[64];
				class_of(s->workloads[w], c2, sizeof(c2));
				const char *m = vp_report_tp_metric(s, w);
				if (strcmp(c2, cls) || !m)
					continue;
				if (pass == 1) {
					fputs("<tr><td class=\"wl\">", f);
					esc(f, s->workloads[w]);
					fprintf(f,
						" <span class=\"thr\">%s</span>"
						"</td>",
						m);
				}
				for (size_t t = 0; pass == 1 && t < s->ntargets;
				     t++) {
					if (s->targets[t].baseline < 0)
						continue;
					int th =
					    vp_report_pick_threads(s, t, w, m);
					long i = vp_summary_find(
					    s, t, s->workloads[w], th, m);
					if (i < 0 || isnan(s->cells[i].ratio)) {
						fputs("<td class=\"muted\">"
						      "–</td>",
						      f);
						continue;
					}
					const struct vp_cell *c = &s->cells[i];
					ratio_cell(f, c->ratio, c->ratio_lo,
						   c->ratio_hi, th, false);
				}
				if (pass == 1)
					fputs("</tr>\n", f);
			}
			if (pass == 1)
				break;
			fputs("<tr class=\"cls\"><td class=\"wl\">", f);
			esc(f, cls);
			fputs(" (all workloads)</td>", f);
			for (size_t t = 0; t < s->ntargets; t++) {
				if (s->targets[t].baseline < 0)
					continue;
				struct pool p = {0};
				for (size_t w = w0; w < s->nworkloads; w++) {
					char c2[64];
					class_of(s->workloads[w], c2,
						 sizeof(c2));
					const char *m =
					    vp_report_tp_metric(s, w);
					if (strcmp(c2, cls) || !m)
						continue;
					int th =
					    vp_report_pick_threads(s, t, w, m);
					long i = vp_summary_find(
					    s, t, s->workloads[w], th, m);
					if (i < 0 || s->cells[i].base_cell < 0)
						continue;
					pool_add(
					    &p, &s->cells[i].d,
					    &s->cells[s->cells[i].base_cell].d);
				}
				if (!p.k) {
					fputs("<td class=\"muted\">–</td>", f);
					continue;
				}
				double L = p.sum_log / (double)p.k;
				double lo = NAN, hi = NAN;
				if (!p.no_ci) {
					double k2 = (double)(p.k * p.k);
					double v = p.var / k2;
					double h = 0;
					if (v > 0) {
						double df =
						    p.var * p.var / p.df_den;
						h = vp_t_quantile(0.975, df) *
						    sqrt(v);
					}
					lo = exp(L - h);
					hi = exp(L + h);
				}
				ratio_cell(f, exp(L), lo, hi, 0, true);
			}
			fputs("</tr>\n", f);
		}
	}
	fputs("</table>\n", f);
}

static void scaling_headline(const struct vp_summary *s, FILE *f)
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
		fputs("<th><span style=\"color:", f);
		fputs(vp_report_color(s, t), f);
		fputs("\">&#9632;</span> ", f);
		esc(f, s->targets[t].label);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	for (size_t w = 0; w < s->nworkloads; w++) {
		const char *m = vp_report_tp_metric(s, w);
		if (!m)
			continue;
		fputs("<tr><td class=\"wl\">", f);
		esc(f, s->workloads[w]);
		fputs("</td>", f);
		for (size_t t = 0; t < s->ntargets; t++) {
			const struct vp_cell *best = NULL;
			for (size_t i = 0; i < s->ncells; i++) {
				const struct vp_cell *c = &s->cells[i];
				if (c->target == t && c->workload == w &&
				    !strcmp(s->metrics[c->metric], m) &&
				    !isnan(c->eff) &&
				    (!best || c->threads > best->threads))
					best = c;
			}
			if (!best) {
				fputs("<td class=\"muted\">–</td>", f);
				continue;
			}
			fprintf(f, "<td><span class=\"big\">%.0f%%</span>",
				100 * best->eff);
			if (!isnan(best->eff_lo))
				fprintf(f,
					" <span class=\"ci\">[%.0f–%.0f%%]"
					"</span>",
					100 * best->eff_lo, 100 * best->eff_hi);
			fprintf(
			    f, "<br><span class=\"thr\">%d threads</span></td>",
			    best->threads);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
}

struct warn_list {
	FILE *f;
	size_t n;
};

static void warn_open(struct warn_list *w)
{
	if (!w->n++)
		fputs("<div class=\"warn\"><ul>\n", w->f);
	fputs("<li>", w->f);
}

static bool is_tcg(const struct vp_summary *s, const struct vp_target_ref *t)
{
	const char *a = vp_run_env(&s->runs[t->run], t->name, "accel");
	return !strcmp(t->accel, "tcg") || (a && !strcmp(a, "tcg"));
}

/* A list of cells matching pred, in a <details> block. */
static void cell_list(const struct vp_summary *s, FILE *f,
		      bool (*pred)(const struct vp_summary *,
				   const struct vp_cell *),
		      const char *what)
{
	size_t n = 0;
	for (size_t i = 0; i < s->ncells; i++)
		n += pred(s, &s->cells[i]);
	if (!n)
		return;
	fprintf(f, "<details><summary>%zu ", n);
	esc(f, what);
	fputs("</summary><ul>\n", f);
	char b[64];
	for (size_t i = 0; i < s->ncells; i++) {
		const struct vp_cell *c = &s->cells[i];
		if (!pred(s, c))
			continue;
		fputs("<li>", f);
		esc(f, s->targets[c->target].label);
		fputs(" · ", f);
		esc(f, s->workloads[c->workload]);
		fprintf(f, " · %d thr · ", c->threads);
		esc(f, s->metrics[c->metric]);
		fprintf(f, ": n=%zu", c->d.n);
		if (c->d.n >= 2) {
			snprintf(b, sizeof(b), "%.1f%%", 100 * c->d.cv);
			fprintf(f, ", CV %s", b);
		}
		if (c->d.n_outliers)
			fprintf(f, ", %zu outlier%s (modified z &gt; 3.5)",
				c->d.n_outliers,
				c->d.n_outliers == 1 ? "" : "s");
		if (c->reason && (c->n_failed || c->n_unavail)) {
			fprintf(f,
				"; %zu failed, %zu unavailable: ", c->n_failed,
				c->n_unavail);
			esc(f, c->reason);
		}
		fputs("</li>\n", f);
	}
	fputs("</ul></details>", f);
}

static bool key_metric(const struct vp_summary *s, const struct vp_cell *c)
{
	return vp_metric_is_throughput(s->metrics[c->metric]);
}

static bool pred_noisy(const struct vp_summary *s, const struct vp_cell *c)
{
	return key_metric(s, c) && c->d.n >= 2 && c->d.cv > NOISY_CV;
}

static bool pred_few(const struct vp_summary *s, const struct vp_cell *c)
{
	return key_metric(s, c) && c->d.n < MIN_REPS &&
	       (c->d.n > 0 || c->n_failed);
}

static bool pred_failed(const struct vp_summary *s, const struct vp_cell *c)
{
	return !c->bucket && c->n_failed > 0;
}

static bool pred_outlier(const struct vp_summary *s, const struct vp_cell *c)
{
	return key_metric(s, c) && c->d.n_outliers > 0;
}

static size_t count(const struct vp_summary *s,
		    bool (*pred)(const struct vp_summary *,
				 const struct vp_cell *))
{
	size_t n = 0;
	for (size_t i = 0; i < s->ncells; i++)
		n += pred(s, &s->cells[i]);
	return n;
}

/* The runner's own explanation of why a guest ran under TCG (env.csv
 * accel_note), each distinct one once. */
static void accel_notes(const struct vp_summary *s, FILE *f)
{
	for (size_t t = 0; t < s->ntargets; t++) {
		const struct vp_target_ref *tr = &s->targets[t];
		const char *note =
		    vp_run_env(&s->runs[tr->run], tr->name, "accel_note");
		bool seen = false;
		for (size_t u = 0; u < t && note && !seen; u++) {
			const char *o =
			    vp_run_env(&s->runs[s->targets[u].run],
				       s->targets[u].name, "accel_note");
			seen = o && !strcmp(o, note);
		}
		if (!note || seen)
			continue;
		fputs("<br><span class=\"muted\">", f);
		esc(f, tr->label);
		fputs(": ", f);
		esc(f, note);
		fputs("</span>", f);
	}
}

static void warnings(const struct vp_summary *s, FILE *f)
{
	struct warn_list w = {f, 0};
	fputs("<h2 id=\"warnings\">Read this first</h2>\n", f);
	/* One bullet per kind of problem, naming every target it concerns. */
	static const char *const lead[3] = {
	    "TCG emulation is not hardware virtualization: ",
	    "A 1-vCPU TCG guest executes no real atomic instructions: ",
	    "The \"bare metal\" reference is itself a virtual machine: "};
	static const char *const tail[3] = {
	    " QEMU translated the guest's code in software (accel=tcg, no "
	    "usable KVM); these figures measure the emulator, not a "
	    "hypervisor's cost. Use KVM for representative numbers.",
	    " QEMU runs such a guest on one thread, so its lock figures are "
	    "not comparable with hardware.",
	    " (hypervisor as seen from inside in brackets): its figures, and "
	    "ratios against it, compare guests with a guest, not with bare "
	    "metal."};
	for (int kind = 0; kind < 3; kind++) {
		size_t n = 0;
		for (size_t t = 0; t < s->ntargets; t++) {
			const struct vp_target_ref *tr = &s->targets[t];
			bool is_base = false;
			for (size_t u = 0; u < s->ntargets; u++)
				is_base |= s->targets[u].baseline == (long)t;
			const char *hv = tr->hypervisor;
			bool hit =
			    kind == 0 ? is_tcg(s, tr)
			    : kind == 1
				? is_tcg(s, tr) && tr->vcpus == 1
				: (is_base || !strcmp(tr->kind, "host")) &&
				      hv[0] && strcmp(hv, "bare metal") &&
				      strcmp(hv, "unknown") &&
				      strcmp(hv, "none");
			if (!hit)
				continue;
			if (!n++) {
				warn_open(&w);
				fputs("<span class=\"bad\">", f);
				esc(f, lead[kind]);
			} else {
				fputs(", ", f);
			}
			esc(f, tr->label);
			if (kind == 2) {
				fputs(" (", f);
				esc(f, hv);
				fputs(")", f);
			}
		}
		if (n) {
			fputs(".</span>", f);
			esc(f, tail[kind]);
			if (kind == 0)
				accel_notes(s, f);
			fputs("</li>\n", f);
		}
	}
	for (size_t r = 0; r < s->nruns; r++) {
		bool has_base = false;
		for (size_t t = 0; t < s->ntargets; t++)
			if (s->targets[t].run == r &&
			    s->targets[t].baseline >= 0)
				has_base = true;
		size_t nt = 0;
		for (size_t t = 0; t < s->ntargets; t++)
			nt += s->targets[t].run == r;
		if (!has_base && nt > 1) {
			warn_open(&w);
			fputs("Run ", f);
			esc(f, s->runs[r].label);
			fputs(" has no baseline target (default "
			      "<code>host</code>): no ratios for its "
			      "targets.</li>\n",
			      f);
		}
		for (size_t k = 0; k < s->runs[r].nwarn; k++) {
			warn_open(&w);
			esc(f, s->runs[r].warnings[k]);
			fputs("</li>\n", f);
		}
	}
	if (count(s, pred_noisy)) {
		warn_open(&w);
		fputs("Noisy cells: throughput varies by more than 5% between "
		      "repetitions (CV); differences smaller than the noise "
		      "mean little.",
		      f);
		cell_list(s, f, pred_noisy, "noisy cell(s) (CV > 5%)");
		fputs("</li>\n", f);
	}
	if (count(s, pred_few)) {
		warn_open(&w);
		fputs("Fewer than 3 successful repetitions: the confidence "
		      "intervals are wide or missing (run with "
		      "<code>-r 5</code> or more).",
		      f);
		cell_list(s, f, pred_few, "cell(s) with n < 3");
		fputs("</li>\n", f);
	}
	if (count(s, pred_failed)) {
		warn_open(&w);
		fputs("Failed repetitions were left out of the statistics.", f);
		cell_list(s, f, pred_failed, "cell(s) with failed repetitions");
		fputs("</li>\n", f);
	}
	if (count(s, pred_outlier)) {
		warn_open(&w);
		fputs("Outliers (modified z-score over 3.5) are kept in the "
		      "figures but flagged.",
		      f);
		cell_list(s, f, pred_outlier, "cell(s) with outliers");
		fputs("</li>\n", f);
	}
	if (w.n)
		fputs("</ul></div>\n", f);
	else
		fputs("<p class=\"muted\">No warnings.</p>\n", f);
}

static void workload_table(const struct vp_summary *s, FILE *f, size_t w)
{
	const char *m = vp_report_tp_metric(s, w);
	char a[48], b[48], c2[48];
	fputs("<h3>", f);
	esc(f, s->workloads[w]);
	fputs("</h3>\n", f);
	if (m) {
		fputs("<table><tr><th>target</th><th>threads</th><th>n</th>"
		      "<th>mean</th><th>95% CI of mean</th><th>median</th>"
		      "<th>CI of median (coverage)</th><th>CV</th>"
		      "<th>ratio to baseline [95% CI]</th><th>scaling "
		      "efficiency</th></tr>\n",
		      f);
		for (size_t i = 0; i < s->ncells; i++) {
			const struct vp_cell *c = &s->cells[i];
			if (c->workload != w ||
			    strcmp(s->metrics[c->metric], m))
				continue;
			const struct vp_desc *d = &c->d;
			fputs("<tr><td><span style=\"color:", f);
			fputs(vp_report_color(s, c->target), f);
			fputs("\">&#9632;</span> ", f);
			esc(f, s->targets[c->target].label);
			fprintf(f, "</td><td class=\"n\">%d</td>", c->threads);
			fprintf(f, "<td class=\"n\">%zu", d->n);
			if (d->n < MIN_REPS)
				fputs("<span class=\"tag\">n&lt;3</span>", f);
			fputs("</td>", f);
			if (!d->n) {
				fputs("<td colspan=\"7\" class=\"unav\">", f);
				fputs(c->n_failed ? "failed: "
						  : "unavailable: ",
				      f);
				esc(f, c->reason);
				fputs("</td></tr>\n", f);
				continue;
			}
			fmt_val(d->mean, c->unit, a, sizeof(a));
			fprintf(f, "<td class=\"n\">%s ", a);
			esc(f, c->unit);
			fputs("</td>", f);
			fmt_val(d->ci_lo, c->unit, a, sizeof(a));
			fmt_val(d->ci_hi, c->unit, b, sizeof(b));
			fprintf(f, "<td class=\"n\">%s – %s</td>", a, b);
			fmt_val(d->median, c->unit, a, sizeof(a));
			fprintf(f, "<td class=\"n\">%s</td>", a);
			fmt_val(d->med_lo, c->unit, a, sizeof(a));
			fmt_val(d->med_hi, c->unit, b, sizeof(b));
			fprintf(f, "<td class=\"n\">%s – %s (%.0f%%)</td>", a,
				b, 100 * d->med_level);
			if (d->n >= 2)
				fprintf(f, "<td class=\"n\">%.1f%%%s</td>",
					100 * d->cv,
					d->cv > NOISY_CV
					    ? "<span class=\"tag\">noisy</span>"
					    : "");
			else
				fputs("<td class=\"n\">–</td>", f);
			if (!isnan(c->ratio)) {
				snprintf(c2, sizeof(c2), "%.3f", c->ratio);
				if (!isnan(c->ratio_lo))
					fprintf(f,
						"<td class=\"n\">%s [%.3f–%.3f]"
						"</td>",
						c2, c->ratio_lo, c->ratio_hi);
				else
					fprintf(f, "<td class=\"n\">%s</td>",
						c2);
			} else {
				fputs("<td class=\"muted\">–</td>", f);
			}
			if (!isnan(c->eff))
				fprintf(f,
					"<td class=\"n\">%.0f%% [%.0f–%.0f%%]"
					"</td>",
					100 * c->eff, 100 * c->eff_lo,
					100 * c->eff_hi);
			else
				fputs("<td class=\"muted\">–</td>", f);
			fputs("</tr>\n", f);
		}
		fputs("</table>\n", f);
	}
	/* Everything else, folded away. */
	fputs("<details><summary>all metrics of ", f);
	esc(f, s->workloads[w]);
	fputs("</summary><table><tr><th>target</th><th>threads</th>"
	      "<th>metric</th><th>n</th><th>mean</th><th>95% CI</th>"
	      "<th>median</th><th>CV</th><th>ratio</th><th>status</th>"
	      "</tr>\n",
	      f);
	for (size_t i = 0; i < s->ncells; i++) {
		const struct vp_cell *c = &s->cells[i];
		if (c->workload != w || c->bucket)
			continue;
		fputs("<tr><td>", f);
		esc(f, s->targets[c->target].label);
		fprintf(f, "</td><td class=\"n\">%d</td><td>", c->threads);
		esc(f, s->metrics[c->metric]);
		fprintf(f, "</td><td class=\"n\">%zu</td>", c->d.n);
		if (c->d.n) {
			fmt_val(c->d.mean, c->unit, a, sizeof(a));
			fprintf(f, "<td class=\"n\">%s ", a);
			esc(f, c->unit);
			fmt_val(c->d.ci_lo, c->unit, a, sizeof(a));
			fmt_val(c->d.ci_hi, c->unit, b, sizeof(b));
			fprintf(f, "</td><td class=\"n\">%s – %s</td>", a, b);
			fmt_val(c->d.median, c->unit, a, sizeof(a));
			fprintf(f, "<td class=\"n\">%s</td>", a);
			if (c->d.n >= 2 && !isnan(c->d.cv))
				fprintf(f, "<td class=\"n\">%.1f%%</td>",
					100 * c->d.cv);
			else
				fputs("<td>–</td>", f);
			if (!isnan(c->ratio))
				fprintf(f, "<td class=\"n\">%.3f</td>",
					c->ratio);
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
			esc(f, c->reason);
			fputs("</span>", f);
		} else {
			fputs("ok", f);
		}
		fputs("</td></tr>\n", f);
	}
	fputs("</table></details>\n", f);
}

static void unavailable(const struct vp_summary *s, FILE *f)
{
	fputs("<h2 id=\"unavailable\">Unavailable metrics and counters</h2>\n",
	      f);
	size_t n = 0;
	for (size_t i = 0; i < s->ncells; i++) {
		const struct vp_cell *c = &s->cells[i];
		if (c->d.n || !c->reason)
			continue;
		/* One line per target x metric x reason. */
		bool seen = false;
		for (size_t j = 0; j < i && !seen; j++) {
			const struct vp_cell *o = &s->cells[j];
			seen = !o->d.n && o->reason && o->target == c->target &&
			       o->metric == c->metric &&
			       !strcmp(o->reason, c->reason);
		}
		if (seen)
			continue;
		if (!n++)
			fputs("<p class=\"sub\">Never averaged as zero: these "
			      "figures were not measured, for the reason "
			      "given.</p><table><tr><th>target</th>"
			      "<th>metric</th><th>status</th><th>reason</th>"
			      "</tr>\n",
			      f);
		fputs("<tr><td>", f);
		esc(f, s->targets[c->target].label);
		fputs("</td><td>", f);
		esc(f, s->metrics[c->metric]);
		fprintf(f, "</td><td>%s</td><td class=\"unav\">",
			c->n_failed ? "failed" : "unavailable");
		esc(f, c->reason);
		fputs("</td></tr>\n", f);
	}
	if (n)
		fputs("</table>\n", f);
	else
		fputs("<p class=\"muted\">Every metric was measured.</p>\n", f);
}

static const char *const env_order[] = {"hypervisor",
					"accel",
					"accel_note",
					"qemu_version",
					"cpu_model",
					"cpus_online",
					"vcpus",
					"vcpu_pinning",
					"overcommit",
					"overcommit_ratio",
					"runnable_per_core",
					"host_load",
					"thread_pinning",
					"packages",
					"cores",
					"pus",
					"numa_nodes",
					"topology",
					"caches",
					"kernel",
					"guest_kernel",
					"clocksource",
					"tsc_ghz",
					"boot_s",
					"counters_requested"};
#define NENV_ORDER (sizeof(env_order) / sizeof(env_order[0]))

static int key_rank(const char *k)
{
	for (size_t i = 0; i < NENV_ORDER; i++)
		if (!strcmp(k, env_order[i]))
			return (int)i;
	return strncmp(k, "counter.", 8) ? 2000 : 1000;
}

static int cmp_keys(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = key_rank(x), ry = key_rank(y);
	if (rx != ry)
		return rx - ry;
	return strcmp(x, y);
}

static void environment(const struct vp_summary *s, FILE *f)
{
	fputs("<h2 id=\"environment\">Environment of each target</h2>\n", f);
	size_t nk = 0, cap = 0;
	for (size_t r = 0; r < s->nruns; r++)
		cap += s->runs[r].nenv;
	const char **keys = calloc(cap + 1, sizeof(*keys));
	if (!keys)
		return;
	for (size_t r = 0; r < s->nruns; r++)
		for (size_t i = 0; i < s->runs[r].nenv; i++) {
			const char *k = s->runs[r].env[i].key;
			size_t j = 0;
			while (j < nk && strcmp(keys[j], k))
				j++;
			if (j == nk)
				keys[nk++] = k;
		}
	qsort(keys, nk, sizeof(*keys), cmp_keys);
	fputs("<table class=\"env\"><tr><th>key</th>", f);
	for (size_t t = 0; t < s->ntargets; t++) {
		fputs("<th>", f);
		esc(f, s->targets[t].label);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	static const char *const from_rows[] = {
	    "target kind", "accel (results)", "hypervisor (results)",
	    "vCPUs seen", "host CPUs"};
	for (size_t k = 0; k < 5; k++) {
		fprintf(f, "<tr><th>%s</th>", from_rows[k]);
		for (size_t t = 0; t < s->ntargets; t++) {
			const struct vp_target_ref *tr = &s->targets[t];
			fputs("<td>", f);
			if (k == 0)
				esc(f, tr->kind);
			else if (k == 1)
				esc(f, tr->accel);
			else if (k == 2)
				esc(f, tr->hypervisor);
			else
				fprintf(f, "%d",
					k == 3 ? tr->vcpus : tr->host_cpus);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	for (size_t k = 0; k < nk; k++) {
		fputs("<tr><th>", f);
		esc(f, keys[k]);
		fputs("</th>", f);
		for (size_t t = 0; t < s->ntargets; t++) {
			const struct vp_target_ref *tr = &s->targets[t];
			const char *v =
			    vp_run_env(&s->runs[tr->run], tr->name, keys[k]);
			bool bad = v && (!strncmp(v, "unavailable", 11) ||
					 !strncmp(v, "no ", 3));
			fputs(bad ? "<td class=\"unav\">" : "<td>", f);
			if (v)
				esc(f, v);
			else
				fputs("<span class=\"muted\">–</span>", f);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	free(keys);
}

static void spin_table(const struct vp_summary *s, FILE *f)
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
		esc(f, s->workloads[c->workload]);
		fputs("</td><td>", f);
		esc(f, s->targets[c->target].label);
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
				fmt_val(o->d.median, o->unit, a, sizeof(a));
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

void vp_html_render(const struct vp_summary *s, FILE *f)
{
	char tbuf[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M UTC", &tm);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width,initial-scale=1\">\n"
	      "<title>vpbench report</title>\n<style>",
	      f);
	fputs(css, f);
	fputs("</style></head><body><main>\n<h1>vpbench report: the cost of "
	      "virtualization for multiprocessor workloads</h1>\n<p "
	      "class=\"sub\">",
	      f);
	for (size_t r = 0; r < s->nruns; r++) {
		fputs(r ? "; run " : "Run ", f);
		esc(f, s->runs[r].label);
		const char *id =
		    s->runs[r].nrows ? s->runs[r].rows[0].run_id : "";
		fputs(" (", f);
		esc(f, id);
		fprintf(f, ", %zu rows)", s->runs[r].nrows);
	}
	fprintf(f, ". Targets: ");
	char buf[256];
	for (size_t t = 0; t < s->ntargets; t++) {
		if (t)
			fputs(", ", f);
		fputs("<b>", f);
		esc(f, s->targets[t].label);
		fputs("</b> (", f);
		esc(f, target_desc(&s->targets[t], buf, sizeof(buf)));
		fputs(")", f);
	}
	fprintf(f, ". Generated %s from the runs' CSV files.</p>\n", tbuf);
	fputs("<p class=\"sub\">Sections: <a href=\"#headline\">headline</a> · "
	      "<a href=\"#warnings\">warnings</a> · <a "
	      "href=\"#scaling\">scaling</a> · <a href=\"#ratio\">ratios</a> "
	      "· <a href=\"#spin\">spin waits</a> · <a href=\"#io\">I/O "
	      "latency</a> · <a href=\"#tables\">tables</a> · <a "
	      "href=\"#unavailable\">unavailable</a> · <a "
	      "href=\"#environment\">environment</a></p>\n",
	      f);
	headline(s, f);
	scaling_headline(s, f);
	warnings(s, f);
	fputs("<h2 id=\"scaling\">Throughput vs threads</h2>\n<p "
	      "class=\"sub\">Mean of the repetitions with its 95% CI; a "
	      "perfectly scaling workload rises linearly with "
	      "threads.</p>\n",
	      f);
	vp_html_scaling_charts(s, f);
	fputs("<h2 id=\"ratio\">Relative to the baseline, per workload and "
	      "vCPU count</h2>\n",
	      f);
	vp_html_ratio_chart(s, f);
	fputs("<h2 id=\"spin\">Spin-wait distributions</h2>\n<p "
	      "class=\"sub\">Time each contended lock acquisition waited, "
	      "log2 buckets on log scales, at each target's highest thread "
	      "count; p50, p99 and max marked (medians over "
	      "repetitions).</p>\n",
	      f);
	vp_html_spin_charts(s, f);
	spin_table(s, f);
	vp_html_why(s, f);
	fputs("<h2 id=\"io\">I/O latency</h2>\n", f);
	vp_html_io_charts(s, f);
	fputs("<h2 id=\"tables\">Figures per workload</h2>\n", f);
	for (size_t w = 0; w < s->nworkloads; w++)
		workload_table(s, f, w);
	unavailable(s, f);
	environment(s, f);
	fputs("<footer><p>Method: only rows with status ok enter the "
	      "statistics. Mean with a 95% Student t interval; median with "
	      "an order-statistic interval (its exact coverage in "
	      "brackets, below 95% when there are fewer than 6 "
	      "repetitions); CV = standard deviation / mean; outliers by "
	      "modified z-score (MAD) over 3.5. Ratio = mean of the target / "
	      "mean of its baseline at the same thread count, 95% interval "
	      "by the delta method on the log ratio with Welch-Satterthwaite "
	      "degrees of freedom; a class ratio is the geometric mean over "
	      "its workloads. Scaling efficiency = throughput at N threads / "
	      "(N x throughput at 1 thread). The same figures are in "
	      "summary.csv.</p><p>Generated by vpbench " VP_VERSION
	      ".</p></footer>\n</main></body></html>\n",
	      f);
}

int vp_html_write(const struct vp_summary *s, const char *path, char *err,
		  size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		int rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		return rc;
	}
	vp_html_render(s, f);
	int rc = ferror(f) ? -EIO : 0;
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc)
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(-rc));
	return rc;
}
