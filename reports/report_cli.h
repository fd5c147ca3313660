/* Entry points of the `report` and `compare` subcommands, and the report
 * builder `vpbench run` calls at the end of a run. Everything here reads the
 * run folders' CSV files only (results.csv, env.csv), never in-memory state,
 * so a report can be rebuilt, merged across machines and compared later. */
#ifndef VP_REPORT_CLI_H
#define VP_REPORT_CLI_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/labels.h"

/* `vpbench report RUN... [-o FILE] [--summary FILE] [--json FILE]
 * [--baseline TARGET] [--label RUN=TEXT]...`; argv[0] is "report".
 * Returns the exit code: 0 ok, 2 bad usage/input. */
int vp_report_main(int argc, char **argv);

/* `vpbench compare BASE NEW [--threshold PCT] [--alpha A] [--correction
 * bh|holm|none] [--changes-only] [--markdown FILE] [--junit FILE]`;
 * argv[0] is "compare". Returns 0 when nothing regressed, 1 when some cell
 * regressed, 2 on bad usage or bad input. */
int vp_compare_main(int argc, char **argv);

/* What a report writes (NULL: skip that output) and how it labels. */
struct vp_report_opts {
	const char *html, *summary, *json;
	/* Typed by the user (may be a link to follow, a device): else a
	 * default path, written only as a regular file (out_atomic.h). */
	bool html_named, summary_named;
	const char *baseline; /* NULL: "host" of each run */
	const struct vp_label_override *labels;
	size_t nlabels;
	const char *history; /* NULL, or the history database whose trend
			      * charts the HTML report shows */
};
int vp_report_build_opts(const char *const *run_dirs, size_t n,
			 const struct vp_report_opts *o, char *err,
			 size_t errlen);

/* Reads the n run folders and writes html_out and summary_out (either may be
 * NULL to skip it). baseline names the reference target (NULL: "host" of
 * each run). Warnings (a truncated last row...) go to stderr and into the
 * report. Returns 0, or -errno with a message naming file and line. */
int vp_report_build(const char *const *run_dirs, size_t n, const char *html_out,
		    const char *summary_out, const char *baseline, char *err,
		    size_t errlen);

#endif
