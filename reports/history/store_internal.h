/* Private to reports/history: the backend table behind struct vp_store.
 * A backend runs SQL written once, with `?` placeholders (store_pg.c
 * numbers them $1..$n), every parameter and every result as text (NULL is
 * SQL NULL), so store.c, import.c and query.c hold all the SQL and know no
 * backend. */
#ifndef VP_HISTORY_STORE_INTERNAL_H
#define VP_HISTORY_STORE_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/history/store.h"

struct vp_stmt;

/* Called once per result row: ncols values, NULL for SQL NULL. Non-zero
 * stops the query and is returned by step. */
typedef int (*vp_store_row_fn)(void *ctx, const char *const *cols, int ncols);

struct vp_store_ops {
	const char *name;      /* "sqlite", "postgresql" */
	const char *begin_sql; /* takes the write lock at once */
	/* Run inside the migration transaction so that two processes opening
	 * a new database at once create the schema once (NULL: begin_sql
	 * already serialises writers). */
	const char *migrate_lock_sql;
	int (*open)(struct vp_store *st, const char *db, char *err,
		    size_t errlen);
	void (*close)(struct vp_store *st);
	/* SQL without parameters; result rows, if any, are dropped. */
	int (*exec)(struct vp_store *st, const char *sql, char *err,
		    size_t errlen);
	int (*prepare)(struct vp_store *st, const char *sql,
		       struct vp_stmt **out, char *err, size_t errlen);
	/* Runs s with nparams text parameters; fn (may be NULL) sees each
	 * row; *changes (may be NULL) receives the rows inserted/updated. */
	int (*step)(struct vp_store *st, struct vp_stmt *s,
		    const char *const *params, int nparams, vp_store_row_fn fn,
		    void *ctx, long *changes, char *err, size_t errlen);
	void (*finalize)(struct vp_store *st, struct vp_stmt *s);
};

/* The statements import.c keeps prepared for a whole store's life. */
enum vp_store_stmt_id {
	VP_ST_RUN_INSERT,
	VP_ST_ENV_INSERT,
	VP_ST_ROW_INSERT,
	VP_ST_CELL_INSERT,
	VP_ST_COUNT
};

struct vp_store {
	const struct vp_store_ops *ops;
	void *db; /* sqlite3 * or PGconn * */
	struct vp_stmt *stmt[VP_ST_COUNT];
	int in_tx;
	unsigned next_stmt; /* PostgreSQL statement names */
};

extern const struct vp_store_ops vp_store_sqlite_ops;
extern const struct vp_store_ops vp_store_pg_ops;

/* One migration: the statements that take a database from version
 * `to - 1` to `to`, in order. */
struct vp_store_migration {
	int to;
	const char *const *sql; /* NULL-terminated */
};
extern const struct vp_store_migration vp_store_migrations[];
extern const size_t vp_store_nmigrations;

/* A prepared statement of st (prepared on first use and kept). */
int vp_store_stmt(struct vp_store *st, enum vp_store_stmt_id id,
		  const char *sql, struct vp_stmt **out, char *err,
		  size_t errlen);
/* One-off query: prepare, step, finalize. */
int vp_store_query(struct vp_store *st, const char *sql,
		   const char *const *params, int nparams, vp_store_row_fn fn,
		   void *ctx, char *err, size_t errlen);

/* The series key of a cell (reports/README.md): host|target|accel|
 * workload|threads|metric, malloc'd. */
char *vp_series_key(const char *host, const char *target, const char *accel,
		    const char *workload, unsigned threads, const char *metric);

/* The one row filter of the import: does a results.csv row count towards
 * its cell's summary (median, mean, sd)? Every row is stored raw anyway. */
struct vp_result;
bool vp_history_row_in_cells(const struct vp_result *r);

#endif
