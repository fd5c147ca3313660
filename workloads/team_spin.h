/* The spin probe (probes/spin.h) bound to a team's workers: a lock's slow
 * path records into its worker, and after the run the merged waits become
 * the spin metrics. */
#ifndef VP_TEAM_SPIN_H
#define VP_TEAM_SPIN_H

#include <stdbool.h>

#include "probes/spin.h"
#include "workloads/team.h"

/* Points the probe at worker w's hist / wait_ns / long_waits. Returns 0, or
 * -ENOTSUP when there is no usable TSC. */
int vp_spin_probe_init(struct vp_spin_probe *p, struct vp_worker *w);

/* Emits the spin metrics of a finished team run (see vp_spin_metrics_from).
 * With compiled_in false every metric is unavailable with `why`. */
void vp_spin_metrics(struct vp_team *team, bool compiled_in, const char *why,
		     struct vp_metrics *out);

#endif
