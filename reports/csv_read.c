/* Reads a run folder's results.csv and env.csv (parsed by csv_parse.c).
 * Each row is validated against the contract of reports/results_csv.h and
 * every number against the limits of csv_read.h where it enters; the first
 * problem stops the read with the file, the line and what was expected. A
 * truncated last row (an interrupted run) is skipped with a warning. env.csv
 * lookups go through a sorted index, so a huge env.csv stays fast. */
#include "reports/csv_read.h"

#include <errno.h>
#include <limits.h>
#include <math.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "reports/csv_internal.h"
#include "reports/metric_info.h"
#include "reports/results_csv.h"
#include "reports/str_pool.h"

void vp_run_warn(struct vp_run *run, const char *fmt, ...)
{
	char buf[1024];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	if (run->nwarn == run->capwarn) {
		size_t cap = run->capwarn ? run->capwarn * 2 : 8;
		char **w = realloc(run->warnings, cap * sizeof(*w));
		if (!w)
			return;
		run->warnings = w;
		run->capwarn = cap;
	}
	char *s = strdup(buf);
	if (s)
		run->warnings[run->nwarn++] = s;
}

static int parse_int(const char *s, long max, int *out)
{
	if (!*s || strspn(s, "0123456789") != strlen(s))
		return -1;
	errno = 0;
	long v = strtol(s, NULL, 10);
	if (errno || v > max)
		return -1;
	*out = (int)v;
	return 0;
}

/* Checks an ok row's value against its metric (see csv_read.h); returns
 * a vp_csv_bad_row() result or 0 with *out set. */
static int parse_value(struct reader *r, long line, const char *metric,
		       const char *text, double *out);

/* The run's one copy of field i (NULL when out of memory). */
static char *intern(struct reader *r, size_t i)
{
	return vp_str_pool_intern(r->run->strings, r->fields[i],
				  strlen(r->fields[i]));
}

enum {
	C_SCHEMA,
	C_RUN_ID,
	C_TARGET,
	C_KIND,
	C_ACCEL,
	C_HYPERVISOR,
	C_VCPUS,
	C_HOST_CPUS,
	C_WORKLOAD,
	C_THREADS,
	C_REP,
	C_METRIC,
	C_VALUE,
	C_UNIT,
	C_STATUS,
	C_NOTE
};

/* vcpus, host_cpus, threads, rep of the row into iv: 0, 1 when the row
 * is a skipped truncated one, or -EINVAL. */
static int row_ints(struct reader *r, long line, int *iv)
{
	static const struct {
		int col;
		const char *name;
	} ints[] = {{C_VCPUS, "vcpus"},
		    {C_HOST_CPUS, "host_cpus"},
		    {C_THREADS, "threads"},
		    {C_REP, "rep"}};
	char **f = r->fields;
	for (size_t i = 0; i < 4; i++) {
		long max = i < 3 ? VP_READ_CPUS_MAX : INT_MAX;
		if (i < 2 && !f[ints[i].col][0]) {
			iv[i] = -1; /* CPU count the target could not see */
		} else if (parse_int(f[ints[i].col], max, &iv[i])) {
			int rc = vp_csv_bad_row(
			    r, line, "%s '%.32s' is not an integer in 0 .. %ld",
			    ints[i].name, f[ints[i].col], max);
			return rc ? rc : 1;
		}
	}
	return 0;
}

