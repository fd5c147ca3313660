/* Spin-time probe: instrumented lock slow paths record how long each
 * contended acquisition waited (spinning or blocked), read with the TSC. Only
 * the slow path is timed (the first attempt failed), so an uncontended
 * acquisition costs nothing extra. Each wait lands in the worker's
 * log-linear histogram (ns, probes/lat_hist.h), its total wait time and its
 * count of long waits (> 1 ms, exact). To keep the bookkeeping out of the
 * critical section, acquire only stamps the end of the wait; the lock's release
 * folds it into the worker.
 *
 * A thread that moves between CPUs (vCPUs) whose TSCs are not synchronised
 * can read an end stamp below its start stamp; the unsigned difference
 * would be a wait of ~1.8e19 ns. Such a wait is clamped to 0 (it still
 * counts as a contended acquisition) and counted as spin_tsc_backwards. */
#ifndef VP_SPIN_H
#define VP_SPIN_H

#include <stdbool.h>
#include <stdint.h>

#include "probes/lat_hist.h"
#include "probes/metrics.h"

#define VP_SPIN_LONG_WAIT_NS 1000000ull /* a "long wait": over 1 ms */

struct vp_spin_probe {
	struct vp_hist *hist;	 /* each wait, ns */
	uint64_t *wait_ns;	 /* sum of waits, ns */
	uint64_t *long_waits;	 /* waits over 1 ms */
	uint64_t *tsc_backwards; /* waits whose end TSC read earlier */
	uint64_t own_backwards;	 /* their storage unless bound elsewhere */
	double ns_per_tick;	 /* TSC ticks -> ns */
	uint64_t pending_ticks;	 /* wait of the current acquisition */
	bool pending;
};

/* Points the probe at explicit storage: a histogram of waits (ns), their
 * sum and the count of long waits. Calibrates the TSC on first use (a few
 * ms, once per process). Returns 0, or -ENOTSUP when there is no usable TSC.
 * workloads/team_spin.h binds it to a team worker. */
int vp_spin_probe_init_raw(struct vp_spin_probe *p, struct vp_hist *hist,
			   uint64_t *wait_ns, uint64_t *long_waits);

/* Called by a lock's acquire after a slow-path wait of `ticks`. */
static inline void vp_spin_probe_stamp(struct vp_spin_probe *p, uint64_t ticks)
{
	p->pending_ticks = ticks;
	p->pending = true;
}

/* The same from the wait's start and end TSC reads: a negative span (TSCs
 * out of step across CPUs) is clamped to 0 and counted. */
static inline void vp_spin_probe_span(struct vp_spin_probe *p, uint64_t t0,
				      uint64_t t1)
{
	int64_t d = (int64_t)(t1 - t0);

	if (d < 0) {
		(*p->tsc_backwards)++;
		d = 0;
	}
	vp_spin_probe_stamp(p, (uint64_t)d);
}

/* Called by a lock's release once the lock is free again. */
static inline void vp_spin_probe_flush(struct vp_spin_probe *p)
{
	if (!p->pending)
		return;
	p->pending = false;
	uint64_t ns = (uint64_t)((double)p->pending_ticks * p->ns_per_tick);
	vp_hist_record(p->hist, ns);
	*p->wait_ns += ns;
	if (ns > VP_SPIN_LONG_WAIT_NS)
		(*p->long_waits)++;
}

/* Counts backwards TSC spans into `storage` instead of the probe itself. */
static inline void vp_spin_probe_bind_backwards(struct vp_spin_probe *p,
						uint64_t *storage)
{
	p->tsc_backwards = storage;
}

/* Emits the spin metrics from merged figures: the spin_wait family of
 * vp_hist_emit (spin_wait_p50_ns ... spin_wait_p9999_ns, spin_wait_max_ns,
 * spin_wait_samples, buckets), spin_fraction, long_waits, spin_waits,
 * spin_tsc_backwards. `measured_ns` is the sum of the threads' measured
 * windows. */
void vp_spin_metrics_from(const struct vp_hist *h, uint64_t wait_ns,
			  uint64_t long_waits, uint64_t tsc_backwards,
			  double measured_ns, struct vp_metrics *out);
/* The same rows (buckets aside), all unavailable with `why`. */
void vp_spin_metrics_unavailable(const char *why, struct vp_metrics *out);

#endif
