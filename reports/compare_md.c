/* Markdown output of compare (a CI job summary, rendered by GitHub or
 * GitLab). Every value that comes from a CSV file or the command line is
 * written as a code span, the one Markdown construct whose content is
 * never interpreted: no link, image, emphasis, raw HTML or autolink can be
 * smuggled in through a run id, folder, target or note (issue 11 defect 9).
 * Inside tables a pipe is escaped as \| (GFM splits cells before parsing
 * inlines, also in code spans). */
#include <string.h>

#include "reports/compare.h"
#include "reports/compare_internal.h"

/* Longest run of backticks in s. */
static size_t max_ticks(const char *s)
{
	size_t best = 0, run = 0;
	for (; *s; s++) {
		run = *s == '`' ? run + 1 : 0;
		if (run > best)
			best = run;
	}
	return best;
}

/* s as a code span: fenced by one backtick more than the longest run
 * inside, padded with a space when it starts or ends with a backtick or a
 * space (CommonMark strips one of each), control bytes as spaces. Empty:
 * nothing (an empty code span does not exist). */
static void md_code(FILE *f, const char *s, bool in_table)
{
	if (!s || !*s)
		return;
	size_t n = max_ticks(s) + 1, len = strlen(s);
	bool pad = s[0] == '`' || s[len - 1] == '`' || s[0] == ' ' ||
		   s[len - 1] == ' ';
	for (size_t i = 0; i < n; i++)
		fputc('`', f);
	if (pad)
		fputc(' ', f);
	for (const char *p = s; *p; p++) {
		unsigned char ch = (unsigned char)*p;
		if (ch < 0x20 || ch == 0x7f)
			fputc(' ', f);
		else if (ch == '|' && in_table)
			fputs("\\|", f);
		else
			fputc(ch, f);
	}
	if (pad)
		fputc(' ', f);
	for (size_t i = 0; i < n; i++)
		fputc('`', f);
}

static void md_table(FILE *f, const struct vp_comparison *c, int verdict)
{
	fprintf(f,
		"| verdict | target | workload | threads | metric | base | new "
		"| change | p (Welch) | p adjusted (%s) | p (MWU) | why |\n"
		"|---|---|---|--:|---|--:|--:|--:|--:|--:|--:|---|\n",
		vp_p_adjust_name(c->opts.correction));
	for (size_t i = 0; i < c->nrows; i++) {
		const struct vp_cmp_row *r = &c->rows[i];
		if ((verdict >= 0 && (int)r->verdict != verdict) ||
		    !vp_cmp_listed(c, r))
			continue;
		struct vp_cmp_cells x;
		vp_cmp_row_cells(r, &x);
		fprintf(f, "| %s | ", vp_verdict_name(r->verdict));
		md_code(f, r->target, true);
		fputs(" | ", f);
		md_code(f, r->workload, true);
		fprintf(f, " | %d | ", r->threads);
		md_code(f, r->metric, true);
		fprintf(f, " | %s | %s | %s | %s | %s | %s | ", x.base, x.new,
			x.change, x.pw, x.padj, x.pm);
		md_code(f, r->why, true);
		fputs(" |\n", f);
	}
}

static void md_head(const struct vp_comparison *c, FILE *f)
{
	char line[512];
	fprintf(f, "## vpbench compare: %s\n\n",
		c->count[VP_REGRESSED] ? "regression found" : "no regression");
	fputs("**BASE** ", f);
	md_code(f, c->base_run->dir, false);
	fputs(" (run ", f);
	md_code(f, vp_cmp_run_id(c->base_run), false);
	fputs(") vs **NEW** ", f);
	md_code(f, c->new_run->dir, false);
	fputs(" (run ", f);
	md_code(f, vp_cmp_run_id(c->new_run), false);
	vp_cmp_method_line(c, line, sizeof(line));
	fprintf(f,
		")\n\nMethod: %s. A cell regresses when its Welch's t-test "
		"p-value, adjusted for the %zu comparisons, is below alpha "
		"and the change is at least the threshold in the bad "
		"direction.\n\n",
		line, c->n_tested);
	vp_cmp_summary_line(c, line, sizeof(line));
	fprintf(f, "**%s**\n\n", line);
}

static void fill_markdown(const struct vp_comparison *c, FILE *f)
{
	md_head(c, f);
	if (c->nenv) {
		fputs("### Environment differences\n\n", f);
		for (size_t i = 0; i < c->nenv; i++) {
			fputs("- ", f);
			md_code(f, c->env_notes[i], false);
			fputs("\n", f);
		}
		fputs("\n", f);
	}
	char cav[1024];
	for (int side = 0; side < 2; side++) {
		vp_cmp_caveats(c, side, cav, sizeof(cav));
		if (!cav[0])
			continue;
		fprintf(f, "**Caveats of %s**: ", side ? "NEW" : "BASE");
		md_code(f, cav, false);
		fputs("\n\n", f);
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
	if (c->opts.changes_only) {
		fputs("Changes only: the unchanged and not comparable cells "
		      "are not listed.\n",
		      f);
		return;
	}
	fprintf(f, "<details><summary>All %zu judged cells</summary>\n\n",
		c->nrows);
	md_table(f, c, -1);
	fputs("\n</details>\n", f);
}

int vp_compare_write_markdown(const struct vp_comparison *c, const char *path,
			      char *err, size_t errlen)
{
	return vp_cmp_write_file(c, path, fill_markdown, err, errlen);
}
