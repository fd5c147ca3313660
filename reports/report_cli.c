/* The `report` subcommand and the report builder used at the end of
 * `vpbench run` (see report_cli.h). Only the run folders' CSV files (and
 * plan.conf for the JSON provenance) are read. */
#include "reports/report_cli.h"

#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/cli_internal.h"
#include "reports/html.h"
#include "reports/html_trend.h"
#include "reports/json_out.h"
#include "reports/out_atomic.h"
#include "reports/out_clash.h"
#include "reports/run_plan.h"
#include "reports/summary.h"
#include "reports/verdicts.h"

#define MAX_LABELS 64

static void report_usage(FILE *f)
{
	fputs("usage: vpbench report RUN... [-o FILE] [--summary FILE] "
	      "[--json FILE]\n"
	      "                      [--baseline TARGET] [--label RUN=TEXT]"
	      "... [--history DB]\n"
	      "Reads the results.csv and env.csv of each run folder and "
	      "writes a self-contained\n"
	      "report.html (inline CSS and SVG, no scripts, opens offline) "
	      "and summary.csv.\n"
	      "Several run folders merge into one report; targets are then "
	      "labelled\n"
	      "<host name>/<target> from env.csv (else <run folder>/"
	      "<target>).\n\n"
	      "  -o, --output FILE     the HTML report (default: "
	      "RUN/report.html for one run,\n"
	      "                        ./report.html for several)\n"
	      "      --summary FILE    summary.csv (default: next to the "
	      "HTML)\n"
	      "      --json FILE       also the summary, verdicts, "
	      "environments and provenance\n"
	      "                        as JSON (layout in reports/README.md)\n"
	      "      --baseline TARGET reference of the ratios: a target name "
	      "(per run) or\n"
	      "                        <run folder>/<target> (default: host "
	      "of each run)\n"
	      "      --label RUN=TEXT  label the targets of run folder RUN "
	      "TEXT/<target>\n"
	      "                        (repeatable)\n"
	      "      --history DB      add a trend chart per headline cell "
	      "from the results\n"
	      "                        history DB (a file or "
	      "postgresql://...), change points\n"
	      "                        marked (see vpbench history)\n"
	      "  -h, --help            this help\n\n"
	      "Exit status: 0 written, 2 bad usage or bad input.\n",
	      f);
}

static void put_safe(const char *s, FILE *f)
{
	for (; *s; s++)
		fputc((unsigned char)*s < 0x20 || *s == 0x7f ? '?' : *s, f);
}

void vp_cli_bad_option(const char *cmd, char **argv, int c,
		       const struct option *longs)
{
	char msg[512];
	const char *arg = argv[optind - 1];
	if (c == ':' || (optopt && strchr("o", optopt)))
		snprintf(msg, sizeof(msg), "option %s needs a value", arg);
	else
		snprintf(msg, sizeof(msg), "unknown option '%s'", arg);
	vp_cli_error(cmd, msg);
	fprintf(stderr, "valid options:");
	for (const struct option *o = longs; o->name; o++)
		fprintf(stderr, " --%s", o->name);
	fprintf(stderr, " (see vpbench %s --help)\n", cmd);
}

void vp_cli_print_warnings(const char *cmd, const struct vp_run *r)
{
	for (size_t i = 0; i < r->nwarn; i++) {
		fprintf(stderr, "vpbench %s: warning: ", cmd);
		put_safe(r->warnings[i], stderr);
		fputc('\n', stderr);
	}
}

void vp_cli_error(const char *cmd, const char *msg)
{
	fprintf(stderr, "vpbench %s: ", cmd);
	put_safe(msg, stderr);
	fputc('\n', stderr);
}

enum { OUT_SUMMARY, OUT_HTML, OUT_JSON, NOUT };

/* The outputs of one summary: summary.csv, HTML, JSON. Every destination
 * is checked and its temporary file opened before anything is written, so
 * a refused one leaves all as they were; each is renamed into place only
 * once it is whole. */
