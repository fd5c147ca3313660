/* Latency distributions of a team's workers as metrics: the per-worker
 * log-linear histograms (ns) merged and emitted as the rows of
 * vp_hist_emit (<prefix>_p50_ns ... <prefix>_p9999_ns, <prefix>_max_ns,
 * <prefix>_samples, <prefix>_bucket_le_<ns>), the same shape as the spin
 * probe's spin_wait_* rows so reports read them alike. Also the per-call timing
 * helper the syscall workloads (lock.kernel, mem.shootdown) share. */
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
	vp_hist_record(&w->hist, ns);
	w->wait_ns += ns;
	if (ns > VP_LONG_CALL_NS)
		w->long_waits++;
}

/* Emits the distribution rows described above from the merged workers'
 * hist. With timing == 0 the percentiles are unavailable with `why` (and
 * with no sample, for that reason); no bucket row is written then. */
void vp_team_hist_metrics(struct vp_team *team, const char *prefix, int timing,
			  const char *why, struct vp_metrics *out);

/* Sum of the workers' long_waits as metric `name` (count), or unavailable
 * with `why` when timing == 0. */
void vp_team_long_metric(struct vp_team *team, const char *name, int timing,
			 const char *why, struct vp_metrics *out);

#endif
