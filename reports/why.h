/* The decisions behind the report's "Why" section, taken from the summary
 * alone (html_why.c only prints them): for every lock, kernel-lock
 * (lock.kernel) and wake-up (sched.wake) workload on every target and
 * thread count, the guest's view of long waits next to what the scheduler
 * saw, and one plain sentence reading them:
 *   guest view  long_waits (lock.*: spin waits over 1 ms), long_calls
 *               (lock.kernel: system calls over 1 ms), wake_p99_ns
 *               (sched.wake)
 *   host view   vcpu_delay_pct (vm targets: the vCPU threads' wait in the
 *               host run queue), kvm.exits, kvm.halt_exits,
 *               kvm.directed_yield_attempted where KVM gave them
 *   tail        p99.9 and p99.99 of the family's distribution (spin_wait,
 *               call, wake) from the reps' summed buckets (hist_pool.h):
 *               preemption is rare per operation, so it shows there and
 *               not at p99; a p99.9 of 1 ms or more counts as long
 *               events even where the long-event count is not measured
 *   inside      runq_delay_pct (the benchmark threads' wait in the
 *               target's own run queue), steal_pct
 * Overcommit is part of every cell: vCPUs > host CPUs, threads > the
 * target's CPUs. Medians over the repetitions; a figure that was not
 * measured is NAN and the sentence says so instead of reading a zero.
 *
 * Also the points of the chart "long waits against vCPU run-queue delay":
 * one per step (repetition) of a vm target where both were measured. */
#ifndef VP_WHY_H
#define VP_WHY_H

#include <stdbool.h>
#include <stddef.h>

#include "reports/summary.h"

/* A run-queue delay from this share of the step on counts as preemption
 * that explains long waits. */
#define VP_WHY_DELAY_PCT 5.0
/* A wake-up p99 from this long on is a slow wake-up (the 1 ms of "long"
 * waits and calls). */
#define VP_WHY_SLOW_WAKE_NS 1e6
/* A pooled p99.9 from this long on counts as long waits or calls (the
 * "over 1 ms" of long_waits and long_calls). */
#define VP_WHY_LONG_NS 1e6

enum vp_why_kind { VP_WHY_LOCK, VP_WHY_KERNEL_LOCK, VP_WHY_WAKE };

struct vp_why_cell {
	size_t target, workload;
	int threads;
	enum vp_why_kind kind;
	const char *guest_metric; /* long_waits, long_calls, wake_p99_ns */
	/* Medians; NAN when not measured. */
	double guest, vcpu_delay, vcpu_run, runq_delay, steal;
	double kvm_exits, kvm_halt_exits, kvm_yields;
	/* Pooled tail of the family (ns) and its samples; NAN when the
	 * samples cannot support it or nothing was recorded. */
	double p999, p9999, tail_n;
	int cpus;	      /* CPUs of the target (vCPUs of a guest) */
	int host_cpus;	      /* CPUs of the machine under it, <= 0 unknown */
	bool vm;	      /* target_kind vm: has a host view of its vCPUs */
	bool vcpu_overcommit; /* vCPUs > host CPUs */
	bool thread_overcommit; /* threads > the target's CPUs */
	char reading[512];	/* the plain-words reading of the cell */
};

struct vp_why_point {
	size_t target, workload;
	int threads, rep;
	double delay; /* vcpu_delay_pct of the step */
	double longs; /* long_waits or long_calls of the same step */
};

struct vp_why {
	struct vp_why_cell *cells;
	size_t ncells;
	struct vp_why_point *points;
	size_t npoints;
};

/* Fills w from s (cells in workload, target, threads order). 0 or
 * -ENOMEM; w is always safe to vp_why_free. */
int vp_why_build(const struct vp_summary *s, struct vp_why *w);
void vp_why_free(struct vp_why *w);

/* The kind of workload name, or -1 when the section leaves it out. */
int vp_why_kind_of(const char *workload);
/* Writes the reading of c (its figures filled) into c->reading; label is
 * the target's name in the report. Pure. */
void vp_why_read(struct vp_why_cell *c, const char *label);

#endif
