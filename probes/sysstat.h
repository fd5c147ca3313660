/* System probe: /proc/stat CPU-time deltas over a run (user, system, steal,
 * irq, idle as % of the run's CPU time) and the process's voluntary and
 * involuntary context switches from getrusage. */
#ifndef VP_SYSSTAT_H
#define VP_SYSSTAT_H

#include <stddef.h>

#include "probes/metrics.h"

struct vp_procstat {
	unsigned long long user, nice, system, idle, iowait, irq, softirq,
	    steal, guest, guest_nice;
	int fields; /* numbers on the line: older kernels lack steal (< 8) */
	int valid;
	char why[128]; /* reason when !valid */
};

struct vp_sysstat_snapshot {
	struct vp_procstat cpu;
	long nvcsw, nivcsw;
	double own_cpu_s; /* this process's user + system time, < 0 unknown */
};

/* Parses the aggregate "cpu " line of a /proc/stat text. Returns 0 or
 * -EINVAL. Exposed for tests with saved samples. */
int vp_procstat_parse(const char *text, struct vp_procstat *out);
void vp_sysstat_take(struct vp_sysstat_snapshot *s);
/* The share (%) of the machine's CPU time between two /proc/stat samples
 * that went to anything but this process: busy time (user, nice, system,
 * irq, softirq; not idle, iowait or steal) minus own_cpu_s, over all CPU
 * time including steal. /proc/stat counts in clock ticks (clk_tck per
 * second), so with a 100 Hz tick a 0.5 s step on 2 CPUs resolves 1%;
 * slightly negative differences are clamped to 0. Returns -1 when there is
 * no elapsed time. Exposed for tests with recorded samples. */
double vp_other_load_pct(const struct vp_procstat *a,
			 const struct vp_procstat *b, double own_cpu_s,
			 long clk_tck);
/* Appends user_pct, system_pct, steal_pct, irq_pct, idle_pct, ctx_switches,
 * ctx_switches_vol, ctx_switches_invol to out (unavailable with reason when
 * /proc/stat could not be read), other_load_pct. */
void vp_sysstat_metrics(const struct vp_sysstat_snapshot *before,
			const struct vp_sysstat_snapshot *after,
			struct vp_metrics *out);

#endif
