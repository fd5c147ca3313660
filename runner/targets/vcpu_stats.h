/* The host's view of a guest's vCPU threads over one step: at the agent's
 * begin and end marks the vm target reads, for each vCPU thread of QEMU,
 * /proc/<qemu>/task/<tid>/schedstat (time on a CPU, time runnable but
 * waiting in the host run queue) and the context-switch counts of its
 * status file (probes/schedstat.h), and turns the two samples into
 *   vcpu_delay_pct   sum of the run-queue wait of all vCPU threads
 *                    / (vCPUs x step wall time) x 100
 *   vcpu_run_pct     the same with their time on a CPU
 *   vcpu_preemptions involuntary context switches of all vCPU threads
 * A vCPU that waits in the host run queue is a guest CPU that does not
 * run: the lock holder or waiter it carried is preempted. Two small /proc
 * reads per vCPU per mark, outside the measured window. */
#ifndef VP_VCPU_STATS_H
#define VP_VCPU_STATS_H

#include <stddef.h>
#include <sys/types.h>

#include "probes/metrics.h"
#include "probes/schedstat.h"

#define VP_VCPU_MAX 64

struct vp_vcpu_sample {
	double t; /* host monotonic seconds when the sample was taken */
	size_t n; /* vCPU threads */
	struct vp_schedstat ss[VP_VCPU_MAX];
	struct vp_ctxsw cs[VP_VCPU_MAX];
	int ss_err, cs_err; /* first read error (-errno), 0: all read */
	int err_tid;	    /* the thread it came from */
};

/* Reads the n vCPU threads of process pid (n <= VP_VCPU_MAX) at time now.
 * Errors are kept in the sample (the rows say why), not returned. */
void vp_vcpu_sample_take(pid_t pid, const int *tids, size_t n, double now,
			 struct vp_vcpu_sample *s);

/* Appends vcpu_delay_pct, vcpu_run_pct and vcpu_preemptions for the
 * interval between b and e, or the same names as unavailable / failed rows
 * with the reason (schedstat missing or switched off, a thread gone, no
 * interval). Pure. */
void vp_vcpu_delta_metrics(const struct vp_vcpu_sample *b,
			   const struct vp_vcpu_sample *e, pid_t pid,
			   struct vp_metrics *m);

/* The three names as unavailable rows with one reason (sampling off, no
 * thread ids). */
void vp_vcpu_unavailable_metrics(struct vp_metrics *m, const char *why);

/* vcpu_preemptions alone, for a target whose run and delay figures come
 * from elsewhere (libvirt's own statistics): the row between b and e, or
 * unavailable with why. */
void vp_vcpu_preemption_metrics(const struct vp_vcpu_sample *b,
				const struct vp_vcpu_sample *e,
				struct vp_metrics *m);
void vp_vcpu_preemption_unavailable(struct vp_metrics *m, const char *why);

#endif
