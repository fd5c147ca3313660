/* Team of measured worker threads: creation, pinning, start barrier, the
 * warm-up / measure / stop phase clock and the standard per-run metrics. */
#include "workloads/team.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/tsc.h"

struct vp_team {
	struct vp_team_params p;
	_Atomic int phase;
	pthread_barrier_t start;
	pthread_t clock_thread;
	int clock_running;
	struct vp_worker *workers;
	double t_measure_begin, t_measure_end; /* set by the clock thread */
};

struct vp_team *vp_team_create(const struct vp_team_params *p, char *err,
			       size_t errlen)
{
	if (p->threads == 0) {
		snprintf(err, errlen, "a team needs at least one thread");
		return NULL;
	}
	struct vp_team *t = calloc(1, sizeof(*t));
	void *mem = NULL;
	if (!t ||
	    posix_memalign(&mem, 64, p->threads * sizeof(struct vp_worker))) {
		free(t);
		snprintf(err, errlen, "out of memory for %u workers",
			 p->threads);
		return NULL;
	}
	t->p = *p;
	t->workers = mem;
	memset(t->workers, 0, p->threads * sizeof(struct vp_worker));
	for (unsigned i = 0; i < p->threads; i++) {
		struct vp_worker *w = &t->workers[i];
		w->team = t;
		w->phase = &t->phase;
		w->id = i;
		w->pinned_pu = -1;
		vp_log2_hist_reset(&w->hist);
	}
	/* workers + the clock thread */
	if (pthread_barrier_init(&t->start, NULL, p->threads + 1)) {
		free(t->workers);
		free(t);
		snprintf(err, errlen, "pthread_barrier_init failed");
		return NULL;
	}
	atomic_store(&t->phase, VP_PHASE_INIT);
	return t;
}

void vp_team_destroy(struct vp_team *t)
{
	if (!t)
		return;
	pthread_barrier_destroy(&t->start);
	free(t->workers);
	free(t);
}

unsigned vp_team_size(const struct vp_team *t)
{
	return t->p.threads;
}

struct vp_worker *vp_team_worker(struct vp_team *t, unsigned i)
{
	return i < t->p.threads ? &t->workers[i] : NULL;
}

/* The clock: waits until every worker is ready, then runs the phases. Being
 * a separate thread, it costs the workers nothing but one relaxed load per
 * poll. */
static void *clock_main(void *arg)
{
	struct vp_team *t = arg;
	pthread_barrier_wait(&t->start);
	atomic_store(&t->phase, VP_PHASE_WARMUP);
	vp_sleep_s(t->p.warmup_s, t->p.interrupted);
	t->t_measure_begin = vp_now_s();
	atomic_store(&t->phase, VP_PHASE_MEASURE);
	vp_sleep_s(t->p.duration_s, t->p.interrupted);
	atomic_store(&t->phase, VP_PHASE_STOP);
	t->t_measure_end = vp_now_s();
	return NULL;
}

int vp_team_start_clock(struct vp_team *t, char *err, size_t errlen)
{
	int rc = pthread_create(&t->clock_thread, NULL, clock_main, t);
	if (rc) {
		snprintf(err, errlen, "cannot start the clock thread: %s",
			 strerror(rc));
		return -rc;
	}
	t->clock_running = 1;
	return 0;
}

struct vp_worker *vp_team_enter(struct vp_team *t, unsigned id)
{
	struct vp_worker *w = &t->workers[id];
	if (t->p.pin != VP_PIN_NONE &&
	    vp_pin_current_thread(t->p.pin, id, t->p.threads, &w->pinned_pu,
				  w->pin_error, sizeof(w->pin_error)))
		w->pinned_pu = -1;
	/* Counters are opened on the worker itself (per-thread counting),
	 * before the barrier so opening costs nothing measured. */
	w->counters = vp_counters_thread_open(t->p.counters);
	pthread_barrier_wait(&t->start);
	return w;
}

void vp_team_finish(struct vp_team *t)
{
	if (t->clock_running) {
		pthread_join(t->clock_thread, NULL);
		t->clock_running = 0;
	}
}

/* The schedstat reads (a few microseconds each: open, read, close) sit
 * outside the stamped window so they cost the measurement nothing. */
void vp_worker_measure_begin(struct vp_worker *w)
{
	vp_log2_hist_reset(&w->hist);
	w->wait_ns = 0;
	w->long_waits = 0;
	w->tsc_backwards = 0;
	memset(w->aux, 0, sizeof(w->aux));
	memset(&w->sched_end, 0, sizeof(w->sched_end));
	/* The run-queue delay's own window brackets both reads, so a wait
	 * between a read and the stamp cannot push it over 100%. */
	w->sched_t0 = vp_now_s();
	w->sched_err = vp_schedstat_read_self(&w->sched_begin);
	w->t_begin = vp_now_s();
	vp_counters_thread_start(w->counters);
}

void vp_worker_measure_end(struct vp_worker *w, uint64_t ops)
{
	vp_counters_thread_stop(w->counters);
	w->t_end = vp_now_s();
	w->ops = ops;
	if (!w->sched_err)
		w->sched_err = vp_schedstat_read_self(&w->sched_end);
	w->sched_t1 = vp_now_s();
}

