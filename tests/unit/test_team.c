/* The team's measured windows under a worker that is not scheduled in time
 * (an overloaded machine, simulated by a worker that sleeps after the start
 * barrier): every worker must be measured for a real window of at least the
 * duration, or the run must fail with the worker named; the standard metrics
 * never turn an empty window into a zero (ops_per_s, per-thread min,
 * fairness, wall_s, runq_delay_pct). */
#include <criterion/criterion.h>
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "probes/tsc.h"
#include "workloads/team.h"

static char errbuf[512];

/* A worker that counts spins; the stalled one sleeps first, as a thread the
 * scheduler left waiting would. */
struct spin_arg {
	int stalled_id; /* -1: nobody stalls */
	double stall_s;
};

static void stall(double s)
{
	struct timespec d = {(time_t)s, (long)((s - (double)(time_t)s) * 1e9)};
	while (nanosleep(&d, &d) && errno == EINTR)
		;
}

static void spin_worker(struct vp_worker *w, void *arg)
{
	const struct spin_arg *a = arg;
	volatile uint64_t sink = 0;
	if ((int)w->id == a->stalled_id)
		stall(a->stall_s);
	while (vp_worker_phase(w) < VP_PHASE_MEASURE)
		sink++;
	vp_worker_measure_begin(w);
	uint64_t ops = 0;
	while (vp_worker_phase(w) == VP_PHASE_MEASURE) {
		for (int i = 0; i < 64; i++)
			sink++;
		ops += 64;
	}
	vp_worker_measure_end(w, ops);
}

static const struct vp_metric *need(const struct vp_metrics *m,
				    const char *name, enum vp_status st)
{
	const struct vp_metric *e = vp_metrics_find(m, name);
	cr_assert_not_null(e, "metric %s missing", name);
	cr_assert_eq(e->status, st, "%s: status %s (%s)", name,
		     vp_status_name(e->status), e->note);
	return e;
}

struct stall_case {
	unsigned threads;
	int stalled_id;
	double stall_s;
};

/* Stalls longer than warm-up + duration: before the fix the stalled
 * worker found STOP on its first look and recorded an empty window. */
static const struct stall_case stall_cases[] = {
    {1, 0, 0.25},
    {2, 1, 0.25},
    {3, 0, 0.25},
    {3, 2, 0.25},
};

Test(team, stalled_worker_still_measures_the_full_duration)
{
	const double warmup = 0.01, duration = 0.05;
	for (size_t c = 0; c < sizeof(stall_cases) / sizeof(stall_cases[0]);
	     c++) {
		const struct stall_case *k = &stall_cases[c];
		struct vp_team_params p = {.threads = k->threads,
					   .warmup_s = warmup,
					   .duration_s = duration};
		struct vp_team *t = vp_team_create(&p, errbuf, sizeof(errbuf));
		cr_assert_not_null(t, "%s", errbuf);
		struct spin_arg a = {k->stalled_id, k->stall_s};
		cr_assert_eq(
		    vp_team_run(t, spin_worker, &a, errbuf, sizeof(errbuf)), 0,
		    "case %zu: %s", c, errbuf);
		for (unsigned i = 0; i < k->threads; i++) {
			const struct vp_worker *w = vp_team_worker(t, i);
			double win = w->t_end - w->t_begin;
			cr_expect_geq(win, duration,
				      "case %zu: worker %u measured %.6f s, "
				      "less than the %.3f s duration",
				      c, i, win, duration);
			cr_expect_gt(w->ops, 0, "case %zu: worker %u: 0 ops", c,
				     i);
		}
		struct vp_metrics m;
		vp_metrics_init(&m);
		vp_team_metrics(t, "ops_per_s", "ops/s", &m);
		cr_expect_gt(need(&m, "ops_per_s", VP_STATUS_OK)->value, 0);
		cr_expect_geq(need(&m, "wall_s", VP_STATUS_OK)->value,
			      duration);
		if (k->threads > 1) {
			cr_expect_gt(need(&m, "fairness", VP_STATUS_OK)->value,
				     0, "case %zu", c);
			cr_expect_gt(
			    need(&m, "ops_per_s_thread_min", VP_STATUS_OK)
				->value,
			    0, "case %zu", c);
		}
		vp_metrics_free(&m);
		vp_team_destroy(t);
	}
}

/* A worker that stays away longer than the grace period: the run fails
 * and says which worker and why, instead of handing back a window. */
Test(team, worker_never_scheduled_fails_with_reason)
{
	struct vp_team_params p = {
	    .threads = 2, .warmup_s = 0.01, .duration_s = 0.03};
	struct vp_team *t = vp_team_create(&p, errbuf, sizeof(errbuf));
	cr_assert_not_null(t, "%s", errbuf);
	vp_team_set_grace(t, 0.1);
	struct spin_arg a = {1, 0.6};
	errbuf[0] = '\0';
	int rc = vp_team_run(t, spin_worker, &a, errbuf, sizeof(errbuf));
	cr_expect_eq(rc, -ETIMEDOUT, "rc %d (%s)", rc, errbuf);
	cr_expect(strstr(errbuf, "worker 1") != NULL, "reason: %s", errbuf);
	cr_expect(strstr(errbuf, "overloaded") != NULL, "reason: %s", errbuf);
	vp_team_destroy(t);
}

/* Windows set by hand: a counted worker without a real window makes the
 * throughput rows failed with the worker named, never 0. */
