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
	static const char *const names[][2] = {
	    {"spin_wait_p50_ns", "ns"},	    {"spin_wait_p99_ns", "ns"},
	    {"spin_wait_max_ns", "ns"},	    {"spin_fraction", "ratio"},
	    {"long_waits", "count"},	    {"spin_waits", "count"},
	    {"spin_tsc_backwards", "count"}};
	if (!compiled_in) {
		for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
			vp_metrics_unavailable(out, names[i][0], names[i][1],
					       "%s", why);
		return;
	}
	struct vp_log2_hist h;
	vp_team_merge_hist(team, &h);
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
	vp_spin_metrics_from(&h, wait_ns, long_waits, backwards, measured_ns,
			     out);
}
