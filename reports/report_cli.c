/* The `report` and `compare` subcommands and the report builder used at the
 * end of `vpbench run` (see report_cli.h). Only the run folders' CSV files
 * are read. */
#include "reports/report_cli.h"

#include <errno.h>
#include <getopt.h>
#include <limits.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/compare.h"
#include "reports/csv_read.h"
#include "reports/html.h"
#include "reports/summary.h"
#include "reports/verdicts.h"

static void report_usage(FILE *f)
{
	fputs("usage: vpbench report RUN... [-o FILE] [--summary FILE] "
	      "[--baseline TARGET]\n"
	      "Reads the results.csv and env.csv of each run folder and "
	      "writes a self-contained\n"
	      "report.html (inline CSS and SVG, no scripts, opens offline) "
	      "and summary.csv.\n"
	      "Several run folders merge into one report; targets are then "
	      "labelled\n"
	      "<run folder>/<target>.\n\n"
	      "  -o, --output FILE     the HTML report (default: "
	      "RUN/report.html for one run,\n"
	      "                        ./report.html for several)\n"
	      "      --summary FILE    summary.csv (default: next to the "
	      "HTML)\n"
	      "      --baseline TARGET reference of the ratios: a target name "
	      "(per run) or\n"
	      "                        <run folder>/<target> (default: host "
	      "of each run)\n"
	      "  -h, --help            this help\n"
	      "Exit status: 0 written, 2 bad usage or bad input.\n",
	      f);
}

static void compare_usage(FILE *f)
{
	fputs("usage: vpbench compare BASE NEW [--threshold PCT] [--alpha A]\n"
	      "                       [--correction holm|bh|none] "
	      "[--changes-only]\n"
	      "                       [--markdown FILE] [--junit FILE]\n"
	      "Pairs the cells (target x workload x threads x metric) of two "
	      "run folders and\n"
	      "judges each regressed / improved / unchanged / not comparable: "
	      "a change counts\n"
	      "when Welch's t-test is significant after the correction for "
	      "multiple\n"
	      "comparisons (adjusted p < alpha) and it is at least the\n"
	      "threshold in the bad direction (ops/s, IOPS, MiB/s: higher is "
	      "better; latency,\n"
	      "spin waits, wall time: lower is better). Bucket rows are "
	      "ignored.\n\n"
	      "      --threshold PCT   practical threshold in percent "
	      "(default 5)\n"
	      "      --alpha A         significance level, 0 < A < 1 "
	      "(default 0.05)\n"
	      "      --correction C    adjustment of the p-values of all "
	      "tested cells:\n"
	      "                        holm (default: family-wise error <= "
	      "alpha, so identical\n"
	      "                        code fails with probability <= alpha), "
	      "bh (Benjamini-\n"
	      "                        Hochberg: false discovery rate <= "
	      "alpha), none\n"
	      "      --changes-only    list only regressed and improved cells "
	      "(table, Markdown)\n"
	      "      --markdown FILE   write a Markdown summary (CI job "
	      "summary)\n"
	      "      --junit FILE      write JUnit XML, one test case per "
	      "cell\n"
	      "  -h, --help            this help\n"
	      "Exit status: 0 nothing regressed, 1 some cell regressed, 2 bad "
	      "usage or bad input.\n",
	      f);
}

/* Message for an option getopt refused. */
static void bad_option(const char *cmd, char **argv, int c,
		       const struct option *longs)
{
	const char *arg = argv[optind - 1];
	if (c == ':' || (optopt && strchr("o", optopt)))
		fprintf(stderr, "vpbench %s: option %s needs a value\n", cmd,
			arg);
	else
		fprintf(stderr, "vpbench %s: unknown option '%s'\n", cmd, arg);
	fprintf(stderr, "valid options:");
	for (const struct option *o = longs; o->name; o++)
		fprintf(stderr, " --%s", o->name);
	fprintf(stderr, " (see vpbench %s --help)\n", cmd);
}

static void print_warnings(const char *cmd, const struct vp_run *r)
{
	for (size_t i = 0; i < r->nwarn; i++)
		fprintf(stderr, "vpbench %s: warning: %s\n", cmd,
			r->warnings[i]);
}

