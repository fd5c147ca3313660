/* lock.kernel: threads contend one spin lock inside the (guest) kernel. Every
 * thread writes 1 to the same eventfd; the kernel's eventfd_write() in
 * fs/eventfd.c takes the eventfd context's wait-queue spin lock,
 * `ctx->wqh.lock`, with spin_lock_irq() (interrupts off), adds to the
 * counter, wakes waiters if any and unlocks. With no reader there is no
 * waiter, so a call is: syscall entry, fdget, the one shared spin lock, exit.
 * In a VM a vCPU preempted by the host while it holds that lock (with
 * interrupts off, so not even the guest can move it) makes the other vCPUs
 * spin in the guest kernel: the lock-holder-preemption case that user-space
 * locks (lock.*) show only for user-space locks.
 *
 * One op is one write() call, timed with the TSC around the call (a few
 * ns against about 1 us per call here); calls/s compare across targets,
 * the per-call distribution shows the waits. The counter is never drained:
 * it holds 2^64-2, so at a million writes per second it would fill in half
 * a million years; the fd is non-blocking, so a full counter would fail the
 * run (EAGAIN) rather than block. In a multi-threaded process the call also
 * bumps the shared struct file's reference count (an atomic, not a lock);
 * that is part of what every thread pays. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include "workloads/locks.h"
#include "workloads/team_hist.h"
#include "workloads/workload_list.h"

struct lock_kernel_opts {
	int64_t think;
};

static const struct vp_option lock_kernel_options[] = {
    {"think", VP_OPT_INT, offsetof(struct lock_kernel_opts, think), "0", 0,
     10000000, NULL,
     "private work between two calls: xorshift rounds (about 1.6 ns each "
     "here); 0 keeps the kernel lock as contended as it gets"},
    VP_OPT_END};

struct lock_kernel_run {
	int fd;
	unsigned think;
	int timing;
	double ns_per_tick;
	_Atomic int error; /* first -errno of a failed write, 0 */
	uint64_t *sink;	   /* per-worker think results */
};

/* One timed write of 1. Returns 0 or -errno. */
static inline int one_call(struct lock_kernel_run *r, struct vp_worker *w)
{
	static const uint64_t one = 1;
	uint64_t t0 = r->timing ? vp_rdtsc() : 0;
	ssize_t k = write(r->fd, &one, sizeof(one));
	if (r->timing)
		vp_worker_record_ticks(w, t0, vp_rdtsc(), r->ns_per_tick);
	if (k == (ssize_t)sizeof(one))
		return 0;
	return k < 0 ? -errno : -EIO;
}

static void fail(struct lock_kernel_run *r, int err)
{
	int zero = 0;
	atomic_compare_exchange_strong(&r->error, &zero, err);
}

static void lock_kernel_worker(struct vp_worker *w, void *arg)
{
	struct lock_kernel_run *r = arg;
	uint64_t x = ((uint64_t)w->id + 1) * 0x9E3779B97F4A7C15ull;
	int rc = 0;
	while (!rc && vp_worker_phase(w) < VP_PHASE_MEASURE) {
		rc = one_call(r, w);
		x = vp_lock_think(x, r->think);
	}
	vp_worker_measure_begin(w);
	uint64_t ops = 0;
	while (!rc && vp_worker_phase(w) == VP_PHASE_MEASURE) {
		rc = one_call(r, w);
		x = vp_lock_think(x, r->think);
		ops++;
	}
	vp_worker_measure_end(w, ops);
	if (rc)
		fail(r, rc);
	r->sink[w->id] = x;
}

static int lock_kernel_supported(const struct vp_workload_ctx *ctx, char *why,
				 size_t len)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (fd < 0) {
		int e = errno;
		snprintf(why, len,
			 "eventfd() fails: %s (a kernel without "
			 "CONFIG_EVENTFD?)",
			 strerror(e));
		return -e;
	}
	close(fd);
	return 0;
}

static int lock_kernel_run(const struct vp_workload_ctx *ctx, void *state,
			   struct vp_team *team, struct vp_metrics *out,
			   char *err, size_t errlen)
{
	const struct lock_kernel_opts *o = ctx->opts;
	struct lock_kernel_run r = {.think = (unsigned)o->think};
	/* Calibrates the TSC (a few ms) here, not in the workers' warm-up. */
	r.timing = vp_tsc_available();
	r.ns_per_tick = r.timing ? 1.0 / vp_tsc_ticks_per_ns() : 0;
	atomic_init(&r.error, 0);
	r.sink = calloc(vp_team_size(team), sizeof(*r.sink));
	r.fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	if (!r.sink || r.fd < 0) {
		int e = r.sink ? errno : ENOMEM;
		snprintf(err, errlen, "cannot set up the shared eventfd: %s",
			 strerror(e));
		free(r.sink);
		if (r.fd >= 0)
			close(r.fd);
		return -e;
	}
	int rc = vp_team_run(team, lock_kernel_worker, &r, err, errlen);
	close(r.fd);
	free(r.sink);
	if (rc)
		return rc;
	rc = atomic_load(&r.error);
	if (rc) {
		snprintf(err, errlen,
			 "write() to the shared eventfd failed: %s",
			 strerror(-rc));
		return rc;
	}
	const char *why = "no usable TSC on this CPU: calls are not timed";
	vp_team_metrics(team, "ops_per_s", "ops/s", out);
	vp_team_hist_metrics(team, "call", r.timing, why, out);
	vp_team_long_metric(team, "long_calls", r.timing, why, out);
	return 0;
}

const struct vp_workload vp_wl_lock_kernel = {
    .name = "lock.kernel",
    .summary = "one kernel spin lock: all threads write() one shared eventfd "
	       "(eventfd_write, ctx->wqh.lock)",
    .in_default_set = true,
    .throughput_metric = "ops_per_s",
    .options = lock_kernel_options,
    .opts_size = sizeof(struct lock_kernel_opts),
    .supported = lock_kernel_supported,
    .run = lock_kernel_run,
};
