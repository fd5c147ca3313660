/* The history check's writers (see check.h): terminal text, Markdown (a CI
 * job summary; every string from the database as a code span) and JUnit
 * XML (every string XML-escaped), all printing what vp_history_check
 * decided. A verdict per change point: REGRESSION (worse, significant
 * after the correction and beyond the threshold), improvement (the same
 * in the better direction), worse / change (below the threshold or not
 * significant after the correction). */
#include <errno.h>
#include <math.h>
#include <stdbool.h>

#include "reports/history/check.h"
#include "reports/html_escape.h"
#include "reports/md_escape.h"
#include "reports/stats.h"

static const char *verdict(const struct vp_series_set *set,
			   const struct vp_hcheck_result *r,
			   const struct vp_hcheck_cp *c)
{
	if (c->regression)
		return "REGRESSION";
	if (c->worse)
		return "worse";
	bool sig = c->p_adj <= r->opts.alpha &&
		   fabs(c->shift_pct) >= r->opts.threshold_pct &&
		   c->before != c->after;
	return sig && set->s[c->series].better ? "improvement" : "change";
}

static void method(const struct vp_hcheck_result *r, char *buf, size_t len)
{
	const struct vp_hcheck_opts *o = &r->opts;
	snprintf(buf, len,
		 "E-divisive means on per-run medians (alpha %g, segments of "
		 ">= %u runs, %u permutations, up to %u for would-be "
		 "regressions, seed %lu); %s correction over %zu tests; "
		 "threshold %g%%; the newest runs: the last %u",
		 o->alpha, o->min_size, o->permutations, o->max_permutations,
		 o->seed, o->correction, r->n_family, o->threshold_pct,
		 o->newest_runs);
}

static void summary(const struct vp_hcheck_result *r, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%zu of %zu series tested, %zu change point%s, %zu "
		 "regression%s, %zu at the newest runs",
		 r->n_series_tested, r->n_series, r->n_cp,
		 r->n_cp == 1 ? "" : "s", r->n_regressions,
		 r->n_regressions == 1 ? "" : "s", r->n_newest_regressions);
}

static void pct(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "n/a");
	else
		snprintf(buf, len, "%+.1f%%", v);
}

/* The figures of a change point as text, shared by every writer. */
struct cells {
	char shift[32], ci[64], before[32], after[32], p[48], padj[32];
};

static void cells(const struct vp_hcheck_cp *c, struct cells *x)
{
	char lo[32], hi[32];
	pct(c->shift_pct, x->shift, sizeof(x->shift));
	pct(c->ci_lo_pct, lo, sizeof(lo));
	pct(c->ci_hi_pct, hi, sizeof(hi));
	snprintf(x->ci, sizeof(x->ci), "[%s, %s]", lo, hi);
	snprintf(x->before, sizeof(x->before), "%.6g", c->before);
	snprintf(x->after, sizeof(x->after), "%.6g", c->after);
	snprintf(x->p, sizeof(x->p), "%.2g (%u shuffles)", c->p_value,
		 c->perms);
	snprintf(x->padj, sizeof(x->padj), "%.2g", c->p_adj);
}

/* Terminal text: control bytes of database strings as spaces. */
static void plain(FILE *f, const char *s)
{
	for (; s && *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? ' ' : *s, f);
}

static int done(FILE *f)
{
	return ferror(f) ? -EIO : 0;
}

int vp_hcheck_write_text(FILE *f, const struct vp_series_set *set,
			 const struct vp_hcheck_result *r)
{
	char line[512];
	summary(r, line, sizeof(line));
	fprintf(f, "history check: %s\n", line);
	for (size_t i = 0; i < r->n_cp; i++) {
		const struct vp_hcheck_cp *c = &r->cp[i];
		const struct vp_series *s = &set->s[c->series];
		const struct vp_series_point *at = &s->pts[c->at],
					     *pv = &s->pts[c->prev];
		struct cells x;
		cells(c, &x);
		fprintf(f, "%-11s ", verdict(set, r, c));
		plain(f, s->key);
		fputs("\n    from run ", f);
		plain(f, at->run_id);
		fputs(" (", f);
		plain(f, at->started_utc[0] ? at->started_utc : "date unknown");
		fputs(", build ", f);
		plain(f, at->build[0] ? at->build : "unknown");
		fputs("), after run ", f);
		plain(f, pv->run_id);
		fprintf(f, ": %s %s, median %s -> %s, p %s, p_adj %s%s\n",
			x.shift, x.ci, x.before, x.after, x.p, x.padj,
			c->at_newest ? ", at the newest runs" : "");
	}
	method(r, line, sizeof(line));
	fprintf(f, "method: %s\n", line);
	return done(f);
}

