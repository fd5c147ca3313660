/* sched.wake: pairs of threads on different CPUs ping-pong through a private
 * futex. The thread holding the turn stamps the TSC, hands the turn to its
 * partner (one store) and calls FUTEX_WAKE; the partner, asleep in
 * FUTEX_WAIT, runs again and reads the TSC. On a physical machine waking a
 * thread asleep on another (idle) CPU sends an inter-processor interrupt;
 * in a VM that is an IPI exit on the waker's vCPU and, on the sleeper's, the
 * return from a halt exit (halt polling decides how long the host spins
 * before really sleeping), so wake-ups cost what MP guests pay and physical
 * machines do not.
 *
 * One op is one round trip (two wake-ups): ops_per_s is round trips per
 * second over all pairs (each thread is credited half of its hand-offs).
 * wake_*_ns time a wake-up from the waker's stamp just before FUTEX_WAKE to
 * the sleeper running again, both TSC reads in one process; only hand-offs
 * where the sleeper really slept (FUTEX_WAIT returned 0) are timed, their
 * number is `wakeups`.
 *
 * Threads pair up as (0,1), (2,3), ...; an odd thread count has a thread
 * without partner, so such a step is `unavailable` with that reason (not a
 * failure): use even -j values. Unless the plan pins threads, partners are
 * spread over different CPUs (scatter order); a target with one CPU puts
 * both on it, so a wake-up there is a local switch, and the note says so. */
#include <errno.h>
#include <linux/futex.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probes/pin.h"
#include "workloads/team_hist.h"
#include "workloads/workload_list.h"

#define TURN_STOP 2u /* neither member: the pair has stopped */

struct sched_wake_opts {
	int64_t spin;
};

static const struct vp_option sched_wake_options[] = {
    {"spin", VP_OPT_INT, offsetof(struct sched_wake_opts, spin), "0", 0,
     1000000, NULL,
     "polls of the turn word (with pause) before sleeping in FUTEX_WAIT; "
     "0 always sleeps, so every hand-off is a real wake-up"},
    VP_OPT_END};

/* One pair's shared line: the turn word (0 or 1: whose turn, TURN_STOP) and
 * the waker's TSC stamp, written before the turn is released. */
struct wake_pair {
	_Atomic uint32_t turn;
	_Atomic uint64_t stamp;
} __attribute__((aligned(64)));

struct sched_run {
	struct wake_pair *pairs;
	unsigned spin;
	int timing;
	double ns_per_tick;
};

static inline void relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

static long futex(_Atomic uint32_t *addr, int op, uint32_t val)
{
	return syscall(SYS_futex, (uint32_t *)addr, op | FUTEX_PRIVATE_FLAG,
		       val, NULL, NULL, 0);
}

static void pass_turn(struct wake_pair *p, uint32_t to, int timing)
{
	atomic_store_explicit(&p->stamp, timing ? vp_rdtsc() : 0,
			      memory_order_relaxed);
	atomic_store_explicit(&p->turn, to, memory_order_release);
	futex(&p->turn, FUTEX_WAKE, 1);
}

/* Waits until it is member me's turn (returns 1) or the pair stopped (0).
 * A wait that really slept and ended with the turn is timed into w. */
static int await_turn(struct wake_pair *p, uint32_t me, struct vp_worker *w,
		      const struct sched_run *r)
{
	for (unsigned i = 0;; i++) {
		uint32_t t =
		    atomic_load_explicit(&p->turn, memory_order_acquire);
		if (t == me)
			return 1;
		if (t == TURN_STOP)
			return 0;
		if (i < r->spin) {
			relax();
			continue;
		}
		if (futex(&p->turn, FUTEX_WAIT, t) != 0)
			continue; /* EAGAIN: the turn moved; EINTR */
		uint64_t now = r->timing ? vp_rdtsc() : 0;
		if (atomic_load_explicit(&p->turn, memory_order_acquire) != me)
			continue; /* spurious, or the pair stopped */
		if (r->timing) {
			uint64_t s = atomic_load_explicit(&p->stamp,
							  memory_order_relaxed);
			vp_worker_record_ticks(w, s, now, r->ns_per_tick);
		}
		w->aux[0]++;
		return 1;
	}
}

