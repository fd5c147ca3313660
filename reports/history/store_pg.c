/* The PostgreSQL backend of the history store (store_internal.h), through
 * libpq: one history shared by a fleet of CI runners. The SQL is store.c's,
 * written with `?`; here each `?` becomes $1..$n. Every value travels as
 * text, the server converts it to the column's type. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/history/store_internal.h"

#if HAVE_LIBPQ
#include <libpq-fe.h>

struct vp_stmt {
	char name[24];
	int nparams;
};

/* libpq's messages end in a newline; the store's messages are one line. */
static void pg_msg(PGconn *c, const char *what, char *err, size_t errlen)
{
	const char *m = c ? PQerrorMessage(c) : "out of memory";
	size_t n = strlen(m);
	while (n && (m[n - 1] == '\n' || m[n - 1] == ' '))
		n--;
	snprintf(err, errlen, "PostgreSQL: %s: %.*s", what, (int)n, m);
}

static int pg_open(struct vp_store *st, const char *db, char *err,
		   size_t errlen)
{
	PGconn *c = PQconnectdb(db);
	st->db = c;
	if (!c || PQstatus(c) != CONNECTION_OK) {
		pg_msg(c,
		       "cannot connect (check the URI, that the server "
		       "runs and that the role may log in)",
		       err, errlen);
		return -ECONNREFUSED;
	}
	/* The history's own notices (CREATE ... IF NOT EXISTS) are not the
	 * user's business. */
	PQclear(PQexec(c, "SET client_min_messages = warning"));
	return 0;
}

static void pg_close(struct vp_store *st)
{
	PQfinish(st->db);
	st->db = NULL;
}

/* 0 when r is a success, else -EIO with the message; clears r. */
static int pg_result(struct vp_store *st, PGresult *r, const char *what,
		     char *err, size_t errlen)
{
	ExecStatusType s = r ? PQresultStatus(r) : PGRES_FATAL_ERROR;
	if (s == PGRES_COMMAND_OK || s == PGRES_TUPLES_OK)
		return 0;
	pg_msg(st->db, what, err, errlen);
	PQclear(r);
	return r ? -EIO : -ENOMEM;
}

static int pg_exec(struct vp_store *st, const char *sql, char *err,
		   size_t errlen)
{
	PGresult *r = PQexec(st->db, sql);
	int rc = pg_result(st, r, sql, err, errlen);
	if (!rc)
		PQclear(r);
	return rc;
}

/* `?` to $n, outside quoted literals. */
static char *numbered(const char *sql, int *nparams)
{
	size_t len = strlen(sql);
	char *out = malloc(len * 4 + 1), *o = out;
	int n = 0, quoted = 0;
	if (!out)
		return NULL;
	for (const char *p = sql; *p; p++) {
		if (*p == '\'')
			quoted = !quoted;
		if (*p == '?' && !quoted)
			o += sprintf(o, "$%d", ++n);
		else
			*o++ = *p;
	}
	*o = '\0';
	*nparams = n;
	return out;
}

static int pg_prepare(struct vp_store *st, const char *sql,
		      struct vp_stmt **out, char *err, size_t errlen)
{
	struct vp_stmt *s = calloc(1, sizeof(*s));
	char *text = numbered(sql, s ? &s->nparams : &(int){0});
	if (!s || !text) {
		free(s);
		free(text);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	snprintf(s->name, sizeof(s->name), "vp_s%u", st->next_stmt++);
	PGresult *r = PQprepare(st->db, s->name, text, s->nparams, NULL);
	free(text);
	int rc = pg_result(st, r, "prepare", err, errlen);
	if (rc) {
		free(s);
		return rc;
	}
	PQclear(r);
	*out = s;
	return 0;
}

static int pg_step(struct vp_store *st, struct vp_stmt *s,
		   const char *const *params, int nparams, vp_store_row_fn fn,
		   void *ctx, long *changes, char *err, size_t errlen)
{
	PGresult *r =
	    PQexecPrepared(st->db, s->name, nparams, params, NULL, NULL, 0);
	int rc = pg_result(st, r, "query", err, errlen);
	if (rc)
		return rc;
	int nrows = PQntuples(r), ncols = PQnfields(r);
	const char *cols[64];
	if (ncols > 64)
		ncols = 64;
	for (int i = 0; fn && i < nrows && !rc; i++) {
		for (int j = 0; j < ncols; j++)
			cols[j] =
			    PQgetisnull(r, i, j) ? NULL : PQgetvalue(r, i, j);
		rc = fn(ctx, cols, ncols);
	}
	if (changes)
		*changes = atol(PQcmdTuples(r));
	PQclear(r);
	return rc;
}

static void pg_finalize(struct vp_store *st, struct vp_stmt *s)
{
	char sql[64];
	/* Gone with the session anyway; deallocated for long-lived stores. */
	if (st->db && PQstatus(st->db) == CONNECTION_OK) {
		snprintf(sql, sizeof(sql), "DEALLOCATE %s", s->name);
		PQclear(PQexec(st->db, sql));
	}
	free(s);
}

const struct vp_store_ops vp_store_pg_ops = {
    .name = "postgresql",
    .begin_sql = "BEGIN",
    /* Two runners opening a new shared database at once: CREATE TABLE IF
     * NOT EXISTS races in the catalogue, so schema changes queue here. */
    .migrate_lock_sql = "SELECT pg_advisory_xact_lock(7316401)",
    .open = pg_open,
    .close = pg_close,
    .exec = pg_exec,
    .prepare = pg_prepare,
    .step = pg_step,
    .finalize = pg_finalize,
};

#else /* !HAVE_LIBPQ */

static int pg_open(struct vp_store *st, const char *db, char *err,
		   size_t errlen)
{
	snprintf(err, errlen,
		 "vpbench was built without libpq, so --db postgresql:// is "
		 "not available: install libpq-dev and rebuild, or use an "
		 "SQLite file");
	return -ENOTSUP;
}

const struct vp_store_ops vp_store_pg_ops = {
    .name = "postgresql",
    .open = pg_open,
};

#endif
