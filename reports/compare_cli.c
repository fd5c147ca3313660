/* The `compare` subcommand (see report_cli.h): options, loading the two
 * runs, the verdicts and the outputs (terminal, Markdown, JUnit). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/cli_internal.h"
#include "reports/compare.h"
#include "reports/out_clash.h"
#include "reports/run_plan.h"
#include "reports/report_cli.h"

static void compare_usage(FILE *f)
{
	fputs("usage: vpbench compare BASE NEW [--threshold PCT] [--alpha A]\n"
	      "                       [--correction bh|holm|none] "
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
	      "ignored.\n"
	      "vpbench run interleaves a cell's reps over the run by default "
	      "(more than one\n"
	      "rep), so the machine's drift between two runs is not read as a "
	      "change\n"
	      "(targets run with --order sequential are named among the "
	      "caveats). For\n"
	      "scheduled jobs, judge many runs at once: vpbench history "
	      "check.\n\n"
	      "      --threshold PCT   practical threshold in percent "
	      "(default 5)\n"
	      "      --alpha A         significance level, 0 < A < 1 "
	      "(default 0.05)\n"
	      "      --correction C    adjustment of the p-values of all "
	      "tested cells:\n"
	      "                        bh (default; Benjamini-Hochberg: false "
	      "discovery rate\n"
	      "                        <= alpha, so identical code fails with "
	      "probability\n"
	      "                        <= alpha), holm (family-wise error <= "
	      "alpha even with\n"
	      "                        real changes present; less power), "
	      "none\n"
	      "      --changes-only    list only regressed and improved cells "
	      "(table, Markdown)\n"
	      "      --markdown FILE   write a Markdown summary (CI job "
	      "summary)\n"
	      "      --junit FILE      write JUnit XML, one test case per "
	      "cell\n"
	      "  -h, --help            this help\n\n"
	      "Exit status: 0 nothing regressed, 1 some cell regressed, 2 bad "
	      "usage or\nbad input.\n",
	      f);
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

struct compare_args {
	struct vp_compare_opts o;
	const char *markdown, *junit;
};

/* An option's value: 0, or the exit code 2 with a message. */
static int option_value(int c, const char *arg, struct compare_args *a)
{
	double v = 0;
	const char *want = NULL, *name = NULL;
	if (c == 'T' && (parse_double(arg, &v) || v < 0 || v > 1000)) {
		name = "--threshold";
		want = "a percentage between 0 and 1000 (e.g. 5 for 5%)";
	} else if (c == 'T') {
		a->o.threshold = v / 100.0;
	}
	if (c == 'A' && (parse_double(arg, &v) || !(v > 0 && v < 1))) {
		name = "--alpha";
		want = "a level between 0 and 1 (exclusive), e.g. 0.05";
	} else if (c == 'A') {
		a->o.alpha = v;
	}
	if (c == 'C' && vp_p_adjust_parse(arg, &a->o.correction)) {
		name = "--correction";
		want = "holm, bh or none";
	}
	if (!want)
		return 0;
	char msg[512];
	snprintf(msg, sizeof(msg), "%s '%s': expected %s", name, arg, want);
	vp_cli_error("compare", msg);
	return 2;
}

/* Options into a; returns -1 to go on, else the exit code. */
static int parse_compare(int argc, char **argv, struct compare_args *a)
{
	enum { OPT_CHANGES_ONLY = 256, OPT_MARKDOWN, OPT_JUNIT };
	static const struct option longs[] = {
	    {"threshold", required_argument, 0, 'T'},
	    {"alpha", required_argument, 0, 'A'},
	    {"correction", required_argument, 0, 'C'},
	    {"changes-only", no_argument, 0, OPT_CHANGES_ONLY},
	    {"markdown", required_argument, 0, OPT_MARKDOWN},
	    {"junit", required_argument, 0, OPT_JUNIT},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0}};
	int c;
	optind = 0;
	opterr = 0;
	/* T, A, C are long-only: not in the short option string. */
	while ((c = getopt_long(argc, argv, ":h", longs, NULL)) != -1) {
		switch (c) {
		case 'T':
		case 'A':
		case 'C':
			if (option_value(c, optarg, a))
				return 2;
			break;
		case OPT_CHANGES_ONLY:
			a->o.changes_only = true;
			break;
		case OPT_MARKDOWN:
			a->markdown = optarg;
			break;
		case OPT_JUNIT:
			a->junit = optarg;
			break;
		case 'h':
			compare_usage(stdout);
			return 0;
		default:
			vp_cli_bad_option("compare", argv, c, longs);
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
	return -1;
}

/* --markdown and --junit must be neither an input nor each other. */
static int check_clashes(const struct compare_args *a, const char *base,
			 const char *newr, char *err, size_t errlen)
{
	struct vp_run_paths p[2];
	vp_run_input_paths(base, &p[0]);
	vp_run_input_paths(newr, &p[1]);
	const struct vp_path_role outs[] = {{a->markdown, "--markdown"},
					    {a->junit, "--junit"}};
	const struct vp_path_role ins[] = {
	    {p[0].results, "input (BASE)"}, {p[0].env, "input (BASE)"},
	    {p[0].plan, "input (BASE)"},    {p[1].results, "input (NEW)"},
	    {p[1].env, "input (NEW)"},	     {p[1].plan, "input (NEW)"}};
	return vp_out_clash_check(outs, 2, ins, 6, err, errlen);
}

int vp_compare_main(int argc, char **argv)
{
	struct compare_args a = {.o = VP_COMPARE_DEFAULTS};
	int exit_code = parse_compare(argc, argv, &a);
	if (exit_code >= 0)
		return exit_code;
	struct vp_run base, newr;
	struct vp_comparison cmp;
	char err[2048] = "";
	memset(&newr, 0, sizeof(newr));
	memset(&cmp, 0, sizeof(cmp));
	memset(&base, 0, sizeof(base));
	int rc = check_clashes(&a, argv[optind], argv[optind + 1], err,
			       sizeof(err));
	if (!rc)
		rc = vp_run_load(argv[optind], &base, err, sizeof(err));
	if (!rc && !(rc = vp_run_plan_check(&base))) {
		vp_cli_print_warnings("compare", &base);
		rc = vp_run_load(argv[optind + 1], &newr, err, sizeof(err));
	}
	if (!rc && !(rc = vp_run_plan_check(&newr))) {
		vp_cli_print_warnings("compare", &newr);
		rc =
		    vp_compare_runs(&base, &newr, &a.o, &cmp, err, sizeof(err));
	}
	if (!rc) {
		vp_compare_print(&cmp, stdout);
		if (a.markdown)
			rc = vp_compare_write_markdown(&cmp, a.markdown, err,
						       sizeof(err));
		if (!rc && a.junit)
			rc = vp_compare_write_junit(&cmp, a.junit, err,
						    sizeof(err));
	}
	if (rc)
		vp_cli_error("compare", err);
	exit_code = rc ? 2 : cmp.count[VP_REGRESSED] ? 1 : 0;
	vp_comparison_free(&cmp);
	vp_run_free(&base);
	vp_run_free(&newr);
	return exit_code;
}
