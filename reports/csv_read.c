/* Reads results.csv and env.csv with libcsv in strict mode (malformed
 * quoting is an error), fed one line at a time so every record carries the
 * line it started on. Each row is validated against the contract of
 * reports/results_csv.h; the first problem stops the read with the file, the
 * line and what was expected. The writer ends every record with a newline,
 * so a last record without one comes from an interrupted run: it is skipped
 * with a warning when incomplete. */
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

#include "reports/metric_info.h"
#include "reports/results_csv.h"

#if HAVE_LIBCSV
#include <csv.h>
#endif

struct reader {
	const char *path;
	char **fields;
	size_t nf, capf;
	long line;	/* line being fed */
	long rec_start; /* line the pending record started on, 0: none */
	long nrecords;
	bool failed;	/* a handler or the parser reported an error */
	bool truncated; /* the record being handled has no final newline */
	int rc;
	char *err;
	size_t errlen;
	int (*on_record)(struct reader *r, long line);
	struct vp_run *run;
};

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

static void clear_fields(struct reader *r)
{
	for (size_t i = 0; i < r->nf; i++)
		free(r->fields[i]);
	r->nf = 0;
}

#if HAVE_LIBCSV
static void on_field(void *s, size_t len, void *data)
{
	struct reader *r = data;
	if (r->failed)
		return;
	if (r->nf == r->capf) {
		size_t cap = r->capf ? r->capf * 2 : 32;
		char **f = realloc(r->fields, cap * sizeof(*f));
		if (!f) {
			r->failed = true;
			r->rc = -ENOMEM;
			snprintf(r->err, r->errlen, "out of memory");
			return;
		}
		r->fields = f;
		r->capf = cap;
	}
	char *copy = malloc(len + 1);
	if (!copy) {
		r->failed = true;
		r->rc = -ENOMEM;
		snprintf(r->err, r->errlen, "out of memory");
		return;
	}
	if (len)
		memcpy(copy, s, len);
	copy[len] = 0;
	r->fields[r->nf++] = copy;
}

static void on_record_end(int c, void *data)
{
	struct reader *r = data;
	long start = r->rec_start ? r->rec_start : r->line;
	r->rec_start = 0;
	if (!r->failed) {
		r->truncated = c == -1;
		r->nrecords++;
		int rc = r->on_record(r, start);
		if (rc) {
			r->failed = true;
			r->rc = rc;
		}
	}
	clear_fields(r);
}

static bool blank_line(const char *s)
{
	return strspn(s, "\r\n") == strlen(s);
}

