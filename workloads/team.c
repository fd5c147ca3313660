/* Team of measured worker threads: creation, pinning, start barrier, the
 * warm-up / measure / stop phase clock and the run's verdict (every worker
 * measured, or which one was not and why). The standard metrics are in
 * team_metrics.c. */
#include "workloads/team.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probes/tsc.h"
#include "workloads/team_internal.h"

struct vp_team *vp_team_create(const struct vp_team_params *p, char *err,
			       size_t errlen)
{
	if (p->threads == 0) {
		snprintf(err, errlen, "a team needs at least one thread");
		return NULL;
	}
	void *tm = NULL, *mem = NULL;
	if (posix_memalign(&tm, 64, sizeof(struct vp_team)) ||
	    posix_memalign(&mem, 64, p->threads * sizeof(struct vp_worker))) {
		free(tm);
		snprintf(err, errlen, "out of memory for %u workers",
			 p->threads);
		return NULL;
	}
	struct vp_team *t = tm;
	memset(t, 0, sizeof(*t));
	t->p = *p;
	t->grace_s = VP_TEAM_GRACE_S;
	t->late_worker = -1;
	t->workers = mem;
	memset(t->workers, 0, p->threads * sizeof(struct vp_worker));
	for (unsigned i = 0; i < p->threads; i++) {
		struct vp_worker *w = &t->workers[i];
		w->team = t;
		w->phase = &t->phase;
		w->id = i;
		w->pinned_pu = -1;
		atomic_init(&w->stage, VP_STAGE_CREATED);
		vp_hist_reset(&w->hist);
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

void vp_team_set_grace(struct vp_team *t, double grace_s)
{
	t->grace_s = grace_s;
}

unsigned vp_team_size(const struct vp_team *t)
{
	return t->p.threads;
}

struct vp_worker *vp_team_worker(struct vp_team *t, unsigned i)
{
	return i < t->p.threads ? &t->workers[i] : NULL;
}

static int stopped(const struct vp_team *t)
{
	return t->p.interrupted && *t->p.interrupted;
}

/* The clock's longest sleep: how soon it notices Ctrl-C. Each wake-up is a
 * timer interrupt and a switch on some CPU during the measured window (20
 * a second at the former 50 ms), so few and long. */
#define CLOCK_POLL_S 0.25

/* Sleeps until the monotonic `deadline` (absolute, so the phases do not
 * drift by the wake-up latencies), or Ctrl-C. */
static void sleep_until(const struct vp_team *t, double deadline)
{
	for (;;) {
		double now = vp_now_s();
		if (stopped(t) || now >= deadline)
			return;
		double until = deadline - now > CLOCK_POLL_S
				   ? now + CLOCK_POLL_S
				   : deadline;
		struct timespec ts = {
		    (time_t)until,
		    (long)((until - (double)(time_t)until) * 1e9)};
		if (ts.tv_nsec >= 1000000000L)
			ts.tv_nsec = 999999999L;
		clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL);
	}
}

/* The first worker that has not reached `stage`, or -1. With `latest`, also
 * the latest t_begin of the workers (meaningful once all are measuring). */
static int first_late(struct vp_team *t, enum vp_stage stage, double *latest)
{
	for (unsigned i = 0; i < t->p.threads; i++) {
		struct vp_worker *w = &t->workers[i];
		if (atomic_load_explicit(&w->stage, memory_order_acquire) <
		    (int)stage)
			return (int)i;
		if (latest && w->t_begin > *latest)
			*latest = w->t_begin;
	}
	return -1;
}

/* Waits until every worker has reached `stage`; records the first one
 * still missing at `deadline` and returns -1 then (or on Ctrl-C). The
 * 1 ms polls happen only while a worker is late, never in a normal run. */
static int await_stage(struct vp_team *t, enum vp_stage stage, double deadline)
{
	int late;
	while ((late = first_late(t, stage, NULL)) >= 0) {
		if (stopped(t))
			return -1;
		if (vp_now_s() >= deadline) {
			t->late_worker = late;
			t->late_stage = stage;
			return -1;
		}
		sleep_until(t, vp_now_s() + 0.001);
	}
	return 0;
}

/* Keeps MEASURE on until every worker has measured for the duration: in a
 * normal run all began within microseconds of the phase change, and this
 * adds those microseconds; a worker the scheduler left waiting past the
 * planned end still gets its full window (the others' windows grow too:
 * every rate is ops over the worker's own window). */
static void extend_measure(struct vp_team *t)
{
	double deadline = t->t_measure_begin + t->p.duration_s + t->grace_s;
	if (await_stage(t, VP_STAGE_MEASURING, deadline))
		return;
	double latest = 0;
	first_late(t, VP_STAGE_MEASURING, &latest);
	sleep_until(t, latest + t->p.duration_s);
}

/* The clock: starts the warm-up once every worker runs past the barrier,
 * the measure phase after the warm-up, and stops once every worker has
 * been measured for the duration (or a late one has used up the grace).
 * Being a separate thread, it costs the workers nothing but one relaxed
 * load per poll. */
static void *clock_main(void *arg)
{
	struct vp_team *t = arg;
	pthread_barrier_wait(&t->start);
	atomic_store(&t->phase, VP_PHASE_WARMUP);
	if (await_stage(t, VP_STAGE_RUNNING, vp_now_s() + t->grace_s) == 0) {
		sleep_until(t, vp_now_s() + t->p.warmup_s);
		t->t_measure_begin = vp_now_s();
		atomic_store(&t->phase, VP_PHASE_MEASURE);
		sleep_until(t, t->t_measure_begin + t->p.duration_s);
		if (!stopped(t))
			extend_measure(t);
	}
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
	atomic_store_explicit(&w->stage, VP_STAGE_RUNNING,
			      memory_order_release);
	return w;
}

/* The run's verdict: a worker that was never measured makes the run fail
 * (an interrupted run is the agent's to report). */
static int team_verdict(const struct vp_team *t, char *err, size_t errlen)
{
	if (t->late_worker < 0 || stopped(t))
		return 0;
	if (t->late_stage == VP_STAGE_RUNNING)
		snprintf(err, errlen,
			 "worker %d of %u was not scheduled within %.1f s of "
			 "the start barrier (machine overloaded): no "
			 "measurement",
			 t->late_worker, t->p.threads, t->grace_s);
	else
		snprintf(err, errlen,
			 "worker %d of %u was never scheduled during the "
			 "measured window: it had not begun measuring %.1f s "
			 "after the window was due to end (machine "
			 "overloaded, or one operation took that long): no "
			 "measurement",
			 t->late_worker, t->p.threads, t->grace_s);
	return -ETIMEDOUT;
}

int vp_team_finish(struct vp_team *t, char *err, size_t errlen)
{
	if (t->clock_running) {
		pthread_join(t->clock_thread, NULL);
		t->clock_running = 0;
	}
	return team_verdict(t, err, errlen);
}

/* The schedstat reads (a few microseconds each: open, read, close) sit
 * outside the stamped window so they cost the measurement nothing. */
void vp_worker_measure_begin(struct vp_worker *w)
{
	vp_hist_reset(&w->hist);
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
	/* Publishes t_begin to the clock, which extends MEASURE until this
	 * window has lasted the duration. */
	atomic_store_explicit(&w->stage, VP_STAGE_MEASURING,
			      memory_order_release);
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
	rc = vp_team_finish(t, err, errlen);
out:
	free(tids);
	free(args);
	return rc;
}
