/* The results.csv / env.csv reader: the fixture loads, and every kind of
 * malformed input is refused with the file, the line and what was expected;
 * a truncated last row is skipped with a warning. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/csv_read.h"

#define HDR                                                                    \
	"schema,run_id,target,target_kind,accel,hypervisor,vcpus,host_cpus,"   \
	"workload,threads,rep,metric,value,unit,status,note\n"
#define ROW1 "1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,100,ops/s,ok,\n"
#define ROW2                                                                   \
	"1,r,host,host,none,KVM,2,2,cpu.int,1,2,cnt.cycles,,count,"            \
	"unavailable,"                                                         \
	"no PMU\n"
#define ENV "target,key,value\nhost,kernel,6.1\n"

static char dir[64];

static void make_run(const char *results, const char *env)
{
	snprintf(dir, sizeof(dir), "/tmp/vp_csvread_XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	char path[128];
	if (results) {
		snprintf(path, sizeof(path), "%s/results.csv", dir);
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f);
		fputs(results, f);
		fclose(f);
	}
	if (env) {
		snprintf(path, sizeof(path), "%s/env.csv", dir);
		FILE *f = fopen(path, "w");
		cr_assert_not_null(f);
		fputs(env, f);
		fclose(f);
	}
}

static void cleanup(void)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	unlink(path);
	rmdir(dir);
}

/* Loads, expects rc, and (when want is not NULL) that err holds each
 * '|'-separated piece of want. */
static void expect_load(int rc_want, const char *want, struct vp_run *run)
{
	char err[1024] = "";
	int rc = vp_run_load(dir, run, err, sizeof(err));
	cr_assert_eq(rc, rc_want, "rc %d (%s), want %d", rc, err, rc_want);
	if (!want)
		return;
	char copy[512];
	snprintf(copy, sizeof(copy), "%s", want);
	for (char *save, *p = strtok_r(copy, "|", &save); p;
	     p = strtok_r(NULL, "|", &save))
		cr_assert(strstr(err, p), "error '%s' lacks '%s'", err, p);
}

static void expect_error(const char *results, const char *env, int rc,
			 const char *want)
{
	struct vp_run run;
	make_run(results, env);
	expect_load(rc, want, &run);
	vp_run_free(&run);
	cleanup();
}

Test(csv_read, fixture_loads)
{
	struct vp_run run;
	char err[512];
	cr_assert_eq(
	    vp_run_load(VP_TEST_DATA "/runs/basic", &run, err, sizeof(err)), 0,
	    "%s", err);
	cr_assert_eq(run.nrows, 958);
	cr_assert_eq(run.nenv, 37);
	cr_assert_eq(run.nwarn, 0);
	cr_assert_str_eq(run.label, "basic");
	cr_assert_str_eq(run.rows[0].target, "host");
	cr_assert_eq(run.rows[0].value, 1e6);
	cr_assert_eq(run.rows[0].line, 2);
	cr_assert_str_eq(vp_run_env(&run, "vm2", "accel"), "tcg");
	cr_assert_null(vp_run_env(&run, "vm2", "nope"));
	vp_run_free(&run);
}

Test(csv_read, good_rows_and_quoting)
{
	struct vp_run run;
	make_run(HDR ROW1 ROW2
		 "1,r,host,host,none,KVM,2,2,cpu.int,1,3,cnt.x,,count,failed,"
		 "\"a, \"\"b\"\"\"\n",
		 ENV);
	expect_load(0, NULL, &run);
	cr_assert_eq(run.nrows, 3);
	cr_assert(isnan(run.rows[1].value));
	cr_assert_eq(run.rows[1].status, VP_STATUS_UNAVAILABLE);
	cr_assert_str_eq(run.rows[1].note, "no PMU");
	cr_assert_str_eq(run.rows[2].note, "a, \"b\"");
	cr_assert_eq(run.rows[2].line, 4);
	cr_assert_str_eq(vp_run_env(&run, "host", "kernel"), "6.1");
	vp_run_free(&run);
	cleanup();
}

Test(csv_read, missing_folder)
{
	struct vp_run run;
	char err[512];
	cr_assert_eq(
	    vp_run_load("/nonexistent/vpbench-run", &run, err, sizeof(err)),
	    -ENOENT);
	cr_assert(strstr(err, "/nonexistent/vpbench-run"));
	vp_run_free(&run);
}

Test(csv_read, empty_folder)
{
	expect_error(NULL, NULL, -ENOENT, "results.csv|missing file");
}

Test(csv_read, empty_file)
{
	expect_error("", ENV, -EINVAL, "results.csv|empty file");
}

Test(csv_read, header_only)
{
	expect_error(HDR, ENV, -EINVAL, "no result rows");
}

