/* Markdown output of compare (a CI job summary, rendered by GitHub or
 * GitLab). Every value that comes from a CSV file or the command line is
 * written as a code span, the one Markdown construct whose content is
 * never interpreted: no link, image, emphasis, raw HTML or autolink can be
 * smuggled in through a run id, folder, target or note (issue 11 defect 9).
 * Inside tables a pipe is escaped as \| (GFM splits cells before parsing
 * inlines, also in code spans). */
#include "reports/compare.h"
#include "reports/compare_internal.h"
#include "reports/md_escape.h"

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
		vp_md_code(f, r->target, true);
		fputs(" | ", f);
		vp_md_code(f, r->workload, true);
		fprintf(f, " | %d | ", r->threads);
		vp_md_code(f, r->metric, true);
		fprintf(f, " | %s | %s | %s | %s | %s | %s | ", x.base, x.new,
			x.change, x.pw, x.padj, x.pm);
		vp_md_code(f, r->why, true);
		fputs(" |\n", f);
	}
}

static void md_head(const struct vp_comparison *c, FILE *f)
{
	char line[512];
	fprintf(f, "## vpbench compare: %s\n\n",
		c->count[VP_REGRESSED] ? "regression found" : "no regression");
	fputs("**BASE** ", f);
	vp_md_code(f, c->base_run->dir, false);
	fputs(" (run ", f);
	vp_md_code(f, vp_cmp_run_id(c->base_run), false);
	fputs(") vs **NEW** ", f);
	vp_md_code(f, c->new_run->dir, false);
	fputs(" (run ", f);
	vp_md_code(f, vp_cmp_run_id(c->new_run), false);
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
			vp_md_code(f, c->env_notes[i], false);
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
		vp_md_code(f, cav, false);
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
