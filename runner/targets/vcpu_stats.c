/* vCPU threads seen from the host over one step (see vcpu_stats.h). */
#include "runner/targets/vcpu_stats.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#define M_DELAY	  "vcpu_delay_pct"
#define M_RUN	  "vcpu_run_pct"
#define M_PREEMPT "vcpu_preemptions"

void vp_vcpu_sample_take(pid_t pid, const int *tids, size_t n, double now,
			 struct vp_vcpu_sample *s)
{
	s->t = now;
	s->n = n > VP_VCPU_MAX ? VP_VCPU_MAX : n;
	s->ss_err = s->cs_err = 0;
	s->err_tid = 0;
	for (size_t i = 0; i < s->n; i++) {
		int a = vp_schedstat_read_task(pid, tids[i], &s->ss[i]);
		int b = vp_taskstatus_read_task(pid, tids[i], &s->cs[i]);

		if (a && !s->ss_err) {
			s->ss_err = a;
			s->err_tid = tids[i];
		}
		if (b && !s->cs_err) {
			s->cs_err = b;
			s->err_tid = tids[i];
		}
	}
}

void vp_vcpu_unavailable_metrics(struct vp_metrics *m, const char *why)
{
	vp_metrics_unavailable(m, M_DELAY, "%", "%s", why);
	vp_metrics_unavailable(m, M_RUN, "%", "%s", why);
	vp_metrics_unavailable(m, M_PREEMPT, "count", "%s", why);
}

/* 0, or why the samples cannot give a figure (-ESRCH: a failure). A
 * thread whose schedstat and status are both missing has exited: QEMU
 * lost a vCPU or died, a failure; a kernel without schedstat is a missing
 * capability. */
static int schedstat_problem(const struct vp_vcpu_sample *b,
			     const struct vp_vcpu_sample *e, pid_t pid,
			     char *why, size_t len)
{
	const struct vp_vcpu_sample *bad = b->ss_err ? b : e;

	if (!bad->ss_err)
		return 0;
	if (bad->ss_err == -ENOENT && bad->cs_err == -ENOENT) {
		snprintf(why, len,
			 "vCPU thread %d of QEMU (pid %d) is gone: /proc/%d/"
			 "task/%d vanished during the step",
			 bad->err_tid, (int)pid, (int)pid, bad->err_tid);
		return -ESRCH;
	}
	snprintf(why, len, "vCPU thread %d: %s", bad->err_tid,
		 vp_schedstat_why(bad->ss_err));
	return bad->ss_err;
}

static void schedstat_rows(const struct vp_vcpu_sample *b,
			   const struct vp_vcpu_sample *e, pid_t pid,
			   double wall_s, struct vp_metrics *m)
{
	unsigned long long run = 0, wait = 0;
	char why[VP_METRIC_NOTE_MAX];
	int rc = schedstat_problem(b, e, pid, why, sizeof(why));

	for (size_t i = 0; !rc && i < e->n; i++) {
		/* A vCPU thread that has run cannot read "0 0 0": the
		 * kernel's accounting is off. */
		if (vp_schedstat_is_off(&e->ss[i])) {
			snprintf(why, sizeof(why), "%s",
				 vp_schedstat_why(-ENODATA));
			rc = -ENODATA;
		} else if (e->ss[i].run_ns < b->ss[i].run_ns ||
			   e->ss[i].wait_ns < b->ss[i].wait_ns) {
			snprintf(why, sizeof(why),
				 "schedstat of vCPU %zu went backwards (thread "
				 "id reused?)",
				 i);
			rc = -ESRCH;
		} else {
			run += e->ss[i].run_ns - b->ss[i].run_ns;
			wait += e->ss[i].wait_ns - b->ss[i].wait_ns;
		}
	}
	if (rc == -ESRCH) {
		vp_metrics_failed(m, M_DELAY, "%", "%s", why);
		vp_metrics_failed(m, M_RUN, "%", "%s", why);
	} else if (rc) {
		vp_metrics_unavailable(m, M_DELAY, "%", "%s", why);
		vp_metrics_unavailable(m, M_RUN, "%", "%s", why);
	} else {
		double cap = (double)e->n * wall_s * 1e9;

		vp_metrics_ok(m, M_DELAY, 100.0 * (double)wait / cap, "%");
		vp_metrics_ok(m, M_RUN, 100.0 * (double)run / cap, "%");
	}
}

static void preemption_row(const struct vp_vcpu_sample *b,
			   const struct vp_vcpu_sample *e, struct vp_metrics *m)
{
	const struct vp_vcpu_sample *bad = b->cs_err ? b : e;
	unsigned long long n = 0;

	if (bad->cs_err) {
		vp_metrics_failed(m, M_PREEMPT, "count",
				  "vCPU thread %d: status unreadable: %s",
				  bad->err_tid, strerror(-bad->cs_err));
		return;
	}
	for (size_t i = 0; i < e->n; i++) {
		if (e->cs[i].nonvoluntary < b->cs[i].nonvoluntary) {
			vp_metrics_failed(m, M_PREEMPT, "count",
					  "context switches of vCPU %zu went "
					  "backwards (thread id reused?)",
					  i);
			return;
		}
		n += e->cs[i].nonvoluntary - b->cs[i].nonvoluntary;
	}
	vp_metrics_ok(m, M_PREEMPT, (double)n, "count");
}

/* 0, or -EINVAL with why when b and e do not span an interval. */
static int no_interval(const struct vp_vcpu_sample *b,
		       const struct vp_vcpu_sample *e, char *why, size_t len)
{
	double wall = e->t - b->t;

	if (e->n && b->n == e->n && wall > 0)
		return 0;
	snprintf(why, len,
		 "no interval to measure (%zu/%zu vCPU threads, %.6f s "
		 "between the step marks)",
		 b->n, e->n, wall);
	return -EINVAL;
}

void vp_vcpu_delta_metrics(const struct vp_vcpu_sample *b,
			   const struct vp_vcpu_sample *e, pid_t pid,
			   struct vp_metrics *m)
{
	char why[128];

	if (no_interval(b, e, why, sizeof(why))) {
		vp_metrics_failed(m, M_DELAY, "%", "%s", why);
		vp_metrics_failed(m, M_RUN, "%", "%s", why);
		vp_metrics_failed(m, M_PREEMPT, "count", "%s", why);
		return;
	}
	schedstat_rows(b, e, pid, e->t - b->t, m);
	preemption_row(b, e, m);
}

void vp_vcpu_preemption_metrics(const struct vp_vcpu_sample *b,
				const struct vp_vcpu_sample *e,
				struct vp_metrics *m)
{
	char why[128];

	if (no_interval(b, e, why, sizeof(why)))
		vp_metrics_failed(m, M_PREEMPT, "count", "%s", why);
	else
		preemption_row(b, e, m);
}

void vp_vcpu_preemption_unavailable(struct vp_metrics *m, const char *why)
{
	vp_metrics_unavailable(m, M_PREEMPT, "count", "%s", why);
}
