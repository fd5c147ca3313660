/* A team of worker threads for one measured run: created once, pinned with
 * hwloc, released together from a barrier, then driven through three phases
 * by a timer thread: WARMUP (excluded), MEASURE (counted), STOP. Workers poll
 * the phase with a relaxed atomic load (no syscall on the hot path); each
 * worker brackets its measured part with vp_worker_measure_begin/end, which
 * also start/stop its per-thread counters, stamp its own start/end time and
 * read the thread's scheduler accounting (/proc/thread-self/schedstat, once
 * each side, outside the stamped window) for runq_delay_pct.
 *
 * Every worker gets a real window. The clock starts the warm-up only once
 * every worker runs after the barrier, and ends MEASURE only once every
 * worker has been measuring for at least the duration: on an overloaded
 * machine a worker the scheduler left waiting would otherwise find STOP on
 * its first look and hand back an empty window (0 ops in 0 s). A worker
 * that does not get there within the grace period (VP_TEAM_GRACE_S after
 * the phase was due) makes the run fail with its id and the reason.
 *
 * Two ways to run a team:
 *   - vp_team_run(): the team creates pthreads that call fn(worker, arg);
 *   - OpenMP: vp_team_start_clock() then, inside `#pragma omp parallel`,
 *     each thread calls vp_team_enter(team, omp_get_thread_num()) (pins and
 *     waits on the barrier) and uses the same worker API; afterwards
 *     vp_team_finish(), which gives the run's verdict. */
#ifndef VP_TEAM_H
#define VP_TEAM_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/counters.h"
#include "probes/lat_hist.h"
#include "probes/metrics.h"
#include "probes/pin.h"
#include "probes/schedstat.h"

/* How long a late worker may keep the clock waiting, in seconds: past the
 * start barrier for the warm-up, past the planned end of MEASURE for its
 * measured window. Lock-waiter preemption at 4 threads on 2 CPUs delays a
 * worker by some hundreds of ms; this is far beyond that. */
#define VP_TEAM_GRACE_S 10.0

enum vp_phase {
	VP_PHASE_INIT = 0,
	VP_PHASE_WARMUP,
	VP_PHASE_MEASURE,
	VP_PHASE_STOP
};

struct vp_team;

enum vp_stage {
	VP_STAGE_CREATED = 0,
	VP_STAGE_RUNNING,   /* past the start barrier */
	VP_STAGE_MEASURING, /* t_begin stamped */
};

/* Per-worker state, cache-line aligned so workers do not share lines. */
struct vp_worker {
	struct vp_team *team;
	_Atomic int *phase; /* the team's phase word, polled relaxed */
	unsigned id;
	/* How far this worker got (VP_STAGE_*), for the clock: written once
	 * per stage by the worker (release), read by the clock (acquire). */
	_Atomic int stage;
	int pinned_pu; /* OS PU index, -1 when not pinned */
	/* Set by the workload for a thread that serves the others instead of
	 * doing operations (mem.shootdown's touchers): vp_team_metrics leaves
	 * it out of ops_per_s, the per-thread min/max and fairness. */
	bool helper;
	uint64_t ops;	       /* operations completed while measuring */
	double t_begin, t_end; /* monotonic seconds of this worker's window */
	struct vp_thread_counters *counters;
	/* Distribution of this worker's spin waits, call, wake-up or I/O
	 * latencies (ns); workloads decide what goes here. Reset by
	 * measure_begin. Kept last: it is large (lat_hist.h) and the fields
	 * above are the ones the hot path touches. */
	uint64_t wait_ns;    /* total time spent waiting (spin or block) */
	uint64_t long_waits; /* waits over 1 ms (exact) */
	uint64_t tsc_backwards; /* waits clamped: end TSC below start */
	uint64_t aux[4];     /* workload-defined per-thread counts */
	/* This thread's schedstat just before t_begin and just after t_end;
	 * sched_err is 0 or the -errno of the failed read. */
	struct vp_schedstat sched_begin, sched_end;
	double sched_t0, sched_t1; /* monotonic s around the two reads */
	int sched_err;
	char pin_error[128]; /* set when pinning was requested and failed */
	struct vp_hist hist;
} __attribute__((aligned(64)));

struct vp_team_params {
	unsigned threads;
	double warmup_s;
	double duration_s;
	enum vp_pin_mode pin;
	struct vp_counter_set *counters; /* may be NULL */
	volatile int *interrupted;	 /* Ctrl-C flag, may be NULL */
};

