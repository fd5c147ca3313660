/* Chart sections of the HTML report (see html_charts.h). Every chart is
 * drawn from summary cells and the verdicts' choices (throughput metric,
 * compared thread count); CIs are the 95% intervals of the mean. Ratios
 * and latencies, which span decades, are on log axes. */
#include "reports/html_charts.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/hist_pool.h"
#include "reports/html_escape.h"
#include "reports/metric_info.h"
#include "reports/svg.h"

const char *vp_report_color(const struct vp_summary *s, size_t t)
{
	return vp_palette(t);
}

/* Sorted distinct thread counts of workload w. */
static size_t thread_list(const struct vp_summary *s, size_t w, int *out,
			  size_t max)
{
	size_t n = 0, first, end;
	for (size_t t = 0; t < s->ntargets; t++) {
		vp_summary_range(s, t, w, &first, &end);
		for (size_t i = first; i < end; i++) {
			const struct vp_cell *c = &s->cells[i];
			size_t k = 0;
			while (k < n && out[k] != c->threads)
				k++;
			if (k < n || n == max)
				continue;
			size_t pos = n++;
			while (pos > 0 && out[pos - 1] > c->threads) {
				out[pos] = out[pos - 1];
				pos--;
			}
			out[pos] = c->threads;
		}
	}
	return n;
}

static enum vp_axis_fmt unit_fmt(const char *unit)
{
	if (!strcmp(unit, "ns"))
		return VP_AXIS_NS;
	if (!strcmp(unit, "us"))
		return VP_AXIS_US;
	return VP_AXIS_NUM;
}

void vp_html_scaling_charts(const struct vp_summary *s,
			    const struct vp_verdicts *v, FILE *f)
{
	int th[64];
	fputs("<div class=\"grid2\">\n", f);
	for (size_t w = 0; w < s->nworkloads; w++) {
		const char *m = v->tp_metric[w];
		if (!m)
			continue;
		size_t nt = thread_list(s, w, th, 64);
		struct vp_series *ser = calloc(s->ntargets, sizeof(*ser));
		double *buf = calloc(s->ntargets * nt * 4 + 1, sizeof(*buf));
		if (!ser || !buf) {
			free(ser);
			free(buf);
			break;
		}
		size_t ns = 0;
		const char *unit = "";
		for (size_t t = 0; t < s->ntargets; t++) {
			double *x = buf + (t * 4) * nt, *y = x + nt,
			       *lo = y + nt, *hi = lo + nt;
			bool any = false;
			for (size_t k = 0; k < nt; k++) {
				x[k] = th[k];
				y[k] = lo[k] = hi[k] = NAN;
				long i = vp_summary_find(s, t, s->workloads[w],
							 th[k], m);
				if (i < 0 || !s->cells[i].d.n)
					continue;
				const struct vp_cell *c = &s->cells[i];
				y[k] = c->d.mean;
				lo[k] = c->d.ci_lo;
				hi[k] = c->d.ci_hi;
				unit = c->unit;
				any = true;
			}
			if (any)
				ser[ns++] =
				    (struct vp_series){s->targets[t].label,
						       vp_report_color(s, t),
						       nt,
						       x,
						       y,
						       lo,
						       hi};
		}
		char title[256], ylab[96];
		snprintf(title, sizeof(title), "%s: %s vs threads",
			 s->workloads[w], m);
		snprintf(ylab, sizeof(ylab), "%s (%s), mean ± 95%% CI", m,
			 unit);
		struct vp_chart c =
		    vp_chart_defaults(title, "threads", ylab, 570, 330);
		c.xfmt = VP_AXIS_INT;
		fputs("<figure>", f);
		vp_svg_lines(f, &c, ser, ns);
		fputs("</figure>\n", f);
		free(ser);
		free(buf);
	}
	fputs("</div>\n", f);
}

