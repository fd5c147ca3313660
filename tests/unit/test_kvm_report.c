/* KVM-run data in reports and rows: targets with conditions (':' and ','
 * in the name) stay targets of their own through results.csv, env.csv and
 * summary.csv; counter ratios across counter scopes are refused with the
 * reason; the automatic scope of a plan; a guest without a vPMU says
 * which. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/counters.h"
#include "probes/counters_internal.h"
#include "reports/summary.h"
#include "runner/run/counter_scope.h"
#include "runner/plan/plan.h"
#include "runner/targets/vm_internal.h"

static const char *const targets[] = {"host", "vm4",
				      "vm4:pvspin=off,cpu-pm=on"};
static const char *const scopes[] = {"user", "user+kernel", "user+kernel"};

/* A run folder: three targets x ops_per_s and cnt.cycles x 3 reps. */
static void make_run(char *dir, size_t len)
{
	char path[600];
	FILE *r, *e;

	snprintf(dir, len, "/tmp/vp-kvm-report.XXXXXX");
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	r = fopen(path, "w");
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	e = fopen(path, "w");
	cr_assert(r && e);
	vp_results_write_header(r);
	vp_env_write_header(e);
	for (size_t t = 0; t < 3; t++) {
		struct vp_target_info ti = {
		    .run_id = "r1", .vcpus = t ? 4 : 2, .host_cpus = 2};
		snprintf(ti.target, sizeof(ti.target), "%s", targets[t]);
		snprintf(ti.target_kind, sizeof(ti.target_kind), "%s",
			 t ? "vm" : "host");
		snprintf(ti.accel, sizeof(ti.accel), "%s", t ? "kvm" : "none");
		snprintf(ti.hypervisor, sizeof(ti.hypervisor), "KVM");
		vp_env_write_row(e, targets[t], "counter_scope", scopes[t]);
		vp_env_write_row(e, targets[t], "conditions",
				 t == 2 ? "pvspin=off,cpu-pm=on" : "none");
		for (int rep = 1; rep <= 3; rep++) {
			struct vp_metric m[2] = {
			    {.name = "ops_per_s",
			     .unit = "ops/s",
			     .value = 1000.0 * (double)(t + 1) + rep},
			    {.name = "cnt.cycles",
			     .unit = "count",
			     .value = 5e6 * (double)(t + 1) + rep}};
			for (int k = 0; k < 2; k++) {
				struct vp_row row = {&ti, "lock.tas", 4, rep,
						     &m[k]};
				m[k].status = VP_STATUS_OK;
				cr_assert_eq(vp_results_write_row(r, &row), 0);
			}
		}
	}
	fclose(r);
	fclose(e);
}

static void cleanup(const char *dir)
{
	char path[600];
	const char *files[] = {"results.csv", "env.csv", "summary.csv"};

	for (size_t i = 0; i < 3; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, files[i]);
		unlink(path);
	}
	rmdir(dir);
}

