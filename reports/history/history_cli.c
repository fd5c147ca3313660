/* The `history` subcommand: import run folders into the results history,
 * list its runs and series, export the per-run cell summaries (CSV, JSON)
 * and check the series for change points (check.h decides and prints). */
#include <errno.h>
#include <getopt.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/cli_internal.h"
#include "reports/history/check.h"
#include "reports/history/history_cli.h"
#include "reports/history/store.h"
#include "reports/stats.h"

#define MAX_METRICS 32

static const char db_help[] =
    "      --db DB           the history: an SQLite file, or "
    "postgresql://... for a\n"
    "                        shared PostgreSQL database (default\n"
    "                        $XDG_DATA_HOME/vpbench/history.db, else\n"
    "                        ~/.local/share/vpbench/history.db)\n";
static const char filter_help[] =
    "      --since DATE|RUN  runs started on or after DATE (YYYY-MM-DD, "
    "UTC), or\n"
    "                        the run RUN and the ones after it\n"
    "      --metric M[,M]    only these metrics (repeatable)\n"
    "      --host LABEL      only this host label\n";

static void history_usage(FILE *f)
{
	fputs("usage: vpbench history import|list|export|check [options]\n"
	      "The results history: many runs of each cell over time, in an "
	      "SQLite file or\n"
	      "a shared PostgreSQL database, so that a change of the code is "
	      "told from the\n"
	      "machine's drift by change points on each cell's series of "
	      "per-run medians.\n\n"
	      "  import RUN...   add run folders (idempotent by run id; "
	      "partial runs refused)\n"
	      "  list            the runs and the series\n"
	      "  export          per-run cell summaries as CSV or JSON\n"
	      "  check           change points; exit 1 on a regression at "
	      "the newest run\n\n"
	      "`vpbench history <command> --help` describes each. Exit "
	      "status: 0 ok, 1 a\nregression (check), 2 bad usage or bad "
	      "input.\n",
	      f);
}

static void import_usage(FILE *f)
{
	fprintf(f,
		"usage: vpbench history import [--db DB] [--host LABEL] "
		"RUN...\n"
		"Adds each run folder (results.csv, env.csv, plan.conf) to "
		"the history in one\n"
		"transaction: the run and its provenance, every results.csv "
		"row, and per cell\n"
		"(host, target, accel, workload with its options, threads, "
		"metric) the median,\n"
		"mean and sd of its ok values. A run already there (same run "
		"id) is skipped;\n"
		"a partial run (interrupted, a target without its end, a cut "
		"last row), a\n"
		"corrupt one or one of an unknown schema is refused with the "
		"reason and nothing\n"
		"of it is written. Importers may run at once on one "
		"database.\n\n"
		"%s"
		"      --host LABEL      host label of the runs' series "
		"(default: the machine\n"
		"                        that ran them, env.csv runner_host)\n"
		"  -h, --help            this help\n\n"
		"Exit status: 0 every run added or already there, 2 bad usage, "
		"a refused run\nor a database error (the other runs are still "
		"imported).\n",
		db_help);
}

static void list_usage(FILE *f)
{
	fprintf(f,
		"usage: vpbench history list [--db DB] [--runs | --series]\n"
		"Lists the runs of the history (id, start, host label, build, "
		"cells) and its\n"
		"series (key host|target|accel|workload|threads|metric, runs, "
		"first and last\nstart); both unless one is asked for.\n\n"
		"%s"
		"      --runs            only the runs\n"
		"      --series          only the series\n"
		"  -h, --help            this help\n\n"
		"Exit status: 0 ok, 2 bad usage or a database error.\n",
		db_help);
}

static void export_usage(FILE *f)
{
	fprintf(f,
		"usage: vpbench history export [--db DB] [--format csv|json] "
		"[-o FILE]\n"
		"                              [--since DATE|RUN] [--metric "
		"M] [--host LABEL]\n"
		"Writes one record per run and series: run_id, started_utc, "
		"ended_utc, host,\n"
		"build, series_key, target, accel, workload, threads, metric, "
		"unit, n, median,\n"
		"mean, sd; oldest run first (pandas.read_csv / read_json "
		"take it as is).\n\n"
		"%s%s"
		"      --format F        csv (default) or json (an array of "
		"objects)\n"
		"  -o, --output FILE     write there instead of stdout\n"
		"  -h, --help            this help\n\n"
		"Exit status: 0 ok, 2 bad usage or a database error.\n",
		db_help, filter_help);
}

