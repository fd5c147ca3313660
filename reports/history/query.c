/* Reading the history: series of per-run medians for the check and the
 * trend charts (vp_history_load_series), and the `history list` and
 * `history export` views. One filter (since, metrics, host) serves all. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/history/store_internal.h"
#include "reports/metric_info.h"
#include "reports/results_csv.h"

#include <json-c/json.h>

#define MAX_PARAMS 64

/* The WHERE clause of a filter over `cells c JOIN runs r`, with its
 * parameters (pointing into f or into since, which must outlive them). */
struct where {
	char sql[2048];
	const char *p[MAX_PARAMS];
	int n;
	char since[64], since_id[128];
};

/* YYYY-MM-DD, optionally followed by T and a time. */
static int is_date(const char *s)
{
	for (int i = 0; i < 10; i++)
		if (i == 4 || i == 7 ? s[i] != '-'
				     : !isdigit((unsigned char)s[i]))
			return 0;
	return s[10] == '\0' || s[10] == 'T';
}

static int since_row(void *ctx, const char *const *cols, int ncols)
{
	struct where *w = ctx;
	snprintf(w->since, sizeof(w->since), "%s", cols[0] ? cols[0] : "");
	return 0;
}

static int where_build(struct vp_store *st, const struct vp_series_filter *f,
		       struct where *w, char *err, size_t errlen)
{
	memset(w, 0, sizeof(*w));
	/* Runs after `since`, or the run since_id and the ones after it (a
	 * run's start, then its id, orders the history). */
	if (f && f->since && is_date(f->since)) {
		snprintf(w->since, sizeof(w->since), "%s", f->since);
	} else if (f && f->since) {
		const char *p[] = {f->since};
		w->since[0] = '\x01';
		int rc = vp_store_query(st,
					"SELECT started_utc FROM runs WHERE "
					"run_id = ?",
					p, 1, since_row, w, err, errlen);
		if (rc)
			return rc;
		if (w->since[0] == '\x01') {
			snprintf(err, errlen,
				 "--since %s: neither a date (YYYY-MM-DD) nor "
				 "a run in this history (vpbench history list "
				 "--runs shows them)",
				 f->since);
			return -EINVAL;
		}
		snprintf(w->since_id, sizeof(w->since_id), "%s", f->since);
	}
	size_t n = (size_t)snprintf(w->sql, sizeof(w->sql),
				    " WHERE (r.started_utc > ? OR "
				    "(r.started_utc = ? AND r.run_id >= ?))");
	w->p[w->n++] = w->since;
	w->p[w->n++] = w->since;
	w->p[w->n++] = w->since_id;
	if (f && f->host) {
		n += (size_t)snprintf(w->sql + n, sizeof(w->sql) - n,
				      " AND c.host = ?");
		w->p[w->n++] = f->host;
	}
	if (f && f->nmetrics) {
		if (f->nmetrics > MAX_PARAMS - 4) {
			snprintf(err, errlen,
				 "--metric: at most %d metrics at once",
				 MAX_PARAMS - 4);
			return -EINVAL;
		}
		n += (size_t)snprintf(w->sql + n, sizeof(w->sql) - n,
				      " AND c.metric IN (");
		for (size_t i = 0; i < f->nmetrics; i++) {
			n += (size_t)snprintf(w->sql + n, sizeof(w->sql) - n,
					      "%s?", i ? "," : "");
			w->p[w->n++] = f->metrics[i];
		}
		snprintf(w->sql + n, sizeof(w->sql) - n, ")");
	}
	return 0;
}

/* Series, filled row by row from a query sorted by series key. */
struct load {
	struct vp_series_set *set;
	size_t cap, cap_pts;
};

static char *dup0(const char *s)
{
	return strdup(s ? s : "");
}