static void sched_wake_worker(struct vp_worker *w, void *arg)
{
	struct sched_run *r = arg;
	struct wake_pair *p = &r->pairs[w->id / 2];
	uint32_t me = w->id & 1u;
	uint64_t handoffs = 0;
	int measuring = 0;
	vp_worker_spread(w);
	while (await_turn(p, me, w, r)) {
		enum vp_phase ph = vp_worker_phase(w);
		if (ph == VP_PHASE_STOP) {
			atomic_store_explicit(&p->turn, TURN_STOP,
					      memory_order_release);
			futex(&p->turn, FUTEX_WAKE, 1);
			break;
		}
		if (ph == VP_PHASE_MEASURE && !measuring) {
			vp_worker_measure_begin(w);
			measuring = 1;
		}
		handoffs += (uint64_t)measuring;
		pass_turn(p, 1u - me, r->timing);
	}
	/* A thread that never held the turn while measuring still gets a
	 * (zero-length) window, so its schedstat readings are taken. */
	if (!measuring)
		vp_worker_measure_begin(w);
	vp_worker_measure_end(w, handoffs / 2);
}

static int sched_wake_run(const struct vp_workload_ctx *ctx, void *state,
			  struct vp_team *team, struct vp_metrics *out,
			  char *err, size_t errlen)
{
	const struct sched_wake_opts *o = ctx->opts;
	unsigned n = vp_team_size(team);
	if (n % 2) {
		snprintf(
		    err, errlen,
		    "sched.wake runs pairs of threads: %u thread%s leave%s "
		    "one without a partner; use an even -j (2, 4, ...)",
		    n, n == 1 ? "" : "s", n == 1 ? "s" : "");
		return -EOPNOTSUPP;
	}
	struct sched_run r = {.spin = (unsigned)o->spin};
	r.timing = vp_tsc_available();
	r.ns_per_tick = r.timing ? 1.0 / vp_tsc_ticks_per_ns() : 0;
	void *mem = NULL;
	if (posix_memalign(&mem, 64, (n / 2) * sizeof(struct wake_pair))) {
		snprintf(err, errlen, "out of memory for %u pairs", n / 2);
		return -ENOMEM;
	}
	r.pairs = mem;
	for (unsigned i = 0; i < n / 2; i++) {
		atomic_init(&r.pairs[i].turn, 0);
		atomic_init(&r.pairs[i].stamp, 0);
	}
	int rc = vp_team_run(team, sched_wake_worker, &r, err, errlen);
	free(mem);
	if (rc)
		return rc;
	size_t first = out->n;
	vp_team_metrics(team, "ops_per_s", "ops/s", out);
	char note[VP_METRIC_NOTE_MAX];
	vp_team_placement_note(team, note, sizeof(note));
	if (vp_cpus_available() < 2)
		snprintf(note, sizeof(note),
			 "one CPU: partners share it, a wake-up is a local "
			 "switch (no IPI)");
	for (size_t i = first; i < out->n; i++)
		if (strcmp(out->v[i].name, "ops_per_s") == 0)
			snprintf(out->v[i].note, sizeof(out->v[i].note), "%s",
				 note);
	vp_team_hist_metrics(
	    team, "wake", r.timing,
	    "no usable TSC on this CPU: wake-ups are not timed", out);
	uint64_t wakeups = 0;
	for (unsigned i = 0; i < n; i++)
		wakeups += vp_team_worker(team, i)->aux[0];
	vp_metrics_ok(out, "wakeups", (double)wakeups, "count");
	return 0;
}

const struct vp_workload vp_wl_sched_wake = {
    .name = "sched.wake",
    .summary = "futex ping-pong between pairs of threads on different CPUs "
	       "(wake-up IPIs, halt exits)",
    .in_default_set = true,
    .throughput_metric = "ops_per_s",
    .options = sched_wake_options,
    .opts_size = sizeof(struct sched_wake_opts),
    .run = sched_wake_run,
};
