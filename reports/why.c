/* The "Why" section's cells, readings and chart points (see why.h). */
#include "reports/why.h"

#include <errno.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/hist_pool.h"
#include "reports/svg.h"

int vp_why_kind_of(const char *workload)
{
	if (!strcmp(workload, "lock.kernel"))
		return VP_WHY_KERNEL_LOCK;
	if (!strncmp(workload, "lock.", 5))
		return VP_WHY_LOCK;
	if (!strcmp(workload, "sched.wake"))
		return VP_WHY_WAKE;
	return -1;
}

static const char *guest_metric(enum vp_why_kind k)
{
	return k == VP_WHY_LOCK		 ? "long_waits"
	       : k == VP_WHY_KERNEL_LOCK ? "long_calls"
					 : "wake_p99_ns";
}

static const struct vp_cell *cell(const struct vp_summary *s, size_t t,
				  size_t w, int threads, const char *metric)
{
	long i = vp_summary_find(s, t, s->workloads[w], threads, metric);

	return i < 0 ? NULL : &s->cells[i];
}

static double median(const struct vp_summary *s, size_t t, size_t w,
		     int threads, const char *metric)
{
	const struct vp_cell *c = cell(s, t, w, threads, metric);

	return c && c->d.n ? c->d.median : NAN;
}

/* Appends to the reading. */
static void say(struct vp_why_cell *c, size_t *o, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));
static void say(struct vp_why_cell *c, size_t *o, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (*o >= sizeof(c->reading))
		return;
	va_start(ap, fmt);
	n = vsnprintf(c->reading + *o, sizeof(c->reading) - *o, fmt, ap);
	va_end(ap);
	if (n > 0)
		*o += (size_t)n;
}

static const char *pct(double v, char *buf, size_t len)
{
	snprintf(buf, len, v < 10 ? "%.1f%%" : "%.0f%%", v);
	return buf;
}

static void guest_part(struct vp_why_cell *c, size_t *o)
{
	const char *what = c->kind == VP_WHY_LOCK ? "wait" : "call";
	char b[32];

	if (c->kind == VP_WHY_WAKE) {
		vp_fmt_axis(c->guest, VP_AXIS_NS, b, sizeof(b));
		if (isnan(c->guest))
			say(c, o, "wake-up latency not measured");
		else
			say(c, o, "wake-up p99 %s", b);
	} else if (isnan(c->guest)) {
		say(c, o, "%ss over 1 ms not measured", what);
	} else if (c->guest == 0) {
		say(c, o, "no %s over 1 ms", what);
	} else {
		say(c, o, "%.0f %s%s over 1 ms", c->guest, what,
		    c->guest == 1 ? "" : "s");
	}
}

/* The pooled tail: where preemption, rare per operation, shows. */
static void tail_part(struct vp_why_cell *c, size_t *o)
{
	char a[32], b[32];

	if (isnan(c->tail_n) || c->tail_n <= 0)
		return;
	vp_fmt_axis(c->p999, VP_AXIS_NS, a, sizeof(a));
	vp_fmt_axis(c->p9999, VP_AXIS_NS, b, sizeof(b));
	if (isnan(c->p999))
		say(c, o, " (%.0f samples: too few for p99.9)", c->tail_n);
	else if (isnan(c->p9999))
		say(c, o, " (p99.9 %s of %.0f samples)", a, c->tail_n);
	else
		say(c, o, " (p99.9 %s, p99.99 %s of %.0f samples)", a, b,
		    c->tail_n);
}

/* What the schedulers saw: the host's run queue for a guest's vCPUs, the
 * target's own run queue for its threads, steal, KVM's counters. */
static void sched_part(struct vp_why_cell *c, size_t *o)
{
	char b[32];

	if (c->vm && !isnan(c->vcpu_delay))
		say(c, o,
		    "; its vCPU threads waited %s of the step in the host run "
		    "queue",
		    pct(c->vcpu_delay, b, sizeof(b)));
	else if (c->vm)
		say(c, o, "; no host view of its vCPU threads");
	if (!isnan(c->runq_delay) && c->runq_delay >= 1)
		say(c, o, "; its threads waited %s in the %srun queue",
		    pct(c->runq_delay, b, sizeof(b)), c->vm ? "guest's " : "");
	if (!isnan(c->steal) && c->steal >= 0.5)
		say(c, o, "; steal %s", pct(c->steal, b, sizeof(b)));
	if (!isnan(c->kvm_exits)) {
		say(c, o, "; KVM counted %.0f exits", c->kvm_exits);
		if (!isnan(c->kvm_halt_exits))
			say(c, o, ", %.0f halt exits", c->kvm_halt_exits);
		if (!isnan(c->kvm_yields))
			say(c, o, ", %.0f directed-yield attempts",
			    c->kvm_yields);
	}
}