static int series_start(struct load *l, const char *const *c)
{
	struct vp_series_set *set = l->set;
	if (set->n == l->cap) {
		size_t cap = l->cap ? l->cap * 2 : 64;
		struct vp_series *s = realloc(set->s, cap * sizeof(*s));
		if (!s)
			return -ENOMEM;
		set->s = s;
		l->cap = cap;
	}
	struct vp_series *s = &set->s[set->n++];
	memset(s, 0, sizeof(*s));
	l->cap_pts = 0;
	s->key = dup0(c[0]);
	s->host = dup0(c[1]);
	s->target = dup0(c[2]);
	s->accel = dup0(c[3]);
	s->workload = dup0(c[4]);
	s->threads = (unsigned)strtoul(c[5] ? c[5] : "0", NULL, 10);
	s->metric = dup0(c[6]);
	enum vp_direction d = vp_metric_direction(s->metric);
	s->better = d == VP_DIR_HIGHER ? 1 : d == VP_DIR_LOWER ? -1 : 0;
	if (!s->key || !s->host || !s->target || !s->accel || !s->workload ||
	    !s->metric)
		return -ENOMEM;
	return 0;
}

static int load_row(void *ctx, const char *const *c, int ncols)
{
	struct load *l = ctx;
	struct vp_series_set *set = l->set;
	if (ncols < 12)
		return -EPROTO;
	if (!set->n || strcmp(set->s[set->n - 1].key, c[0] ? c[0] : "")) {
		int rc = series_start(l, c);
		if (rc)
			return rc;
	}
	struct vp_series *s = &set->s[set->n - 1];
	if (s->n == l->cap_pts) {
		size_t cap = l->cap_pts ? l->cap_pts * 2 : 32;
		struct vp_series_point *p = realloc(s->pts, cap * sizeof(*p));
		if (!p)
			return -ENOMEM;
		s->pts = p;
		l->cap_pts = cap;
	}
	struct vp_series_point *p = &s->pts[s->n++];
	p->median = strtod(c[7] ? c[7] : "nan", NULL);
	p->n = (unsigned)strtoul(c[8] ? c[8] : "0", NULL, 10);
	p->run_id = dup0(c[9]);
	p->started_utc = dup0(c[10]);
	p->build = dup0(c[11]);
	return p->run_id && p->started_utc && p->build ? 0 : -ENOMEM;
}

int vp_history_load_series(struct vp_store *st,
			   const struct vp_series_filter *f,
			   struct vp_series_set **out, char *err, size_t errlen)
{
	struct where w;
	char sql[4096];
	*out = NULL;
	int rc = where_build(st, f, &w, err, errlen);
	if (rc)
		return rc;
	snprintf(sql, sizeof(sql),
		 "SELECT c.series_key, c.host, c.target, c.accel, c.workload, "
		 "c.threads, c.metric, c.median, c.n, r.run_id, r.started_utc, "
		 "r.build FROM cells c JOIN runs r ON r.run_id = c.run_id%s "
		 "ORDER BY c.series_key, r.started_utc, r.run_id",
		 w.sql);
	struct load l = {.set = calloc(1, sizeof(struct vp_series_set))};
	if (!l.set) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	rc = vp_store_query(st, sql, w.p, w.n, load_row, &l, err, errlen);
	if (rc == -ENOMEM || rc == -EPROTO)
		snprintf(err, errlen, "%s while loading the series",
			 rc == -ENOMEM ? "out of memory"
				       : "unexpected columns");
	if (rc) {
		vp_series_set_free(l.set);
		return rc;
	}
	*out = l.set;
	return 0;
}

/* Rows of a query printed as padded columns. */
static int print_row(void *ctx, const char *const *c, int ncols)
{
	FILE *out = ctx;
	for (int i = 0; i < ncols; i++)
		fprintf(out, "%s%s", i ? "  " : "", c[i] ? c[i] : "-");
	fputc('\n', out);
	return ferror(out) ? -(errno ? errno : EIO) : 0;
}