Test(kvm_report, conditions_and_counter_scopes)
{
	char dir[64], err[512], path[600], *text;
	struct vp_run run;
	struct vp_summary s;
	FILE *f;
	long n;

	make_run(dir, sizeof(dir));
	cr_assert_eq(vp_run_load(dir, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_summary_build(&run, 1, NULL, &s, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(s.ntargets, 3, "vm4 and vm4:... are two targets");
	cr_expect_str_eq(s.targets[2].name, "vm4:pvspin=off,cpu-pm=on");
	cr_expect_str_eq(vp_run_env(&run, targets[2], "conditions"),
			 "pvspin=off,cpu-pm=on");
	for (size_t t = 1; t < 3; t++) {
		long ops = vp_summary_find(&s, t, "lock.tas", 4, "ops_per_s");
		long cyc = vp_summary_find(&s, t, "lock.tas", 4, "cnt.cycles");

		cr_assert(ops >= 0 && cyc >= 0);
		cr_expect(!isnan(s.cells[ops].ratio), "throughput ratio kept");
		cr_expect(isnan(s.cells[cyc].ratio), "%s: cycles ratio refused",
			  targets[t]);
		cr_assert_not_null(s.cells[cyc].ratio_refused);
		cr_expect(
		    strstr(s.cells[cyc].ratio_refused, "counter scopes differ"),
		    "%s", s.cells[cyc].ratio_refused);
		cr_expect(strstr(s.cells[cyc].ratio_refused,
				 "counts user+kernel, baseline host counts "
				 "user"),
			  "%s", s.cells[cyc].ratio_refused);
	}
	/* Same scope against the vm4 baseline: the ratio is there. */
	vp_summary_free(&s);
	cr_assert_eq(vp_summary_build(&run, 1, "vm4", &s, err, sizeof(err)), 0,
		     "%s", err);
	n = vp_summary_find(&s, 2, "lock.tas", 4, "cnt.cycles");
	cr_assert_geq(n, 0);
	cr_expect(!isnan(s.cells[n].ratio));
	cr_expect_null(s.cells[n].ratio_refused);
	vp_summary_free(&s);

	/* summary.csv: the name quoted, the refusal in the note. */
	cr_assert_eq(vp_summary_build(&run, 1, NULL, &s, err, sizeof(err)), 0);
	snprintf(path, sizeof(path), "%s/summary.csv", dir);
	cr_assert_eq(vp_summary_write_csv(&s, path, err, sizeof(err)), 0);
	f = fopen(path, "r");
	cr_assert_not_null(f);
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)n + 1);
	cr_assert_eq(fread(text, 1, (size_t)n, f), (size_t)n);
	fclose(f);
	cr_expect(strstr(text, ",\"vm4:pvspin=off,cpu-pm=on\",vm,"), "%s",
		  text);
	cr_expect(strstr(text, "no ratio: counter scopes differ"));
	free(text);
	vp_summary_free(&s);
	vp_run_free(&run);
	cleanup(dir);
}

Test(kvm_report, automatic_counter_scope)
{
	static const struct {
		const char *targets;
		int paranoid;
		bool privileged;
		enum vp_counter_scope want;
		const char *why;
	} cases[] = {
	    {"host,vm4", 2, false, VP_SCOPE_USER, "perf_event_paranoid=2"},
	    {"host,vm4", 2, true, VP_SCOPE_USER_KERNEL, "every target"},
	    {"host,vm4", 1, false, VP_SCOPE_USER_KERNEL, "every target"},
	    {"host", -99, false, VP_SCOPE_USER, "paranoid=-99"},
	    {"vm1,vm4:pvspin=off", 4, false, VP_SCOPE_USER_KERNEL,
	     "every target"},
	    {"host,ssh:bench@box", 0, true, VP_SCOPE_USER,
	     "ssh:bench@box: the remote user's counting rights"},
	};
	static struct vp_plan p;
	char err[256], why[256];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vp_plan_defaults(&p);
		cr_assert_eq(vp_plan_set(&p, "targets", cases[i].targets, err,
					 sizeof(err)),
			     0, "%s", err);
		cr_expect_eq(vp_counter_scope_auto(&p, cases[i].paranoid,
						   cases[i].privileged, why,
						   sizeof(why)),
			     cases[i].want, "%s", cases[i].targets);
		cr_expect(strstr(why, cases[i].why), "%s: %s", cases[i].targets,
			  why);
		vp_plan_free(&p);
	}
	/* A named scope is kept; auto is replaced and travels in the plan. */
	vp_plan_defaults(&p);
	cr_assert_eq(vp_plan_set(&p, "counter-scope", "user", err, sizeof(err)),
		     0);
	cr_expect(!vp_counter_scope_resolve(&p, why, sizeof(why)));
	cr_expect_str_eq(p.counter_scope, "user");
	cr_expect_eq(
	    vp_plan_set(&p, "counter-scope", "kernel", err, sizeof(err)),
	    -EINVAL);
	cr_expect(strstr(err, "auto, user or user+kernel"), "%s", err);
	vp_plan_set(&p, "counter-scope", "auto", err, sizeof(err));
	cr_expect(vp_counter_scope_resolve(&p, why, sizeof(why)));
	cr_expect_neq(strcmp(p.counter_scope, "auto"), 0);
	vp_plan_free(&p);
}

