/* Private to the io.* workloads (io.c, io_ring.c): the state of one
 * workload and of one measured repetition, the per-I/O clock and latency
 * record both engines share, and the io_uring engine's entry points.
 * psync (io.c) keeps one I/O in flight per thread; io_uring (io_ring.c)
 * keeps qd in flight per thread on a ring of its own. */
#ifndef VP_IO_INTERNAL_H
#define VP_IO_INTERNAL_H

#include <stdatomic.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>
#include <time.h>

#include "probes/tsc.h"
#include "workloads/io_scratch.h"
#include "workloads/team.h"

struct io_kind {
	const char *name;
	bool random;
	bool write;
	bool sync; /* fdatasync after each write */
};

struct io_state {
	const struct io_kind *kind;
	struct vp_io_target t;
	bool keep;
	bool ring;   /* engine=io_uring */
	unsigned qd; /* I/Os in flight per thread */
	bool batch;  /* io_uring: refills submitted together (submit=batch) */
	bool use_tsc;
	double ns_per_tick;
	uint64_t runs; /* varies the random streams between repetitions */
};

struct io_run {
	struct io_state *st;
	unsigned nthreads;
	void **bufs; /* per thread: qd blocks of bs, 4 KiB aligned */
	void *rings; /* io_uring engine: one ring per thread (io_ring.c) */
	const char *ring_setup; /* how the rings were set up, for the note */
	uint64_t seed;
	atomic_int failed;
	int err;
	char msg[512];
};

static inline uint64_t io_clock(const struct io_state *st)
{
	if (st->use_tsc)
		return vp_rdtsc();
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One completed I/O's latency, issue (t0) to completion (t1), into the
 * worker's latency histogram: the one place both engines record it. In ns,
 * so the histogram's 0.78% holds down to a few us. */
static inline void io_record(const struct io_state *st, struct vp_worker *w,
			     uint64_t t0, uint64_t t1)
{
	uint64_t d = t1 > t0 ? t1 - t0 : 0;
	vp_hist_record(&w->hist, (uint64_t)((double)d * st->ns_per_tick + 0.5));
}

/* Records the run's first failure (n < 0: errno e; else a short transfer
 * of n bytes at off) and returns its -errno. */
int io_fail(struct io_run *r, uint64_t off, ssize_t n, int e);

/* Ring entries for qd I/Os: io.fsync links a write and an fdatasync. */
static inline unsigned io_ring_entries(unsigned qd, bool sync)
{
	return sync ? 2 * qd : qd;
}

/* io_ring.c. Whether this process can make an io_uring of `entries`
 * entries: 0, or -errno with the reason (built without liburing, the
 * kernel's sysctl, seccomp...) in why. */
int io_ring_available(unsigned entries, char *why, size_t len);
/* Before the team runs: one ring per thread in r->rings. 0 or -errno
 * with a message. */
int io_ring_prepare(struct io_run *r, char *err, size_t errlen);
/* The worker of engine=io_uring (a vp_worker_fn, arg = the io_run). */
void io_ring_worker(struct vp_worker *w, void *arg);
/* Frees what io_ring_prepare made (safe when it failed). */
void io_ring_release(struct io_run *r);

#endif