static void check_usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vpbench history check [--db DB] [--since DATE|RUN] "
	    "[--metric M]\n"
	    "          [--alpha A] [--min-size N] [--permutations N] [--seed "
	    "N]\n"
	    "          [--threshold PCT] [--correction bh|holm|none]\n"
	    "          [--markdown FILE] [--junit FILE]\n"
	    "Finds change points in each series of per-run medians "
	    "(E-divisive means with a\n"
	    "permutation test, Matteson & James 2014), and for each: the "
	    "run where it\n"
	    "starts, the runs either side, the shift with its 95%% CI, and "
	    "whether it is in\n"
	    "the worse direction. A regression is a worse shift beyond the "
	    "threshold that\n"
	    "stays significant after the correction over all series; the "
	    "baseline of the\n"
	    "newest runs is the series since its last change point, not one "
	    "run.\n\n"
	    "%s%s"
	    "      --alpha A         significance of the permutation test "
	    "(default 0.05)\n"
	    "      --min-size N      fewest runs in a segment (default 5)\n"
	    "      --permutations N  per candidate change point (default "
	    "199)\n"
	    "      --seed N          of the permutations (default 1; same "
	    "seed, same answer)\n"
	    "      --newest-runs N   a change starting within a series' last "
	    "N runs (and no\n"
	    "                        later one) is at the newest runs "
	    "(default: 2 x\n"
	    "                        --min-size)\n"
	    "      --threshold PCT   a smaller shift is not a regression "
	    "(default 5)\n"
	    "      --correction C    bh (default), holm or none, over all "
	    "series tested\n"
	    "      --markdown FILE   write a Markdown summary (CI job "
	    "summary)\n"
	    "      --junit FILE      write JUnit XML, one test case per "
	    "series\n"
	    "  -h, --help            this help\n\n"
	    "Exit status: 0 no regression at the newest runs, 1 a regression "
	    "starting at\nthe newest runs, 2 bad usage or bad input.\n",
	    db_help, filter_help);
}

/* Options shared by the subcommands. */
struct hargs {
	const char *db, *host, *output, *markdown, *junit;
	struct vp_series_filter filter;
	const char *metrics[MAX_METRICS];
	char metric_buf[MAX_METRICS][64];
	int runs_only, series_only;
	enum vp_export_format format;
	struct vp_hcheck_opts check;
};

