/* The workloads that exercise the kernel (lock.kernel, sched.wake, mem.tlb,
 * mem.shootdown) on short real runs: the metrics each promises are there
 * and ok, distributions add up to the counted operations, thread-count
 * rules (sched.wake pairs, mem.shootdown alone), refused bounds, the
 * reasons given when something cannot run, and the team's runq_delay_pct
 * (a real figure under overcommit, unavailable with the reason when
 * schedstat is missing). */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/pin.h"
#include "workloads/team.h"
#include "workloads/workload_list.h"

static char errbuf[1024];

struct opt_kv {
	const char *key, *value;
};

struct short_run {
	struct vp_metrics m;
	int rc;
};

/* One repetition of workload `name` at `threads` with options overridden
 * by kv (NULL-terminated), through setup/run/teardown like the agent. */
static void run_short(const char *name, unsigned threads,
		      const struct opt_kv *kv, struct short_run *out)
{
	const struct vp_workload *wl = vp_workload_find(name);
	cr_assert_not_null(wl, "%s not registered", name);
	void *opts = calloc(1, wl->opts_size);
	cr_assert_eq(vp_options_defaults(wl->options, opts, wl->opts_size,
					 errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	for (; kv && kv->key; kv++) {
		const struct vp_option *o =
		    vp_options_find(wl->options, kv->key);
		cr_assert_not_null(o, "%s has no option %s", name, kv->key);
		cr_assert_eq(
		    vp_option_set(o, opts, kv->value, errbuf, sizeof(errbuf)),
		    0, "%s", errbuf);
	}
	struct vp_workload_ctx ctx = {.opts = opts, .max_threads = threads};
	char why[512] = "";
	if (wl->supported)
		cr_assert_eq(wl->supported(&ctx, why, sizeof(why)), 0, "%s: %s",
			     name, why);
	void *state = NULL;
	if (wl->setup)
		cr_assert_eq(wl->setup(&ctx, &state, errbuf, sizeof(errbuf)), 0,
			     "%s: %s", name, errbuf);
	struct vp_team_params p = {
	    .threads = threads, .warmup_s = 0.02, .duration_s = 0.15};
	struct vp_team *team = vp_team_create(&p, errbuf, sizeof(errbuf));
	cr_assert_not_null(team, "%s", errbuf);
	vp_metrics_init(&out->m);
	errbuf[0] = '\0';
	out->rc = wl->run(&ctx, state, team, &out->m, errbuf, sizeof(errbuf));
	vp_team_destroy(team);
	if (wl->teardown)
		wl->teardown(state);
	free(opts);
}

static const struct vp_metric *need(const struct short_run *r, const char *name,
				    enum vp_status st)
{
	const struct vp_metric *e = vp_metrics_find(&r->m, name);
	cr_assert_not_null(e, "metric %s missing", name);
	cr_assert_eq(e->status, st, "%s: status %s (%s)", name,
		     vp_status_name(e->status), e->note);
	return e;
}

static double ok(const struct short_run *r, const char *name)
{
	return need(r, name, VP_STATUS_OK)->value;
}

/* Sum of <prefix>_bucket_le_* rows; each must be a positive count. */
static double bucket_sum(const struct short_run *r, const char *prefix)
{
	char p[64];
	snprintf(p, sizeof(p), "%s_bucket_le_", prefix);
	double sum = 0;
	for (size_t i = 0; i < r->m.n; i++)
		if (strncmp(r->m.v[i].name, p, strlen(p)) == 0) {
			cr_assert_str_eq(r->m.v[i].unit, "count");
			cr_assert_gt(r->m.v[i].value, 0);
			sum += r->m.v[i].value;
		}
	return sum;
}

/* The ladder: each percentile ok and rising when the samples support it,
 * else unavailable saying how many there were. */
static void check_percentiles(const struct short_run *r, const char *prefix)
{
	char name[64];
	snprintf(name, sizeof(name), "%s_samples", prefix);
	double n = ok(r, name), prev = 0;
	for (unsigned k = 0; k < VP_HIST_NQ; k++) {
		snprintf(name, sizeof(name), "%s_%s_ns", prefix,
			 vp_hist_q_tag[k]);
		if (n < (double)vp_hist_min_samples(vp_hist_q[k])) {
			cr_expect(
			    strstr(need(r, name, VP_STATUS_UNAVAILABLE)->note,
				   "samples"));
			continue;
		}
		double v = ok(r, name);
		cr_expect_gt(v, 0, "%s", name);
		cr_expect_geq(v, prev, "%s", name);
		prev = v;
	}
	snprintf(name, sizeof(name), "%s_max_ns", prefix);
	cr_expect_geq(ok(r, name), prev);
	cr_expect_float_eq(bucket_sum(r, prefix), n, 1e-9);
}

static int have_schedstat(void)
{
	return access("/proc/thread-self/schedstat", R_OK) == 0;
}

static void check_runq(const struct short_run *r)
{
	if (!have_schedstat()) {
		need(r, "runq_delay_pct", VP_STATUS_UNAVAILABLE);
		return;
	}
	double v = ok(r, "runq_delay_pct");
	cr_expect(v >= 0 && v <= 101, "runq_delay_pct %g", v);
}

Test(kernel_workloads, lock_kernel_times_every_call, .timeout = 60)
{
	static const unsigned threads[] = {1, 2, 4};
	for (size_t i = 0; i < 3; i++) {
		struct short_run r;
		run_short("lock.kernel", threads[i], NULL, &r);
		cr_assert_eq(r.rc, 0, "%s", errbuf);
		double ops = ok(&r, "ops");
		cr_expect_gt(ok(&r, "ops_per_s"), 1000);
		check_percentiles(&r, "call");
		cr_expect_geq(ok(&r, "long_calls"), 0);
		/* every counted call is in the distribution, and only those */
		cr_expect_float_eq(bucket_sum(&r, "call"), ops, 0.5,
				   "%u threads", threads[i]);
		check_runq(&r);
		vp_metrics_free(&r.m);
	}
}

Test(kernel_workloads, sched_wake_pairs_wake_each_other, .timeout = 60)
{
	static const unsigned threads[] = {2, 4};
	for (size_t i = 0; i < 2; i++) {
		struct short_run r;
		run_short("sched.wake", threads[i], NULL, &r);
		cr_assert_eq(r.rc, 0, "%s", errbuf);
		double ops = ok(&r, "ops"), wakeups = ok(&r, "wakeups");
		cr_expect_gt(ops, 10, "round trips");
		/* spin=0: hand-offs (two per round trip) sleep unless the
		 * partner was still on its way to FUTEX_WAIT (preempted, on a
		 * busy machine): some slept, none twice */
		cr_expect_gt(wakeups, 0, "wakeups %g ops %g", wakeups, ops);
		cr_expect_leq(wakeups, 2 * ops + threads[i]);
		check_percentiles(&r, "wake");
		cr_expect_float_eq(bucket_sum(&r, "wake"), wakeups, 0.5);
		const struct vp_metric *t = need(&r, "ops_per_s", VP_STATUS_OK);
		cr_expect(strstr(t->note, "PUs") || strstr(t->note, "CPU"),
			  "placement note: %s", t->note);
		check_runq(&r);
		vp_metrics_free(&r.m);
	}
}

Test(kernel_workloads, sched_wake_odd_thread_count_is_unavailable)
{
	static const unsigned threads[] = {1, 3};
	for (size_t i = 0; i < 2; i++) {
		struct short_run r;
		run_short("sched.wake", threads[i], NULL, &r);
		cr_expect_eq(r.rc, -EOPNOTSUPP, "%u threads", threads[i]);
		cr_expect(strstr(errbuf, "even"), "%s", errbuf);
		cr_expect_eq(r.m.n, 0, "no rows of its own");
		vp_metrics_free(&r.m);
	}
}

struct tlb_case {
	unsigned threads;
	struct opt_kv kv[3];
};

Test(kernel_workloads, mem_tlb_chases_on_small_pages, .timeout = 60)
{
	static const struct tlb_case cases[] = {
	    {1, {{"size", "8M"}, {0}}},
	    {2, {{"size", "16M"}, {"pages", "4k"}, {0}}},
	};
	for (size_t i = 0; i < 2; i++) {
		struct short_run r;
		run_short("mem.tlb", cases[i].threads, cases[i].kv, &r);
		cr_assert_eq(r.rc, 0, "%s", errbuf);
		double ns = ok(&r, "ns_per_access");
		cr_expect(ns > 0.1 && ns < 1e6, "ns_per_access %g", ns);
		cr_expect_gt(ok(&r, "ops_per_s"), 1000);
		cr_expect_float_eq(ok(&r, "huge_pages_pct"), 0, 1e-9);
		const struct vp_metric *t = need(&r, "ops_per_s", VP_STATUS_OK);
		cr_expect(strstr(t->note, "4 KiB pages"), "%s", t->note);
		check_runq(&r);
		vp_metrics_free(&r.m);
	}
}

Test(kernel_workloads, mem_tlb_on_huge_pages_when_available, .timeout = 60)
{
	const struct vp_workload *wl = vp_workload_find("mem.tlb");
	static const struct opt_kv kv[] = {
	    {"size", "16M"}, {"pages", "2m"}, {0}};
	void *opts = calloc(1, wl->opts_size);
	vp_options_defaults(wl->options, opts, wl->opts_size, errbuf,
			    sizeof(errbuf));
	for (const struct opt_kv *k = kv; k->key; k++)
		vp_option_set(vp_options_find(wl->options, k->key), opts,
			      k->value, errbuf, sizeof(errbuf));
	struct vp_workload_ctx ctx = {.opts = opts, .max_threads = 1};
	char why[512] = "";
	int sup = wl->supported(&ctx, why, sizeof(why));
	free(opts);
	if (sup) {
		cr_expect(strstr(why, "no huge pages"), "%s", why);
		cr_skip_test("%s", why);
	}
	struct short_run r;
	run_short("mem.tlb", 1, kv, &r);
	cr_assert_eq(r.rc, 0, "%s", errbuf);
	cr_expect_gt(ok(&r, "huge_pages_pct"), 0);
	cr_expect_gt(ok(&r, "ns_per_access"), 0);
	vp_metrics_free(&r.m);
}

Test(kernel_workloads, mem_tlb_refuses_more_than_the_memory)
{
	const struct vp_workload *wl = vp_workload_find("mem.tlb");
	void *opts = calloc(1, wl->opts_size);
	vp_options_defaults(wl->options, opts, wl->opts_size, errbuf,
			    sizeof(errbuf));
	char why[512] = "";
	struct vp_workload_ctx ctx = {.opts = opts, .max_threads = 1};
	/* the default (pages=4k) runs and remarks on 2m */
	cr_expect_eq(wl->supported(&ctx, why, sizeof(why)), 0, "%s", why);
	cr_expect(strstr(why, "pages=2m"), "%s", why);
	cr_assert_eq(vp_option_set(vp_options_find(wl->options, "size"), opts,
				   "64G", errbuf, sizeof(errbuf)),
		     0);
	if (wl->supported(&ctx, why, sizeof(why)) == 0)
		cr_skip_test("this machine has over 80 GiB available");
	cr_expect(strstr(why, "MemAvailable") && strstr(why, "-O size"), "%s",
		  why);
	free(opts);
}

Test(kernel_workloads, mem_shootdown_changes_under_readers, .timeout = 60)
{
	static const struct tlb_case cases[] = {
	    {1, {{0}}},
	    {2, {{0}}},
	    {3, {{"op", "remap"}, {"range", "32k"}, {0}}},
	    {1, {{"op", "remap"}, {0}}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct short_run r;
		unsigned n = cases[i].threads;
		run_short("mem.shootdown", n, cases[i].kv, &r);
		cr_assert_eq(r.rc, 0, "%s", errbuf);
		double ops = ok(&r, "ops");
		cr_expect_gt(ops, 10);
		check_percentiles(&r, "call");
		cr_expect_float_eq(bucket_sum(&r, "call"), ops, 0.5);
		ok(&r, "long_calls");
		const struct vp_metric *t = need(&r, "ops_per_s", VP_STATUS_OK);
		if (n == 1) {
			cr_expect(strstr(t->note, "no other CPU"), "%s",
				  t->note);
			cr_expect_null(
			    vp_metrics_find(&r.m, "touch_rounds_per_s"));
		} else {
			cr_expect_gt(ok(&r, "touch_rounds_per_s"), 0);
			/* touchers are helpers: no per-thread spread of ops */
			cr_expect_null(vp_metrics_find(&r.m, "fairness"));
		}
		check_runq(&r);
		vp_metrics_free(&r.m);
	}
}

struct bound_case {
	const char *workload, *key, *value;
	int rc;
	const char *says;
};

Test(kernel_workloads, out_of_bounds_options_are_refused)
{
	static const struct bound_case cases[] = {
	    {"lock.kernel", "think", "-1", -ERANGE, "0 .. 10000000"},
	    {"lock.kernel", "think", "10000001", -ERANGE, "0 .. 10000000"},
	    {"sched.wake", "spin", "2000000", -ERANGE, "0 .. 1000000"},
	    {"mem.tlb", "size", "512k", -ERANGE, "1M .. 64G"},
	    {"mem.tlb", "size", "65G", -ERANGE, "1M .. 64G"},
	    {"mem.tlb", "pages", "1g", -EINVAL, "4k|2m"},
	    {"mem.shootdown", "range", "2k", -ERANGE, "4k .. 64M"},
	    {"mem.shootdown", "range", "128M", -ERANGE, "4k .. 64M"},
	    {"mem.shootdown", "op", "munmap", -EINVAL, "mprotect|remap"},
	    {"mem.tlb", "pages", "2m", 0, NULL},
	    {"mem.shootdown", "range", "4k", 0, NULL},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct bound_case *c = &cases[i];
		const struct vp_workload *wl = vp_workload_find(c->workload);
		cr_assert_not_null(wl, "%s", c->workload);
		void *opts = calloc(1, wl->opts_size);
		vp_options_defaults(wl->options, opts, wl->opts_size, errbuf,
				    sizeof(errbuf));
		const struct vp_option *o =
		    vp_options_find(wl->options, c->key);
		cr_assert_not_null(o, "%s %s", c->workload, c->key);
		errbuf[0] = '\0';
		int rc =
		    vp_option_set(o, opts, c->value, errbuf, sizeof(errbuf));
		cr_expect_eq(rc, c->rc, "%s %s=%s: %d %s", c->workload, c->key,
			     c->value, rc, errbuf);
		if (c->says)
			cr_expect(strstr(errbuf, c->says), "%s=%s: %s", c->key,
				  c->value, errbuf);
		free(opts);
	}
}

/* ---- runq_delay_pct from the team ------------------------------------- */

static void busy_worker(struct vp_worker *w, void *arg)
{
	volatile uint64_t x = 0;
	while (vp_worker_phase(w) < VP_PHASE_MEASURE)
		x++;
	vp_worker_measure_begin(w);
	uint64_t ops = 0;
	while (vp_worker_phase(w) == VP_PHASE_MEASURE)
		x += ++ops;
	vp_worker_measure_end(w, ops);
}

static struct vp_team *busy_team(unsigned threads, double seconds)
{
	struct vp_team_params p = {
	    .threads = threads, .warmup_s = 0.02, .duration_s = seconds};
	struct vp_team *t = vp_team_create(&p, errbuf, sizeof(errbuf));
	cr_assert_not_null(t, "%s", errbuf);
	cr_assert_eq(vp_team_run(t, busy_worker, NULL, errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	return t;
}

Test(team_runq, overcommitted_threads_wait_on_the_run_queue, .timeout = 60)
{
	if (!have_schedstat())
		cr_skip_test("no /proc/thread-self/schedstat here");
	/* twice as many spinning threads as CPUs: each waits about half the
	 * time, whatever else runs on the machine */
	unsigned cpus = vp_cpus_available();
	unsigned n = 2 * cpus > 16 ? 16 : 2 * cpus;
	struct vp_team *t = busy_team(n, 0.4);
	struct vp_metrics m;
	vp_metrics_init(&m);
	vp_team_metrics(t, "ops_per_s", "ops/s", &m);
	const struct vp_metric *e = vp_metrics_find(&m, "runq_delay_pct");
	cr_assert_not_null(e);
	cr_assert_eq(e->status, VP_STATUS_OK, "%s", e->note);
	cr_expect_gt(e->value, 25, "%u threads on %u CPUs: %g%%", n, cpus,
		     e->value);
	cr_expect_leq(e->value, 101);
	vp_metrics_free(&m);
	vp_team_destroy(t);
}

struct runq_fault {
	int err;
	const char *says;
};

Test(team_runq, unreadable_or_off_schedstat_is_unavailable_with_reason)
{
	static const struct runq_fault cases[] = {
	    {-ENOENT, "CONFIG_SCHED_INFO"},
	    {-EACCES, "permission"},
	    {0, "0 0 0"}, /* all-zero reading: accounting off */
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_team *t = busy_team(2, 0.05);
		struct vp_worker *w = vp_team_worker(t, 1);
		w->sched_err = cases[i].err;
		if (!cases[i].err)
			memset(&w->sched_end, 0, sizeof(w->sched_end));
		struct vp_metrics m;
		vp_metrics_init(&m);
		vp_team_metrics(t, "ops_per_s", "ops/s", &m);
		const struct vp_metric *e =
		    vp_metrics_find(&m, "runq_delay_pct");
		cr_assert_not_null(e);
		cr_expect_eq(e->status, VP_STATUS_UNAVAILABLE, "case %zu", i);
		cr_expect(strstr(e->note, cases[i].says), "case %zu: %s", i,
			  e->note);
		vp_metrics_free(&m);
		vp_team_destroy(t);
	}
}
