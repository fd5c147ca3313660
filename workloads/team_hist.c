/* Team latency distributions as metrics (see team_hist.h). */
#include "workloads/team_hist.h"

#include <stdio.h>

void vp_team_hist_metrics(struct vp_team *team, const char *prefix, int timing,
			  const char *why, struct vp_metrics *out)
{
	const struct vp_hist *h = vp_team_merge_hist(team);

	if (timing) {
		vp_hist_emit(h, prefix, "ns", 1.0, "no timed sample", out);
		return;
	}
	vp_hist_emit_unavailable(prefix, "ns", why, out);
}

void vp_team_long_metric(struct vp_team *team, const char *name, int timing,
			 const char *why, struct vp_metrics *out)
{
	if (!timing) {
		vp_metrics_unavailable(out, name, "count", "%s", why);
		return;
	}
	uint64_t n = 0;
	for (unsigned i = 0; i < vp_team_size(team); i++)
		n += vp_team_worker(team, i)->long_waits;
	vp_metrics_ok(out, name, (double)n, "count");
}
