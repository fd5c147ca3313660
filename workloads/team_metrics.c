/* The standard metrics of a finished team run: throughput over each
 * worker's own measured window, the per-thread spread and fairness, the
 * measured wall time, pinning, run-queue delay and the counters. A worker
 * without a real window turns these rows into `failed` ones naming it:
 * an empty window is a missing measurement, not a rate of 0. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "workloads/team.h"
#include "workloads/team_internal.h"

/* CLOCK_MONOTONIC is positive once the system runs: 0 means "never began". */
static int began(const struct vp_worker *w)
{
	return w->t_begin > 0;
}

double vp_team_measured_s(const struct vp_team *t)
{
	double b = 0, e = 0;
	int any = 0;
	for (unsigned i = 0; i < t->p.threads; i++) {
		const struct vp_worker *w = &t->workers[i];
		if (!began(w))
			continue;
		if (!any || w->t_begin < b)
			b = w->t_begin;
		if (!any || w->t_end > e)
			e = w->t_end;
		any = 1;
	}
	return any && e > b ? e - b : 0;
}

int vp_team_suspended(const struct vp_team *t, char *why, size_t len)
{
	double shortest = 0;
	int any = 0;
	for (unsigned i = 0; i < t->p.threads; i++) {
		const struct vp_worker *w = &t->workers[i];
		double win = w->t_end - w->t_begin;
		if (!began(w) || win <= 0)
			continue;
		if (!any || win < shortest)
			shortest = win;
		any = 1;
	}
	double limit =
	    t->p.duration_s * (1 + VP_SUSPEND_SLACK_FRAC) + VP_SUSPEND_SLACK_S;
	if (!any || shortest <= limit)
		return 0;
	snprintf(why, len,
		 VP_NOTE_SUSPENDED " window %.2f s for %.2f s planned (over "
				   "+%.0f %% +%.1f s: the target was stopped "
				   "or not run; left out of the statistics)",
		 shortest, t->p.duration_s, 100 * VP_SUSPEND_SLACK_FRAC,
		 VP_SUSPEND_SLACK_S);
	return 1;
}

const struct vp_hist *vp_team_merge_hist(struct vp_team *t)
{
	vp_hist_reset(&t->merged);
	for (unsigned i = 0; i < t->p.threads; i++)
		vp_hist_merge(&t->merged, &t->workers[i].hist);
	return &t->merged;
}

/* 0 when every worker (helpers too: they are part of what is measured)
 * has a window of at least the duration, as the clock guarantees for a run
 * that was not cut short; else -1 with the first offender in `why`. The 1%
 * slack absorbs rounding of the stamps, not scheduling. */
static int windows_check(const struct vp_team *t, char *why, size_t len)
{
	for (unsigned i = 0; i < t->p.threads; i++) {
		const struct vp_worker *w = &t->workers[i];
		double win = w->t_end - w->t_begin;
		if (!began(w)) {
			snprintf(why, len,
				 "worker %u of %u never began its measured "
				 "window: no measurement",
				 i, t->p.threads);
			return -1;
		}
		if (win <= 0 || win < 0.99 * t->p.duration_s) {
			snprintf(why, len,
				 "worker %u of %u was measured for %.6f s of "
				 "the %.3f s asked (not scheduled in time, run "
				 "cut short): no measurement",
				 i, t->p.threads, win > 0 ? win : 0,
				 t->p.duration_s);
			return -1;
		}
	}
	return 0;
}

/* Run-queue delay of the benchmark threads seen from inside the target:
 * on bare metal the physical analogue of a preempted vCPU, in a guest the
 * guest scheduler's view (next to steal_pct). Each worker's own window
 * around its two schedstat reads is the denominator (threads x wall when
 * the windows agree), so the share cannot exceed 100%. */