static const char *lock_cause(const struct vp_why_cell *c, bool longs,
			      bool host_pre, bool in_pre, bool steal_pre)
{
	/* Without the scheduler's view (no runq_delay_pct from an agent
	 * that predates it, no host view) preemption cannot be ruled out. */
	bool blind = isnan(c->runq_delay) && !(c->vm && !isnan(c->vcpu_delay));

	if (!longs && c->threads == 1)
		return "a single thread has no one to wait for";
	if (!longs)
		return host_pre || in_pre
			   ? "no long waits despite the run-queue delay, so "
			     "preemptions did not hit a lock holder or waiter"
			   : "no sign of lock-holder preemption";
	if (host_pre)
		return "preempted lock holders/waiters";
	if (in_pre && c->thread_overcommit)
		return "more threads than CPUs, so the scheduler preempts lock "
		       "holders/waiters";
	if (in_pre)
		return "threads preempted while holding or waiting for the "
		       "lock";
	if (steal_pre)
		return "the hypervisor took CPU time away (steal)";
	if (blind && c->thread_overcommit)
		return "more threads than CPUs, so the scheduler must preempt "
		       "lock holders/waiters (run-queue delay not measured)";
	if (blind)
		return "run-queue delay not measured, so preemption cannot be "
		       "told from contention";
	return "no preemption measured: contention itself, or a cause not "
	       "measured here";
}

static const char *wake_cause(bool slow, bool host_pre, bool in_pre)
{
	if (!slow)
		return "wake-ups within 1 ms at p99";
	if (host_pre)
		return "slow wake-ups: the woken vCPU waited in the host run "
		       "queue";
	if (in_pre)
		return "slow wake-ups: the woken thread waited for a CPU";
	return "slow wake-ups without measured run-queue delay: wake-up "
	       "IPIs, halt exits or emulation cost";
}

void vp_why_read(struct vp_why_cell *c, const char *label)
{
	bool host_pre = c->vm && c->vcpu_delay >= VP_WHY_DELAY_PCT;
	bool in_pre = c->runq_delay >= VP_WHY_DELAY_PCT;
	bool steal_pre = c->steal >= VP_WHY_DELAY_PCT;
	const char *cause;
	size_t o = 0;

	say(c, &o, "%s, %d thread%s", label, c->threads,
	    c->threads == 1 ? "" : "s");
	/* Overcommit first: it frames everything after it. */
	if (c->thread_overcommit && c->vcpu_overcommit)
		say(c, &o, " (overcommitted: on %d vCPUs on %d host CPUs)",
		    c->cpus, c->host_cpus);
	else if (c->thread_overcommit)
		say(c, &o, " (overcommitted: on %d %sCPUs)", c->cpus,
		    c->vm ? "v" : "");
	else if (c->vcpu_overcommit)
		say(c, &o, " (overcommitted: %d vCPUs on %d host CPUs)",
		    c->cpus, c->host_cpus);
	say(c, &o, ": ");
	guest_part(c, &o);
	tail_part(c, &o);
	sched_part(c, &o);
	/* The tail stands in for a long-event count that was not
	 * measured: 0.1% of the operations over 1 ms are long events. */
	bool tail_long = c->p999 >= VP_WHY_LONG_NS;
	if (isnan(c->guest) && (c->kind == VP_WHY_WAKE || !tail_long))
		cause = host_pre
			    ? "its vCPUs were descheduled, but the guest "
			      "figure to explain is missing"
			    : "nothing to explain without the guest figure";
	else if (c->kind == VP_WHY_WAKE)
		cause = wake_cause(c->guest >= VP_WHY_SLOW_WAKE_NS, host_pre,
				   in_pre);
	else
		cause = lock_cause(c, c->guest > 0 || tail_long, host_pre,
				   in_pre, steal_pre);
	say(c, &o, ": %s", cause);
}

