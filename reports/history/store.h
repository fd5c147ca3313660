/* The results-history store: one small interface over an embedded SQLite
 * file and a shared PostgreSQL database, with the same schema and the same
 * SQL behind both (store_sqlite.c, store_pg.c implement the few calls that
 * differ; store.c holds the schema, its migrations and every query).
 *
 * Lifecycle: vp_store_open() (creates or upgrades the schema), then any of
 * vp_history_import_run(), vp_history_load_series(), the list and export
 * calls; vp_store_close(). One store is used by one thread. Every call
 * returns 0 or a negative errno and, on failure, a message in err that names
 * the problem and the fix. */
#ifndef VP_HISTORY_STORE_H
#define VP_HISTORY_STORE_H

#include <stddef.h>
#include <stdio.h>

#include "reports/history/series.h"

/* The schema this build writes; older databases are migrated on open, a
 * newer one is refused (written by a newer vpbench). */
#define VP_STORE_SCHEMA_VERSION 2

struct vp_store;

/* db: a file path, a postgresql:// or postgres:// URI, or NULL for the
 * default file (vp_store_default_path; its folder is created). */
int vp_store_open(const char *db, struct vp_store **out, char *err,
		  size_t errlen);
void vp_store_close(struct vp_store *st);
/* $XDG_DATA_HOME/vpbench/history.db, else ~/.local/share/vpbench/
 * history.db. 0, or -ENOENT when neither XDG_DATA_HOME nor HOME is set. */
int vp_store_default_path(char *buf, size_t len);
/* "sqlite" or "postgresql". */
const char *vp_store_backend(const struct vp_store *st);
/* The schema version found in the database (after migration: current). */
int vp_store_schema_version(struct vp_store *st, int *version, char *err,
			    size_t errlen);

/* Transactions: begin takes the write lock at once (SQLite BEGIN
 * IMMEDIATE with a busy timeout; PostgreSQL BEGIN), so two importers queue
 * instead of failing half-way. */
int vp_store_begin(struct vp_store *st, char *err, size_t errlen);
int vp_store_commit(struct vp_store *st, char *err, size_t errlen);
int vp_store_rollback(struct vp_store *st);

/* What vp_history_import_run did with one run folder. */
enum vp_import_outcome {
	VP_IMPORT_ADDED,   /* written, in one transaction */
	VP_IMPORT_PRESENT, /* its run_id was already there: nothing written */
	VP_IMPORT_REFUSED, /* partial, corrupt or unknown schema: nothing
			    * written, the reason in err */
};
struct vp_import_opts {
	const char *host_label; /* NULL: the run's own hostname (env.csv) */
};
struct vp_import_stats {
	char run_id[128]; /* the run's id, once read */
	size_t rows;	  /* raw results.csv rows stored */
	size_t cells;	  /* per-run cell summaries stored */
};
/* Imports one run folder. Returns 0 with *outcome set (a refusal is not a
 * store failure: err says why), or -errno when the store failed (nothing
 * of the run is kept). */
int vp_history_import_run(struct vp_store *st, const char *dir,
			  const struct vp_import_opts *o,
			  enum vp_import_outcome *outcome,
			  struct vp_import_stats *stats, char *err,
			  size_t errlen);

/* Which series and points vp_history_load_series returns. */
struct vp_series_filter {
	const char *since;	    /* NULL, a date (YYYY-MM-DD[Thh:mm:ss],
				     * UTC: runs started at or after it) or a
				     * run_id (that run and the later ones) */
	const char *const *metrics; /* NULL or nmetrics names to keep */
	size_t nmetrics;
	const char *host; /* NULL: every host label */
};
/* Fills *out (allocated; vp_series_set_free) with every series that has a
 * point in the filtered runs, each with one point per run (the run's median
 * of the cell), oldest run first (started_utc, then run_id). -EINVAL when
 * since names neither a date nor a known run. */
int vp_history_load_series(struct vp_store *st,
			   const struct vp_series_filter *f,
			   struct vp_series_set **out, char *err,
			   size_t errlen);

/* `history list`: the runs (one line each) and the series (key and number
 * of points) as text. */
int vp_history_list(struct vp_store *st, FILE *out, int runs, int series,
		    char *err, size_t errlen);
/* `history export`: every cell summary (one row per run and series) with
 * its run's provenance, as CSV or JSON (an array of objects), for pandas. */
enum vp_export_format { VP_EXPORT_CSV, VP_EXPORT_JSON };
int vp_history_export(struct vp_store *st, const struct vp_series_filter *f,
		      enum vp_export_format fmt, FILE *out, char *err,
		      size_t errlen);

#endif