/* Parses path, calling r->on_record for each record. */
static int read_csv(struct reader *r)
{
	struct csv_parser p;
	char *line = NULL;
	size_t cap = 0;
	ssize_t len;
	bool ended_nl = true;
	int rc = 0;
	FILE *f = fopen(r->path, "r");
	if (!f) {
		rc = -errno;
		snprintf(r->err, r->errlen, "%s: cannot open: %s", r->path,
			 strerror(errno));
		return rc;
	}
	if (csv_init(&p, CSV_STRICT | CSV_STRICT_FINI | CSV_APPEND_NULL)) {
		fclose(f);
		snprintf(r->err, r->errlen, "out of memory");
		return -ENOMEM;
	}
	while (!r->failed && (len = getline(&line, &cap, f)) > 0) {
		char *text = line;
		r->line++;
		ended_nl = line[len - 1] == '\n';
		/* A UTF-8 byte order mark (spreadsheet exports) is not data. */
		if (r->line == 1 && len >= 3 &&
		    !memcmp(line, "\xEF\xBB\xBF", 3)) {
			text += 3;
			len -= 3;
		}
		if (!r->rec_start && !blank_line(text))
			r->rec_start = r->line;
		if (csv_parse(&p, text, (size_t)len, on_field, on_record_end,
			      r) != (size_t)len &&
		    !r->failed) {
			r->failed = true;
			r->rc = -EINVAL;
			snprintf(r->err, r->errlen,
				 "%s line %ld: malformed CSV quoting (%s); "
				 "expected RFC 4180 fields, quotes doubled "
				 "inside quoted fields",
				 r->path, r->line, csv_strerror(csv_error(&p)));
		}
	}
	if (!r->failed && ferror(f)) {
		r->failed = true;
		r->rc = -EIO;
		snprintf(r->err, r->errlen, "%s: read error", r->path);
	}
	if (!r->failed) {
		long start = r->rec_start;
		if (csv_fini(&p, on_field, on_record_end, r) != 0 &&
		    !r->failed) {
			/* A quoted field still open at the end of the file. */
			if (start == r->line && !ended_nl) {
				vp_run_warn(r->run,
					    "%s line %ld: truncated last row "
					    "(unterminated quoted field; the "
					    "run was probably interrupted): "
					    "skipped",
					    r->path, start);
			} else {
				r->failed = true;
				r->rc = -EINVAL;
				snprintf(r->err, r->errlen,
					 "%s line %ld: unterminated quoted "
					 "field (expected a closing '\"')",
					 r->path, start);
			}
		}
	}
	if (r->failed)
		rc = r->rc ? r->rc : -EINVAL;
	clear_fields(r);
	free(r->fields);
	r->fields = NULL;
	r->capf = 0;
	csv_free(&p);
	free(line);
	fclose(f);
	return rc;
}
#else
static int read_csv(struct reader *r)
{
	snprintf(r->err, r->errlen,
		 "%s: built without libcsv, cannot read CSV files "
		 "(install libcsv-dev and rebuild)",
		 r->path);
	return -ENOTSUP;
}
#endif

static void join_columns(const char *const *cols, size_t n, char *buf,
			 size_t len)
{
	size_t off = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s",
					i ? "," : "", cols[i]);
}

static int check_header(struct reader *r, const char *const *cols, size_t n,
			long line)
{
	char want[512];
	join_columns(cols, n, want, sizeof(want));
	for (size_t i = 0; i < n; i++) {
		if (i >= r->nf || strcmp(r->fields[i], cols[i]) != 0) {
			snprintf(r->err, r->errlen,
				 "%s line %ld: wrong header: column %zu is "
				 "'%.64s', expected '%s' (header: %s)",
				 r->path, line, i + 1,
				 i < r->nf ? r->fields[i] : "(missing)",
				 cols[i], want);
			return -EINVAL;
		}
	}
	if (r->nf != n) {
		snprintf(r->err, r->errlen,
			 "%s line %ld: wrong header: %zu columns, expected %zu "
			 "(%s)",
			 r->path, line, r->nf, n, want);
		return -EINVAL;
	}
	return 0;
}

/* A bad row: an error, or a skipped row with a warning when it is the
 * truncated last one. */
static int bad_row(struct reader *r, long line, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static int bad_row(struct reader *r, long line, const char *fmt, ...)
{
	char what[512];
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	if (r->truncated) {
		vp_run_warn(r->run,
			    "%s line %ld: truncated last row (%s; no newline "
			    "at the end: the run was probably interrupted): "
			    "skipped",
			    r->path, line, what);
		return 0;
	}
	snprintf(r->err, r->errlen, "%s line %ld: %s", r->path, line, what);
	return -EINVAL;
}

/* A decimal integer 0..max, digits only (strtol alone would take " 7",
 * "+7" and "-0"). */
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

/* [-]digits[.digits][e[+-]digits], as "%.9g" writes; strtod alone would
 * also take "inf", "nan", "0x1p3" and leading blanks. */
static bool decimal_syntax(const char *s)
{
	size_t n = 0;
	if (*s == '-' || *s == '+')
		s++;
	n = strspn(s, "0123456789");
	s += n;
	if (*s == '.') {
		size_t frac = strspn(s + 1, "0123456789");
		s += 1 + frac;
		n += frac;
	}
	if (!n)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!strspn(s, "0123456789"))
			return false;
		s += strspn(s, "0123456789");
	}
	return !*s;
}

/* Checks an ok row's value against its metric (see csv_read.h); returns
 * a bad_row() result or 0 with *out set. */