static void fill(const struct vp_summary *s, struct vp_why_cell *c)
{
	const struct vp_target_ref *tr = &s->targets[c->target];
	size_t t = c->target, w = c->workload;
	int th = c->threads;

	c->guest_metric = guest_metric(c->kind);
	c->guest = median(s, t, w, th, c->guest_metric);
	c->vcpu_delay = median(s, t, w, th, "vcpu_delay_pct");
	c->vcpu_run = median(s, t, w, th, "vcpu_run_pct");
	c->runq_delay = median(s, t, w, th, "runq_delay_pct");
	c->steal = median(s, t, w, th, "steal_pct");
	c->kvm_exits = median(s, t, w, th, "kvm.exits");
	c->kvm_halt_exits = median(s, t, w, th, "kvm.halt_exits");
	c->kvm_yields = median(s, t, w, th, "kvm.directed_yield_attempted");
	static const char *const family[] = {[VP_WHY_LOCK] = "spin_wait",
					     [VP_WHY_KERNEL_LOCK] = "call",
					     [VP_WHY_WAKE] = "wake"};
	const struct vp_pool *p = vp_pool_find(s, t, w, th, family[c->kind]);
	c->tail_n = p ? p->n : NAN;
	c->p999 = p && !isnan(p->q[3]) ? p->q[3] / p->scale : NAN;
	c->p9999 = p && !isnan(p->q[4]) ? p->q[4] / p->scale : NAN;
	c->cpus = tr->vcpus;
	c->host_cpus = tr->host_cpus;
	c->vm = tr->kind && !strcmp(tr->kind, "vm");
	c->vcpu_overcommit =
	    c->vm && tr->host_cpus > 0 && tr->vcpus > tr->host_cpus;
	c->thread_overcommit = tr->vcpus > 0 && th > tr->vcpus;
	vp_why_read(c, tr->label ? tr->label : tr->name);
}

static int cmp_int(const void *a, const void *b)
{
	int x = *(const int *)a, y = *(const int *)b;

	return (x > y) - (x < y);
}

/* Sorted distinct thread counts of target t on workload w. */
static size_t threads_of(const struct vp_summary *s, size_t t, size_t w,
			 int *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < s->ncells; i++) {
		const struct vp_cell *c = &s->cells[i];
		size_t k = 0;

		if (c->target != t || c->workload != w)
			continue;
		while (k < n && out[k] != c->threads)
			k++;
		if (k == n && n < max)
			out[n++] = c->threads;
	}
	qsort(out, n, sizeof(*out), cmp_int);
	return n;
}

/* One point per repetition with both figures of the step. */
static int add_points(const struct vp_summary *s, const struct vp_why_cell *c,
		      struct vp_why *w, size_t *cap)
{
	const struct vp_cell *g =
	    cell(s, c->target, c->workload, c->threads, c->guest_metric);
	const struct vp_cell *d =
	    cell(s, c->target, c->workload, c->threads, "vcpu_delay_pct");

	if (!g || !d || c->kind == VP_WHY_WAKE)
		return 0;
	for (size_t i = 0; i < g->n; i++)
		for (size_t k = 0; k < d->n; k++) {
			if (g->reps[i] != d->reps[k])
				continue;
			if (w->npoints == *cap) {
				size_t nc = *cap ? *cap * 2 : 64;
				void *p =
				    realloc(w->points, nc * sizeof(*w->points));

				if (!p)
					return -ENOMEM;
				w->points = p;
				*cap = nc;
			}
			w->points[w->npoints++] = (struct vp_why_point){
			    c->target,	c->workload, c->threads,
			    g->reps[i], d->v[k],     g->v[i]};
		}
	return 0;
}

static int add_cell(struct vp_why *w, size_t *cap, const struct vp_why_cell *c)
{
	if (w->ncells == *cap) {
		size_t nc = *cap ? *cap * 2 : 32;
		void *p = realloc(w->cells, nc * sizeof(*w->cells));

		if (!p)
			return -ENOMEM;
		w->cells = p;
		*cap = nc;
	}
	w->cells[w->ncells++] = *c;
	return 0;
}

int vp_why_build(const struct vp_summary *s, struct vp_why *w)
{
	size_t ccap = 0, pcap = 0;
	int th[64];

	memset(w, 0, sizeof(*w));
	for (size_t wl = 0; wl < s->nworkloads; wl++) {
		int kind = vp_why_kind_of(s->workloads[wl]);

		for (size_t t = 0; kind >= 0 && t < s->ntargets; t++) {
			size_t n = threads_of(s, t, wl, th, 64);

			for (size_t i = 0; i < n; i++) {
				struct vp_why_cell c = {.target = t,
							.workload = wl,
							.threads = th[i],
							.kind = kind};

				fill(s, &c);
				if (add_cell(w, &ccap, &c) ||
				    add_points(s, &c, w, &pcap)) {
					vp_why_free(w);
					return -ENOMEM;
				}
			}
		}
	}
	return 0;
}

void vp_why_free(struct vp_why *w)
{
	free(w->cells);
	free(w->points);
	memset(w, 0, sizeof(*w));
}
