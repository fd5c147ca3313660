/* Outputs of compare: a plain table on the terminal, Markdown for a CI job
 * summary and JUnit XML (one test case per judged cell) for CI test
 * reports. Strings from the CSV files are escaped for each format. */
#include <errno.h>
#include <math.h>
#include <string.h>

#include "reports/compare.h"
#include "reports/html_escape.h"
#include "reports/svg.h"

static void fmt_num(double v, const char *unit, char *buf, size_t len)
{
	vp_fmt_value(v, unit, "-", buf, len);
}

static void fmt_change(double v, char *buf, size_t len)
{
	if (isnan(v))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%+.1f%%", 100 * v);
}

static void fmt_p(double p, char *buf, size_t len)
{
	if (isnan(p))
		snprintf(buf, len, "-");
	else
		snprintf(buf, len, "%.2g", p);
}

static const char *run_id(const struct vp_run *r)
{
	return r->nrows ? r->rows[0].run_id : "";
}

struct cells {
	char base[32], new[32], change[16], pw[16], pm[16];
};

static void row_cells(const struct vp_cmp_row *r, struct cells *c)
{
	fmt_num(r->a ? r->a->d.mean : NAN, r->unit, c->base, sizeof(c->base));
	fmt_num(r->b ? r->b->d.mean : NAN, r->unit, c->new, sizeof(c->new));
	fmt_change(r->change, c->change, sizeof(c->change));
	fmt_p(r->p_welch, c->pw, sizeof(c->pw));
	fmt_p(r->p_mwu, c->pm, sizeof(c->pm));
}

static void summary_line(const struct vp_comparison *c, char *buf, size_t len)
{
	snprintf(buf, len,
		 "%zu regressed, %zu improved, %zu unchanged, %zu not "
		 "comparable (%zu cells without a better direction not "
		 "judged)",
		 c->count[VP_REGRESSED], c->count[VP_IMPROVED],
		 c->count[VP_UNCHANGED], c->count[VP_NOT_COMPARABLE],
		 c->n_undirected);
}

void vp_compare_print(const struct vp_comparison *c, FILE *f)
{
	char line[512];
	fprintf(f, "vpbench compare: BASE %s (%s) vs NEW %s (%s)\n",
		c->base_run->dir, run_id(c->base_run), c->new_run->dir,
		run_id(c->new_run));
	fprintf(f,
		"threshold %.1f%%, alpha %.3g (Welch's t-test decides; "
		"Mann-Whitney U p shown)\n",
		100 * c->opts.threshold, c->opts.alpha);
	for (size_t i = 0; i < c->nenv; i++)
		fprintf(f, "environment: %s\n", c->env_notes[i]);
	fprintf(f, "%-14s %-16s %-14s %4s %-20s %10s %10s %8s %8s %8s  %s\n",
		"verdict", "target", "workload", "thr", "metric", "base", "new",
		"change", "p_welch", "p_mwu", "why");
	for (size_t i = 0; i < c->nrows; i++) {
		const struct vp_cmp_row *r = &c->rows[i];
		struct cells x;
		row_cells(r, &x);
		fprintf(f,
			"%-14s %-16s %-14s %4d %-20s %10s %10s %8s %8s %8s  "
			"%s\n",
			r->verdict == VP_REGRESSED
			    ? "REGRESSED"
			    : vp_verdict_name(r->verdict),
			r->target, r->workload, r->threads, r->metric, x.base,
			x.new, x.change, x.pw, x.pm, r->why);
	}
	summary_line(c, line, sizeof(line));
	fprintf(f, "summary: %s\n", line);
}

/* Markdown text: one line, pipes escaped. */
static void md(FILE *f, const char *s)
{
	/* Markdown renders inline HTML: neutralise tags and entities, keep
	 * quotes readable. */
	for (const char *p = s ? s : ""; *p; p++) {
		if (*p == '|')
			fputs("\\|", f);
		else if (*p == '<')
			fputs("&lt;", f);
		else if (*p == '>')
			fputs("&gt;", f);
		else if (*p == '&')
			fputs("&amp;", f);
		else if ((unsigned char)*p < 0x20)
			fputc(' ', f);
		else
			fputc(*p, f);
	}
}

static void md_table(FILE *f, const struct vp_comparison *c, int verdict)
{
	fputs("| verdict | target | workload | threads | metric | base | new "
	      "| change | p (Welch) | p (MWU) | why |\n"
	      "|---|---|---|--:|---|--:|--:|--:|--:|--:|---|\n",
	      f);
	for (size_t i = 0; i < c->nrows; i++) {
		const struct vp_cmp_row *r = &c->rows[i];
		if (verdict >= 0 && (int)r->verdict != verdict)
			continue;
		struct cells x;
		row_cells(r, &x);
		fprintf(f, "| %s | ", vp_verdict_name(r->verdict));
		md(f, r->target);
		fputs(" | ", f);
		md(f, r->workload);
		fprintf(f, " | %d | ", r->threads);
		md(f, r->metric);
		fprintf(f, " | %s | %s | %s | %s | %s | ", x.base, x.new,
			x.change, x.pw, x.pm);
		md(f, r->why);
		fputs(" |\n", f);
	}
}

