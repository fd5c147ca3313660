/* Latency distributions of a team's workers as metrics: the per-worker log2
 * histograms (ns) merged and emitted as <prefix>_p50_ns, <prefix>_p99_ns,
 * <prefix>_max_ns and one <prefix>_bucket_le_<ns> row (unit count) per
 * non-empty bucket, the same shape as the spin probe's spin_wait_* rows so
 * reports draw them alike. Also the per-call timing helper the syscall
 * workloads (lock.kernel, mem.shootdown) share. */
#ifndef VP_TEAM_HIST_H
#define VP_TEAM_HIST_H

#include <stdint.h>

#include "probes/metrics.h"
#include "probes/tsc.h"
#include "workloads/team.h"

#define VP_LONG_CALL_NS 1000000ull /* a "long call": over 1 ms */

/* Records one timed call of `ticks` TSC ticks into worker w: its hist (ns),
 * wait_ns (sum) and long_waits (calls over 1 ms). A negative difference
 * (TSCs out of step across CPUs after a migration) counts as 0 ns. */
static inline void vp_worker_record_ticks(struct vp_worker *w, uint64_t t0,
					  uint64_t t1, double ns_per_tick)
{
	uint64_t ns = t1 > t0 ? (uint64_t)((double)(t1 - t0) * ns_per_tick) : 0;
	vp_log2_hist_add(&w->hist, ns);
	w->wait_ns += ns;
	if (ns > VP_LONG_CALL_NS)
		w->long_waits++;
}

/* Emits the distribution rows described above from the merged workers'
 * hist. With no sample (or timing == 0) the three percentiles are
 * unavailable with `why` and no bucket row is written. */
void vp_team_hist_metrics(struct vp_team *team, const char *prefix, int timing,
			  const char *why, struct vp_metrics *out);

/* Sum of the workers' long_waits as metric `name` (count), or unavailable
 * with `why` when timing == 0. */
void vp_team_long_metric(struct vp_team *team, const char *name, int timing,
			 const char *why, struct vp_metrics *out);

#endif
