/* `history import`: one run folder into the store, whole or not at all.
 * The folder is read by the reports' own reader (csv_read.h: the same
 * validation as report and compare), judged complete or refused with the
 * reason (a truncated last row, a target without its end mark, interrupted
 * steps, several run ids, no plan.conf), then written in one transaction:
 * the run and its provenance, env.csv, every results.csv row as it is, and
 * the per-run summary of each cell (median, mean, sd of its ok values). */
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "reports/csv_read.h"
#include "reports/history/run_meta.h"
#include "reports/history/store_internal.h"
#include "reports/metric_info.h"
#include "reports/results_csv.h"
#include "reports/stats.h"

bool vp_history_row_in_cells(const struct vp_result *r)
{
	/* Distribution rows are counts per bucket, not a figure of the cell;
	 * they stay in the raw rows for whoever wants the histograms. */
	return r->status == VP_STATUS_OK &&
	       !vp_metric_is_bucket(r->metric, NULL);
}

/* A run that stopped early measured some cells only: its medians would
 * read as changes of the code. The reason, or NULL when complete. */
static const char *partial_reason(const struct vp_run *run, char *buf,
				  size_t len)
{
	if (run->nwarn) {
		snprintf(buf, len, "%s", run->warnings[0]);
		return buf;
	}
	const char *id = run->rows[0].run_id;
	for (size_t i = 0; i < run->nrows; i++) {
		const struct vp_result *r = &run->rows[i];
		if (strcmp(r->run_id, id)) {
			snprintf(buf, len,
				 "results.csv holds more than one run (%s and "
				 "%s, line %ld): import each run's own folder",
				 id, r->run_id, r->line);
			return buf;
		}
		if (r->status == VP_STATUS_FAILED &&
		    strstr(r->note, "interrupted")) {
			snprintf(buf, len,
				 "the run was interrupted (results.csv line "
				 "%ld: %s %s: %s)",
				 r->line, r->target, r->workload, r->note);
			return buf;
		}
		if (i && !strcmp(r->target, run->rows[i - 1].target))
			continue;
		if (!vp_run_env(run, r->target, "end_utc")) {
			snprintf(buf, len,
				 "target %s has no end_utc in env.csv: the "
				 "run did not finish it (killed?)",
				 r->target);
			return buf;
		}
	}
	return NULL;
}

/* The cells of one run: ok rows grouped by target, accel, workload,
 * threads, metric. */
/* Any order groups the cells; the fields that differ most between rows go
 * first, so most comparisons end at the first (a run of 100k rows sorts
 * in n log n of them). */
static int cell_cmp(const struct vp_result *a, const struct vp_result *b)
{
	int c = (a->threads > b->threads) - (a->threads < b->threads);
	if (!c)
		c = strcmp(a->metric, b->metric);
	if (!c)
		c = strcmp(a->workload, b->workload);
	if (!c)
		c = strcmp(a->target, b->target);
	if (!c)
		c = strcmp(a->accel, b->accel);
	return c;
}

static int idx_cmp(const void *x, const void *y, void *rows)
{
	const struct vp_result
	    *a = &((const struct vp_result *)rows)[*(const size_t *)x],
	    *b = &((const struct vp_result *)rows)[*(const size_t *)y];
	int c = cell_cmp(a, b);
	return c ? c : (a->line > b->line) - (a->line < b->line);
}

struct import_ctx {
	struct vp_store *st;
	const struct vp_run *run;
	const struct vp_run_meta *meta;
	struct vp_import_stats *stats;
	char *err;
	size_t errlen;
};

static int run_insert(struct import_ctx *c, long *added)
{
	static const char sql[] =
	    "INSERT INTO runs (run_id, host, started_utc, ended_utc, build, "
	    "vpbench_version, plan, plan_hash, command_line, results_schema, "
	    "source, imported_at) VALUES (?,?,?,?,?,?,?,?,?,?,?,?) "
	    "ON CONFLICT (run_id) DO NOTHING";
	const struct vp_run_meta *m = c->meta;
	char now[32];
	time_t t = time(NULL);
	struct tm tm;
	strftime(now, sizeof(now), "%Y-%m-%dT%H:%M:%SZ", gmtime_r(&t, &tm));
	const char *p[] = {m->run_id,	      m->host,	    m->started_utc,
			   m->ended_utc,      m->build,	    m->version,
			   m->plan,	      m->plan_hash, m->command_line,
			   m->results_schema, m->source,    now};
	struct vp_stmt *s;
	int rc =
	    vp_store_stmt(c->st, VP_ST_RUN_INSERT, sql, &s, c->err, c->errlen);
	return rc ? rc
		  : c->st->ops->step(c->st, s, p, 12, NULL, NULL, added, c->err,
				     c->errlen);
}