static int write_outputs(const struct vp_summary *s,
			 const struct vp_report_opts *o, char *err,
			 size_t errlen)
{
	const char *path[NOUT] = {o->summary, o->html, o->json};
	const bool named[NOUT] = {o->summary_named, o->html_named, true};
	struct vp_atomic_out out[NOUT];
	struct vp_verdicts v;
	struct vp_html_history *h = NULL;
	bool have_v = false;
	int rc = 0, opened, k;
	/* The history is read before any output is opened: a missing or
	 * unreadable database leaves every output as it was. */
	if (o->html && o->history &&
	    (rc = vp_html_history_load(o->history, s, &h, err, errlen)))
		return rc;
	for (opened = 0; opened < NOUT; opened++)
		if (path[opened] &&
		    (rc = vp_atomic_open(&out[opened], path[opened],
					 named[opened] ? VP_OUT_NAMED
						       : VP_OUT_DEFAULT,
					 err, errlen)))
			break;
	if (rc) {
		for (k = 0; k < opened; k++)
			if (path[k])
				vp_atomic_abort(&out[k]);
		vp_html_history_free(h);
		return rc;
	}
	if (o->html || o->json) {
		if (vp_verdicts_build(s, &v)) {
			snprintf(err, errlen, "out of memory");
			rc = -ENOMEM;
		} else {
			have_v = true;
		}
	}
	if (!rc && o->summary)
		vp_summary_print_csv(s, out[OUT_SUMMARY].f);
	if (!rc && o->html)
		vp_html_render_with(s, &v, h, out[OUT_HTML].f);
	if (!rc && o->json && vp_json_print(s, &v, out[OUT_JSON].f)) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
	}
	for (k = 0; k < NOUT; k++) {
		if (!path[k])
			continue;
		if (rc)
			vp_atomic_abort(&out[k]);
		else
			rc = vp_atomic_commit(&out[k], err, errlen);
	}
	if (have_v)
		vp_verdicts_free(&v);
	vp_html_history_free(h);
	return rc;
}

/* Refuses outputs that are inputs or each other (out_clash.h). */
static int check_clashes(const char *const *run_dirs, size_t n,
			 const struct vp_report_opts *o, char *err,
			 size_t errlen)
{
	const struct vp_path_role outs[] = {
	    {o->html, o->html_named ? "-o" : "the report"},
	    {o->summary, o->summary_named ? "--summary" : "summary.csv"},
	    {o->json, "--json"}};
	struct vp_run_paths *p = calloc(n, sizeof(*p));
	struct vp_path_role *ins = calloc(3 * n, sizeof(*ins));
	int rc = 0;
	if (!p || !ins) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
	}
	for (size_t i = 0; i < n && !rc; i++) {
		vp_run_input_paths(run_dirs[i], &p[i]);
		ins[3 * i] = (struct vp_path_role){p[i].results, "input"};
		ins[3 * i + 1] = (struct vp_path_role){p[i].env, "input"};
		ins[3 * i + 2] = (struct vp_path_role){p[i].plan, "input"};
	}
	if (!rc)
		rc = vp_out_clash_check(outs, 3, ins, 3 * n, err, errlen);
	free(p);
	free(ins);
	return rc;
}

int vp_report_build_opts(const char *const *run_dirs, size_t n,
			 const struct vp_report_opts *o, char *err,
			 size_t errlen)
{
	struct vp_run *runs = calloc(n ? n : 1, sizeof(*runs));
	struct vp_summary s;
	struct vp_summary_opts so = {o->baseline, o->labels, o->nlabels};
	int rc = 0;
	if (!runs) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (!n) {
		snprintf(err, errlen, "no run folder given");
		free(runs);
		return -EINVAL;
	}
	rc = check_clashes(run_dirs, n, o, err, errlen);
	for (size_t i = 0; i < n && !rc; i++) {
		rc = vp_run_load(run_dirs[i], &runs[i], err, errlen);
		if (!rc && vp_run_plan_check(&runs[i])) {
			snprintf(err, errlen, "out of memory");
			rc = -ENOMEM;
		}
		if (!rc)
			vp_cli_print_warnings("report", &runs[i]);
	}
	if (!rc) {
		rc = vp_summary_build_opts(runs, n, &so, &s, err, errlen);
		if (!rc)
			rc = write_outputs(&s, o, err, errlen);
		vp_summary_free(&s);
	}
	for (size_t i = 0; i < n; i++)
		vp_run_free(&runs[i]);
	free(runs);
	return rc;
}

