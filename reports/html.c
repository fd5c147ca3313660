/* The HTML report document (see html.h): title, run line, sections in
 * reading order and the method footer. The sections live in html_*.c and
 * print what reports/verdicts.c decided; every string that comes from a
 * CSV file goes through vp_html_escape. */
#include "reports/html.h"

#include <errno.h>
#include <string.h>
#include <time.h>

#include "reports/html_charts.h"
#include "reports/html_escape.h"
#include "reports/html_internal.h"
#include "reports/html_trend.h"
#include "reports/html_why.h"
#include "reports/out_atomic.h"
#include "reports/svg.h"

void vp_h_val(double v, const char *unit, char *buf, size_t len)
{
	vp_fmt_value(v, unit, "–", buf, len);
}

const char *vp_h_target_desc(const struct vp_target_ref *t, char *buf,
			     size_t len)
{
	snprintf(buf, len, "%d vCPU%s, %s, %s", t->vcpus,
		 t->vcpus == 1 ? "" : "s", t->accel, t->hypervisor);
	return buf;
}

void vp_h_target(FILE *f, const struct vp_summary *s, size_t t)
{
	fprintf(f, "<span style=\"color:%s\">&#9632;</span> ",
		vp_report_color(s, t));
	vp_html_escape(f, s->targets[t].label);
}

static void title(const struct vp_summary *s, FILE *f)
{
	char tbuf[64], buf[256];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%d %H:%M UTC", &tm);
	fputs("<!DOCTYPE html>\n<html lang=\"en\"><head><meta "
	      "charset=\"utf-8\">\n<meta name=\"viewport\" "
	      "content=\"width=device-width,initial-scale=1\">\n"
	      "<title>vpbench report</title>\n<style>",
	      f);
	fputs(vp_html_css, f);
	fputs("</style></head><body><main>\n<h1>vpbench report: the cost of "
	      "virtualization for multiprocessor workloads</h1>\n<p "
	      "class=\"sub\">",
	      f);
	for (size_t r = 0; r < s->nruns; r++) {
		fputs(r ? "; run " : "Run ", f);
		vp_html_escape(f, s->runs[r].label);
		fputs(" (", f);
		vp_html_escape(f, s->runs[r].nrows ? s->runs[r].rows[0].run_id
						   : "");
		fprintf(f, ", %zu rows)", s->runs[r].nrows);
	}
	fputs(". Targets: ", f);
	for (size_t t = 0; t < s->ntargets; t++) {
		fputs(t ? ", <b>" : "<b>", f);
		vp_html_escape(f, s->targets[t].label);
		fputs("</b> (", f);
		vp_html_escape(
		    f, vp_h_target_desc(&s->targets[t], buf, sizeof(buf)));
		fputs(")", f);
	}
	fprintf(f, ". Generated %s from the runs' CSV files.</p>\n", tbuf);
	fputs(
	    "<p class=\"sub\">Sections: <a href=\"#headline\">headline</a> · "
	    "<a href=\"#warnings\">warnings</a> · <a "
	    "href=\"#scaling\">scaling</a> · <a href=\"#ratio\">ratios</a> "
	    "· <a href=\"#spin\">spin waits</a> · <a href=\"#io\">I/O "
	    "latency</a> · <a href=\"#latency\">latency distributions</a> · <a "
	    "href=\"#tables\">tables</a> · <a "
	    "href=\"#unavailable\">unavailable</a> · <a "
	    "href=\"#environment\">environment</a></p>\n",
	    f);
}

