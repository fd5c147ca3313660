/* The history store on SQLite: a run is imported whole once (a second import
 * writes nothing), partial, corrupt and unknown-schema runs are refused with
 * nothing written, a version-1 database is upgraded with its cells kept,
 * a newer schema is refused, and series come back oldest run first with
 * --since by date and by run. */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "reports/history/store.h"
#include "reports/history/store_internal.h"

#if HAVE_SQLITE
#include <sqlite3.h>
#endif

#define HDR                                                                    \
	"schema,run_id,target,target_kind,accel,hypervisor,vcpus,host_cpus,"   \
	"workload,threads,rep,metric,value,unit,status,note\n"

static char tmp[64], db[128];

static void setup(void)
{
#if !HAVE_SQLITE
	cr_skip_test("built without SQLite (libsqlite3-dev)");
#endif
	snprintf(tmp, sizeof(tmp), "/tmp/vp_hist_XXXXXX");
	cr_assert_not_null(mkdtemp(tmp));
	snprintf(db, sizeof(db), "%s/h.db", tmp);
}

static void teardown(void)
{
	char *argv[] = {"rm", "-rf", tmp, NULL};
	pid_t p = fork();
	if (p == 0) {
		execvp("rm", argv);
		_exit(127);
	}
	while (p > 0 && waitpid(p, NULL, 0) < 0)
		;
}

static void put(const char *dir, const char *name, const char *text)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f, "%s", path);
	fputs(text, f);
	cr_assert_eq(fclose(f), 0);
}

/* A complete host run folder: cpu.int at 1 thread, 3 reps of ops_per_s
 * (v, v*1.01, v*0.99) and one bucket row; start/end at the given time. */
static void make_run(const char *name, const char *run_id, const char *start,
		     double v, char *dir, size_t len)
{
	char text[4096];
	snprintf(dir, len, "%s/%s", tmp, name);
	cr_assert_eq(mkdir(dir, 0755), 0);
	int n = snprintf(text, sizeof(text), HDR);
	for (int rep = 1; rep <= 3; rep++)
		n += snprintf(text + n, sizeof(text) - n,
			      "1,%s,host,host,none,KVM,2,2,cpu.int,1,%d,"
			      "ops_per_s,%.9g,ops/s,ok,\n",
			      run_id, rep,
			      v * (rep == 2   ? 1.01
				   : rep == 3 ? 0.99
					      : 1));
	snprintf(text + n, sizeof(text) - n,
		 "1,%s,host,host,none,KVM,2,2,lock.ttas,2,1,"
		 "spin_wait_bucket_le_1024,7,count,ok,\n",
		 run_id);
	put(dir, "results.csv", text);
	snprintf(text, sizeof(text),
		 "target,key,value\nhost,build_git,abc123\nhost,start_utc,%s\n"
		 "host,hostname,box\nhost,end_utc,%s\n",
		 start, start);
	put(dir, "env.csv", text);
	put(dir, "plan.conf", "targets = host\nworkloads = cpu.int\n");
}

static int count_row(void *ctx, const char *const *cols, int ncols)
{
	*(long *)ctx = atol(cols[0]);
	return 0;
}

static long count(struct vp_store *st, const char *table)
{
	char sql[128], err[512];
	long n = -1;
	snprintf(sql, sizeof(sql), "SELECT COUNT(*) FROM %s", table);
	cr_assert_eq(
	    vp_store_query(st, sql, NULL, 0, count_row, &n, err, sizeof(err)),
	    0, "%s", err);
	return n;
}

static enum vp_import_outcome import(struct vp_store *st, const char *dir,
				     char *err, size_t errlen)
{
	enum vp_import_outcome out;
	struct vp_import_stats s;
	cr_assert_eq(
	    vp_history_import_run(st, dir, NULL, &out, &s, err, errlen), 0,
	    "%s", err);
	return out;
}

static struct vp_store *open_db(void)
{
	struct vp_store *st;
	char err[512];
	cr_assert_eq(vp_store_open(db, &st, err, sizeof(err)), 0, "%s", err);
	return st;
}

TestSuite(history_store, .init = setup, .fini = teardown);