static int parse_value(struct reader *r, long line, const char *metric,
		       const char *text, double *out);

static char *steal(struct reader *r, size_t i)
{
	char *s = r->fields[i];
	r->fields[i] = NULL;
	return s;
}

static void free_result(struct vp_result *x)
{
	free(x->run_id);
	free(x->target);
	free(x->target_kind);
	free(x->accel);
	free(x->hypervisor);
	free(x->workload);
	free(x->metric);
	free(x->unit);
	free(x->note);
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

static int on_result(struct reader *r, long line)
{
	if (r->nrecords == 1)
		return check_header(r, vp_results_columns, VP_RESULTS_NCOLS,
				    line);
	if (r->nf < VP_RESULTS_NCOLS)
		return bad_row(r, line, "short row: %zu fields, expected %d",
			       r->nf, VP_RESULTS_NCOLS);
	if (r->nf > VP_RESULTS_NCOLS)
		return bad_row(r, line, "long row: %zu fields, expected %d",
			       r->nf, VP_RESULTS_NCOLS);
	char **f = r->fields;
	if (strcmp(f[C_SCHEMA], VP_RESULTS_SCHEMA) != 0)
		return bad_row(r, line,
			       "schema version '%.32s', expected '%s' (this "
			       "vpbench reads results schema %s)",
			       f[C_SCHEMA], VP_RESULTS_SCHEMA,
			       VP_RESULTS_SCHEMA);
	static const struct {
		int col;
		const char *name;
	} ints[] = {{C_VCPUS, "vcpus"},
		    {C_HOST_CPUS, "host_cpus"},
		    {C_THREADS, "threads"},
		    {C_REP, "rep"}};
	int iv[4];
	for (size_t i = 0; i < 4; i++) {
		long max = i < 3 ? VP_READ_CPUS_MAX : INT_MAX;
		if (i < 2 && !f[ints[i].col][0])
			iv[i] = -1; /* CPU count the target could not see */
		else if (parse_int(f[ints[i].col], max, &iv[i]))
			return bad_row(r, line,
				       "%s '%.32s' is not an integer in 0 .. "
				       "%ld",
				       ints[i].name, f[ints[i].col], max);
	}
	if (!f[C_TARGET][0] || !f[C_WORKLOAD][0] || !f[C_METRIC][0])
		return bad_row(r, line,
			       "empty target, workload or metric (each row "
			       "needs all three)");
	enum vp_status st;
	if (vp_status_parse(f[C_STATUS], &st))
		return bad_row(r, line,
			       "status '%.32s', expected ok, unavailable or "
			       "failed",
			       f[C_STATUS]);
	double bound;
	const char *btext;
	if (vp_metric_bucket_bound(f[C_METRIC], &bound, &btext) == -EINVAL)
		return bad_row(r, line,
			       "metric '%.64s': bucket bound '%.32s' is not a "
			       "positive decimal integer (expected e.g. "
			       "spin_wait_bucket_le_1024)",
			       f[C_METRIC], btext);
	double value = NAN;
	if (st == VP_STATUS_OK) {
		int rc = parse_value(r, line, f[C_METRIC], f[C_VALUE], &value);
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
	struct vp_result *x = &run->rows[run->nrows++];
	*x = (struct vp_result){
	    .run_id = steal(r, C_RUN_ID),
	    .target = steal(r, C_TARGET),
	    .target_kind = steal(r, C_KIND),
	    .accel = steal(r, C_ACCEL),
	    .hypervisor = steal(r, C_HYPERVISOR),
	    .vcpus = iv[0],
	    .host_cpus = iv[1],
	    .workload = steal(r, C_WORKLOAD),
	    .threads = iv[2],
	    .rep = iv[3],
	    .metric = steal(r, C_METRIC),
	    .value = value,
	    .unit = steal(r, C_UNIT),
	    .status = st,
	    .note = steal(r, C_NOTE),
	    .line = line,
	};
	return 0;
}

static int parse_value(struct reader *r, long line, const char *metric,
		       const char *text, double *out)
{
	*out = NAN;
	if (!decimal_syntax(text))
		return bad_row(r, line,
			       "value '%.32s' is not a number (status ok "
			       "needs a decimal number such as 12.5 or "
			       "1.25e+06)",
			       text);
	double v = strtod(text, NULL);
	if (vp_metric_is_bucket(metric, NULL) &&
	    (v < 0 || v != floor(v) || v > VP_READ_BUCKET_COUNT_MAX))
		return bad_row(r, line,
			       "value '%.32s' of %.64s: a bucket count is a "
			       "whole number up to 2^53",
			       text, metric);
	if (!(fabs(v) <= VP_READ_VALUE_MAX))
		return bad_row(r, line,
			       "value '%.32s' of %.64s is out of range (at "
			       "most %g in magnitude)",
			       text, metric, VP_READ_VALUE_MAX);
	if (v < 0 && vp_metric_nonnegative(metric))
		return bad_row(r, line,
			       "value '%.32s' of %.64s is negative (a rate, "
			       "duration, fraction or count is >= 0)",
			       text, metric);
	*out = v;
	return 0;
}

static int on_env(struct reader *r, long line)
{
	if (r->nrecords == 1)
		return check_header(r, vp_env_columns, VP_ENV_NCOLS, line);
	if (r->nf != VP_ENV_NCOLS)
		return bad_row(r, line, "%s row: %zu fields, expected %d",
			       r->nf < VP_ENV_NCOLS ? "short" : "long", r->nf,
			       VP_ENV_NCOLS);
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
	run->env[run->nenv++] =
	    (struct vp_env_entry){steal(r, 0), steal(r, 1), steal(r, 2)};
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

int vp_run_load(const char *dir, struct vp_run *run, char *err, size_t errlen)
{
	memset(run, 0, sizeof(*run));
	char results[PATH_MAX], env[PATH_MAX];
	struct stat st;
	int rc = 0;
	run->dir = strdup(dir);
	if (!run->dir)
		return -ENOMEM;
	if (stat(dir, &st) != 0) {
		rc = -errno;
		snprintf(err, errlen,
			 "%s: %s (expected a run folder holding "
			 "results.csv and env.csv)",
			 dir, strerror(errno));
		return rc;
	}
	if (S_ISDIR(st.st_mode)) {
		snprintf(results, sizeof(results), "%s/results.csv", dir);
		snprintf(env, sizeof(env), "%s/env.csv", dir);
		run->label = folder_label(dir);
	} else {
		/* A results.csv named directly: env.csv sits beside it. */
		snprintf(results, sizeof(results), "%s", dir);
		const char *slash = strrchr(dir, '/');
		int dlen = slash ? (int)(slash - dir) : 1;
		snprintf(env, sizeof(env), "%.*s/env.csv", dlen,
			 slash ? dir : ".");
		char parent[PATH_MAX];
		snprintf(parent, sizeof(parent), "%.*s", dlen,
			 slash ? dir : ".");
		run->label = folder_label(parent);
	}
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
	rc = read_csv(&r);
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
	rc = read_csv(&e);
	if (!rc && e.nrecords == 0)
		vp_run_warn(run,
			    "%s: empty (environment of the targets "
			    "unknown)",
			    env);
	return rc;
}

void vp_run_free(struct vp_run *run)
{
	for (size_t i = 0; i < run->nrows; i++)
		free_result(&run->rows[i]);
	for (size_t i = 0; i < run->nenv; i++) {
		free(run->env[i].target);
		free(run->env[i].key);
		free(run->env[i].value);
	}
	for (size_t i = 0; i < run->nwarn; i++)
		free(run->warnings[i]);
	free(run->rows);
	free(run->env);
	free(run->warnings);
	free(run->dir);
	free(run->label);
	memset(run, 0, sizeof(*run));
}

const char *vp_run_env(const struct vp_run *run, const char *target,
		       const char *key)
{
	for (size_t i = 0; i < run->nenv; i++)
		if (strcmp(run->env[i].target, target) == 0 &&
		    strcmp(run->env[i].key, key) == 0)
			return run->env[i].value;
	return NULL;
}