int vp_history_list(struct vp_store *st, FILE *out, int runs, int series,
		    char *err, size_t errlen)
{
	int rc = 0;
	err[0] = '\0';
	if (runs) {
		fprintf(out, "runs (run_id  started_utc  host  build  "
			     "cells):\n");
		rc = vp_store_query(
		    st,
		    "SELECT r.run_id, r.started_utc, r.host, r.build, "
		    "(SELECT COUNT(*) FROM cells c WHERE c.run_id = r.run_id) "
		    "FROM runs r ORDER BY r.started_utc, r.run_id",
		    NULL, 0, print_row, out, err, errlen);
	}
	if (!rc && series) {
		fprintf(out,
			"%sseries (key: host|target|accel|workload|"
			"threads|metric  runs  first  last):\n",
			runs ? "\n" : "");
		rc = vp_store_query(
		    st,
		    "SELECT c.series_key, COUNT(*), MIN(r.started_utc), "
		    "MAX(r.started_utc) FROM cells c JOIN runs r ON r.run_id "
		    "= c.run_id GROUP BY c.series_key ORDER BY c.series_key",
		    NULL, 0, print_row, out, err, errlen);
	}
	if (rc && !err[0])
		snprintf(err, errlen, "writing the list failed: %s",
			 strerror(-rc));
	return rc;
}

static const char *const export_cols[] = {
    "run_id", "started_utc", "ended_utc", "host",    "build",  "series_key",
    "target", "accel",	     "workload",  "threads", "metric", "unit",
    "n",      "median",	     "mean",	  "sd"};
#define EXPORT_NCOLS (sizeof(export_cols) / sizeof(export_cols[0]))

static int export_csv_row(void *ctx, const char *const *c, int ncols)
{
	const char *f[EXPORT_NCOLS];
	for (size_t i = 0; i < EXPORT_NCOLS; i++)
		f[i] = (int)i < ncols && c[i] ? c[i] : "";
	return vp_csv_write_record(ctx, f, EXPORT_NCOLS);
}

static int export_json_row(void *ctx, const char *const *c, int ncols)
{
	json_object *o = json_object_new_object();
	if (!o)
		return -ENOMEM;
	for (size_t i = 0; i < EXPORT_NCOLS && (int)i < ncols; i++) {
		const char *k = export_cols[i];
		json_object *v;
		if (!c[i])
			v = NULL;
		else if (!strcmp(k, "threads") || !strcmp(k, "n"))
			v = json_object_new_int64(strtoll(c[i], NULL, 10));
		else if (!strcmp(k, "median") || !strcmp(k, "mean") ||
			 !strcmp(k, "sd"))
			v = json_object_new_double(strtod(c[i], NULL));
		else
			v = json_object_new_string(c[i]);
		json_object_object_add(o, k, v);
	}
	return json_object_array_add(ctx, o) ? -ENOMEM : 0;
}

int vp_history_export(struct vp_store *st, const struct vp_series_filter *f,
		      enum vp_export_format fmt, FILE *out, char *err,
		      size_t errlen)
{
	struct where w;
	char sql[4096];
	err[0] = '\0';
	int rc = where_build(st, f, &w, err, errlen);
	if (rc)
		return rc;
	snprintf(
	    sql, sizeof(sql),
	    "SELECT r.run_id, r.started_utc, r.ended_utc, r.host, r.build, "
	    "c.series_key, c.target, c.accel, c.workload, c.threads, "
	    "c.metric, c.unit, c.n, c.median, c.mean, c.sd FROM cells c "
	    "JOIN runs r ON r.run_id = c.run_id%s ORDER BY r.started_utc, "
	    "r.run_id, c.series_key",
	    w.sql);
	if (fmt == VP_EXPORT_CSV) {
		rc = vp_csv_write_record(out, export_cols, EXPORT_NCOLS);
		if (!rc)
			rc = vp_store_query(st, sql, w.p, w.n, export_csv_row,
					    out, err, errlen);
	} else {
		json_object *a = json_object_new_array();
		rc = a ? vp_store_query(st, sql, w.p, w.n, export_json_row, a,
					err, errlen)
		       : -ENOMEM;
		if (!rc &&
		    fprintf(out, "%s\n",
			    json_object_to_json_string_ext(
				a, JSON_C_TO_STRING_PRETTY |
				       JSON_C_TO_STRING_NOSLASHESCAPE)) < 0)
			rc = -EIO;
		json_object_put(a);
	}
	if (!rc && fflush(out))
		rc = -(errno ? errno : EIO);
	if (rc && !err[0]) /* not the store's: the output's or memory's */
		snprintf(err, errlen, "writing the export failed: %s",
			 strerror(-rc));
	return rc;
}
