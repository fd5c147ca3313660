/* lock.* workloads: N threads contend on one shared user-space lock around a
 * critical section of `cs` dependent multiply-add rounds on shared data,
 * with `think` rounds of private work between acquisitions. Throughput is
 * acquisitions/s; fairness is each thread's share of the acquisitions; the
 * spin-time probe (probes/spin.h) times every contended acquisition, which
 * is what exposes lock-holder preemption inside a VM (throughput alone
 * hides it); for mutex and hybrid a wait includes the time asleep on the
 * futex. `probe=off` runs the build with the timing compiled out. The run
 * fails (rows `failed`) if the protected counter lost an update. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/tsc.h"
#include "workloads/locks.h"
#include "workloads/team_spin.h"
#include "workloads/workload_list.h"

struct lock_opts {
	int64_t cs;
	int64_t think;
	int64_t spins;
	char probe[VP_OPT_STRING_MAX];
};

#define LOCK_COMMON_OPTIONS                                                    \
	{"cs",                                                                 \
	 VP_OPT_INT,                                                           \
	 offsetof(struct lock_opts, cs),                                       \
	 "50",                                                                 \
	 0,                                                                    \
	 1000000,                                                              \
	 NULL,                                                                 \
	 "critical section length: dependent multiply-add rounds on the "      \
	 "shared data (about 1 ns each here)"},                                \
	    {"think",                                                          \
	     VP_OPT_INT,                                                       \
	     offsetof(struct lock_opts, think),                                \
	     "100",                                                            \
	     0,                                                                \
	     10000000,                                                         \
	     NULL,                                                             \
	     "private work between acquisitions: xorshift rounds (about 1.6 "  \
	     "ns "                                                             \
	     "each here)"},                                                    \
	{                                                                      \
		"probe", VP_OPT_CHOICE, offsetof(struct lock_opts, probe),     \
		    "on", 0, 0, "on|off",                                      \
		    "spin-time probe compiled in (on) or the build without "   \
		    "it (off)"                                                 \
	}

static const struct vp_option lock_options[] = {LOCK_COMMON_OPTIONS,
						VP_OPT_END};

static const struct vp_option hybrid_options[] = {
    LOCK_COMMON_OPTIONS,
    {"spins", VP_OPT_INT, offsetof(struct lock_opts, spins), "100", 0, 10000000,
     NULL, "spin attempts (with pause) before sleeping on a futex"},
    VP_OPT_END};

/* Everything one repetition shares; the lock and the data it protects sit
 * on their own cache lines (vp_lock_alloc). */
struct lock_run {
	const struct vp_lock_ops *ops;
	void *lock;
	struct vp_lock_data *data;
	char *nodes; /* mcs: one per worker, a cache line apart */
	size_t node_stride;
	unsigned cs, think;
	bool probe_on;	/* the probed build runs */
	bool timing;	/* ... and the TSC works, so waits are recorded */
	uint64_t *sink; /* per-worker think results, so think is not dead */
};

static inline void lock_one_op(const struct lock_run *r, void *node,
			       struct vp_spin_probe *p, uint64_t *x)
{
	r->ops->acquire(r->lock, node, p);
	vp_lock_critical(r->data, r->cs);
	r->ops->release(r->lock, node, p);
	*x = vp_lock_think(*x, r->think);
}

static void lock_worker(struct vp_worker *w, void *arg)
{
	struct lock_run *r = arg;
	void *node =
	    r->nodes ? r->nodes + (size_t)w->id * r->node_stride : NULL;
	struct vp_spin_probe probe;
	struct vp_spin_probe *p = NULL;
	if (r->timing && vp_spin_probe_init(&probe, w) == 0)
		p = &probe;
	uint64_t x = 0x9E3779B97F4A7C15ull ^
		     ((uint64_t)w->id + 1) * 0x2545F4914F6CDD1Dull;

	/* The phase is polled once per acquisition: one relaxed load of a
	 * read-mostly line, small next to an acquisition. */
	while (vp_worker_phase(w) < VP_PHASE_MEASURE)
		lock_one_op(r, node, p, &x);
	vp_worker_measure_begin(w);
	uint64_t ops = 0;
	while (vp_worker_phase(w) == VP_PHASE_MEASURE) {
		lock_one_op(r, node, p, &x);
		ops++;
	}
	vp_worker_measure_end(w, ops);
	r->sink[w->id] = x;
}

/* What vp_team_metrics lacks for a lock: each thread's share of all
 * acquisitions (1/threads each when perfectly fair). */
static void share_metrics(struct vp_team *team, struct vp_metrics *out)
{
	unsigned n = vp_team_size(team);
	if (n < 2)
		return;
	uint64_t total = 0, mn = UINT64_MAX, mx = 0;
	for (unsigned i = 0; i < n; i++) {
		uint64_t o = vp_team_worker(team, i)->ops;
		total += o;
		mn = o < mn ? o : mn;
		mx = o > mx ? o : mx;
	}
	if (!total) {
		vp_metrics_unavailable(out, "thread_share_min", "ratio",
				       "no acquisition completed");
		vp_metrics_unavailable(out, "thread_share_max", "ratio",
				       "no acquisition completed");
		return;
	}
	vp_metrics_ok(out, "thread_share_min", (double)mn / (double)total,
		      "ratio");
	vp_metrics_ok(out, "thread_share_max", (double)mx / (double)total,
		      "ratio");
}

