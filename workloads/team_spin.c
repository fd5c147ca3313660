/* The spin probe bound to a team: each worker records its own waits, and a
 * finished team's waits become the spin metrics. Lives with the team (not in
 * probes/) because probes know nothing of workers. */
#include "workloads/team_spin.h"

int vp_spin_probe_init(struct vp_spin_probe *p, struct vp_worker *w)
{
	int rc =
	    vp_spin_probe_init_raw(p, &w->hist, &w->wait_ns, &w->long_waits);

	vp_spin_probe_bind_backwards(p, &w->tsc_backwards);
	return rc;
}

void vp_spin_metrics(struct vp_team *team, bool compiled_in, const char *why,
		     struct vp_metrics *out)
{
	if (!compiled_in) {
		vp_spin_metrics_unavailable(why, out);
		return;
	}
	const struct vp_hist *h = vp_team_merge_hist(team);
	uint64_t wait_ns = 0, long_waits = 0, backwards = 0;
	double measured_ns = 0;
	for (unsigned i = 0; i < vp_team_size(team); i++) {
		const struct vp_worker *w = vp_team_worker(team, i);
		wait_ns += w->wait_ns;
		long_waits += w->long_waits;
		backwards += w->tsc_backwards;
		if (w->t_end > w->t_begin)
			measured_ns += (w->t_end - w->t_begin) * 1e9;
	}
	vp_spin_metrics_from(h, wait_ns, long_waits, backwards, measured_ns,
			     out);
}
