/* The SQLite backend of the history store (store_internal.h): an embedded
 * file, a busy timeout and BEGIN IMMEDIATE so concurrent importers queue
 * for the write lock instead of failing half-way through a run. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/history/store_internal.h"

#if HAVE_SQLITE
#include <sqlite3.h>

/* How long an importer waits for another one's transaction. A run's import
 * takes well under a second; a fleet's burst of imports queues here. */
#define BUSY_TIMEOUT_MS 60000

static int say(struct vp_store *st, int rc, const char *what, char *err,
	       size_t errlen)
{
	snprintf(err, errlen, "SQLite: %s: %s", what,
		 st->db ? sqlite3_errmsg(st->db) : sqlite3_errstr(rc));
	return rc == SQLITE_NOMEM ? -ENOMEM : rc == SQLITE_BUSY ? -EBUSY : -EIO;
}

static int sq_open(struct vp_store *st, const char *db, char *err,
		   size_t errlen)
{
	sqlite3 *h = NULL;
	int rc = sqlite3_open_v2(
	    db, &h, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
	st->db = h;
	if (rc != SQLITE_OK) {
		snprintf(err, errlen,
			 "cannot open the history database %s: %s (check "
			 "the path and its folder's permissions)",
			 db, h ? sqlite3_errmsg(h) : sqlite3_errstr(rc));
		return -EIO;
	}
	sqlite3_busy_timeout(h, BUSY_TIMEOUT_MS);
	/* The default rollback journal, not WAL: an import mostly appends
	 * pages, which a rollback journal does not copy, while WAL writes
	 * every page twice (log, then checkpoint). Readers keep reading
	 * during an import's transaction and wait only for its commit. */
	/* A run's rows and their index pages stay in memory until the
	 * commit instead of spilling to the journal half-way (the default
	 * 2 MiB holds about 15k rows). */
	sqlite3_exec(h, "PRAGMA cache_size=-65536", NULL, NULL, NULL);
	rc = sqlite3_exec(h, "PRAGMA foreign_keys=ON", NULL, NULL, NULL);
	if (rc != SQLITE_OK)
		return say(st, rc, "PRAGMA foreign_keys", err, errlen);
	return 0;
}

static void sq_close(struct vp_store *st)
{
	sqlite3_close(st->db);
	st->db = NULL;
}

static int sq_exec(struct vp_store *st, const char *sql, char *err,
		   size_t errlen)
{
	int rc = sqlite3_exec(st->db, sql, NULL, NULL, NULL);
	return rc == SQLITE_OK ? 0 : say(st, rc, sql, err, errlen);
}

static int sq_prepare(struct vp_store *st, const char *sql,
		      struct vp_stmt **out, char *err, size_t errlen)
{
	sqlite3_stmt *s = NULL;
	int rc = sqlite3_prepare_v3(st->db, sql, -1, SQLITE_PREPARE_PERSISTENT,
				    &s, NULL);
	if (rc != SQLITE_OK)
		return say(st, rc, "prepare", err, errlen);
	*out = (struct vp_stmt *)s;
	return 0;
}

static int sq_step(struct vp_store *st, struct vp_stmt *stmt,
		   const char *const *params, int nparams, vp_store_row_fn fn,
		   void *ctx, long *changes, char *err, size_t errlen)
{
	sqlite3_stmt *s = (sqlite3_stmt *)stmt;
	int rc = SQLITE_OK, ret = 0;
	sqlite3_reset(s);
	/* SQLITE_STATIC: the parameters outlive this call, no copies. */
	for (int i = 0; i < nparams && rc == SQLITE_OK; i++)
		rc = params[i] ? sqlite3_bind_text(s, i + 1, params[i], -1,
						   SQLITE_STATIC)
			       : sqlite3_bind_null(s, i + 1);
	if (rc != SQLITE_OK)
		return say(st, rc, "bind", err, errlen);
	int ncols = sqlite3_column_count(s);
	const char *cols[64];
	if (ncols > 64)
		ncols = 64;
	while ((rc = sqlite3_step(s)) == SQLITE_ROW) {
		if (!fn)
			continue;
		for (int i = 0; i < ncols; i++)
			cols[i] = (const char *)sqlite3_column_text(s, i);
		ret = fn(ctx, cols, ncols);
		if (ret)
			break;
	}
	if (!ret && rc != SQLITE_DONE)
		ret = say(st, rc, "step", err, errlen);
	if (!ret && changes)
		*changes = sqlite3_changes(st->db);
	sqlite3_reset(s);
	sqlite3_clear_bindings(s);
	return ret;
}

static void sq_finalize(struct vp_store *st, struct vp_stmt *s)
{
	sqlite3_finalize((sqlite3_stmt *)s);
}

const struct vp_store_ops vp_store_sqlite_ops = {
    .name = "sqlite",
    .begin_sql = "BEGIN IMMEDIATE",
    .migrate_lock_sql = NULL,
    .open = sq_open,
    .close = sq_close,
    .exec = sq_exec,
    .prepare = sq_prepare,
    .step = sq_step,
    .finalize = sq_finalize,
};

#else /* !HAVE_SQLITE */

static int sq_open(struct vp_store *st, const char *db, char *err,
		   size_t errlen)
{
	snprintf(err, errlen,
		 "vpbench was built without SQLite: install libsqlite3-dev "
		 "and rebuild, or use --db postgresql://...");
	return -ENOTSUP;
}

const struct vp_store_ops vp_store_sqlite_ops = {
    .name = "sqlite",
    .open = sq_open,
};

#endif