static int env_insert(struct import_ctx *c)
{
	static const char sql[] = "INSERT INTO run_env (run_id, target, key, "
				  "value) VALUES (?,?,?,?)";
	struct vp_stmt *s;
	int rc =
	    vp_store_stmt(c->st, VP_ST_ENV_INSERT, sql, &s, c->err, c->errlen);
	for (size_t i = 0; !rc && i < c->run->nenv; i++) {
		const struct vp_env_entry *e = &c->run->env[i];
		const char *p[] = {c->meta->run_id, e->target, e->key,
				   e->value};
		rc = c->st->ops->step(c->st, s, p, 4, NULL, NULL, NULL, c->err,
				      c->errlen);
	}
	return rc;
}

static void int_text(int v, char *buf, size_t len, const char **out)
{
	snprintf(buf, len, "%d", v);
	*out = v < 0 ? NULL : buf; /* -1: a CPU count the target did not see */
}

static int rows_insert(struct import_ctx *c)
{
	static const char sql[] =
	    "INSERT INTO results (run_id, line, results_schema, target, "
	    "target_kind, accel, hypervisor, vcpus, host_cpus, workload, "
	    "threads, rep, metric, value, unit, status, note) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)";
	struct vp_stmt *s;
	int rc =
	    vp_store_stmt(c->st, VP_ST_ROW_INSERT, sql, &s, c->err, c->errlen);
	char line[24], vcpus[16], hcpus[16], threads[16], rep[16], value[32];
	const char *p[17];
	p[0] = c->meta->run_id;
	p[1] = line;
	p[2] = c->meta->results_schema;
	p[10] = threads;
	p[11] = rep;
	for (size_t i = 0; !rc && i < c->run->nrows; i++) {
		const struct vp_result *r = &c->run->rows[i];
		snprintf(line, sizeof(line), "%ld", r->line);
		p[3] = r->target;
		p[4] = r->target_kind;
		p[5] = r->accel;
		p[6] = r->hypervisor;
		int_text(r->vcpus, vcpus, sizeof(vcpus), &p[7]);
		int_text(r->host_cpus, hcpus, sizeof(hcpus), &p[8]);
		p[9] = r->workload;
		snprintf(threads, sizeof(threads), "%d", r->threads);
		snprintf(rep, sizeof(rep), "%d", r->rep);
		p[12] = r->metric;
		if (r->status == VP_STATUS_OK) {
			vp_format_value(r->value, value, sizeof(value));
			p[13] = value;
		} else {
			p[13] = NULL;
		}
		p[14] = r->unit;
		p[15] = vp_status_name(r->status);
		p[16] = r->note;
		rc = c->st->ops->step(c->st, s, p, 17, NULL, NULL, NULL, c->err,
				      c->errlen);
	}
	if (!rc)
		c->stats->rows = c->run->nrows;
	return rc;
}

/* One cell's summary from rows idx[0..n). */
static int cell_insert(struct import_ctx *c, struct vp_stmt *s,
		       const size_t *idx, size_t n, double *vals)
{
	const struct vp_result *r0 = &c->run->rows[idx[0]];
	for (size_t i = 0; i < n; i++)
		vals[i] = c->run->rows[idx[i]].value;
	struct vp_desc d;
	if (vp_describe(vals, n, &d, NULL)) {
		snprintf(c->err, c->errlen, "out of memory");
		return -ENOMEM;
	}
	char workload[512], target[512], threads[16], nbuf[24], med[32],
	    mean[32], sd[32];
	vp_run_meta_workload(c->meta, r0->workload, workload, sizeof(workload));
	vp_run_meta_target(c->meta, r0->target, target, sizeof(target));
	snprintf(threads, sizeof(threads), "%d", r0->threads);
	snprintf(nbuf, sizeof(nbuf), "%zu", n);
	snprintf(med, sizeof(med), "%.17g", d.median);
	snprintf(mean, sizeof(mean), "%.17g", d.mean);
	snprintf(sd, sizeof(sd), "%.17g", d.sd);
	char *key = vp_series_key(c->meta->host, target, r0->accel, workload,
				  (unsigned)r0->threads, r0->metric);
	if (!key) {
		snprintf(c->err, c->errlen, "out of memory");
		return -ENOMEM;
	}
	const char *p[] = {c->meta->run_id,
			   c->meta->host,
			   target,
			   r0->accel,
			   workload,
			   threads,
			   r0->metric,
			   r0->unit,
			   nbuf,
			   med,
			   mean,
			   isnan(d.sd) ? NULL : sd,
			   key};
	int rc = c->st->ops->step(c->st, s, p, 13, NULL, NULL, NULL, c->err,
				  c->errlen);
	free(key);
	return rc;
}

