/* Spin-time probe: storage binding and the metrics emitted after a run. */
#include "probes/spin.h"

#include <errno.h>
#include <stdio.h>

#include "probes/tsc.h"

int vp_spin_probe_init_raw(struct vp_spin_probe *p, struct vp_hist *hist,
			   uint64_t *wait_ns, uint64_t *long_waits)
{
	double tpn = vp_tsc_ticks_per_ns();
	p->hist = hist;
	p->wait_ns = wait_ns;
	p->long_waits = long_waits;
	p->ns_per_tick = tpn > 0 ? 1.0 / tpn : 0.0;
	p->own_backwards = 0;
	p->tsc_backwards = &p->own_backwards;
	p->pending_ticks = 0;
	p->pending = false;
	return tpn > 0 ? 0 : -ENOTSUP;
}

void vp_spin_metrics_from(const struct vp_hist *h, uint64_t wait_ns,
			  uint64_t long_waits, uint64_t tsc_backwards,
			  double measured_ns, struct vp_metrics *out)
{
	vp_hist_emit(h, "spin_wait", "ns", 1.0, "no contended acquisition",
		     out);
	/* With no wait at all these are measured zeros, not missing data. */
	if (measured_ns > 0)
		vp_metrics_ok(out, "spin_fraction",
			      (double)wait_ns / measured_ns, "ratio");
	else
		vp_metrics_unavailable(out, "spin_fraction", "ratio",
				       "no measured time");
	vp_metrics_ok(out, "long_waits", (double)long_waits, "count");
	vp_metrics_ok(out, "spin_waits", (double)h->n, "count");
	/* Waits clamped to 0 because the end TSC read below the start. */
	vp_metrics_ok(out, "spin_tsc_backwards", (double)tsc_backwards,
		      "count");
}

void vp_spin_metrics_unavailable(const char *why, struct vp_metrics *out)
{
	static const char *const names[][2] = {{"spin_fraction", "ratio"},
					       {"long_waits", "count"},
					       {"spin_waits", "count"},
					       {"spin_tsc_backwards", "count"}};

	vp_hist_emit_unavailable("spin_wait", "ns", why, out);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++)
		vp_metrics_unavailable(out, names[i][0], names[i][1], "%s",
				       why);
}
