/* The history store's schema, its migrations and the calls common to both
 * backends: open (create or upgrade the schema in one locked transaction),
 * close, transactions, the default database path. The schema is documented
 * in reports/README.md; the SQL below is the one both SQLite and PostgreSQL
 * run (TEXT, INTEGER, DOUBLE PRECISION, ON CONFLICT, || are common to
 * both). */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/history/store_internal.h"
#include "reports/mkdir_p.h"

/* Version 1: runs with their provenance, env.csv, every results.csv row and
 * the per-run cell summaries. */
static const char *const schema_v1[] = {
    "CREATE TABLE IF NOT EXISTS runs ("
    " run_id TEXT PRIMARY KEY,"
    " host TEXT NOT NULL,"
    " started_utc TEXT NOT NULL,"
    " ended_utc TEXT NOT NULL,"
    " build TEXT NOT NULL,"
    " vpbench_version TEXT NOT NULL,"
    " plan TEXT NOT NULL,"
    " plan_hash TEXT NOT NULL,"
    " command_line TEXT NOT NULL,"
    " results_schema TEXT NOT NULL,"
    " source TEXT NOT NULL,"
    " imported_at TEXT NOT NULL)",
    "CREATE TABLE IF NOT EXISTS run_env ("
    " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
    " target TEXT NOT NULL,"
    " key TEXT NOT NULL,"
    " value TEXT NOT NULL)",
    "CREATE INDEX IF NOT EXISTS run_env_run ON run_env(run_id)",
    "CREATE TABLE IF NOT EXISTS results ("
    " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
    " line INTEGER NOT NULL,"
    " results_schema TEXT NOT NULL,"
    " target TEXT NOT NULL,"
    " target_kind TEXT NOT NULL,"
    " accel TEXT NOT NULL,"
    " hypervisor TEXT NOT NULL,"
    " vcpus INTEGER,"
    " host_cpus INTEGER,"
    " workload TEXT NOT NULL,"
    " threads INTEGER NOT NULL,"
    " rep INTEGER NOT NULL,"
    " metric TEXT NOT NULL,"
    " value DOUBLE PRECISION,"
    " unit TEXT NOT NULL,"
    " status TEXT NOT NULL,"
    " note TEXT NOT NULL)",
    /* No key of its own: a run's rows are written once, in the
     * transaction that adds the run (runs.run_id is the guard); an index
     * would double the cost of every row of an import. */
    "CREATE TABLE IF NOT EXISTS cells ("
    " run_id TEXT NOT NULL REFERENCES runs(run_id) ON DELETE CASCADE,"
    " host TEXT NOT NULL,"
    " target TEXT NOT NULL,"
    " accel TEXT NOT NULL,"
    " workload TEXT NOT NULL,"
    " threads INTEGER NOT NULL,"
    " metric TEXT NOT NULL,"
    " unit TEXT NOT NULL,"
    " n INTEGER NOT NULL,"
    " median DOUBLE PRECISION NOT NULL,"
    " mean DOUBLE PRECISION NOT NULL,"
    " sd DOUBLE PRECISION,"
    " PRIMARY KEY (run_id, target, accel, workload, threads, metric))",
    NULL};

/* Version 2: the printable series key stored with each cell (filled for
 * the cells already there) and indexed, so a series is read by one index
 * range instead of a six-column comparison; runs indexed by start. */
static const char *const schema_v2[] = {
    "ALTER TABLE cells ADD COLUMN series_key TEXT",
    "UPDATE cells SET series_key = host || '|' || target || '|' || accel || "
    "'|' || workload || '|' || CAST(threads AS TEXT) || '|' || metric",
    "CREATE INDEX IF NOT EXISTS cells_series ON cells(series_key)",
    "CREATE INDEX IF NOT EXISTS runs_started ON runs(started_utc, run_id)",
    NULL};

const struct vp_store_migration vp_store_migrations[] = {
    {1, schema_v1},
    {2, schema_v2},
};
const size_t vp_store_nmigrations =
    sizeof(vp_store_migrations) / sizeof(vp_store_migrations[0]);

char *vp_series_key(const char *host, const char *target, const char *accel,
		    const char *workload, unsigned threads, const char *metric)
{
	char *k = NULL;
	if (asprintf(&k, "%s|%s|%s|%s|%u|%s", host, target, accel, workload,
		     threads, metric) < 0)
		return NULL;
	return k;
}

int vp_store_default_path(char *buf, size_t len)
{
	const char *x = getenv("XDG_DATA_HOME"), *home = getenv("HOME");
	/* The XDG spec: a relative XDG_DATA_HOME is invalid and ignored. */
	if (x && x[0] == '/')
		snprintf(buf, len, "%s/vpbench/history.db", x);
	else if (home && home[0])
		snprintf(buf, len, "%s/.local/share/vpbench/history.db", home);
	else
		return -ENOENT;
	return 0;
}

/* The database file's folder, created with its parents. */
static int make_parent(const char *path, char *err, size_t errlen)
{
	char dir[4096], failed[4096];
	snprintf(dir, sizeof(dir), "%s", path);
	char *slash = strrchr(dir, '/');
	if (!slash || slash == dir)
		return 0;
	*slash = '\0';
	int rc = vp_mkdir_p(dir, failed, sizeof(failed));
	if (rc)
		snprintf(err, errlen,
			 "cannot create %s for the history database: %s",
			 failed, strerror(-rc));
	return rc;
}