int vp_compare_write_markdown(const struct vp_comparison *c, const char *path,
			      char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		int rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		return rc;
	}
	char line[512];
	summary_line(c, line, sizeof(line));
	fprintf(f, "## vpbench compare: %s\n\n",
		c->count[VP_REGRESSED] ? "regression found" : "no regression");
	fputs("**BASE** `", f);
	md(f, c->base_run->dir);
	fputs("` (", f);
	md(f, run_id(c->base_run));
	fputs(") vs **NEW** `", f);
	md(f, c->new_run->dir);
	fputs("` (", f);
	md(f, run_id(c->new_run));
	fprintf(f,
		")\n\nThreshold %.1f%%, alpha %.3g: a cell regresses when "
		"Welch's t-test is significant and the change is at least the "
		"threshold in the bad direction.\n\n**%s**\n\n",
		100 * c->opts.threshold, c->opts.alpha, line);
	if (c->nenv) {
		fputs("### Environment differences\n\n", f);
		for (size_t i = 0; i < c->nenv; i++) {
			fputs("- ", f);
			md(f, c->env_notes[i]);
			fputs("\n", f);
		}
		fputs("\n", f);
	}
	if (c->count[VP_REGRESSED]) {
		fputs("### Regressed\n\n", f);
		md_table(f, c, VP_REGRESSED);
		fputs("\n", f);
	}
	if (c->count[VP_IMPROVED]) {
		fputs("### Improved\n\n", f);
		md_table(f, c, VP_IMPROVED);
		fputs("\n", f);
	}
	fprintf(f, "<details><summary>All %zu judged cells</summary>\n\n",
		c->nrows);
	md_table(f, c, -1);
	fputs("\n</details>\n", f);
	int rc = ferror(f) ? -EIO : 0;
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc)
		snprintf(err, errlen, "cannot write %s", path);
	return rc;
}

int vp_compare_write_junit(const struct vp_comparison *c, const char *path,
			   char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		int rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		return rc;
	}
	size_t fails = c->count[VP_REGRESSED];
	size_t skipped = c->count[VP_NOT_COMPARABLE];
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"vpbench compare\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n"
		"<testsuite name=\"vpbench compare\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n"
		"<properties>\n",
		c->nrows, fails, skipped, c->nrows, fails, skipped);
	fputs("<property name=\"base\" value=\"", f);
	vp_html_escape(f, c->base_run->dir);
	fputs("\"/>\n<property name=\"new\" value=\"", f);
	vp_html_escape(f, c->new_run->dir);
	fprintf(f,
		"\"/>\n<property name=\"threshold\" value=\"%g\"/>\n"
		"<property name=\"alpha\" value=\"%g\"/>\n</properties>\n",
		c->opts.threshold, c->opts.alpha);
	for (size_t i = 0; i < c->nrows; i++) {
		const struct vp_cmp_row *r = &c->rows[i];
		struct cells x;
		row_cells(r, &x);
		fputs("<testcase classname=\"vpbench.", f);
		vp_html_escape(f, r->target);
		fputs(".", f);
		vp_html_escape(f, r->workload);
		fputs("\" name=\"", f);
		vp_html_escape(f, r->metric);
		fprintf(f, " threads=%d\" time=\"0\">", r->threads);
		if (r->verdict == VP_REGRESSED) {
			fputs("<failure type=\"regression\" message=\"", f);
			vp_html_escape(f, r->why);
			fprintf(f,
				"\">base %s, new %s, change %s, p_welch %s, "
				"p_mwu %s</failure>",
				x.base, x.new, x.change, x.pw, x.pm);
		} else if (r->verdict == VP_NOT_COMPARABLE) {
			fputs("<skipped message=\"not comparable: ", f);
			vp_html_escape(f, r->why);
			fputs("\"/>", f);
		} else {
			fputs("<system-out>", f);
			fprintf(f, "%s: ", vp_verdict_name(r->verdict));
			vp_html_escape(f, r->why);
			fputs("</system-out>", f);
		}
		fputs("</testcase>\n", f);
	}
	fputs("<system-out>", f);
	for (size_t i = 0; i < c->nenv; i++) {
		fputs("environment: ", f);
		vp_html_escape(f, c->env_notes[i]);
		fputs("\n", f);
	}
	fputs("</system-out>\n</testsuite>\n</testsuites>\n", f);
	int rc = ferror(f) ? -EIO : 0;
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc)
		snprintf(err, errlen, "cannot write %s", path);
	return rc;
}