int vp_report_build(const char *const *run_dirs, size_t n, const char *html_out,
		    const char *summary_out, const char *baseline, char *err,
		    size_t errlen)
{
	struct vp_report_opts o = {
	    .html = html_out, .summary = summary_out, .baseline = baseline};
	return vp_report_build_opts(run_dirs, n, &o, err, errlen);
}

struct report_args {
	struct vp_report_opts o;
	struct vp_label_override labels[MAX_LABELS];
	char html[PATH_MAX], summary[PATH_MAX];
};

/* Default output paths: next to a single run, else in the current
 * folder; summary.csv next to the HTML. */
static void default_paths(struct report_args *a, const char *const *dirs,
			  size_t n)
{
	struct stat st;
	if (!a->o.html) {
		if (n == 1 && stat(dirs[0], &st) == 0 && !S_ISDIR(st.st_mode)) {
			/* RUN named as its results.csv: next to it. */
			const char *slash = strrchr(dirs[0], '/');
			snprintf(a->html, sizeof(a->html), "%.*s%sreport.html",
				 slash ? (int)(slash - dirs[0]) : 0, dirs[0],
				 slash ? "/" : "");
		} else if (n == 1) {
			snprintf(a->html, sizeof(a->html), "%s/report.html",
				 dirs[0]);
		} else {
			snprintf(a->html, sizeof(a->html), "report.html");
		}
		a->o.html = a->html;
	}
	if (!a->o.summary) {
		const char *slash = strrchr(a->o.html, '/');
		if (slash)
			snprintf(a->summary, sizeof(a->summary),
				 "%.*s/summary.csv", (int)(slash - a->o.html),
				 a->o.html);
		else
			snprintf(a->summary, sizeof(a->summary), "summary.csv");
		a->o.summary = a->summary;
	}
}

/* Options into a; returns -1 to go on, else the exit code. */
static int parse_report(int argc, char **argv, struct report_args *a)
{
	enum { OPT_SUMMARY = 256, OPT_BASELINE, OPT_JSON, OPT_LABEL, OPT_HIST };
	static const struct option longs[] = {
	    {"output", required_argument, 0, 'o'},
	    {"summary", required_argument, 0, OPT_SUMMARY},
	    {"json", required_argument, 0, OPT_JSON},
	    {"baseline", required_argument, 0, OPT_BASELINE},
	    {"label", required_argument, 0, OPT_LABEL},
	    {"history", required_argument, 0, OPT_HIST},
	    {"help", no_argument, 0, 'h'},
	    {0, 0, 0, 0}};
	char err[512];
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":o:h", longs, NULL)) != -1) {
		switch (c) {
		case 'o':
			a->o.html = optarg;
			a->o.html_named = true;
			break;
		case OPT_SUMMARY:
			a->o.summary = optarg;
			a->o.summary_named = true;
			break;
		case OPT_JSON:
			a->o.json = optarg;
			break;
		case OPT_BASELINE:
			a->o.baseline = optarg;
			break;
		case OPT_HIST:
			a->o.history = optarg;
			break;
		case OPT_LABEL:
			if (a->o.nlabels == MAX_LABELS) {
				fprintf(stderr,
					"vpbench report: more than %d --label "
					"options\n",
					MAX_LABELS);
				return 2;
			}
			if (vp_label_parse(optarg, &a->labels[a->o.nlabels],
					   err, sizeof(err))) {
				vp_cli_error("report", err);
				return 2;
			}
			a->o.nlabels++;
			break;
		case 'h':
			report_usage(stdout);
			return 0;
		default:
			vp_cli_bad_option("report", argv, c, longs);
			return 2;
		}
	}
	return -1;
}

int vp_report_main(int argc, char **argv)
{
	struct report_args a;
	char err[2048] = "";
	memset(&a, 0, sizeof(a));
	a.o.labels = a.labels;
	int rc = parse_report(argc, argv, &a);
	if (rc >= 0)
		return rc;
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
	default_paths(&a, dirs, n);
	if (vp_report_build_opts(dirs, n, &a.o, err, sizeof(err))) {
		vp_cli_error("report", err);
		return 2;
	}
	printf("report: %s\nsummary: %s\n", a.o.html, a.o.summary);
	if (a.o.json)
		printf("json: %s\n", a.o.json);
	return 0;
}