Test(history_store, imports_once)
{
	char dir[256], err[1024];
	make_run("a", "run-a", "2026-01-01T10:00:00Z", 1000, dir, sizeof(dir));
	struct vp_store *st = open_db();
	enum vp_import_outcome out;
	struct vp_import_stats s;
	cr_assert_eq(
	    vp_history_import_run(st, dir, NULL, &out, &s, err, sizeof(err)), 0,
	    "%s", err);
	cr_assert_eq(out, VP_IMPORT_ADDED, "%s", err);
	cr_assert_eq(s.rows, 4);
	cr_assert_eq(s.cells, 1, "bucket rows are not cells");
	cr_assert_str_eq(s.run_id, "run-a");
	cr_assert_eq(import(st, dir, err, sizeof(err)), VP_IMPORT_PRESENT);
	cr_assert_eq(count(st, "runs"), 1);
	cr_assert_eq(count(st, "results"), 4);
	cr_assert_eq(count(st, "cells"), 1);
	cr_assert_eq(count(st, "run_env"), 4);
	vp_store_close(st);
}

/* Each way a run can be incomplete or unreadable: refused, the reason
 * named, nothing of it in any table. */
Test(history_store, refuses_partial_and_corrupt_runs)
{
	static const struct {
		const char *file, *text, *reason;
	} bad[] = {
	    {"results.csv",
	     HDR
	     "1,p,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,5,ops/s,ok,\n"
	     "1,p,host,host,none,KVM,2,2,cpu.int,1,2,ops_per_s,5",
	     "interrupted"},
	    {"results.csv",
	     HDR
	     "1,p,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,5,ops/s,ok,\n"
	     "1,p,host,host,none,KVM,2,2,cpu.int,1,2,ops_per_s,,ops/s,"
	     "failed,interrupted by signal\n",
	     "interrupted"},
	    {"results.csv",
	     HDR
	     "9,p,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,5,ops/s,ok,\n",
	     "schema"},
	    {"results.csv",
	     HDR "1,p,host,host,none,KVM,2,2,cpu.int,one,1,ops_per_s,5,ops/s,"
		 "ok,\n",
	     "threads"},
	    {"results.csv",
	     HDR
	     "1,p,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,5,ops/s,ok,\n"
	     "1,q,host,host,none,KVM,2,2,cpu.int,1,2,ops_per_s,5,ops/s,ok,\n",
	     "more than one run"},
	    {"env.csv",
	     "target,key,value\nhost,start_utc,2026-01-01T00:00:00Z\n",
	     "end_utc"},
	    {"plan.conf", NULL, "plan.conf"},
	};
	struct vp_store *st = open_db();
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char dir[256], name[16], err[2048] = "", path[300];
		snprintf(name, sizeof(name), "bad%zu", i);
		make_run(name, "p", "2026-01-01T10:00:00Z", 1000, dir,
			 sizeof(dir));
		if (bad[i].text) {
			put(dir, bad[i].file, bad[i].text);
		} else {
			snprintf(path, sizeof(path), "%s/%s", dir, bad[i].file);
			cr_assert_eq(unlink(path), 0);
		}
		cr_assert_eq(import(st, dir, err, sizeof(err)),
			     VP_IMPORT_REFUSED, "case %zu imported", i);
		cr_assert_not_null(strstr(err, bad[i].reason),
				   "case %zu: '%s' lacks '%s'", i, err,
				   bad[i].reason);
		cr_assert_eq(count(st, "runs"), 0, "case %zu", i);
		cr_assert_eq(count(st, "results"), 0, "case %zu", i);
		cr_assert_eq(count(st, "cells"), 0, "case %zu", i);
		cr_assert_eq(count(st, "run_env"), 0, "case %zu", i);
	}
	vp_store_close(st);
}

#if HAVE_SQLITE
static void sql(sqlite3 *h, const char *s)
{
	char *e = NULL;
	cr_assert_eq(sqlite3_exec(h, s, NULL, NULL, &e), SQLITE_OK, "%s: %s", s,
		     e ? e : "");
}
#endif

/* A database left at version 1 (no series_key) is upgraded on open: the
 * cells it held get their key and are found as a series. */