int vp_worker_spread(struct vp_worker *w)
{
	if (w->team->p.pin != VP_PIN_NONE)
		return w->pinned_pu >= 0 ? 0 : -EINVAL;
	int rc = vp_pin_current_thread(VP_PIN_SCATTER, w->id,
				       w->team->p.threads, &w->pinned_pu,
				       w->pin_error, sizeof(w->pin_error));
	if (rc)
		w->pinned_pu = -1;
	return rc;
}

void vp_team_placement_note(const struct vp_team *t, char *buf, size_t len)
{
	size_t off = 0;
	buf[0] = '\0';
	for (unsigned i = 0; i < t->p.threads; i++) {
		const struct vp_worker *w = &t->workers[i];
		if (w->pinned_pu < 0) {
			snprintf(buf, len, "not pinned: %s",
				 w->pin_error[0] ? w->pin_error
						 : "placement left to the OS");
			return;
		}
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, "%s%d",
						i ? "," : "PUs ", w->pinned_pu);
	}
	if (off < len)
		snprintf(buf + off, len - off, " (%s)",
			 t->p.pin == VP_PIN_NONE ? "spread by the workload"
						 : vp_pin_mode_name(t->p.pin));
}

struct worker_arg {
	struct vp_team *team;
	unsigned id;
	vp_worker_fn fn;
	void *arg;
};

static void *worker_main(void *p)
{
	struct worker_arg *a = p;
	struct vp_worker *w = vp_team_enter(a->team, a->id);
	a->fn(w, a->arg);
	return NULL;
}

int vp_team_run(struct vp_team *t, vp_worker_fn fn, void *arg, char *err,
		size_t errlen)
{
	unsigned n = t->p.threads;
	pthread_t *tids = calloc(n, sizeof(*tids));
	struct worker_arg *args = calloc(n, sizeof(*args));
	unsigned started = 0;
	int rc = 0;
	if (!tids || !args) {
		snprintf(err, errlen, "out of memory for %u threads", n);
		rc = -ENOMEM;
		goto out;
	}
	rc = vp_team_start_clock(t, err, errlen);
	if (rc)
		goto out;
	for (; started < n; started++) {
		args[started] = (struct worker_arg){t, started, fn, arg};
		int e = pthread_create(&tids[started], NULL, worker_main,
				       &args[started]);
		if (e) {
			snprintf(err, errlen,
				 "cannot create thread %u of %u: %s",
				 started + 1, n, strerror(e));
			rc = -e;
			break;
		}
	}
	if (rc) {
		/* The barrier can never complete: nothing sensible remains
		 * but to stop here; this only happens when the system is out
		 * of threads. */
		fprintf(stderr, "vpbench: %s\n", err);
		abort();
	}
	for (unsigned i = 0; i < n; i++)
		pthread_join(tids[i], NULL);
	vp_team_finish(t);
out:
	free(tids);
	free(args);
	return rc;
}

double vp_team_measured_s(const struct vp_team *t)
{
	double b = 0, e = 0;
	for (unsigned i = 0; i < t->p.threads; i++) {
		const struct vp_worker *w = &t->workers[i];
		if (i == 0 || w->t_begin < b)
			b = w->t_begin;
		if (i == 0 || w->t_end > e)
			e = w->t_end;
	}
	return e > b ? e - b : 0;
}

void vp_team_merge_hist(struct vp_team *t, struct vp_log2_hist *into)
{
	vp_log2_hist_reset(into);
	for (unsigned i = 0; i < t->p.threads; i++)
		vp_log2_hist_merge(into, &t->workers[i].hist);
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
 * (helpers, such as mem.shootdown's touchers, are left out). */
static void ops_metrics(const struct vp_team *t, const char *ops_name,
			const char *ops_unit, struct vp_metrics *out)
{
	double total = 0, tmin = 0, tmax = 0;
	uint64_t ops_total = 0, omin = UINT64_MAX, omax = 0;
	unsigned counted = 0;
	for (unsigned i = 0; i < t->p.threads; i++) {
		const struct vp_worker *w = &t->workers[i];
		if (w->helper)
			continue;
		double win = w->t_end - w->t_begin;
		double rate = win > 0 ? (double)w->ops / win : 0;
		total += rate;
		if (counted == 0 || rate < tmin)
			tmin = rate;
		if (counted == 0 || rate > tmax)
			tmax = rate;
		ops_total += w->ops;
		if (w->ops < omin)
			omin = w->ops;
		if (w->ops > omax)
			omax = w->ops;
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
	/* Share of the slowest thread relative to the fastest: 1 is
	 * perfectly fair, near 0 means some threads starved. */
	if (omax > 0)
		vp_metrics_ok(out, "fairness", (double)omin / (double)omax,
			      "ratio");
	else
		vp_metrics_unavailable(out, "fairness", "ratio",
				       "no operation completed");
}

void vp_team_metrics(struct vp_team *t, const char *ops_name,
		     const char *ops_unit, struct vp_metrics *out)
{
	unsigned n = t->p.threads;
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
}