Test(kvm_report, vpmu_notes)
{
	static const struct {
		const char *note, *why, *want; /* want NULL: unchanged */
	} cases[] = {
	    {"no hardware PMU: perf_event_open ENOENT",
	     "no vPMU: the host's kvm.enable_pmu=N",
	     "no vPMU: the host's kvm.enable_pmu=N (no hardware PMU: "
	     "perf_event_open ENOENT)"},
	    {"unavailable: no hardware PMU: perf_event_open ENOENT",
	     "no vPMU: TCG emulates no PMU",
	     "unavailable: no vPMU: TCG emulates no PMU (no hardware PMU: "
	     "perf_event_open ENOENT)"},
	    {"event not supported by this PMU: perf_event_open ENOENT",
	     "no vPMU: x", NULL},
	    {"no hardware PMU: perf_event_open ENOENT", "", NULL},
	};
	char out[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		bool changed =
		    vm_vpmu_note(cases[i].note, cases[i].why, out, sizeof(out));

		cr_expect_eq(changed, cases[i].want != NULL, "case %zu", i);
		if (cases[i].want)
			cr_expect_str_eq(out, cases[i].want);
	}
}

Test(kvm_report, counter_scope_names_and_events)
{
	enum vp_counter_scope s;
	struct perf_event_attr a = {.type = PERF_TYPE_HARDWARE};

	cr_expect_eq(vp_counter_scope_parse("user+kernel", &s), 0);
	cr_expect_eq(s, VP_SCOPE_USER_KERNEL);
	cr_expect_str_eq(vp_counter_scope_name(VP_SCOPE_USER), "user");
	cr_expect_eq(vp_counter_scope_parse("all", &s), -EINVAL);
	cr_expect_eq(vp_cnt_scoped(&a), 1);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	cr_expect_eq(vp_cnt_scoped(&a), 0);
	a.config = PERF_COUNT_SW_CONTEXT_SWITCHES;
	cr_expect_eq(vp_cnt_scoped(&a), 0);
	a.config = PERF_COUNT_SW_PAGE_FAULTS;
	cr_expect_eq(vp_cnt_scoped(&a), 1);
}

/* Under user+kernel, a refusal names the scope instead of falling back to
 * user space; under user, every scoped event excludes the kernel. */
Test(kvm_report, counter_scope_in_the_probe)
{
	struct perf_event_attr a = {.type = PERF_TYPE_HARDWARE,
				    .config = PERF_COUNT_HW_CPU_CYCLES};
	struct vp_counter_set *set = NULL;
	char why[256], err[256];

	vp_counters_set_scope(VP_SCOPE_USER_KERNEL);
	vp_cnt_perf_reason(&a, -EACCES, 0, why, sizeof(why));
	cr_expect(strstr(why, "counter scope user+kernel not permitted"), "%s",
		  why);
	vp_counters_set_scope(VP_SCOPE_AUTO);
	vp_cnt_perf_reason(&a, -EACCES, 0, why, sizeof(why));
	cr_expect_null(strstr(why, "counter scope"), "%s", why);

	vp_counters_set_scope(VP_SCOPE_USER);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_PAGE_FAULTS;
	a.exclude_kernel = 0;
	int fd = vp_cnt_perf_open(&a);
	if (fd >= 0)
		close(fd);
	cr_expect_eq(a.exclude_kernel, 1, "page faults of user space only");
	a.config = PERF_COUNT_SW_TASK_CLOCK;
	a.exclude_kernel = 0;
	fd = vp_cnt_perf_open(&a);
	if (fd >= 0)
		close(fd);
	cr_expect_eq(a.exclude_kernel, 0, "time is not scoped");
	cr_assert_eq(vp_counters_resolve("task-clock,page-faults", &set, err,
					 sizeof(err)),
		     0);
	for (size_t i = 0; i < vp_counters_count(set); i++)
		cr_expect_null(strstr(vp_counters_event_status(set, i),
				      "perf_event_paranoid"),
			       "%s", vp_counters_event_status(set, i));
	vp_counters_free(set);
	vp_counters_set_scope(VP_SCOPE_AUTO);
}