static int on_result(struct reader *r, long line)
{
	if (r->nrecords == 1)
		return vp_csv_check_header(r, vp_results_columns,
					   VP_RESULTS_NCOLS, line);
	if (r->nf < VP_RESULTS_NCOLS)
		return vp_csv_bad_row(r, line,
				      "short row: %zu fields, expected %d",
				      r->nf, VP_RESULTS_NCOLS);
	if (r->nf > VP_RESULTS_NCOLS)
		return vp_csv_bad_row(r, line,
				      "long row: %zu fields, expected %d",
				      r->nf, VP_RESULTS_NCOLS);
	char **f = r->fields;
	int schema = !strcmp(f[C_SCHEMA], "1") ? 1
		     : !strcmp(f[C_SCHEMA], VP_RESULTS_SCHEMA)
			 ? VP_RESULTS_SCHEMA_NUM
			 : 0;
	if (!schema)
		return vp_csv_bad_row(
		    r, line,
		    "schema version '%.32s', expected 1 or %s (this "
		    "vpbench reads results schemas 1 to %s; a newer "
		    "vpbench wrote this run)",
		    f[C_SCHEMA], VP_RESULTS_SCHEMA, VP_RESULTS_SCHEMA);
	int iv[4];
	int rc = row_ints(r, line, iv);
	if (rc)
		return rc < 0 ? rc : 0; /* 1: a skipped truncated row */
	if (!f[C_TARGET][0] || !f[C_WORKLOAD][0] || !f[C_METRIC][0])
		return vp_csv_bad_row(
		    r, line,
		    "empty target, workload or metric (each row "
		    "needs all three)");
	enum vp_status st;
	if (vp_status_parse(f[C_STATUS], &st))
		return vp_csv_bad_row(
		    r, line,
		    "status '%.32s', expected ok, unavailable or "
		    "failed",
		    f[C_STATUS]);
	double bound;
	const char *btext;
	rc = vp_metric_bucket_bound(f[C_METRIC], &bound, &btext);
	if (rc == -EINVAL || (!rc && bound == 0 && schema == 1))
		return vp_csv_bad_row(
		    r, line,
		    "metric '%.64s': bucket bound '%.32s' is not a "
		    "decimal integer (0 only in schema 2; expected e.g. "
		    "spin_wait_bucket_le_1024)",
		    f[C_METRIC], btext);
	double value = NAN;
	if (st == VP_STATUS_OK) {
		rc = parse_value(r, line, f[C_METRIC], f[C_VALUE], &value);
		if (rc || isnan(value))
			return rc; /* a skipped truncated row leaves NAN */
	}
	if (r->truncated)
		vp_run_warn(r->run,
			    "%s line %ld: last row has no newline at the end "
			    "(the run was probably interrupted; its note may "
			    "be cut short)",
			    r->path, line);
	struct vp_run *run = r->run;
	if (run->nrows == run->caprows) {
		size_t cap = run->caprows ? run->caprows * 2 : 256;
		struct vp_result *n = realloc(run->rows, cap * sizeof(*n));
		if (!n) {
			snprintf(r->err, r->errlen, "out of memory");
			return -ENOMEM;
		}
		run->rows = n;
		run->caprows = cap;
	}
	struct vp_result x = {
	    .run_id = intern(r, C_RUN_ID),
	    .target = intern(r, C_TARGET),
	    .target_kind = intern(r, C_KIND),
	    .accel = intern(r, C_ACCEL),
	    .hypervisor = intern(r, C_HYPERVISOR),
	    .vcpus = iv[0],
	    .host_cpus = iv[1],
	    .workload = intern(r, C_WORKLOAD),
	    .threads = iv[2],
	    .rep = iv[3],
	    .metric = intern(r, C_METRIC),
	    .value = value,
	    .unit = intern(r, C_UNIT),
	    .status = st,
	    .note = intern(r, C_NOTE),
	    .line = line,
	    .schema = schema,
	};
	if (!x.run_id || !x.target || !x.target_kind || !x.accel ||
	    !x.hypervisor || !x.workload || !x.metric || !x.unit || !x.note) {
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	x.suspended = st == VP_STATUS_OK && vp_note_is_suspended(x.note);
	run->rows[run->nrows++] = x;
	return 0;
}

static int parse_value(struct reader *r, long line, const char *metric,
		       const char *text, double *out)
{
	*out = NAN;
	if (!vp_decimal_syntax(text, true))
		return vp_csv_bad_row(
		    r, line,
		    "value '%.32s' is not a number (status ok "
		    "needs a decimal number such as 12.5 or "
		    "1.25e+06)",
		    text);
	double v = strtod(text, NULL);
	if (vp_metric_is_bucket(metric, NULL) &&
	    (v < 0 || v != floor(v) || v > VP_READ_BUCKET_COUNT_MAX))
		return vp_csv_bad_row(
		    r, line,
		    "value '%.32s' of %.64s: a bucket count is a "
		    "whole number up to 2^53",
		    text, metric);
	if (!(fabs(v) <= VP_READ_VALUE_MAX))
		return vp_csv_bad_row(
		    r, line,
		    "value '%.32s' of %.64s is out of range (at "
		    "most %g in magnitude)",
		    text, metric, VP_READ_VALUE_MAX);
	if (v < 0 && vp_metric_nonnegative(metric))
		return vp_csv_bad_row(
		    r, line,
		    "value '%.32s' of %.64s is negative (a rate, "
		    "duration, fraction or count is >= 0)",
		    text, metric);
	*out = v;
	return 0;
}

static int on_env(struct reader *r, long line)
{
	if (r->nrecords == 1)
		return vp_csv_check_header(r, vp_env_columns, VP_ENV_NCOLS,
					   line);
	if (r->nf != VP_ENV_NCOLS)
		return vp_csv_bad_row(r, line,
				      "%s row: %zu fields, expected %d",
				      r->nf < VP_ENV_NCOLS ? "short" : "long",
				      r->nf, VP_ENV_NCOLS);
	struct vp_run *run = r->run;
	if (run->nenv == run->capenv) {
		size_t cap = run->capenv ? run->capenv * 2 : 64;
		struct vp_env_entry *n = realloc(run->env, cap * sizeof(*n));
		if (!n) {
			snprintf(r->err, r->errlen, "out of memory");
			return -ENOMEM;
		}
		run->env = n;
		run->capenv = cap;
	}
	struct vp_env_entry e = {intern(r, 0), intern(r, 1), intern(r, 2)};
	if (!e.target || !e.key || !e.value) {
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	run->env[run->nenv++] = e;
	return 0;
}

static char *folder_label(const char *dir)
{
	char *copy = strdup(dir);
	if (!copy)
		return NULL;
	size_t n = strlen(copy);
	while (n > 1 && copy[n - 1] == '/')
		copy[--n] = 0;
	char *base = strrchr(copy, '/');
	char *label = strdup(base && base[1] ? base + 1 : copy);
	free(copy);
	return label;
}

/* Order of the env index: target, key, then position in the file (so the
 * first of duplicate rows is found, as a scan would). */
static int env_cmp(const struct vp_env_entry *a, size_t ia,
		   const struct vp_env_entry *b, size_t ib)
{
	int c = strcmp(a->target, b->target);
	if (!c)
		c = strcmp(a->key, b->key);
	if (!c)
		c = (ia > ib) - (ia < ib);
	return c;
}

static int cmp_index(const void *pa, const void *pb, void *ctx)
{
	const struct vp_run *run = ctx;
	size_t a = *(const size_t *)pa, b = *(const size_t *)pb;
	return env_cmp(&run->env[a], a, &run->env[b], b);
}

static int index_env(struct vp_run *run)
{
	run->env_index =
	    malloc((run->nenv ? run->nenv : 1) * sizeof(*run->env_index));
	if (!run->env_index)
		return -ENOMEM;
	for (size_t i = 0; i < run->nenv; i++)
		run->env_index[i] = i;
	qsort_r(run->env_index, run->nenv, sizeof(*run->env_index), cmp_index,
		run);
	return 0;
}

void vp_run_input_paths(const char *dir, struct vp_run_paths *p)
{
	struct stat st;
	if (stat(dir, &st) == 0 && S_ISDIR(st.st_mode)) {
		snprintf(p->folder, sizeof(p->folder), "%s", dir);
		snprintf(p->results, sizeof(p->results), "%s/results.csv", dir);
	} else {
		/* A results.csv named directly: env.csv sits beside it. */
		const char *slash = strrchr(dir, '/');
		int dlen = slash ? (int)(slash - dir) : 1;
		snprintf(p->folder, sizeof(p->folder), "%.*s", dlen,
			 slash ? dir : ".");
		snprintf(p->results, sizeof(p->results), "%s", dir);
	}
	snprintf(p->env, sizeof(p->env), "%s/env.csv", p->folder);
	snprintf(p->plan, sizeof(p->plan), "%s/plan.conf", p->folder);
}

int vp_run_load(const char *dir, struct vp_run *run, char *err, size_t errlen)
{
	memset(run, 0, sizeof(*run));
	run->planned_steps = run->measured_steps = -1;
	struct vp_run_paths paths;
	const char *results = paths.results, *env = paths.env;
	struct stat st;
	int rc = 0;
	run->dir = strdup(dir);
	run->strings = vp_str_pool_new();
	if (!run->dir || !run->strings)
		return -ENOMEM;
	if (stat(dir, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen,
			 "%s: %s (expected a run folder holding "
			 "results.csv and env.csv)",
			 dir, strerror(errno));
		return rc;
	}
	vp_run_input_paths(dir, &paths);
	run->label = folder_label(paths.folder);
	if (!run->label)
		return -ENOMEM;
	if (stat(results, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen,
			 "%s: missing file (expected results.csv in the run "
			 "folder %s)",
			 results, dir);
		return rc;
	}
	struct reader r = {.path = results,
			   .err = err,
			   .errlen = errlen,
			   .on_record = on_result,
			   .run = run};
	rc = vp_csv_parse(&r);
	if (rc)
		return rc;
	if (r.nrecords == 0) {
		snprintf(err, errlen,
			 "%s: empty file (expected the header line %s...)",
			 results, vp_results_columns[0]);
		return -EINVAL;
	}
	if (run->nrows == 0) {
		snprintf(err, errlen,
			 "%s: no result rows after the header (an empty run: "
			 "nothing was measured)",
			 results);
		return -EINVAL;
	}
	if (stat(env, &st) != 0) {
		vp_run_warn(run,
			    "%s: missing (environment of the targets "
			    "unknown)",
			    env);
		return 0;
	}
	struct reader e = {.path = env,
			   .err = err,
			   .errlen = errlen,
			   .on_record = on_env,
			   .run = run};
	rc = vp_csv_parse(&e);
	if (!rc && e.nrecords == 0)
		vp_run_warn(run,
			    "%s: empty (environment of the targets "
			    "unknown)",
			    env);
	if (!rc && index_env(run)) {
		snprintf(err, errlen, "out of memory");
		rc = -ENOMEM;
	}
	return rc;
}

void vp_run_free(struct vp_run *run)
{
	vp_str_pool_free(run->strings);
	for (size_t i = 0; i < run->nwarn; i++)
		free(run->warnings[i]);
	free(run->rows);
	free(run->env);
	free(run->env_index);
	free(run->warnings);
	free(run->dir);
	free(run->label);
	free(run->missing_steps);
	memset(run, 0, sizeof(*run));
}

const char *vp_run_env(const struct vp_run *run, const char *target,
		       const char *key)
{
	/* Lower bound of (target, key, position 0). */
	struct vp_env_entry want = {(char *)target, (char *)key, NULL};
	size_t lo = 0, hi = run->env_index ? run->nenv : 0;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2, i = run->env_index[mid];
		if (env_cmp(&run->env[i], i, &want, 0) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == (run->env_index ? run->nenv : 0))
		return NULL;
	const struct vp_env_entry *e = &run->env[run->env_index[lo]];
	return strcmp(e->target, target) || strcmp(e->key, key) ? NULL
								: e->value;
}