static void runq_metrics(const struct vp_team *t, struct vp_metrics *out)
{
	double wait_ns = 0, window_ns = 0;
	int err = 0;
	for (unsigned i = 0; i < t->p.threads && !err; i++) {
		const struct vp_worker *w = &t->workers[i];
		if (w->sched_err)
			err = w->sched_err;
		else if (vp_schedstat_is_off(&w->sched_end))
			err = -ENODATA;
		else if (w->sched_end.wait_ns > w->sched_begin.wait_ns)
			wait_ns += (double)(w->sched_end.wait_ns -
					    w->sched_begin.wait_ns);
		window_ns += (w->sched_t1 - w->sched_t0) * 1e9;
	}
	if (err)
		vp_metrics_unavailable(out, "runq_delay_pct", "%", "%s",
				       vp_schedstat_why(err));
	else if (window_ns <= 0)
		vp_metrics_unavailable(out, "runq_delay_pct", "%",
				       "no measured time");
	else
		vp_metrics_ok(out, "runq_delay_pct",
			      100.0 * wait_ns / window_ns, "%");
}

/* Throughput rows over the workers that do the workload's operations
 * (helpers, such as mem.shootdown's touchers, are left out). Fairness is
 * the ratio of rates, not of op counts: the windows may differ in length
 * when the clock waited for a late worker. */
static void ops_metrics(const struct vp_team *t, const char *ops_name,
			const char *ops_unit, struct vp_metrics *out)
{
	double total = 0, tmin = 0, tmax = 0;
	uint64_t ops_total = 0;
	unsigned counted = 0;
	for (unsigned i = 0; i < t->p.threads; i++) {
		const struct vp_worker *w = &t->workers[i];
		if (w->helper)
			continue;
		double win = w->t_end - w->t_begin;
		/* A window that is not > 0 has made the rows failed (see
		 * windows_check); the rate here is never shown. */
		double rate = win > 0 ? (double)w->ops / win : 0;
		total += rate;
		if (counted == 0 || rate < tmin)
			tmin = rate;
		if (counted == 0 || rate > tmax)
			tmax = rate;
		ops_total += w->ops;
		counted++;
	}
	vp_metrics_ok(out, ops_name, total, ops_unit);
	vp_metrics_ok(out, "wall_s", vp_team_measured_s(t), "s");
	vp_metrics_ok(out, "ops", (double)ops_total, "count");
	if (counted < 2)
		return;
	char name[VP_METRIC_NAME_MAX];
	snprintf(name, sizeof(name), "%s_thread_min", ops_name);
	vp_metrics_ok(out, name, tmin, ops_unit);
	snprintf(name, sizeof(name), "%s_thread_max", ops_name);
	vp_metrics_ok(out, name, tmax, ops_unit);
	/* Rate of the slowest thread relative to the fastest: 1 is
	 * perfectly fair, near 0 means some threads starved. */
	if (tmax > 0)
		vp_metrics_ok(out, "fairness", tmin / tmax, "ratio");
	else
		vp_metrics_unavailable(out, "fairness", "ratio",
				       "no operation completed");
}

void vp_team_metrics(struct vp_team *t, const char *ops_name,
		     const char *ops_unit, struct vp_metrics *out)
{
	unsigned n = t->p.threads;
	size_t first = out->n;
	ops_metrics(t, ops_name, ops_unit, out);
	const char *pin_err = NULL;
	for (unsigned i = 0; i < n; i++)
		if (t->workers[i].pinned_pu < 0 && t->workers[i].pin_error[0])
			pin_err = t->workers[i].pin_error;
	if (t->p.pin != VP_PIN_NONE && pin_err)
		vp_metrics_failed(out, "pinned_threads", "count",
				  "pinning (%s) failed: %s",
				  vp_pin_mode_name(t->p.pin), pin_err);
	runq_metrics(t, out);
	struct vp_thread_counters **tcs = calloc(n, sizeof(*tcs));
	if (tcs) {
		for (unsigned i = 0; i < n; i++) {
			tcs[i] = t->workers[i].counters;
			t->workers[i].counters = NULL;
		}
		vp_counters_collect(t->p.counters, tcs, n, out);
		free(tcs);
	}
	char why[VP_METRIC_NOTE_MAX];
	if (windows_check(t, why, sizeof(why)) == 0)
		return;
	/* Every row above was computed over a window that is not one. */
	for (size_t i = first; i < out->n; i++) {
		struct vp_metric *m = &out->v[i];
		m->status = VP_STATUS_FAILED;
		m->value = 0;
		snprintf(m->note, sizeof(m->note), "%s", why);
	}
}