int vp_hcheck_write_markdown(FILE *f, const struct vp_series_set *set,
			     const struct vp_hcheck_result *r)
{
	char line[512];
	fprintf(f, "## vpbench history check: %s\n\n",
		r->n_newest_regressions ? "regression at the newest runs"
		: r->n_regressions	? "no new regression (older ones "
					  "listed)"
					: "no regression");
	summary(r, line, sizeof(line));
	fprintf(f, "**%s**\n\n", line);
	method(r, line, sizeof(line));
	fprintf(f,
		"Method: %s. A change point is a regression when it is in "
		"the metric's worse direction, its adjusted p-value is at "
		"most alpha and the shift (median after / median before - "
		"1, 95%% bootstrap interval) is at least the threshold.\n\n",
		line);
	if (!r->n_cp)
		return done(f);
	fputs("| verdict | series | from run | started | build | after run | "
	      "shift | 95% CI | p | p adjusted | newest |\n"
	      "|---|---|---|---|---|---|--:|---|--:|--:|---|\n",
	      f);
	for (size_t i = 0; i < r->n_cp; i++) {
		const struct vp_hcheck_cp *c = &r->cp[i];
		const struct vp_series *s = &set->s[c->series];
		const struct vp_series_point *at = &s->pts[c->at];
		struct cells x;
		cells(c, &x);
		fprintf(f, "| %s | ", verdict(set, r, c));
		vp_md_code(f, s->key, true);
		fputs(" | ", f);
		vp_md_code(f, at->run_id, true);
		fputs(" | ", f);
		vp_md_code(f, at->started_utc, true);
		fputs(" | ", f);
		vp_md_code(f, at->build, true);
		fputs(" | ", f);
		vp_md_code(f, s->pts[c->prev].run_id, true);
		fprintf(f, " | %s | %s | %s | %s | %s |\n", x.shift, x.ci, x.p,
			x.padj, c->at_newest ? "yes" : "");
	}
	return done(f);
}

static void junit_case(FILE *f, const struct vp_series_set *set,
		       const struct vp_hcheck_result *r, size_t i)
{
	const struct vp_series *s = &set->s[i];
	fputs("<testcase classname=\"vpbench.history.", f);
	vp_html_escape(f, s->target);
	fputs(".", f);
	vp_html_escape(f, s->workload);
	fputs("\" name=\"", f);
	vp_html_escape(f, s->key);
	fputs("\" time=\"0\">", f);
	bool failed = false;
	for (size_t k = 0; k < r->n_cp; k++) {
		const struct vp_hcheck_cp *c = &r->cp[k];
		if (c->series != i || !c->regression || !c->at_newest)
			continue;
		struct cells x;
		cells(c, &x);
		fputs("<failure type=\"regression\" message=\"change point at "
		      "run ",
		      f);
		vp_html_escape(f, s->pts[c->at].run_id);
		fprintf(f, ": %s %s\">from run ", x.shift, x.ci);
		vp_html_escape(f, s->pts[c->at].run_id);
		fputs(" (build ", f);
		vp_html_escape(f, s->pts[c->at].build);
		fputs("), after run ", f);
		vp_html_escape(f, s->pts[c->prev].run_id);
		fprintf(f,
			": median %s -&gt; %s, p %s, p_adj %s (%s)</failure>",
			x.before, x.after, x.p, x.padj, r->opts.correction);
		failed = true;
		break;
	}
	if (!failed) {
		fputs("<system-out>", f);
		size_t n = 0;
		for (size_t k = 0; k < r->n_cp; k++) {
			const struct vp_hcheck_cp *c = &r->cp[k];
			if (c->series != i)
				continue;
			struct cells x;
			cells(c, &x);
			fprintf(f, "%s%s at run ", n++ ? "; " : "",
				verdict(set, r, c));
			vp_html_escape(f, s->pts[c->at].run_id);
			fprintf(f, ": %s %s, p_adj %s", x.shift, x.ci, x.padj);
		}
		if (!n)
			fputs("no change point", f);
		fputs("</system-out>", f);
	}
	fputs("</testcase>\n", f);
}

int vp_hcheck_write_junit(FILE *f, const struct vp_series_set *set,
			  const struct vp_hcheck_result *r)
{
	size_t failing = 0;
	for (size_t i = 0; i < r->n_series; i++) {
		bool fail = false;
		for (size_t k = 0; k < r->n_cp; k++)
			fail |= r->cp[k].series == i && r->cp[k].regression &&
				r->cp[k].at_newest;
		failing += fail;
	}
	char line[512];
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"vpbench history check\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"0\" skipped=\"0\">\n"
		"<testsuite name=\"vpbench history check\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"0\" skipped=\"0\">\n<properties>\n",
		r->n_series_tested, failing, r->n_series_tested, failing);
	fprintf(f,
		"<property name=\"alpha\" value=\"%g\"/>\n"
		"<property name=\"min_size\" value=\"%u\"/>\n"
		"<property name=\"permutations\" value=\"%u\"/>\n"
		"<property name=\"max_permutations\" value=\"%u\"/>\n"
		"<property name=\"seed\" value=\"%lu\"/>\n"
		"<property name=\"threshold\" value=\"%g%%\"/>\n"
		"<property name=\"correction\" value=\"",
		r->opts.alpha, r->opts.min_size, r->opts.permutations,
		r->opts.max_permutations, r->opts.seed, r->opts.threshold_pct);
	vp_html_escape(f, r->opts.correction);
	fprintf(f,
		"\"/>\n<property name=\"tests_in_correction\" value=\"%zu\"/>\n"
		"<property name=\"newest_runs\" value=\"%u\"/>\n"
		"</properties>\n",
		r->n_family, r->opts.newest_runs);
	for (size_t i = 0; i < r->n_series; i++)
		if (r->tested[i])
			junit_case(f, set, r, i);
	method(r, line, sizeof(line));
	fputs("<system-out>method: ", f);
	vp_html_escape(f, line);
	fputs("</system-out>\n</testsuite>\n</testsuites>\n", f);
	return done(f);
}