static void charts(const struct vp_summary *s, const struct vp_verdicts *v,
		   FILE *f)
{
	fputs("<h2 id=\"scaling\">Throughput vs threads</h2>\n<p "
	      "class=\"sub\">Mean of the repetitions with its 95% CI; a "
	      "perfectly scaling workload rises linearly with "
	      "threads.</p>\n",
	      f);
	vp_html_scaling_charts(s, v, f);
	fputs("<h2 id=\"ratio\">Relative to the baseline, per workload and "
	      "vCPU count</h2>\n<p class=\"sub\">Log scale: a target half as "
	      "fast and one twice as fast are equally far from 1. ▲/▼: the "
	      "95% CI lies above/below 1.</p>\n",
	      f);
	vp_html_ratio_chart(s, v, f);
	fputs("<h2 id=\"spin\">Spin-wait distributions</h2>\n<p "
	      "class=\"sub\">Time each contended lock acquisition waited, "
	      "all repetitions' log-linear buckets added, on log scales, at "
	      "each target's highest thread count; p50, p99, p99.9 and max "
	      "marked, the percentile ladder of every thread count "
	      "below.</p>\n",
	      f);
	vp_html_spin_charts(s, f);
	vp_html_spin_table(s, f);
	vp_html_why(s, f);
	fputs("<h2 id=\"io\">I/O latency</h2>\n", f);
	vp_html_io_charts(s, f);
	fputs("<h2 id=\"latency\">Latency distributions</h2>\n<p "
	      "class=\"sub\">Time per kernel call (lock.kernel, "
	      "mem.shootdown), per wake-up (sched.wake) and per I/O (io.*), "
	      "all repetitions' log-linear buckets added, on log scales, at "
	      "each target's highest thread count; p50, p99, p99.9 and max "
	      "marked, the percentile ladder of every thread count "
	      "below.</p>\n",
	      f);
	vp_html_latency_charts(s, f);
}

static const char footer[] =
    "<footer><p>Method: only rows with status ok enter the statistics. Mean "
    "with a 95% Student t interval; median with an order-statistic "
    "interval (its exact coverage in brackets, below 95% when there are "
    "fewer than 6 repetitions); CV = standard deviation / mean; outliers "
    "by modified z-score (MAD) over 3.5. Ratio = mean of the target / mean "
    "of its baseline at the same thread count, 95% interval by the delta "
    "method on the log ratio with Welch-Satterthwaite degrees of freedom; "
    "a class ratio is the geometric mean over its workloads, leaving out "
    "cells whose baseline is degenerate (more threads than the baseline's "
    "CPUs, baseline CV over 20%, or a ratio CI wider than a factor of 4). "
    "Scaling efficiency = throughput at N threads / (N x throughput at 1 "
    "thread). The same figures are in summary.csv.</p><p>Generated by "
    "vpbench " VP_VERSION ".</p></footer>\n</main></body></html>\n";

void vp_html_render(const struct vp_summary *s, const struct vp_verdicts *v,
		    FILE *f)
{
	vp_html_render_with(s, v, NULL, f);
}

void vp_html_render_with(const struct vp_summary *s,
			 const struct vp_verdicts *v,
			 const struct vp_html_history *h, FILE *f)
{
	title(s, f);
	vp_html_headline(s, v, f);
	vp_html_scaling_table(s, v, f);
	vp_html_findings(s, v, f);
	charts(s, v, f);
	if (h)
		vp_html_trends(h, f);
	fputs("<h2 id=\"tables\">Figures per workload</h2>\n", f);
	for (size_t w = 0; w < s->nworkloads; w++)
		vp_html_workload_table(s, v, w, f);
	vp_html_unavailable(s, f);
	vp_html_environment(s, f);
	fputs(footer, f);
}

int vp_html_write(const struct vp_summary *s, const struct vp_verdicts *v,
		  const char *path, char *err, size_t errlen)
{
	return vp_html_write_with(s, v, NULL, path, err, errlen);
}

struct html_ctx {
	const struct vp_summary *s;
	const struct vp_verdicts *v;
	const struct vp_html_history *h;
};

static void fill_html(const void *ctx, FILE *f)
{
	const struct html_ctx *c = ctx;
	vp_html_render_with(c->s, c->v, c->h, f);
}

int vp_html_write_with(const struct vp_summary *s, const struct vp_verdicts *v,
		       const struct vp_html_history *h, const char *path,
		       char *err, size_t errlen)
{
	struct html_ctx c = {s, v, h};
	return vp_atomic_write(path, VP_OUT_NAMED, fill_html, &c, err, errlen);
}
