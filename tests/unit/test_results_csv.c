/* results.csv / env.csv writers against the reader: every field survives a
 * round trip (quotes, commas, newlines folded), values keep 9 significant
 * digits, non-ok rows have an empty value and keep their note, and a file
 * cut mid-row still yields every complete row. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/csv_read.h"
#include "reports/results_csv.h"

static char dir[] = "/tmp/vp-csv-XXXXXX";

static void make_dir(void) { cr_assert_not_null(mkdtemp(dir)); }

static void remove_dir(void)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/results.csv", dir);
	unlink(p);
	snprintf(p, sizeof(p), "%s/env.csv", dir);
	unlink(p);
	rmdir(dir);
}

TestSuite(results_csv, .init = make_dir, .fini = remove_dir);

static const struct vp_target_info ti = {
	.run_id = "run-1", .target = "ssh:bench@box", .target_kind = "ssh",
	.accel = "none", .hypervisor = "Microsoft Hv, \"Hyper-V\"", .vcpus = 4,
	.host_cpus = 16};

static FILE *open_in(const char *name)
{
	char p[256];
	snprintf(p, sizeof(p), "%s/%s", dir, name);
	FILE *f = fopen(p, "w");
	cr_assert_not_null(f);
	return f;
}

Test(results_csv, round_trip)
{
	struct vp_metric m[3] = {
		{.name = "ops_per_s", .unit = "ops/s", .value = 1234567.891,
		 .status = VP_STATUS_OK},
		{.name = "cnt.cycles", .unit = "count",
		 .status = VP_STATUS_UNAVAILABLE,
		 .note = "no hardware PMU, perf_event_open ENOENT\nline two"},
		{.name = "lat_p99_us", .unit = "us", .value = 1.5e-7,
		 .status = VP_STATUS_OK, .note = "bs=4k, \"direct\""},
	};
	FILE *f = open_in("results.csv");
	cr_assert_eq(vp_results_write_header(f), 0);
	for (int i = 0; i < 3; i++) {
		struct vp_row row = {&ti, "lock.tas", 2, i + 1, &m[i]};
		cr_assert_eq(vp_results_write_row(f, &row), 0);
	}
	fclose(f);
	f = open_in("env.csv");
	cr_assert_eq(vp_env_write_header(f), 0);
	cr_assert_eq(vp_env_write_row(f, ti.target, "caches", "L1d 32K x2, L2 1M"), 0);
	fclose(f);

	struct vp_run run;
	char err[512];
	cr_assert_eq(vp_run_load(dir, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(run.nrows, 3);
	const struct vp_result *r = run.rows;
	cr_assert_str_eq(r[0].target, "ssh:bench@box");
	cr_assert_str_eq(r[0].hypervisor, "Microsoft Hv, \"Hyper-V\"");
	cr_assert_eq(r[0].vcpus, 4);
	cr_assert_eq(r[0].host_cpus, 16);
	cr_assert_str_eq(r[0].workload, "lock.tas");
	cr_assert_eq(r[0].threads, 2);
	/* 9 significant digits */
	cr_assert_float_eq(r[0].value, 1234567.89, 1e-6);
	cr_assert_eq(r[1].status, VP_STATUS_UNAVAILABLE);
	cr_assert(isnan(r[1].value));
	cr_assert_str_eq(r[1].note,
			 "no hardware PMU, perf_event_open ENOENT line two");
	cr_assert_eq(r[2].rep, 3);
	cr_assert_float_eq(r[2].value, 1.5e-7, 1e-15);
	cr_assert_str_eq(r[2].note, "bs=4k, \"direct\"");
	cr_assert_str_eq(vp_run_env(&run, "ssh:bench@box", "caches"),
			 "L1d 32K x2, L2 1M");
	vp_run_free(&run);
}

Test(results_csv, header_written_once_and_cut_row_skipped)
{
	struct vp_metric m = {.name = "iops", .unit = "ops/s", .value = 42,
			      .status = VP_STATUS_OK};
	FILE *f = open_in("results.csv");
	vp_results_write_header(f);
	struct vp_row row = {&ti, "io.randread", 1, 1, &m};
	vp_results_write_row(f, &row);
	fclose(f);
	/* Reopened for append (a resumed writer) the header is not repeated;
	 * then a crash leaves half a row. */
	char p[256];
	snprintf(p, sizeof(p), "%s/results.csv", dir);
	f = fopen(p, "a");
	vp_results_write_header(f);
	row.rep = 2;
	vp_results_write_row(f, &row);
	fputs("1,run-1,host,host,none,KVM,2,2,io.randread,1,3,io", f);
	fclose(f);
	struct vp_run run;
	char err[512];
	cr_assert_eq(vp_run_load(dir, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(run.nrows, 2);
	cr_assert_eq(run.rows[1].rep, 2);
	cr_assert_geq(run.nwarn, 1, "the cut row is reported");
	vp_run_free(&run);
}

Test(results_csv, unknown_cpu_counts_are_empty_not_zero)
{
	struct vp_target_info ssh = ti;
	ssh.host_cpus = 0;
	ssh.vcpus = -1;
	struct vp_metric m = {.name = "ops_per_s", .unit = "ops/s",
			      .status = VP_STATUS_FAILED,
			      .note = "deploy failed: unreachable"};
	FILE *f = open_in("results.csv");
	vp_results_write_header(f);
	struct vp_row row = {&ssh, "cpu.int", 1, 1, &m};
	vp_results_write_row(f, &row);
	fclose(f);
	char p[256], line[512] = "";
	snprintf(p, sizeof(p), "%s/results.csv", dir);
	f = fopen(p, "r");
	cr_assert(fgets(line, sizeof(line), f) && fgets(line, sizeof(line), f));
	fclose(f);
	cr_assert(strstr(line, ",ssh,none,\"Microsoft Hv, \"\"Hyper-V\"\"\",,,cpu.int,"),
		  "%s", line);
	struct vp_run run;
	char err[512];
	cr_assert_eq(vp_run_load(dir, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(run.rows[0].host_cpus, -1);
	cr_assert_eq(run.rows[0].vcpus, -1);
	vp_run_free(&run);
}
