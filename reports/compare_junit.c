/* JUnit XML output of compare: one test case per judged cell (failure =
 * regressed, skipped = not comparable), the method as properties (the
 * threshold as a percentage, as the user gave it), every CSV string
 * XML-escaped. */
#include "reports/compare.h"
#include "reports/compare_internal.h"
#include "reports/html_escape.h"

static void properties(const struct vp_comparison *c, FILE *f)
{
	fputs("<properties>\n<property name=\"base\" value=\"", f);
	vp_html_escape(f, c->base_run->dir);
	fputs("\"/>\n<property name=\"new\" value=\"", f);
	vp_html_escape(f, c->new_run->dir);
	fprintf(f,
		"\"/>\n<property name=\"threshold\" value=\"%g%%\"/>\n"
		"<property name=\"alpha\" value=\"%g\"/>\n"
		"<property name=\"correction\" value=\"%s\"/>\n"
		"<property name=\"correction_method\" value=\"%s\"/>\n"
		"<property name=\"tested_cells\" value=\"%zu\"/>\n"
		"</properties>\n",
		100 * c->opts.threshold, c->opts.alpha,
		vp_p_adjust_name(c->opts.correction),
		vp_correction_title(c->opts.correction), c->n_tested);
}

static void testcase(const struct vp_comparison *c, const struct vp_cmp_row *r,
		     FILE *f)
{
	struct vp_cmp_cells x;
	vp_cmp_row_cells(r, &x);
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
			"\">base %s, new %s, change %s, p_welch %s, p_adj %s "
			"(%s), p_mwu %s</failure>",
			x.base, x.new, x.change, x.pw, x.padj,
			vp_p_adjust_name(c->opts.correction), x.pm);
	} else if (r->verdict == VP_NOT_COMPARABLE) {
		fputs("<skipped message=\"not comparable: ", f);
		vp_html_escape(f, r->why);
		fputs("\"/>", f);
	} else {
		fprintf(f, "<system-out>%s: ", vp_verdict_name(r->verdict));
		vp_html_escape(f, r->why);
		fputs("</system-out>", f);
	}
	fputs("</testcase>\n", f);
}

static void fill_junit(const struct vp_comparison *c, FILE *f)
{
	size_t fails = c->count[VP_REGRESSED];
	size_t skipped = c->count[VP_NOT_COMPARABLE];
	fprintf(f,
		"<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n"
		"<testsuites name=\"vpbench compare\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n"
		"<testsuite name=\"vpbench compare\" tests=\"%zu\" "
		"failures=\"%zu\" errors=\"0\" skipped=\"%zu\">\n",
		c->nrows, fails, skipped, c->nrows, fails, skipped);
	properties(c, f);
	for (size_t i = 0; i < c->nrows; i++)
		testcase(c, &c->rows[i], f);
	char line[512];
	vp_cmp_method_line(c, line, sizeof(line));
	fputs("<system-out>method: ", f);
	vp_html_escape(f, line);
	fputs("\n", f);
	for (size_t i = 0; i < c->nenv; i++) {
		fputs("environment: ", f);
		vp_html_escape(f, c->env_notes[i]);
		fputs("\n", f);
	}
	char cav[1024];
	for (int side = 0; side < 2; side++) {
		vp_cmp_caveats(c, side, cav, sizeof(cav));
		if (!cav[0])
			continue;
		fprintf(f, "caveats %s: ", side ? "NEW" : "BASE");
		vp_html_escape(f, cav);
		fputs("\n", f);
	}
	fputs("</system-out>\n</testsuite>\n</testsuites>\n", f);
}

int vp_compare_write_junit(const struct vp_comparison *c, const char *path,
			   char *err, size_t errlen)
{
	return vp_cmp_write_file(c, path, fill_junit, err, errlen);
}