static int build(const char *cmd, const char *const *dirs, size_t n,
		 const char *html, const char *summary, const char *baseline,
		 char *err, size_t errlen)
{
	struct vp_run *runs = calloc(n ? n : 1, sizeof(*runs));
	struct vp_summary s;
	bool have_summary = false;
	int rc = 0;
	if (!runs) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!n) {
		snprintf(err, errlen, "no run folder given");
		rc = -EINVAL;
		goto out;
	}
	for (size_t i = 0; i < n; i++) {
		rc = vp_run_load(dirs[i], &runs[i], err, errlen);
		if (rc)
			goto out;
		print_warnings(cmd, &runs[i]);
	}
	rc = vp_summary_build(runs, n, baseline, &s, err, errlen);
	if (rc) {
		vp_summary_free(&s);
		goto out;
	}
	have_summary = true;
	if (summary && (rc = vp_summary_write_csv(&s, summary, err, errlen)))
		goto out;
	if (html) {
		struct vp_verdicts v;
		rc = vp_verdicts_build(&s, &v);
		if (rc)
			snprintf(err, errlen, "out of memory");
		else
			rc = vp_html_write(&s, &v, html, err, errlen);
		vp_verdicts_free(&v);
	}
out:
	if (have_summary)
		vp_summary_free(&s);
	for (size_t i = 0; i < n; i++)
		vp_run_free(&runs[i]);
	free(runs);
	return rc;
}

int vp_report_build(const char *const *run_dirs, size_t n, const char *html_out,
		    const char *summary_out, const char *baseline, char *err,
		    size_t errlen)
{
	return build("report", run_dirs, n, html_out, summary_out, baseline,
		     err, errlen);
}

int vp_report_main(int argc, char **argv)
{
	enum { OPT_SUMMARY = 256, OPT_BASELINE };
	static const struct option longs[] = {
	    {"output", required_argument, 0, 'o'},
	    {"summary", required_argument, 0, OPT_SUMMARY},
	    {"baseline", required_argument, 0, OPT_BASELINE},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0}};
	const char *html = NULL, *summary = NULL, *baseline = NULL;
	char html_buf[PATH_MAX], sum_buf[PATH_MAX], err[2048] = "";
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'o':
			html = optarg;
			break;
		case OPT_SUMMARY:
			summary = optarg;
			break;
		case OPT_BASELINE:
			baseline = optarg;
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		default:
			bad_option("report", argv, c, longs);
			return 2;
		}
	}
	/* Run folders may also follow options ("report -o x RUN"). */
	size_t n = (size_t)(argc - optind);
	if (!n) {
		fprintf(stderr,
			"vpbench report: no run folder given (expected one or "
			"more folders holding results.csv)\n");
		report_usage(stderr);
		return 2;
	}
	const char *const *dirs = (const char *const *)argv + optind;
	if (!html) {
		struct stat st;
		if (n == 1 && stat(dirs[0], &st) == 0 && !S_ISDIR(st.st_mode)) {
			/* RUN named as its results.csv: next to it. */
			const char *slash = strrchr(dirs[0], '/');
			snprintf(html_buf, sizeof(html_buf),
				 "%.*s%sreport.html",
				 slash ? (int)(slash - dirs[0]) : 0, dirs[0],
				 slash ? "/" : "");
		} else if (n == 1)
			snprintf(html_buf, sizeof(html_buf), "%s/report.html",
				 dirs[0]);
		else
			snprintf(html_buf, sizeof(html_buf), "report.html");
		html = html_buf;
	}
	if (!summary) {
		const char *slash = strrchr(html, '/');
		if (slash)
			snprintf(sum_buf, sizeof(sum_buf), "%.*s/summary.csv",
				 (int)(slash - html), html);
		else
			snprintf(sum_buf, sizeof(sum_buf), "summary.csv");
		summary = sum_buf;
	}
	int rc =
	    build("report", dirs, n, html, summary, baseline, err, sizeof(err));
	if (rc) {
		fprintf(stderr, "vpbench report: %s\n", err);
		return 2;
	}
	printf("report: %s\nsummary: %s\n", html, summary);
	return 0;
}