Test(csv_read, wrong_header)
{
	expect_error(
	    "schema,run_id,targ\n" ROW1, ENV, -EINVAL,
	    "line 1|wrong header|column 3 is 'targ'|expected 'target'");
}

Test(csv_read, bad_schema)
{
	expect_error(HDR "3,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,1,"
			 "ops/s,ok,\n",
		     ENV, -EINVAL, "line 2|schema version '3'|expected 1 or 2");
}

Test(csv_read, short_row_in_the_middle)
{
	expect_error(HDR ROW1 "1,r,host,host,none,KVM,2,2,cpu.int,1\n" ROW2,
		     ENV, -EINVAL, "line 3|short row: 10 fields, expected 16");
}

Test(csv_read, long_row)
{
	expect_error(HDR "1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,1,"
			 "ops/s,ok,,extra\n",
		     ENV, -EINVAL, "line 2|long row: 17 fields");
}

Test(csv_read, non_number_value)
{
	expect_error(HDR ROW1 "1,r,host,host,none,KVM,2,2,cpu.int,1,2,ops_per_"
			      "s,12abc,ops/s,ok,\n",
		     ENV, -EINVAL, "line 3|value '12abc' is not a number");
}

Test(csv_read, bad_integer_and_status)
{
	expect_error(HDR "1,r,host,host,none,KVM,two,2,cpu.int,1,1,ops_per_s,"
			 "1,ops/s,ok,\n",
		     ENV, -EINVAL, "line 2|vcpus 'two'");
	expect_error(HDR "1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,1,"
			 "ops/s,fine,\n",
		     ENV, -EINVAL, "line 2|status 'fine'|ok, unavailable or");
}

Test(csv_read, malformed_quoting)
{
	expect_error(HDR ROW1 "1,r,\"ho\"st,host,none,KVM,2,2,cpu.int,1,1,ops_"
			      "per_s,1,ops/s,ok,\n",
		     ENV, -EINVAL, "line 3|malformed CSV quoting");
}

Test(csv_read, unterminated_quote_in_the_middle)
{
	expect_error(HDR ROW1 "1,r,host,host,none,KVM,2,2,cpu.int,1,2,ops_per_"
			      "s,1,ops/s,ok,\"open\n" ROW1,
		     ENV, -EINVAL, "line 3|unterminated quoted field");
}

Test(csv_read, truncated_last_row_is_skipped)
{
	struct vp_run run;
	make_run(HDR ROW1 ROW2 "1,r,host,host,none,KVM,2,2,cpu.int,2,1,ops_pe",
		 ENV);
	expect_load(0, NULL, &run);
	cr_assert_eq(run.nrows, 2);
	cr_assert_eq(run.nwarn, 1);
	cr_assert(strstr(run.warnings[0], "line 4"), "%s", run.warnings[0]);
	cr_assert(strstr(run.warnings[0], "truncated last row"), "%s",
		  run.warnings[0]);
	vp_run_free(&run);
	cleanup();
}

Test(csv_read, truncated_inside_quoted_note)
{
	struct vp_run run;
	make_run(HDR ROW1 "1,r,host,host,none,KVM,2,2,cpu.int,1,2,cnt.x,,"
			  "count,unavailable,\"cut sh",
		 ENV);
	expect_load(0, NULL, &run);
	cr_assert_eq(run.nrows, 1);
	cr_assert_eq(run.nwarn, 1);
	cr_assert(strstr(run.warnings[0], "line 3"), "%s", run.warnings[0]);
	vp_run_free(&run);
	cleanup();
}

Test(csv_read, short_last_row_with_newline_is_an_error)
{
	expect_error(HDR ROW1 "1,r,host,host\n", ENV, -EINVAL,
		     "line 3|short row");
}

Test(csv_read, env_problems)
{
	struct vp_run run;
	make_run(HDR ROW1, NULL);
	expect_load(0, NULL, &run);
	cr_assert_eq(run.nwarn, 1);
	cr_assert(strstr(run.warnings[0], "env.csv: missing"));
	vp_run_free(&run);
	cleanup();
	expect_error(HDR ROW1, "target,key,value\nhost,kernel\n", -EINVAL,
		     "env.csv line 2|short row: 2 fields, expected 3");
	expect_error(HDR ROW1, "target,key\n", -EINVAL,
		     "env.csv line 1|wrong header");
}