int vp_store_query(struct vp_store *st, const char *sql,
		   const char *const *params, int nparams, vp_store_row_fn fn,
		   void *ctx, char *err, size_t errlen)
{
	struct vp_stmt *s = NULL;
	int rc = st->ops->prepare(st, sql, &s, err, errlen);
	if (rc)
		return rc;
	rc = st->ops->step(st, s, params, nparams, fn, ctx, NULL, err, errlen);
	st->ops->finalize(st, s);
	return rc;
}

int vp_store_stmt(struct vp_store *st, enum vp_store_stmt_id id,
		  const char *sql, struct vp_stmt **out, char *err,
		  size_t errlen)
{
	if (!st->stmt[id]) {
		int rc = st->ops->prepare(st, sql, &st->stmt[id], err, errlen);
		if (rc)
			return rc;
	}
	*out = st->stmt[id];
	return 0;
}

int vp_store_begin(struct vp_store *st, char *err, size_t errlen)
{
	int rc = st->ops->exec(st, st->ops->begin_sql, err, errlen);
	st->in_tx = !rc;
	return rc;
}

int vp_store_commit(struct vp_store *st, char *err, size_t errlen)
{
	int rc = st->ops->exec(st, "COMMIT", err, errlen);
	if (rc)
		vp_store_rollback(st);
	st->in_tx = 0;
	return rc;
}

int vp_store_rollback(struct vp_store *st)
{
	char err[256];
	int rc =
	    st->in_tx ? st->ops->exec(st, "ROLLBACK", err, sizeof(err)) : 0;
	st->in_tx = 0;
	return rc;
}

static int version_row(void *ctx, const char *const *cols, int ncols)
{
	if (ncols > 0 && cols[0])
		*(int *)ctx = atoi(cols[0]);
	return 0;
}

int vp_store_schema_version(struct vp_store *st, int *version, char *err,
			    size_t errlen)
{
	*version = 0;
	return vp_store_query(st, "SELECT MAX(version) FROM vp_schema", NULL, 0,
			      version_row, version, err, errlen);
}

/* Creates or upgrades the schema, all of it in one transaction. */
static int migrate(struct vp_store *st, const char *what, char *err,
		   size_t errlen)
{
	int v = 0, rc = vp_store_begin(st, err, errlen);
	if (!rc && st->ops->migrate_lock_sql)
		rc = st->ops->exec(st, st->ops->migrate_lock_sql, err, errlen);
	if (!rc)
		rc = st->ops->exec(st,
				   "CREATE TABLE IF NOT EXISTS vp_schema ("
				   "version INTEGER NOT NULL)",
				   err, errlen);
	if (!rc)
		rc = vp_store_schema_version(st, &v, err, errlen);
	if (!rc && v > VP_STORE_SCHEMA_VERSION) {
		snprintf(err, errlen,
			 "%s has history schema version %d; this vpbench "
			 "knows up to %d: use a newer vpbench with it",
			 what, v, VP_STORE_SCHEMA_VERSION);
		rc = -EPROTO;
	}
	for (size_t m = 0; !rc && m < vp_store_nmigrations; m++) {
		const struct vp_store_migration *mg = &vp_store_migrations[m];
		if (mg->to <= v)
			continue;
		for (size_t i = 0; !rc && mg->sql[i]; i++)
			rc = st->ops->exec(st, mg->sql[i], err, errlen);
		if (!rc) {
			char sql[96];
			snprintf(sql, sizeof(sql),
				 "INSERT INTO vp_schema (version) VALUES (%d)",
				 mg->to);
			rc = st->ops->exec(st, "DELETE FROM vp_schema", err,
					   errlen);
			if (!rc)
				rc = st->ops->exec(st, sql, err, errlen);
		}
	}
	if (rc) {
		vp_store_rollback(st);
		return rc;
	}
	return vp_store_commit(st, err, errlen);
}

static int is_pg_uri(const char *db)
{
	return !strncmp(db, "postgresql://", 13) ||
	       !strncmp(db, "postgres://", 11);
}

int vp_store_open(const char *db, struct vp_store **out, char *err,
		  size_t errlen)
{
	char path[4096];
	*out = NULL;
	if (!db || !db[0]) {
		if (vp_store_default_path(path, sizeof(path))) {
			snprintf(err, errlen,
				 "no default history database: neither "
				 "XDG_DATA_HOME nor HOME is set; give --db "
				 "FILE or --db postgresql://...");
			return -ENOENT;
		}
		db = path;
	}
	struct vp_store *st = calloc(1, sizeof(*st));
	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	st->ops = is_pg_uri(db) ? &vp_store_pg_ops : &vp_store_sqlite_ops;
	int rc = 0;
	if (st->ops == &vp_store_sqlite_ops && strcmp(db, ":memory:"))
		rc = make_parent(db, err, errlen);
	if (!rc)
		rc = st->ops->open(st, db, err, errlen);
	if (!rc)
		rc = migrate(st, is_pg_uri(db) ? "the database" : db, err,
			     errlen);
	if (rc) {
		vp_store_close(st);
		return rc;
	}
	*out = st;
	return 0;
}

void vp_store_close(struct vp_store *st)
{
	if (!st)
		return;
	for (int i = 0; i < VP_ST_COUNT; i++)
		if (st->stmt[i])
			st->ops->finalize(st, st->stmt[i]);
	if (st->ops->close)
		st->ops->close(st);
	free(st);
}

const char *vp_store_backend(const struct vp_store *st)
{
	return st->ops->name;
}