Test(history_store, migrates_v1)
{
#if HAVE_SQLITE
	sqlite3 *h;
	cr_assert_eq(sqlite3_open(db, &h), SQLITE_OK);
	sql(h, "CREATE TABLE vp_schema (version INTEGER NOT NULL)");
	cr_assert_eq(vp_store_migrations[0].to, 1);
	for (size_t i = 0; vp_store_migrations[0].sql[i]; i++)
		sql(h, vp_store_migrations[0].sql[i]);
	sql(h, "INSERT INTO vp_schema VALUES (1)");
	sql(h, "INSERT INTO runs VALUES ('old', 'box', '2025-06-01T00:00:00Z',"
	       " '2025-06-01T00:01:00Z', 'v0', '0.1.0', '', '', '', '1', '',"
	       " '2025-06-02T00:00:00Z')");
	sql(h, "INSERT INTO cells VALUES ('old', 'box', 'host', 'none', "
	       "'cpu.int', 1, 'ops_per_s', 'ops/s', 3, 990, 995, 5)");
	sqlite3_close(h);

	struct vp_store *st = open_db();
	char err[512];
	int v = 0;
	cr_assert_eq(vp_store_schema_version(st, &v, err, sizeof(err)), 0);
	cr_assert_eq(v, VP_STORE_SCHEMA_VERSION);
	struct vp_series_set *set;
	cr_assert_eq(vp_history_load_series(st, NULL, &set, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(set->n, 1);
	cr_assert_str_eq(set->s[0].key, "box|host|none|cpu.int|1|ops_per_s");
	cr_assert_eq(set->s[0].n, 1);
	cr_assert_float_eq(set->s[0].pts[0].median, 990, 1e-9);
	cr_assert_eq(set->s[0].better, 1);
	vp_series_set_free(set);
	/* New imports land beside the migrated cells, in the same series. */
	char dir[256];
	make_run("new", "new", "2026-01-01T10:00:00Z", 1000, dir, sizeof(dir));
	cr_assert_eq(import(st, dir, err, sizeof(err)), VP_IMPORT_ADDED, "%s",
		     err);
	cr_assert_eq(vp_history_load_series(st, NULL, &set, err, sizeof(err)),
		     0);
	cr_assert_eq(set->n, 1);
	cr_assert_eq(set->s[0].n, 2);
	vp_series_set_free(set);
	vp_store_close(st);
#endif
}

Test(history_store, refuses_newer_schema)
{
	struct vp_store *st = open_db();
	char err[512];
	cr_assert_eq(st->ops->exec(st, "UPDATE vp_schema SET version = 99", err,
				   sizeof(err)),
		     0);
	vp_store_close(st);
	cr_assert_eq(vp_store_open(db, &st, err, sizeof(err)), -EPROTO);
	cr_assert_not_null(strstr(err, "newer vpbench"), "%s", err);
}

/* Imported out of order, the points still come oldest first; --since
 * takes a date or a run. */
Test(history_store, series_oldest_first_and_since)
{
	static const struct {
		const char *id, *start;
		double v;
	} runs[] = {{"r3", "2026-03-01T00:00:00Z", 300},
		    {"r1", "2026-01-01T00:00:00Z", 100},
		    {"r2", "2026-02-01T00:00:00Z", 200}};
	struct vp_store *st = open_db();
	char err[512], dir[256];
	for (size_t i = 0; i < 3; i++) {
		make_run(runs[i].id, runs[i].id, runs[i].start, runs[i].v, dir,
			 sizeof(dir));
		cr_assert_eq(import(st, dir, err, sizeof(err)), VP_IMPORT_ADDED,
			     "%s", err);
	}
	struct vp_series_set *set;
	cr_assert_eq(vp_history_load_series(st, NULL, &set, err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(set->n, 1);
	cr_assert_str_eq(set->s[0].key, "box|host|none|cpu.int|1|ops_per_s");
	cr_assert_eq(set->s[0].n, 3);
	for (size_t i = 0; i < 3; i++) {
		cr_assert_float_eq(set->s[0].pts[i].median, 100.0 * (i + 1),
				   1e-6);
		cr_assert_eq(set->s[0].pts[i].n, 3);
		cr_assert_str_eq(set->s[0].pts[i].build, "abc123");
	}
	vp_series_set_free(set);

	struct vp_series_filter f = {.since = "r2"};
	cr_assert_eq(vp_history_load_series(st, &f, &set, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(set->s[0].n, 2);
	cr_assert_str_eq(set->s[0].pts[0].run_id, "r2");
	vp_series_set_free(set);

	f.since = "2026-02-15";
	cr_assert_eq(vp_history_load_series(st, &f, &set, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(set->s[0].n, 1);
	cr_assert_str_eq(set->s[0].pts[0].run_id, "r3");
	vp_series_set_free(set);

	const char *metrics[] = {"iops"};
	f = (struct vp_series_filter){.metrics = metrics, .nmetrics = 1};
	cr_assert_eq(vp_history_load_series(st, &f, &set, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(set->n, 0);
	vp_series_set_free(set);

	f = (struct vp_series_filter){.since = "no-such-run"};
	cr_assert_eq(vp_history_load_series(st, &f, &set, err, sizeof(err)),
		     -EINVAL);
	cr_assert_not_null(strstr(err, "no-such-run"));
	vp_store_close(st);
}