struct window_case {
	const char *what;
	unsigned threads;
	double begin[3], end[3];
	uint64_t ops[3];
	enum vp_status want; /* of ops_per_s, wall_s, fairness */
};

static const struct window_case window_cases[] = {
    {"two real windows", 2, {10, 10}, {11, 11}, {100, 50}, VP_STATUS_OK},
    {"real window, 0 ops (starved)",
     2,
     {10, 10},
     {11, 11},
     {100, 0},
     VP_STATUS_OK},
    {"empty window", 2, {10, 11}, {11, 11}, {100, 0}, VP_STATUS_FAILED},
    {"tiny window (85 us)", 1, {10}, {10.000085}, {0}, VP_STATUS_FAILED},
    {"never began", 3, {10, 0, 10}, {11, 0, 11}, {5, 0, 5}, VP_STATUS_FAILED},
};

Test(team, metrics_refuse_missing_windows)
{
	for (size_t c = 0; c < sizeof(window_cases) / sizeof(window_cases[0]);
	     c++) {
		const struct window_case *k = &window_cases[c];
		struct vp_team_params p = {.threads = k->threads,
					   .duration_s = 1.0};
		struct vp_team *t = vp_team_create(&p, errbuf, sizeof(errbuf));
		cr_assert_not_null(t, "%s", errbuf);
		for (unsigned i = 0; i < k->threads; i++) {
			struct vp_worker *w = vp_team_worker(t, i);
			w->t_begin = k->begin[i];
			w->t_end = k->end[i];
			w->ops = k->ops[i];
			w->sched_err = -ENOENT;
		}
		struct vp_metrics m;
		vp_metrics_init(&m);
		vp_team_metrics(t, "ops_per_s", "ops/s", &m);
		need(&m, "ops_per_s", k->want);
		need(&m, "wall_s", k->want);
		const struct vp_metric *f = vp_metrics_find(&m, "fairness");
		if (k->threads > 1) {
			cr_assert_not_null(f, "%s: no fairness row", k->what);
			cr_expect_eq(f->status, k->want, "%s: fairness %s (%s)",
				     k->what, vp_status_name(f->status),
				     f->note);
		}
		if (k->want != VP_STATUS_OK) {
			const struct vp_metric *o =
			    vp_metrics_find(&m, "ops_per_s");
			cr_expect(strstr(o->note, "worker") != NULL,
				  "%s: note names no worker: %s", k->what,
				  o->note);
		}
		for (size_t i = 0; i < m.n; i++)
			if (m.v[i].status == VP_STATUS_OK &&
			    strcmp(m.v[i].name, "ops") != 0 &&
			    k->want != VP_STATUS_OK)
				cr_expect_neq(m.v[i].value, 0,
					      "%s: %s = 0 with status ok",
					      k->what, m.v[i].name);
		vp_metrics_free(&m);
		vp_team_destroy(t);
	}
}

/* Issue 20 defect 4: a step is suspended when even the shortest window
 * overran duration + 10 % + 0.5 s; late starters alone (one short window)
 * are not. */
static const struct {
	const char *what;
	double begin[2], end[2];
	int suspended;
} suspend_cases[] = {
    {"on time", {10, 10}, {11.01, 11.02}, 0},
    {"one late starter", {10, 10.4}, {11.4, 11.41}, 0},
    {"just within", {10, 10}, {11.59, 11.6}, 0},
    {"SIGSTOP for 2 s", {10, 10}, {12.44, 12.45}, 1},
};

Test(team, suspended_only_when_every_window_overran)
{
	for (size_t c = 0; c < sizeof(suspend_cases) / sizeof(suspend_cases[0]);
	     c++) {
		struct vp_team_params p = {.threads = 2, .duration_s = 1.0};
		struct vp_team *t = vp_team_create(&p, errbuf, sizeof(errbuf));
		cr_assert_not_null(t, "%s", errbuf);
		for (unsigned i = 0; i < 2; i++) {
			struct vp_worker *w = vp_team_worker(t, i);
			w->t_begin = suspend_cases[c].begin[i];
			w->t_end = suspend_cases[c].end[i];
		}
		char why[VP_METRIC_NOTE_MAX] = "";
		cr_expect_eq(vp_team_suspended(t, why, sizeof(why)),
			     suspend_cases[c].suspended, "%s: %s",
			     suspend_cases[c].what, why);
		if (suspend_cases[c].suspended)
			cr_expect(vp_note_is_suspended(why) &&
				      strstr(why, "window 2.44 s for 1.00 s"),
				  "%s", why);
		vp_team_destroy(t);
	}
}

Test(team, marking_prefixes_ok_rows_only)
{
	struct vp_metrics m;
	vp_metrics_init(&m);
	vp_metrics_ok(&m, "ops_per_s", 5, "ops/s");
	snprintf(vp_metrics_ok(&m, "mib_per_s", 1, "MiB/s")->note,
		 VP_METRIC_NOTE_MAX, "bs=4k");
	vp_metrics_unavailable(&m, "cnt.cycles", "count", "no PMU");
	vp_metrics_mark_suspended(&m, 0, "suspended: window 3 s");
	cr_expect_str_eq(m.v[0].note, "suspended: window 3 s");
	cr_expect_str_eq(m.v[1].note, "suspended: window 3 s; bs=4k");
	cr_expect_str_eq(m.v[2].note, "no PMU");
	cr_expect_eq(m.v[0].status, VP_STATUS_OK);
	cr_expect_eq(m.v[0].value, 5);
	vp_metrics_free(&m);
}
