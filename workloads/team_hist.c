/* Team latency distributions as metrics (see team_hist.h). */
#include "workloads/team_hist.h"

#include <stdio.h>

void vp_team_hist_metrics(struct vp_team *team, const char *prefix, int timing,
			  const char *why, struct vp_metrics *out)
{
	static const struct {
		const char *suffix;
		double q;
	} pct[] = {{"p50_ns", 0.50}, {"p99_ns", 0.99}, {"max_ns", 1.0}};
	struct vp_log2_hist h;
	char name[VP_METRIC_NAME_MAX];
	vp_team_merge_hist(team, &h);
	for (size_t i = 0; i < sizeof(pct) / sizeof(pct[0]); i++) {
		snprintf(name, sizeof(name), "%s_%s", prefix, pct[i].suffix);
		if (timing && h.n)
			vp_metrics_ok(out, name,
				      vp_log2_hist_quantile(&h, pct[i].q),
				      "ns");
		else
			vp_metrics_unavailable(out, name, "ns", "%s",
					       timing ? "no timed sample"
						      : why);
	}
	if (!timing)
		return;
	for (unsigned b = 0; b < VP_HIST_BUCKETS; b++) {
		if (!h.count[b])
			continue;
		snprintf(name, sizeof(name), "%s_bucket_le_%llu", prefix,
			 (unsigned long long)vp_log2_bucket_upper(b));
		vp_metrics_ok(out, name, (double)h.count[b], "count");
	}
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
