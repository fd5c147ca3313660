/* Spin metrics of a finished team run (kept apart from spin.c so code that
 * only records waits does not link the team). */
#include <stdbool.h>

#include "probes/spin.h"
#include "workloads/team.h"

void vp_spin_metrics(struct vp_team *team, bool compiled_in, const char *why,
		     struct vp_metrics *out)
{
	static const char *const names[][2] = {
	    {"spin_wait_p50_ns", "ns"}, {"spin_wait_p99_ns", "ns"},
	    {"spin_wait_max_ns", "ns"}, {"spin_fraction", "ratio"},
	    {"long_waits", "count"},	{"spin_waits", "count"}};
	if (!compiled_in) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			vp_metrics_unavailable(out, names[i][0], names[i][1],
					       "%s", why);
		return;
	}
	struct vp_log2_hist h;
	vp_team_merge_hist(team, &h);
	uint64_t wait_ns = 0, long_waits = 0;
	double measured_ns = 0;
	for (unsigned i = 0; i < vp_team_size(team); i++) {
		const struct vp_worker *w = vp_team_worker(team, i);
		wait_ns += w->wait_ns;
		long_waits += w->long_waits;
		if (w->t_end > w->t_begin)
			measured_ns += (w->t_end - w->t_begin) * 1e9;
	}
	vp_spin_metrics_from(&h, wait_ns, long_waits, measured_ns, out);
}