static int lock_run_kind(enum vp_lock_kind kind,
			 const struct vp_workload_ctx *ctx,
			 struct vp_team *team, struct vp_metrics *out,
			 char *err, size_t errlen)
{
	const struct lock_opts *o = ctx->opts;
	unsigned n = vp_team_size(team);
	struct lock_run r = {0};
	int rc = 0;
	r.probe_on = strcmp(o->probe, "off") != 0;
	r.ops = r.probe_on ? vp_lock_ops_probed(kind) : vp_lock_ops_plain(kind);
	/* Calibrates the TSC (about 30 ms) now, not in the workers' warm-up. */
	r.timing = r.probe_on && vp_tsc_available();
	r.cs = (unsigned)o->cs;
	r.think = (unsigned)o->think;
	struct vp_lock_params lp = {.spins = (unsigned)o->spins};
	void *data = NULL;
	r.lock = vp_lock_alloc(r.ops, sizeof(struct vp_lock_data), &data);
	r.data = data;
	r.sink = calloc(n, sizeof(*r.sink));
	if (r.ops->node_size)
		r.nodes = vp_lock_nodes_alloc(r.ops, n, &r.node_stride);
	if (!r.lock || !r.sink || (r.ops->node_size && !r.nodes)) {
		snprintf(err, errlen,
			 "out of memory for a %s lock and %u nodes",
			 r.ops->name, n);
		rc = -ENOMEM;
		goto out;
	}
	r.ops->init(r.lock, &lp);
	rc = vp_team_run(team, lock_worker, &r, err, errlen);
	r.ops->destroy(r.lock);
	if (rc)
		goto out;
	uint64_t ops_total = 0;
	for (unsigned i = 0; i < n; i++)
		ops_total += vp_team_worker(team, i)->ops;
	/* Warm-up and the acquisitions straddling the phase changes are not
	 * counted in ops, so the protected counter can only be larger. */
	if (r.data->counter < ops_total) {
		snprintf(err, errlen,
			 "%s lock lost updates: counter %llu < %llu "
			 "acquisitions",
			 r.ops->name, (unsigned long long)r.data->counter,
			 (unsigned long long)ops_total);
		rc = -EPROTO;
		goto out;
	}
	vp_team_metrics(team, "ops_per_s", "ops/s", out);
	share_metrics(team, out);
	if (!r.probe_on)
		vp_spin_metrics(team, false,
				"spin probe compiled out (probe=off)", out);
	else if (!r.timing)
		vp_spin_metrics(team, false, "no usable TSC on this CPU", out);
	else
		vp_spin_metrics(team, true, NULL, out);
out:
	free(r.lock);
	free(r.nodes);
	free(r.sink);
	return rc;
}

#define LOCK_WORKLOAD(kind_id, sym, lname, dflt, opts, text)                   \
	static int sym##_run(const struct vp_workload_ctx *ctx, void *state,   \
			     struct vp_team *team, struct vp_metrics *out,     \
			     char *err, size_t errlen)                         \
	{                                                                      \
		return lock_run_kind(kind_id, ctx, team, out, err, errlen);    \
	}                                                                      \
	const struct vp_workload sym = {                                       \
	    .name = "lock." lname,                                             \
	    .summary = text,                                                   \
	    .in_default_set = dflt,                                            \
	    .throughput_metric = "ops_per_s",                                  \
	    .options = opts,                                                   \
	    .opts_size = sizeof(struct lock_opts),                             \
	    .run = sym##_run,                                                  \
	}

/* Default set for `-w lock`: tas (lock-holder preemption), ticket (also
 * lock-waiter preemption), mutex (the blocking baseline) and hybrid (the
 * usual mitigation); ttas and mcs on request, to keep the matrix small. */
LOCK_WORKLOAD(VP_LOCK_TAS, vp_wl_lock_tas, "tas", true, lock_options,
	      "test-and-set spinlock (xchg loop)");
LOCK_WORKLOAD(VP_LOCK_TTAS, vp_wl_lock_ttas, "ttas", false, lock_options,
	      "test-and-test-and-set spinlock (spin on read with pause)");
LOCK_WORKLOAD(VP_LOCK_TICKET, vp_wl_lock_ticket, "ticket", true, lock_options,
	      "FIFO ticket spinlock");
LOCK_WORKLOAD(VP_LOCK_MCS, vp_wl_lock_mcs, "mcs", false, lock_options,
	      "MCS queue spinlock (per-thread node)");
LOCK_WORKLOAD(VP_LOCK_MUTEX, vp_wl_lock_mutex, "mutex", true, lock_options,
	      "pthread mutex (blocking)");
LOCK_WORKLOAD(VP_LOCK_HYBRID, vp_wl_lock_hybrid, "hybrid", true, hybrid_options,
	      "bounded spinning, then futex sleep");