Test(csv_read, bom_and_crlf)
{
	struct vp_run run;
	make_run(
	    "\xEF\xBB\xBF"
	    "schema,run_id,target,target_kind,accel,"
	    "hypervisor,vcpus,host_cpus,workload,threads,rep,metric,value,"
	    "unit,status,note\r\n"
	    "1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,100,ops/s,ok,"
	    "\r\n\r\n"
	    "1,r,host,host,none,KVM,2,2,cpu.int,1,2,ops_per_s,1x,ops/s,ok,"
	    "\r\n",
	    ENV);
	expect_load(-EINVAL, "line 4|value '1x'", &run);
	cr_assert_eq(run.nrows, 1);
	cr_assert_eq(run.rows[0].line, 2);
	vp_run_free(&run);
	cleanup();
}

/* Issue 11 defect 1 and its siblings: every number is checked where it
 * enters. A bucket bound must be a positive decimal integer (the writer's
 * "%llu"); before, "spin_wait_bucket_le_inf" loaded and the report's
 * histogram loop ran up to log2(inf) forever. */
#define BROW(metric, value)                                                    \
	"1,r,vm2,vm,tcg,TCG,2,2,lock.tas,2,1," metric "," value ",count,ok,\n"

Test(csv_read, bad_bucket_bounds_are_refused)
{
	static const char *const bad[] = {
	    BROW("spin_wait_bucket_le_inf", "3"),
	    BROW("spin_wait_bucket_le_nan", "3"),
	    BROW("lat_bucket_le_-64", "3"),
	    BROW("lat_bucket_le_0", "3"),
	    BROW("lat_bucket_le_1e3", "3"),
	    BROW("lat_bucket_le_0x40", "3"),
	    BROW("lat_bucket_le_", "3"),
	    BROW("lat_bucket_le_ 64", "3"),
	    BROW("spin_wait_bucket_le_99999999999999999999999", "3"),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf), HDR ROW1 "%s", bad[i]);
		expect_error(buf, ENV, -EINVAL, "line 3|bucket bound");
	}
}

Test(csv_read, bad_bucket_counts_are_refused)
{
	static const char *const bad[] = {
	    BROW("spin_wait_bucket_le_64", "-1"),
	    BROW("spin_wait_bucket_le_64", "1.5"),
	    BROW("spin_wait_bucket_le_64", "1e300"),
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		char buf[512];
		snprintf(buf, sizeof(buf), HDR ROW1 "%s", bad[i]);
		expect_error(buf, ENV, -EINVAL, "line 3|bucket count");
	}
}

Test(csv_read, values_out_of_range_are_refused)
{
	/* Finite but so large that sums of squares overflow to inf. */
	expect_error(HDR "1,r,host,host,none,KVM,2,2,cpu.int,1,1,cnt.x,1e300,"
			 "count,ok,\n",
		     ENV, -EINVAL, "line 2|value '1e300'|out of range");
	/* A rate, a latency, a fraction cannot be negative. */
	expect_error(HDR "1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,-5,"
			 "ops/s,ok,\n",
		     ENV, -EINVAL, "line 2|value '-5'|negative");
	expect_error(HDR "1,r,host,host,none,KVM,2,2,io.x,1,1,lat_p99_us,-1,"
			 "us,ok,\n",
		     ENV, -EINVAL, "line 2|negative");
	/* Hex and inf spellings are not results.csv numbers. */
	expect_error(HDR "1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,"
			 "0x10,ops/s,ok,\n",
		     ENV, -EINVAL, "line 2|value '0x10'");
	expect_error(HDR "1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,"
			 "infinity,ops/s,ok,\n",
		     ENV, -EINVAL, "line 2|value 'infinity'");
	/* Thread and CPU counts beyond any machine. */
	expect_error(HDR "1,r,host,host,none,KVM,2,2,cpu.int,2000000,1,"
			 "ops_per_s,1,ops/s,ok,\n",
		     ENV, -EINVAL, "line 2|threads '2000000'");
	expect_error(HDR "1,r,host,host,none,KVM,2,999999999,cpu.int,1,1,"
			 "ops_per_s,1,ops/s,ok,\n",
		     ENV, -EINVAL, "line 2|host_cpus '999999999'");
	expect_error(HDR "1,r,host,host,none,KVM,2,2,cpu.int,1,1,cnt.cycles,"
			 "-7,count,ok,\n",
		     ENV, -EINVAL, "line 2|negative");
	/* Small positive values and the largest bound the writer can print
	 * ("%llu" of 2^64 - 1) are fine. */
	struct vp_run run;
	make_run(HDR "1,r,host,host,none,KVM,2,2,cpu.int,1,1,ops_per_s,1e-3,"
		     "ops/s,ok,\n"
		     "1,r,host,host,none,KVM,2,2,cpu.int,1,1,spin_wait_bucket_"
		     "le_18446744073709551615,7,count,ok,\n",
		 ENV);
	expect_load(0, NULL, &run);
	cr_assert_eq(run.nrows, 2);
	vp_run_free(&run);
	cleanup();
}