static int parse_double(const char *s, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end != s && *end == '%')
		end++;
	if (!*s || *end || errno || !isfinite(v))
		return -1;
	*out = v;
	return 0;
}

int vp_compare_main(int argc, char **argv)
{
	enum {
		OPT_THRESHOLD = 256,
		OPT_ALPHA,
		OPT_CORRECTION,
		OPT_CHANGES_ONLY,
		OPT_MARKDOWN,
		OPT_JUNIT
	};
	static const struct option longs[] = {
	    {"threshold", required_argument, 0, OPT_THRESHOLD},
	    {"alpha", required_argument, 0, OPT_ALPHA},
	    {"correction", required_argument, 0, OPT_CORRECTION},
	    {"changes-only", no_argument, 0, OPT_CHANGES_ONLY},
	    {"markdown", required_argument, 0, OPT_MARKDOWN},
	    {"junit", required_argument, 0, OPT_JUNIT},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0}};
	struct vp_compare_opts o = VP_COMPARE_DEFAULTS;
	const char *markdown = NULL, *junit = NULL;
	char err[2048] = "";
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
		double v;
		switch (c) {
		case OPT_THRESHOLD:
			if (parse_double(optarg, &v) || v < 0 || v > 1000) {
				fprintf(stderr,
					"vpbench compare: --threshold '%s': "
					"expected a percentage between 0 and "
					"1000 (e.g. 5 for 5%%)\n",
					optarg);
				return 2;
			}
			o.threshold = v / 100.0;
			break;
		case OPT_ALPHA:
			if (parse_double(optarg, &v) || !(v > 0 && v < 1)) {
				fprintf(stderr,
					"vpbench compare: --alpha '%s': "
					"expected a level between 0 and 1 "
					"(exclusive), e.g. 0.05\n",
					optarg);
				return 2;
			}
			o.alpha = v;
			break;
		case OPT_CORRECTION:
			if (vp_p_adjust_parse(optarg, &o.correction)) {
				fprintf(stderr,
					"vpbench compare: --correction '%s': "
					"expected holm, bh or none\n",
					optarg);
				return 2;
			}
			break;
		case OPT_CHANGES_ONLY:
			o.changes_only = true;
			break;
		case OPT_MARKDOWN:
			markdown = optarg;
			break;
		case OPT_JUNIT:
			junit = optarg;
			break;
		case 'h':
			compare_usage(stdout);
			return 0;
		default:
			bad_option("compare", argv, c, longs);
			return 2;
		}
	}
	if (argc - optind != 2) {
		fprintf(stderr,
			"vpbench compare: expected two run folders, BASE and "
			"NEW; got %d\n",
			argc - optind);
		compare_usage(stderr);
		return 2;
	}
	struct vp_run base, newr;
	struct vp_comparison cmp;
	bool have_cmp = false;
	int rc, exit_code = 2;
	memset(&newr, 0, sizeof(newr));
	rc = vp_run_load(argv[optind], &base, err, sizeof(err));
	if (!rc) {
		print_warnings("compare", &base);
		rc = vp_run_load(argv[optind + 1], &newr, err, sizeof(err));
	}
	if (!rc) {
		print_warnings("compare", &newr);
		rc = vp_compare_runs(&base, &newr, &o, &cmp, err, sizeof(err));
		have_cmp = true;
	}
	if (!rc) {
		vp_compare_print(&cmp, stdout);
		if (markdown)
			rc = vp_compare_write_markdown(&cmp, markdown, err,
						       sizeof(err));
		if (!rc && junit)
			rc = vp_compare_write_junit(&cmp, junit, err,
						    sizeof(err));
	}
	if (rc)
		fprintf(stderr, "vpbench compare: %s\n", err);
	else
		exit_code = cmp.count[VP_REGRESSED] ? 1 : 0;
	if (have_cmp)
		vp_comparison_free(&cmp);
	vp_run_free(&base);
	vp_run_free(&newr);
	return exit_code;
}
