/* Plan: setters, bounds, workload selection, -O application, plan-file
 * round trip and error messages naming file and line. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/plan/plan.h"
#include "runner/run/run.h"
#include "runner/targets/target.h"

static struct vp_plan plan;
static char err[2048];

static void setup(void) { vp_plan_defaults(&plan); }
static void teardown(void) { vp_plan_free(&plan); }

TestSuite(plan, .init = setup, .fini = teardown);

Test(plan, defaults_match_design)
{
	cr_assert_eq(plan.ntargets, 4);
	cr_assert_str_eq(plan.targets[0], "host");
	cr_assert_str_eq(plan.targets[3], "vm4");
	cr_assert_eq(plan.nthreads, 3);
	cr_assert_eq(plan.threads[2], 4);
	cr_assert_gt(plan.nworkloads, 2);
	cr_assert_str_eq(plan.counters, "auto");
	cr_assert_eq(vp_plan_finalize(&plan, err, sizeof(err)), 0, "%s", err);
}

struct bad_case {
	const char *key, *value, *must_contain;
};

Test(plan, bad_values_are_refused_with_choices)
{
	static const struct bad_case cases[] = {
	    {"targets", "host,vm0", "vmN"},
	    {"targets", "mainframe", "valid: host"},
	    {"targets", "ssh:-oProxyCommand=x", "ssh:[user@]host[:port]"},
	    {"targets", "ssh:box:99999", "port"},
	    {"workloads", "cpu.quantum", "valid:"},
	    {"workloads", "cpu.quantum", "lock.tas"},
	    {"threads", "0", "1 .. 1024"},
	    {"threads", "two", "1 .. 1024"},
	    {"reps", "0", "1 .. 1000"},
	    {"duration", "-1", "out of range"},
	    {"duration", "abc", "not a number"},
	    {"duration", "0x10", "not a number"}, /* strtod: 16 s */
	    {"duration", "1e", "not a number"},
	    {"warmup", "inf", "not a number"},
	    {"pin", "tight", "none, compact or scatter"},
	    {"accel", "hvf", "auto, kvm or tcg"},
	    {"disk-size", "1k", "16M .. 1T"},
	    {"vcpu-pin", "maybe", "yes or no"},
	    {"option", "novalue", "KEY=VALUE"},
	    {"frobnicate", "1", "unknown plan key"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = 0;
		cr_assert_neq(vp_plan_set(&plan, cases[i].key, cases[i].value,
					  err, sizeof(err)),
			      0, "%s=%s accepted", cases[i].key,
			      cases[i].value);
		cr_assert(strstr(err, cases[i].must_contain),
			  "%s=%s: message '%s' lacks '%s'", cases[i].key,
			  cases[i].value, err, cases[i].must_contain);
	}
}