static int cells_insert(struct import_ctx *c)
{
	static const char sql[] =
	    "INSERT INTO cells (run_id, host, target, accel, workload, "
	    "threads, metric, unit, n, median, mean, sd, series_key) VALUES "
	    "(?,?,?,?,?,?,?,?,?,?,?,?,?)";
	struct vp_stmt *s;
	int rc =
	    vp_store_stmt(c->st, VP_ST_CELL_INSERT, sql, &s, c->err, c->errlen);
	if (rc)
		return rc;
	const struct vp_run *run = c->run;
	const struct vp_result *rows = run->rows;
	size_t *idx = malloc((run->nrows + 1) * sizeof(*idx)), n = 0;
	double *vals = malloc((run->nrows + 1) * sizeof(*vals));
	if (!idx || !vals) {
		free(idx);
		free(vals);
		snprintf(c->err, c->errlen, "out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < run->nrows; i++)
		if (vp_history_row_in_cells(&rows[i]))
			idx[n++] = i;
	qsort_r(idx, n, sizeof(*idx), idx_cmp, (void *)rows);
	for (size_t a = 0, b; !rc && a < n; a = b) {
		for (b = a + 1;
		     b < n && !cell_cmp(&rows[idx[a]], &rows[idx[b]]); b++)
			;
		rc = cell_insert(c, s, idx + a, b - a, vals);
		c->stats->cells++;
	}
	free(idx);
	free(vals);
	return rc;
}

int vp_history_import_run(struct vp_store *st, const char *dir,
			  const struct vp_import_opts *o,
			  enum vp_import_outcome *outcome,
			  struct vp_import_stats *stats, char *err,
			  size_t errlen)
{
	struct vp_run run;
	struct vp_run_meta meta;
	char why[2048];
	memset(stats, 0, sizeof(*stats));
	*outcome = VP_IMPORT_REFUSED;
	int rc = vp_run_load(dir, &run, why, sizeof(why));
	if (rc == -ENOMEM) {
		vp_run_free(&run);
		snprintf(err, errlen, "out of memory");
		return rc;
	}
	if (rc) {
		snprintf(err, errlen, "%s", why);
		vp_run_free(&run);
		return 0;
	}
	const char *partial = partial_reason(&run, why, sizeof(why));
	if (partial) {
		snprintf(err, errlen, "partial run: %s", partial);
		vp_run_free(&run);
		return 0;
	}
	rc = vp_run_meta_read(&run, dir, o ? o->host_label : NULL, &meta, why,
			      sizeof(why));
	if (rc) {
		snprintf(err, errlen, "%s", why);
		vp_run_free(&run);
		vp_run_meta_free(&meta);
		return rc == -ENOMEM ? rc : 0;
	}
	snprintf(stats->run_id, sizeof(stats->run_id), "%s", meta.run_id);
	struct import_ctx c = {st, &run, &meta, stats, err, errlen};
	long added = 0;
	rc = vp_store_begin(st, err, errlen);
	if (!rc)
		rc = run_insert(&c, &added);
	if (!rc && !added) {
		vp_store_rollback(st);
		*outcome = VP_IMPORT_PRESENT;
		goto out;
	}
	if (!rc)
		rc = env_insert(&c);
	if (!rc)
		rc = rows_insert(&c);
	if (!rc)
		rc = cells_insert(&c);
	if (rc) {
		vp_store_rollback(st);
		stats->rows = stats->cells = 0;
		goto out;
	}
	rc = vp_store_commit(st, err, errlen);
	if (!rc)
		*outcome = VP_IMPORT_ADDED;
out:
	vp_run_free(&run);
	vp_run_meta_free(&meta);
	return rc;
}
