/* System probe: /proc/stat parsing of saved samples (this machine, an old
 * kernel without steal, malformed text) and the delta maths against
 * hand-computed shares; rusage context switches of a real sleep. */
#include <criterion/criterion.h>
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "probes/sysstat.h"
#include "test_data.h"

static char *slurp(const char *name)
{
	return vp_test_slurp("procstat", name);
}

static void parse_file(const char *name, struct vp_procstat *ps, int want)
{
	char *t = slurp(name);
	cr_assert_eq(vp_procstat_parse(t, ps), want, "%s: %s", name, ps->why);
	free(t);
}

struct parse_case {
	const char *file;
	int ret, fields;
	unsigned long long user, idle, steal;
};

Test(sysstat, parses_saved_samples)
{
	static const struct parse_case cases[] = {
	    {"real_before.txt", 0, 10, 10408, 136707, 27},
	    {"old_kernel_2_6_9.txt", 0, 7, 2255, 22625563, 0},
	    {"steal_before.txt", 0, 10, 1000, 8000, 500},
	    {"malformed.txt", -EINVAL, 0, 0, 0, 0},
	    {"truncated.txt", -EINVAL, 0, 0, 0, 0},
	    {"no_cpu_line.txt", -EINVAL, 0, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct parse_case *c = &cases[i];
		struct vp_procstat ps;
		parse_file(c->file, &ps, c->ret);
		if (c->ret) {
			cr_expect_eq(ps.valid, 0, "%s", c->file);
			cr_expect_neq(ps.why[0], '\0', "%s: no reason",
				      c->file);
			continue;
		}
		cr_expect_eq(ps.valid, 1);
		cr_expect_eq(ps.fields, c->fields, "%s", c->file);
		cr_expect_eq(ps.user, c->user, "%s", c->file);
		cr_expect_eq(ps.idle, c->idle, "%s", c->file);
		cr_expect_eq(ps.steal, c->steal, "%s", c->file);
	}
}

struct share {
	const char *name;
	int ok;
	double pct;
};

struct delta_case {
	const char *before, *after;
	struct share s[5];
};

Test(sysstat, cpu_shares_match_hand_computed_values)
{
	/* steal: d user 600 + nice 100, system 300, idle 600 + iowait 100,
	 * irq 50 + softirq 50, steal 1200, guest 300 (inside user): total
	 * 3000. old kernel: 100, 50, 200 + 50, 10 + 10 of 420, no steal.
	 * real (this machine, 1 s apart): 1, 1, 200, 0 of 202. */
	static const struct delta_case cases[] = {
	    {"steal_before.txt",
	     "steal_after.txt",
	     {{"user_pct", 1, 700.0 / 30},
	      {"system_pct", 1, 10},
	      {"steal_pct", 1, 40},
	      {"irq_pct", 1, 100.0 / 30},
	      {"idle_pct", 1, 700.0 / 30}}},
	    {"old_kernel_2_6_9.txt",
	     "old_kernel_2_6_9_after.txt",
	     {{"user_pct", 1, 10000.0 / 420},
	      {"system_pct", 1, 5000.0 / 420},
	      {"steal_pct", 0, 0},
	      {"irq_pct", 1, 2000.0 / 420},
	      {"idle_pct", 1, 25000.0 / 420}}},
	    {"real_before.txt",
	     "real_after.txt",
	     {{"user_pct", 1, 100.0 / 202},
	      {"system_pct", 1, 100.0 / 202},
	      {"steal_pct", 1, 0},
	      {"irq_pct", 1, 0},
	      {"idle_pct", 1, 20000.0 / 202}}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct delta_case *c = &cases[i];
		struct vp_sysstat_snapshot a = {.nvcsw = 10, .nivcsw = 3},
					   b = {.nvcsw = 15, .nivcsw = 4};
		parse_file(c->before, &a.cpu, 0);
		parse_file(c->after, &b.cpu, 0);
		struct vp_metrics m;
		vp_metrics_init(&m);
		vp_sysstat_metrics(&a, &b, &m);
		for (size_t k = 0; k < 5; k++) {
			const struct vp_metric *e =
			    vp_metrics_find(&m, c->s[k].name);
			cr_assert_not_null(e, "%s", c->s[k].name);
			cr_expect_str_eq(e->unit, "%");
			if (!c->s[k].ok) {
				cr_expect_eq(e->status, VP_STATUS_UNAVAILABLE);
				cr_expect(strstr(e->note, "no steal column"),
					  "%s", e->note);
				continue;
			}
			cr_expect_eq(e->status, VP_STATUS_OK, "%s %s: %s",
				     c->before, e->name, e->note);
			cr_expect_float_eq(e->value, c->s[k].pct, 1e-9,
					   "%s %s: %f != %f", c->before,
					   e->name, e->value, c->s[k].pct);
		}
		const struct vp_metric *cs =
		    vp_metrics_find(&m, "ctx_switches");
		cr_assert_not_null(cs);
		cr_expect_float_eq(cs->value, 6, 1e-9);
		cr_expect_float_eq(
		    vp_metrics_find(&m, "ctx_switches_vol")->value, 5, 1e-9);
		cr_expect_float_eq(
		    vp_metrics_find(&m, "ctx_switches_invol")->value, 1, 1e-9);
		vp_metrics_free(&m);
	}
}

Test(sysstat, unreadable_or_idle_snapshots_are_unavailable_not_zero)
{
	struct vp_sysstat_snapshot a = {0}, b = {0};
	struct vp_metrics m;
	vp_metrics_init(&m);
	/* invalid snapshot carries its reason to every share */
	parse_file("malformed.txt", &a.cpu, -EINVAL);
	parse_file("real_after.txt", &b.cpu, 0);
	vp_sysstat_metrics(&a, &b, &m);
	const struct vp_metric *u = vp_metrics_find(&m, "user_pct");
	cr_assert_not_null(u);
	cr_expect_eq(u->status, VP_STATUS_UNAVAILABLE);
	cr_expect_str_eq(u->note, a.cpu.why);
	/* no jiffies elapsed */
	vp_metrics_clear(&m);
	vp_sysstat_metrics(&b, &b, &m);
	u = vp_metrics_find(&m, "steal_pct");
	cr_assert_not_null(u);
	cr_expect_eq(u->status, VP_STATUS_UNAVAILABLE);
	cr_expect(strstr(u->note, "no CPU time elapsed") != NULL);
	vp_metrics_free(&m);
}

Test(sysstat, live_snapshots_count_real_switches)
{
	struct vp_sysstat_snapshot a, b;
	vp_sysstat_take(&a);
	cr_assert(a.cpu.valid, "%s", a.cpu.why);
	for (int i = 0; i < 30; i++) {
		struct timespec d = {0, 2 * 1000 * 1000};
		nanosleep(&d, NULL);
	}
	vp_sysstat_take(&b);
	struct vp_metrics m;
	vp_metrics_init(&m);
	vp_sysstat_metrics(&a, &b, &m);
	const struct vp_metric *v = vp_metrics_find(&m, "ctx_switches_vol");
	cr_assert_not_null(v);
	cr_expect_eq(v->status, VP_STATUS_OK);
	cr_expect_geq(v->value, 30, "30 sleeps, %.0f switches", v->value);
	/* 60 ms at 100-1000 Hz ticks: some jiffies pass; shares sum to 100 */
	double sum = 0;
	const char *n[] = {"user_pct", "system_pct", "steal_pct", "irq_pct",
			   "idle_pct"};
	for (size_t i = 0; i < 5; i++) {
		const struct vp_metric *e = vp_metrics_find(&m, n[i]);
		cr_assert_not_null(e);
		if (e->status != VP_STATUS_OK)
			cr_skip_test("no jiffies elapsed: %s", e->note);
		sum += e->value;
	}
	cr_expect_float_eq(sum, 100, 1e-6);
	vp_metrics_free(&m);
}

/* other_load_pct by hand: 2 CPUs, 100 ticks/s, 1 s between samples = 200
 * ticks. Busy (user+nice+system+irq+softirq) 150 ticks = 1.5 CPU-s; this
 * process used 1.0 s -> 0.5 s of others over 2 CPU-s = 25%. */
Test(sysstat, other_load_by_hand)
{
	struct vp_procstat a, b;
	cr_assert_eq(
	    vp_procstat_parse("cpu  1000 0 500 8000 0 0 0 0 0 0\n", &a), 0);
	cr_assert_eq(
	    vp_procstat_parse("cpu  1100 10 530 8040 5 5 5 5 0 0\n", &b), 0);
	/* busy = 100 + 10 + 30 + 5 + 5 = 150; total = 150 + 40 + 5 + 5 = 200 */
	cr_assert_float_eq(vp_other_load_pct(&a, &b, 1.0, 100), 25.0, 1e-9);
	/* Own time above the busy time (tick rounding) clamps to 0. */
	cr_assert_float_eq(vp_other_load_pct(&a, &b, 1.6, 100), 0.0, 1e-9);
	/* Nothing elapsed: no figure. */
	cr_assert_lt(vp_other_load_pct(&a, &a, 0, 100), 0);
}

/* A busy neighbour process shows up as other load; this process's own
 * spinning does not. */
Test(sysstat, other_load_sees_a_neighbour)
{
	struct vp_sysstat_snapshot a, b;
	struct vp_metrics m;
	pid_t pid = fork();

	cr_assert_geq(pid, 0);
	if (pid == 0) {
		for (;;)
			; /* burn until killed */
	}
	vp_sysstat_take(&a);
	struct timespec d = {0, 300 * 1000 * 1000};
	nanosleep(&d, NULL);
	vp_sysstat_take(&b);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	vp_metrics_init(&m);
	vp_sysstat_metrics(&a, &b, &m);
	const struct vp_metric *o = vp_metrics_find(&m, "other_load_pct");
	cr_assert_not_null(o);
	cr_assert_eq(o->status, VP_STATUS_OK, "%s", o->note);
	/* One busy CPU of however many: at least a share of 1/ncpu, less
	 * what the tick and other tests take; generous bounds. */
	long ncpu = sysconf(_SC_NPROCESSORS_ONLN);
	cr_expect_geq(o->value, 100.0 / (double)ncpu * 0.5, "%.1f%%", o->value);
	vp_metrics_free(&m);
}