Test(plan, good_values)
{
	cr_assert_eq(vp_plan_set(&plan, "duration", "0.25", err, sizeof(err)), 0);
	cr_assert_float_eq(plan.duration_s, 0.25, 1e-12);
	/* -0 is 0, not a "-0" in plan.conf. */
	cr_assert_eq(vp_plan_set(&plan, "warmup", "-0", err, sizeof(err)), 0);
	cr_assert(!signbit(plan.warmup_s), "warmup -0 kept its sign");
	cr_assert_eq(vp_plan_set(&plan, "threads", "8, 1,2,2", err, sizeof(err)), 0);
	cr_assert_eq(plan.nthreads, 3, "duplicates are folded");
	cr_assert_eq(plan.threads[0], 8);
	cr_assert_eq(vp_plan_set(&plan, "targets", "host,vm12,ssh:me@box:2222",
				 err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(plan.ntargets, 3);
	cr_assert_eq(vp_plan_set(&plan, "disk-size", "256M", err, sizeof(err)), 0);
	cr_assert_eq(plan.disk_size, 256ull << 20);
}

Test(plan, bare_class_selects_default_set_and_names_are_exact)
{
	cr_assert_eq(vp_plan_set(&plan, "workloads", "lock", err, sizeof(err)), 0);
	size_t n = plan.nworkloads;
	cr_assert_gt(n, 0);
	for (size_t i = 0; i < n; i++) {
		cr_assert_eq(strncmp(plan.workloads[i].wl->name, "lock.", 5), 0);
		cr_assert(plan.workloads[i].wl->in_default_set);
	}
	cr_assert_eq(vp_plan_set(&plan, "workloads", "lock.mcs,cpu.int", err,
				 sizeof(err)),
		     0);
	cr_assert_eq(plan.nworkloads, 2);
	cr_assert_str_eq(plan.workloads[0].wl->name, "lock.mcs");
}

Test(plan, option_without_taker_is_an_error)
{
	cr_assert_eq(vp_plan_set(&plan, "workloads", "cpu.int", err, sizeof(err)), 0);
	cr_assert_eq(vp_plan_set(&plan, "option", "bs=4k", err, sizeof(err)), 0);
	cr_assert_neq(vp_plan_finalize(&plan, err, sizeof(err)), 0);
	cr_assert(strstr(err, "no selected workload has an option 'bs'"), "%s",
		  err);
}

Test(plan, option_applies_to_every_taker_with_bounds)
{
	cr_assert_eq(vp_plan_set(&plan, "workloads", "io.randread,io.seqread",
				 err, sizeof(err)),
		     0, "%s", err);
	cr_assert_eq(vp_plan_set(&plan, "option", "bs=8k", err, sizeof(err)), 0);
	cr_assert_eq(vp_plan_finalize(&plan, err, sizeof(err)), 0, "%s", err);
	for (size_t i = 0; i < plan.nworkloads; i++) {
		const struct vp_option *o =
			vp_options_find(plan.workloads[i].wl->options, "bs");
		char buf[64];
		cr_assert_not_null(o);
		vp_option_format(o, plan.workloads[i].opts, buf, sizeof(buf));
		cr_assert_str_eq(buf, "8k");
	}
}

Test(plan, file_round_trip)
{
	char path[] = "/tmp/vp-plan-XXXXXX";
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	FILE *f = fdopen(fd, "w");
	vp_plan_set(&plan, "targets", "host,vm2", err, sizeof(err));
	vp_plan_set(&plan, "workloads", "lock.ticket,io.randread", err,
		    sizeof(err));
	vp_plan_set(&plan, "duration", "0.125", err, sizeof(err));
	vp_plan_set(&plan, "option", "bs=16k", err, sizeof(err));
	vp_plan_set(&plan, "host-load", "3", err, sizeof(err));
	cr_assert_eq(vp_plan_write(&plan, f), 0);
	fclose(f);

	static struct vp_plan back;
	vp_plan_defaults(&back);
	cr_assert_eq(vp_plan_load(&back, path, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_plan_finalize(&back, err, sizeof(err)), 0, "%s", err);
	unlink(path);
	cr_assert_eq(back.ntargets, 2);
	cr_assert_str_eq(back.targets[1], "vm2");
	cr_assert_eq(back.nworkloads, 2);
	cr_assert_str_eq(back.workloads[0].wl->name, "lock.ticket");
	cr_assert_float_eq(back.duration_s, 0.125, 1e-15);
	cr_assert_eq(back.host_load, 3);
	cr_assert_eq(back.noptions, 1);
	cr_assert_str_eq(back.options[0], "bs=16k");
	vp_plan_free(&back);
}

Test(plan, file_errors_name_file_and_line)
{
	char path[] = "/tmp/vp-plan-XXXXXX";
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");
	fprintf(f, "# comment\nreps = 2\n\nthreads 4\n");
	fclose(f);
	cr_assert_neq(vp_plan_load(&plan, path, err, sizeof(err)), 0);
	char want[256];
	snprintf(want, sizeof(want), "%s:4:", path);
	cr_assert(strstr(err, want), "%s", err);
	cr_assert(strstr(err, "key = value"), "%s", err);
	f = fopen(path, "w");
	fprintf(f, "reps = 2\npin = sideways\n");
	fclose(f);
	cr_assert_neq(vp_plan_load(&plan, path, err, sizeof(err)), 0);
	snprintf(want, sizeof(want), "%s:2: pin", path);
	cr_assert(strstr(err, want), "%s", err);
	unlink(path);
	cr_assert_neq(vp_plan_load(&plan, "/nonexistent/plan", err, sizeof(err)), 0);
	cr_assert(strstr(err, "No such file"), "%s", err);
}

Test(plan, steps_and_seconds)
{
	vp_plan_set(&plan, "workloads", "cpu.int,lock.tas", err, sizeof(err));
	vp_plan_set(&plan, "threads", "1,2", err, sizeof(err));
	vp_plan_set(&plan, "reps", "3", err, sizeof(err));
	vp_plan_set(&plan, "duration", "1", err, sizeof(err));
	vp_plan_set(&plan, "warmup", "0.5", err, sizeof(err));
	cr_assert_eq(vp_plan_steps(&plan), 12);
	cr_assert_float_eq(vp_plan_measure_seconds(&plan), 18.0, 1e-9);
}

Test(plan, target_init_binds_kinds)
{
	struct vp_target t;
	cr_assert_eq(vp_target_init(&t, "vm4", err, sizeof(err)), 0);
	cr_assert_eq(t.vcpus, 4);
	cr_assert_str_eq(t.ops->kind, "vm");
	cr_assert_eq(vp_target_init(&t, "ssh:u@h", err, sizeof(err)), 0);
	cr_assert_str_eq(t.ops->kind, "ssh");
	cr_assert_eq(vp_target_init(&t, "host", err, sizeof(err)), 0);
	cr_assert_str_eq(t.ti.target_kind, "host");
}

/* Defect 10 of issue 11: what can be checked before the run is. */
Test(plan, empty_items_and_values_are_refused)
{
	static const struct bad_case cases[] = {
	    {"threads", "1,", "empty item in '1,'"},
	    {"threads", "1,,2", "empty item"},
	    {"threads", " , 2", "empty item"},
	    {"targets", "host,", "empty item"},
	    {"workloads", ",cpu", "empty item"},
	    {"output", "", "empty value"},
	    {"kernel", "", "empty value"},
	    {"run-id", "", "empty value"},
	    {"counters", "", "empty value"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		err[0] = 0;
		cr_expect_neq(vp_plan_set(&plan, cases[i].key, cases[i].value,
					  err, sizeof(err)),
			      0, "%s='%s' accepted", cases[i].key,
			      cases[i].value);
		cr_expect(strstr(err, cases[i].must_contain), "%s='%s': %s",
			  cases[i].key, cases[i].value, err);
	}
}

Test(plan, workload_option_rules_apply_when_the_plan_is_complete)
{
	static const struct bad_case cases[] = {
	    {"bs=1000", NULL, "bs=1000: must be a multiple of 512"},
	    {"size=64k", "bs=1M", "smaller than bs"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vp_plan_free(&plan);
		vp_plan_defaults(&plan);
		cr_assert_eq(vp_plan_set(&plan, "workloads", "io.randread", err,
					 sizeof(err)),
			     0);
		cr_assert_eq(vp_plan_set(&plan, "option", cases[i].key, err,
					 sizeof(err)),
			     0);
		if (cases[i].value)
			cr_assert_eq(vp_plan_set(&plan, "option",
						 cases[i].value, err,
						 sizeof(err)),
				     0);
		cr_expect_neq(vp_plan_finalize(&plan, err, sizeof(err)), 0,
			      "-O %s accepted", cases[i].key);
		cr_expect(strstr(err, cases[i].must_contain), "%s", err);
		cr_expect(strstr(err, "io.randread"), "%s", err);
	}
}

Test(plan, run_check_refuses_typed_paths_that_cannot_work_here)
{
	cr_assert_eq(vp_plan_set(&plan, "targets", "host", err, sizeof(err)),
		     0);
	cr_assert_eq(vp_plan_set(&plan, "kernel", "/nonexistent/vmlinuz", err,
				 sizeof(err)),
		     0);
	cr_expect_eq(vp_run_check(&plan, err, sizeof(err)), 0,
		     "no vm target: the kernel is not used");
	cr_assert_eq(
	    vp_plan_set(&plan, "targets", "host,vm1", err, sizeof(err)), 0);
	cr_expect_neq(vp_run_check(&plan, err, sizeof(err)), 0);
	cr_expect(strstr(err, "--kernel /nonexistent/vmlinuz: No such file"),
		  "%s", err);
	cr_assert_eq(vp_plan_set(&plan, "kernel", "/tmp", err, sizeof(err)), 0);
	cr_expect_neq(vp_run_check(&plan, err, sizeof(err)), 0);
	cr_expect(strstr(err, "not a regular file"), "%s", err);
	cr_assert_eq(
	    vp_plan_set(&plan, "kernel", "/proc/self/exe", err, sizeof(err)),
	    0);
	cr_assert_eq(
	    vp_plan_set(&plan, "modules", "/proc/self/exe", err, sizeof(err)),
	    0);
	cr_expect_neq(vp_run_check(&plan, err, sizeof(err)), 0);
	cr_expect(strstr(err, "--modules /proc/self/exe: not a directory"),
		  "%s", err);
}