/* Allocates a team; returns NULL with a message on failure. */
struct vp_team *vp_team_create(const struct vp_team_params *p, char *err,
			       size_t errlen);
void vp_team_destroy(struct vp_team *t);
/* Replaces VP_TEAM_GRACE_S for this team (tests use a short one). */
void vp_team_set_grace(struct vp_team *t, double grace_s);
unsigned vp_team_size(const struct vp_team *t);
struct vp_worker *vp_team_worker(struct vp_team *t, unsigned i);

typedef void (*vp_worker_fn)(struct vp_worker *w, void *arg);
/* Creates the threads, runs fn in each, joins. Returns 0, -ETIMEDOUT with
 * the reason when a worker was not scheduled in time to be measured, or
 * another -errno. */
int vp_team_run(struct vp_team *t, vp_worker_fn fn, void *arg, char *err,
		size_t errlen);

/* OpenMP (or other externally created threads) path. */
int vp_team_start_clock(struct vp_team *t, char *err, size_t errlen);
struct vp_worker *vp_team_enter(struct vp_team *t, unsigned id);
/* Joins the clock; 0, or -ETIMEDOUT with the reason (as vp_team_run). */
int vp_team_finish(struct vp_team *t, char *err, size_t errlen);

static inline enum vp_phase vp_worker_phase(const struct vp_worker *w);
void vp_worker_measure_begin(struct vp_worker *w);
void vp_worker_measure_end(struct vp_worker *w, uint64_t ops);

/* For workloads whose meaning needs threads on different CPUs (sched.wake's
 * partners, mem.shootdown's changer and touchers): when the plan did not pin
 * the team (--pin none), pins the calling worker to PU `scatter` order slot
 * w->id (wrapping when threads outnumber PUs) and records it in
 * w->pinned_pu; a team the plan pinned keeps its placement. Call it from
 * the worker, before its measured window. Returns 0, or -errno with the
 * reason in w->pin_error (the worker then runs where the OS puts it). */
int vp_worker_spread(struct vp_worker *w);
/* After a run: where the workers ran, for a note ("PUs 0,1,0,1 (spread)",
 * "PUs 1,0 (--pin scatter)", "not pinned: <reason>"). */
void vp_team_placement_note(const struct vp_team *t, char *buf, size_t len);

/* Standard metrics after a run: ops_per_s (total: the sum of each worker's
 * ops over its own window), ops_per_s_thread_min / _max, fairness (slowest
 * worker's rate over the fastest's; helpers excluded), wall_s (measured
 * window), pinning, runq_delay_pct (the workers' time runnable but waiting
 * on a run queue as % of their summed measured windows; unavailable with
 * the reason when schedstat cannot be read), then the counters
 * (cnt.<event>).
 * Workload-specific metrics are the workload's. A worker without a real
 * window (none, or shorter than the duration: only when a run was cut
 * short) makes all these rows `failed` with the worker named, never 0. */
void vp_team_metrics(struct vp_team *t, const char *ops_name,
		     const char *ops_unit, struct vp_metrics *out);
/* A step is suspended (probes/metrics.h, VP_NOTE_SUSPENDED) when even the
 * shortest worker window overran the planned duration by more than
 * VP_SUSPEND_SLACK_FRAC of it plus VP_SUSPEND_SLACK_S: a worker that began
 * late has a window of about the duration (the clock waits for it), so only
 * a stop of every worker (SIGSTOP, a paused guest, a suspended machine)
 * stretches the shortest one. The absolute part is above the longest
 * end-of-window stall measured here when lock holders are preempted
 * (single waits of 100-400 ms at 4 threads on 2 CPUs); the relative part
 * absorbs timer slack on long steps. A 1 s step is flagged past 1.6 s. */
#define VP_SUSPEND_SLACK_FRAC 0.10
#define VP_SUSPEND_SLACK_S    0.5
/* 1 with the reason in why ("suspended: window 2.44 s for 1.00 s planned
 * ..."), else 0. */
int vp_team_suspended(const struct vp_team *t, char *why, size_t len);
/* Length of the measured window in seconds (union of the windows of the
 * workers that began one; 0 when none did). */
double vp_team_measured_s(const struct vp_team *t);
/* All workers' hist merged into the team's own histogram (valid until the
 * next call or vp_team_destroy). */
const struct vp_hist *vp_team_merge_hist(struct vp_team *t);

static inline enum vp_phase vp_worker_phase(const struct vp_worker *w)
{
	return (enum vp_phase)atomic_load_explicit(w->phase,
						   memory_order_relaxed);
}

#endif