void vp_html_ratio_chart(const struct vp_summary *s,
			 const struct vp_verdicts *v, FILE *f)
{
	const struct vp_headline *h = &v->head;
	size_t nw = 0, ns = 0;
	const char **cats = calloc(s->nworkloads + 1, sizeof(*cats));
	size_t *wl = calloc(s->nworkloads + 1, sizeof(*wl));
	struct vp_series *ser = calloc(h->ntargets + 1, sizeof(*ser));
	double *buf =
	    calloc((h->ntargets + 1) * (s->nworkloads + 1) * 3, sizeof(*buf));
	char(*names)[160] = calloc(h->ntargets + 1, sizeof(*names));
	if (!cats || !wl || !ser || !buf || !names)
		goto out;
	for (size_t w = 0; w < s->nworkloads; w++)
		if (v->tp_metric[w]) {
			wl[nw] = w;
			cats[nw++] = s->workloads[w];
		}
	for (size_t k = 0; k < h->ntargets; k++) {
		const struct vp_target_ref *tr = &s->targets[h->targets[k]];
		double *y = buf + k * nw * 3, *lo = y + nw, *hi = lo + nw;
		bool any = false;
		for (size_t j = 0; j < nw; j++) {
			const struct vp_hl_cell *c = vp_hl_cell_at(v, k, wl[j]);
			y[j] = lo[j] = hi[j] = NAN;
			if (!c || c->cell < 0)
				continue;
			y[j] = s->cells[c->cell].ratio;
			lo[j] = s->cells[c->cell].ratio_lo;
			hi[j] = s->cells[c->cell].ratio_hi;
			any = true;
		}
		if (!any)
			continue;
		snprintf(names[k], sizeof(names[k]), "%s (%d vCPU, %s) / %s",
			 tr->label, tr->vcpus, tr->accel,
			 s->targets[tr->baseline].label);
		ser[ns++] = (struct vp_series){
		    names[k], vp_report_color(s, h->targets[k]),
		    nw,	      NULL,
		    y,	      lo,
		    hi};
	}
	if (!ns || !nw) {
		fputs("<p class=\"muted\">No target has a baseline to compare "
		      "with.</p>\n",
		      f);
		goto out;
	}
	struct vp_chart c = vp_chart_defaults(
	    "Throughput relative to the baseline (threads = vCPUs), log scale",
	    "ratio of mean throughput (1 = same as the baseline), 95% CI; "
	    "▲/▼ CI above/below 1",
	    NULL, 1150, 0);
	c.ref = 1.0;
	c.ref_label = "baseline = 1";
	c.yfmt = VP_AXIS_RATIO;
	c.xlog = true;
	c.mark_ref = true;
	fputs("<figure>", f);
	vp_svg_bars(f, &c, cats, nw, ser, ns);
	fputs("</figure>\n", f);
out:
	free(cats);
	free(wl);
	free(ser);
	free(buf);
	free(names);
}

/* A latency family and how to draw it: its pooled buckets (hist_pool.h,
 * the reps' counts summed), the percentiles and max marked on the chart. */
struct hist_family {
	const char *family; /* spin_wait, call, wake, lat */
	const char *xlabel;
};

static const struct hist_family spin_family = {
    "spin_wait", "wait time per contended acquisition"};

/* Drawn in the latency section: lock.kernel and mem.shootdown time each
 * call, sched.wake each wake-up, io.* each I/O. */
static const struct hist_family latency_families[] = {
    {"call", "time per call"},
    {"wake", "wake-up latency"},
    {"lat", "I/O completion latency"}};

/* Largest thread count with a pool of fam for target t, workload w; the
 * bucket range (ns) over all targets into *xmin, *xmax. */
static int hist_threads(const struct vp_summary *s, size_t t, size_t w,
			const struct hist_family *fam, double *xmin,
			double *xmax)
{
	int best = -1;
	for (size_t i = 0; i < s->npools; i++) {
		const struct vp_pool *p = &s->pools[i];
		if (p->target != t || p->workload != w || !p->nb ||
		    strcmp(p->family, fam->family))
			continue;
		*xmin = fmin(*xmin, fmax(p->b[0].lo, 0.5));
		*xmax = fmax(*xmax, p->b[p->nb - 1].hi + 1);
		if (p->threads > best)
			best = p->threads;
	}
	return best;
}

/* One target's histogram at th threads, from the pooled buckets. */
static void hist_chart(const struct vp_summary *s, size_t t, size_t w, int th,
		       const struct hist_family *fam, double xmin, double xmax,
		       FILE *f)
{
	const struct vp_pool *p = vp_pool_find(s, t, w, th, fam->family);
	if (!p)
		return;
	double *x0 = calloc(3 * p->nb + 1, sizeof(*x0));
	if (!x0)
		return;
	double *x1 = x0 + p->nb, *cnt = x1 + p->nb;
	for (size_t i = 0; i < p->nb; i++) {
		/* Schema 1's (hi / 2, hi] against schema 2's whole
		 * [lo, hi] integers; a log axis has no 0. */
		x0[i] = fmax(p->b[i].lo, 0.5);
		x1[i] = p->pow2 ? p->b[i].hi : p->b[i].hi + 1;
		cnt[i] = p->b[i].count;
	}
	struct vp_marker mk[4] = {{"p50", p->q[0] / p->scale},
				  {"p99", p->q[2] / p->scale},
				  {"p99.9", p->q[3] / p->scale},
				  {"max", p->max / p->scale}};
	char title[256], ylab[96];
	snprintf(title, sizeof(title), "%s, %d threads", s->targets[t].label,
		 th);
	snprintf(ylab, sizeof(ylab), "count per bucket (%zu reps%s)", p->reps,
		 p->pow2 ? ", power-of-two buckets" : "");
	struct vp_chart c =
	    vp_chart_defaults(title, fam->xlabel, ylab, 375, 250);
	c.xfmt = VP_AXIS_NS;
	c.xmin = xmin;
	c.xmax = xmax;
	fputs("<figure>", f);
	vp_svg_histogram(f, &c, x0, x1, cnt, p->nb, vp_report_color(s, t), mk,
			 4);
	fputs("</figure>\n", f);
	free(x0);
}

/* Every workload with buckets of fam: a heading and one chart per target
 * at its highest thread count, on a shared x range. */