/* The message on stderr (control bytes shown as '?'); returns 2. */
__attribute__((format(printf, 2, 3))) static int
usage_error(const char *cmd, const char *fmt, ...)
{
	char msg[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	vp_cli_error(cmd, msg);
	return 2;
}

static int add_metrics(struct hargs *a, const char *list)
{
	char buf[1024];
	snprintf(buf, sizeof(buf), "%s", list);
	for (char *save, *m = strtok_r(buf, ",", &save); m;
	     m = strtok_r(NULL, ",", &save)) {
		if (a->filter.nmetrics == MAX_METRICS || strlen(m) >= 64)
			return usage_error("history",
					   "--metric '%s': at most %d names "
					   "of under 64 characters",
					   list, MAX_METRICS);
		snprintf(a->metric_buf[a->filter.nmetrics], 64, "%s", m);
		a->metrics[a->filter.nmetrics] =
		    a->metric_buf[a->filter.nmetrics];
		a->filter.nmetrics++;
	}
	if (!a->filter.nmetrics)
		return usage_error("history", "--metric '%s': %s", list,
				   "expected metric names, e.g. ops_per_s");
	a->filter.metrics = a->metrics;
	return 0;
}

static int parse_num(const char *s, double lo, double hi, double *out)
{
	char *end;
	errno = 0;
	double v = strtod(s, &end);
	if (end != s && *end == '%')
		end++;
	if (!*s || *end || errno || !isfinite(v) || v < lo || v > hi)
		return -1;
	*out = v;
	return 0;
}

/* The numeric options of check: 0 or 2 with the message. */
static int check_value(int c, const char *arg, struct vp_hcheck_opts *o)
{
	double v;
	enum vp_p_adjust how;
	switch (c) {
	case 'A':
		if (parse_num(arg, 1e-9, 0.5, &v))
			return usage_error("history check", "--alpha '%s': %s",
					   arg, "expected a level in (0, 0.5]");
		o->alpha = v;
		return 0;
	case 'M':
		if (parse_num(arg, 2, 10000, &v) || v != floor(v))
			return usage_error("history check",
					   "--min-size '%s': %s", arg,
					   "expected a whole number of runs, "
					   "2 .. 10000");
		o->min_size = (unsigned)v;
		return 0;
	case 'P':
		if (parse_num(arg, 19, 100000, &v) || v != floor(v))
			return usage_error("history check",
					   "--permutations '%s': %s", arg,
					   "expected a whole number, 19 .. "
					   "100000");
		o->permutations = (unsigned)v;
		return 0;
	case 'S':
		if (parse_num(arg, 0, 18446744073709551615.0, &v) ||
		    v != floor(v))
			return usage_error("history check", "--seed '%s': %s",
					   arg, "expected a whole number >= 0");
		o->seed = strtoul(arg, NULL, 10);
		return 0;
	case 'N':
		if (parse_num(arg, 1, 100000, &v) || v != floor(v))
			return usage_error("history check",
					   "--newest-runs '%s': %s", arg,
					   "expected a whole number of runs, "
					   "1 .. 100000");
		o->newest_runs = (unsigned)v;
		return 0;
	case 'T':
		if (parse_num(arg, 0, 1000, &v))
			return usage_error("history check",
					   "--threshold '%s': %s", arg,
					   "expected a percentage, 0 .. 1000 "
					   "(e.g. 5 for 5%)");
		o->threshold_pct = v;
		return 0;
	case 'C':
		if (vp_p_adjust_parse(arg, &how))
			return usage_error("history check",
					   "--correction '%s': %s", arg,
					   "expected bh, holm or none");
		snprintf(o->correction, sizeof(o->correction), "%s", arg);
		return 0;
	}
	return 2;
}

enum {
	OPT_DB = 256,
	OPT_HOST,
	OPT_SINCE,
	OPT_METRIC,
	OPT_RUNS,
	OPT_SERIES,
	OPT_FORMAT,
	OPT_MARKDOWN,
	OPT_JUNIT,
};

/* Options of subcommand cmd into a; -1 to go on, else the exit code. */
static int parse(const char *cmd, int argc, char **argv,
		 const struct option *longs, void (*usage)(FILE *),
		 struct hargs *a)
{
	char name[64];
	snprintf(name, sizeof(name), "history %s", cmd);
	int c;
	optind = 0;
	opterr = 0;
	while ((c = getopt_long(argc, argv, ":ho:", longs, NULL)) != -1) {
		switch (c) {
		case OPT_DB:
			a->db = optarg;
			break;
		case OPT_HOST:
			a->host = a->filter.host = optarg;
			break;
		case OPT_SINCE:
			if (!optarg[0])
				return usage_error(name,
						   "--since: expected a date "
						   "YYYY-MM-DD or a run id");
			a->filter.since = optarg;
			break;
		case OPT_METRIC:
			if (add_metrics(a, optarg))
				return 2;
			break;
		case OPT_RUNS:
			a->runs_only = 1;
			break;
		case OPT_SERIES:
			a->series_only = 1;
			break;
		case OPT_FORMAT:
			if (!strcmp(optarg, "csv"))
				a->format = VP_EXPORT_CSV;
			else if (!strcmp(optarg, "json"))
				a->format = VP_EXPORT_JSON;
			else
				return usage_error(name, "--format '%s': %s",
						   optarg,
						   "expected csv or json");
			break;
		case 'o':
			a->output = optarg;
			break;
		case OPT_MARKDOWN:
			a->markdown = optarg;
			break;
		case OPT_JUNIT:
			a->junit = optarg;
			break;
		case 'A':
		case 'M':
		case 'P':
		case 'S':
		case 'N':
		case 'T':
		case 'C':
			if (check_value(c, optarg, &a->check))
				return 2;
			break;
		case 'h':
			usage(stdout);
			return 0;
		default:
			vp_cli_bad_option(name, argv, c, longs);
			return 2;
		}
	}
	return -1;
}

#define DB_OPT                                                                 \
	{                                                                      \
		"db", required_argument, 0, OPT_DB                             \
	}
#define HELP_OPT                                                               \
	{                                                                      \
		"help", no_argument, 0, 'h'                                    \
	}
#define FILTER_OPTS                                                            \
	{"since", required_argument, 0, OPT_SINCE},                            \
	    {"metric", required_argument, 0, OPT_METRIC},                      \
	{                                                                      \
		"host", required_argument, 0, OPT_HOST                         \
	}

static int open_store(const char *cmd, const char *db, struct vp_store **st)
{
	char err[2048];
	if (!vp_store_open(db, st, err, sizeof(err)))
		return 0;
	vp_cli_error(cmd, err);
	return 2;
}

static int cmd_import(int argc, char **argv)
{
	static const struct option longs[] = {
	    DB_OPT, {"host", required_argument, 0, OPT_HOST}, HELP_OPT, {0}};
	struct hargs a = {0};
	int rc = parse("import", argc, argv, longs, import_usage, &a);
	if (rc >= 0)
		return rc;
	if (optind == argc) {
		vp_cli_error("history import",
			     "expected one or more run folders");
		import_usage(stderr);
		return 2;
	}
	struct vp_store *st;
	if (open_store("history import", a.db, &st))
		return 2;
	struct vp_import_opts o = {.host_label = a.host};
	int exit_code = 0;
	for (int i = optind; i < argc; i++) {
		char err[4096] = "", msg[4400];
		enum vp_import_outcome out;
		struct vp_import_stats s;
		rc = vp_history_import_run(st, argv[i], &o, &out, &s, err,
					   sizeof(err));
		if (rc || out == VP_IMPORT_REFUSED) {
			snprintf(msg, sizeof(msg), "%s: %s: nothing imported",
				 argv[i], err);
			vp_cli_error("history import", msg);
			exit_code = 2;
		} else if (out == VP_IMPORT_PRESENT) {
			printf("present %s (%s): already in the history\n",
			       s.run_id, argv[i]);
		} else {
			printf("added %s (%s): %zu rows, %zu cells\n", s.run_id,
			       argv[i], s.rows, s.cells);
		}
	}
	vp_store_close(st);
	return exit_code;
}

static int cmd_list(int argc, char **argv)
{
	static const struct option longs[] = {
	    DB_OPT,
	    {"runs", no_argument, 0, OPT_RUNS},
	    {"series", no_argument, 0, OPT_SERIES},
	    HELP_OPT,
	    {0}};
	struct hargs a = {0};
	int rc = parse("list", argc, argv, longs, list_usage, &a);
	if (rc >= 0)
		return rc;
	if (optind != argc)
		return usage_error("history list", "unexpected argument '%s'%s",
				   argv[optind], " (list takes options only)");
	struct vp_store *st;
	if (open_store("history list", a.db, &st))
		return 2;
	char err[2048];
	int both = !a.runs_only && !a.series_only;
	rc = vp_history_list(st, stdout, both || a.runs_only,
			     both || a.series_only, err, sizeof(err));
	if (rc)
		vp_cli_error("history list", err);
	vp_store_close(st);
	return rc ? 2 : 0;
}

static int cmd_export(int argc, char **argv)
{
	static const struct option longs[] = {
	    DB_OPT,
	    FILTER_OPTS,
	    {"format", required_argument, 0, OPT_FORMAT},
	    {"output", required_argument, 0, 'o'},
	    HELP_OPT,
	    {0}};
	struct hargs a = {0};
	int rc = parse("export", argc, argv, longs, export_usage, &a);
	if (rc >= 0)
		return rc;
	if (optind != argc)
		return usage_error("history export",
				   "unexpected argument '%s'%s", argv[optind],
				   " (export takes options only)");
	struct vp_store *st;
	if (open_store("history export", a.db, &st))
		return 2;
	FILE *out = a.output ? fopen(a.output, "w") : stdout;
	char err[2048];
	if (!out) {
		snprintf(err, sizeof(err), "cannot write %s: %s", a.output,
			 strerror(errno));
		rc = -errno;
	} else {
		rc = vp_history_export(st, &a.filter, a.format, out, err,
				       sizeof(err));
	}
	if (out && out != stdout && fclose(out) && !rc) {
		snprintf(err, sizeof(err), "writing %s: %s", a.output,
			 strerror(errno));
		rc = -EIO;
	}
	if (rc)
		vp_cli_error("history export", err);
	vp_store_close(st);
	return rc ? 2 : 0;
}

/* One writer into a file named by an option. */
static int write_to(const char *path,
		    int (*w)(FILE *, const struct vp_series_set *,
			     const struct vp_hcheck_result *),
		    const struct vp_series_set *set,
		    const struct vp_hcheck_result *r)
{
	FILE *f = fopen(path, "w");
	int rc = f ? w(f, set, r) : -errno;
	if (f && fclose(f) && !rc)
		rc = -errno;
	if (rc)
		fprintf(stderr, "vpbench history check: cannot write %s: %s\n",
			path, strerror(-rc));
	return rc;
}

static int cmd_check(int argc, char **argv)
{
	static const struct option longs[] = {
	    DB_OPT,
	    FILTER_OPTS,
	    {"alpha", required_argument, 0, 'A'},
	    {"min-size", required_argument, 0, 'M'},
	    {"permutations", required_argument, 0, 'P'},
	    {"seed", required_argument, 0, 'S'},
	    {"newest-runs", required_argument, 0, 'N'},
	    {"threshold", required_argument, 0, 'T'},
	    {"correction", required_argument, 0, 'C'},
	    {"markdown", required_argument, 0, OPT_MARKDOWN},
	    {"junit", required_argument, 0, OPT_JUNIT},
	    HELP_OPT,
	    {0}};
	struct hargs a = {0};
	vp_hcheck_opts_default(&a.check);
	int rc = parse("check", argc, argv, longs, check_usage, &a);
	if (rc >= 0)
		return rc;
	if (optind != argc)
		return usage_error("history check",
				   "unexpected argument '%s'%s", argv[optind],
				   " (check takes options only)");
	struct vp_store *st;
	if (open_store("history check", a.db, &st))
		return 2;
	char err[2048];
	struct vp_series_set *set = NULL;
	rc = vp_history_load_series(st, &a.filter, &set, err, sizeof(err));
	vp_store_close(st);
	if (rc) {
		vp_cli_error("history check", err);
		return 2;
	}
	if (!set->n) {
		vp_cli_error("history check",
			     "no series match (import runs with vpbench "
			     "history import, or widen --since/--metric/"
			     "--host)");
		vp_series_set_free(set);
		return 2;
	}
	struct vp_hcheck_result r;
	memset(&r, 0, sizeof(r));
	rc = vp_history_check(set, &a.check, &r);
	if (!rc)
		rc = vp_hcheck_write_text(stdout, set, &r);
	if (!rc && a.markdown)
		rc = write_to(a.markdown, vp_hcheck_write_markdown, set, &r);
	if (!rc && a.junit)
		rc = write_to(a.junit, vp_hcheck_write_junit, set, &r);
	int exit_code = rc ? 2 : r.n_newest_regressions ? 1 : 0;
	vp_hcheck_result_free(&r);
	vp_series_set_free(set);
	return exit_code;
}

int vp_history_main(int argc, char **argv)
{
	if (argc < 2) {
		history_usage(stderr);
		return 2;
	}
	const char *sub = argv[1];
	if (!strcmp(sub, "-h") || !strcmp(sub, "--help") ||
	    !strcmp(sub, "help")) {
		history_usage(stdout);
		return 0;
	}
	if (!strcmp(sub, "import"))
		return cmd_import(argc - 1, argv + 1);
	if (!strcmp(sub, "list"))
		return cmd_list(argc - 1, argv + 1);
	if (!strcmp(sub, "export"))
		return cmd_export(argc - 1, argv + 1);
	if (!strcmp(sub, "check"))
		return cmd_check(argc - 1, argv + 1);
	usage_error("history",
		    "unknown subcommand '%s'; valid: %s (see vpbench history "
		    "--help)",
		    sub, "import, list, export, check");
	return 2;
}