static bool hist_charts(const struct vp_summary *s,
			const struct hist_family *fam, FILE *f)
{
	bool any = false;
	int *th = calloc(s->ntargets + 1, sizeof(*th));
	for (size_t w = 0; th && w < s->nworkloads; w++) {
		double xmin = INFINITY, xmax = 0;
		bool wl_any = false;
		for (size_t t = 0; t < s->ntargets; t++) {
			th[t] = hist_threads(s, t, w, fam, &xmin, &xmax);
			wl_any |= th[t] >= 0;
		}
		if (!wl_any)
			continue;
		any = true;
		fprintf(f, "<h3>");
		vp_html_escape(f, s->workloads[w]);
		fprintf(f, ": ");
		vp_html_escape(f, fam->xlabel);
		fprintf(f, "</h3>\n<div class=\"grid3\">\n");
		for (size_t t = 0; t < s->ntargets; t++)
			if (th[t] >= 0)
				hist_chart(s, t, w, th[t], fam, xmin, xmax, f);
		fputs("</div>\n", f);
		vp_html_ladder(s, w, fam->family, f);
	}
	free(th);
	return any;
}

void vp_html_spin_charts(const struct vp_summary *s, FILE *f)
{
	if (!hist_charts(s, &spin_family, f))
		fputs("<p class=\"muted\">No spin-wait buckets in these runs "
		      "(no lock workload with contention).</p>\n",
		      f);
}

void vp_html_latency_charts(const struct vp_summary *s, FILE *f)
{
	bool any = false;
	for (size_t k = 0;
	     k < sizeof(latency_families) / sizeof(latency_families[0]); k++)
		any |= hist_charts(s, &latency_families[k], f);
	if (!any)
		fputs("<p class=\"muted\">No latency buckets in these runs "
		      "(no lock.kernel, mem.shootdown, sched.wake or io.* "
		      "step with timed samples).</p>\n",
		      f);
}

void vp_html_io_charts(const struct vp_summary *s, FILE *f)
{
	enum { NP = 3 };
	static const char *const pct[NP] = {"lat_p50_us", "lat_p99_us",
					    "lat_p999_us"};
	static const char *const names[NP] = {"p50 latency", "p99 latency",
					      "p99.9 latency"};
	static const char *const colors[NP] = {"#56B4E9", "#D55E00", "#7a1f0a"};
	bool any = false;
	int th[64];
	for (size_t w = 0; w < s->nworkloads; w++) {
		size_t nt = thread_list(s, w, th, 64);
		size_t ncat = 0, cap = s->ntargets * nt + 1;
		char(*labels)[192] = calloc(cap, sizeof(*labels));
		const char **cats = calloc(cap, sizeof(*cats));
		double *buf = calloc(cap * 3 * NP, sizeof(*buf));
		if (!labels || !cats || !buf) {
			free(labels);
			free(cats);
			free(buf);
			break;
		}
		double *y[NP], *lo[NP], *hi[NP];
		bool used[NP] = {false};
		for (size_t p = 0; p < NP; p++) {
			y[p] = buf + (3 * p) * cap;
			lo[p] = y[p] + cap;
			hi[p] = lo[p] + cap;
		}
		for (size_t t = 0; t < s->ntargets; t++)
			for (size_t k = 0; k < nt; k++) {
				bool got = false;
				for (size_t p = 0; p < NP; p++) {
					long i = vp_summary_find(
					    s, t, s->workloads[w], th[k],
					    pct[p]);
					y[p][ncat] = lo[p][ncat] = hi[p][ncat] =
					    NAN;
					if (i < 0 || !s->cells[i].d.n)
						continue;
					const struct vp_desc *d =
					    &s->cells[i].d;
					y[p][ncat] = d->mean;
					lo[p][ncat] = d->ci_lo;
					hi[p][ncat] = d->ci_hi;
					got = used[p] = true;
				}
				if (!got)
					continue;
				snprintf(labels[ncat], sizeof(labels[ncat]),
					 "%s, %d thr", s->targets[t].label,
					 th[k]);
				cats[ncat] = labels[ncat];
				ncat++;
			}
		if (ncat) {
			any = true;
			struct vp_series ser[NP];
			size_t ns = 0;
			for (size_t p = 0; p < NP; p++)
				if (used[p])
					ser[ns++] = (struct vp_series){
					    names[p], colors[p], ncat, NULL,
					    y[p],     lo[p],	 hi[p]};
			char title[256];
			snprintf(title, sizeof(title),
				 "%s: I/O latency percentiles per target",
				 s->workloads[w]);
			struct vp_chart c = vp_chart_defaults(
			    title, "latency (mean of reps, 95% CI), log scale",
			    NULL, 1150, 0);
			c.yfmt = unit_fmt("us");
			c.xlog = true;
			fputs("<figure>", f);
			vp_svg_bars(f, &c, cats, ncat, ser, ns);
			fputs("</figure>\n", f);
		}
		free(labels);
		free(cats);
		free(buf);
	}
	if (!any)
		fputs("<p class=\"muted\">No I/O latency percentiles in these "
		      "runs.</p>\n",
		      f);
}
