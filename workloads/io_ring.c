/* The io_uring engine of the io.* workloads (-O engine=io_uring -O qd=N):
 * each thread keeps qd I/Os in flight on a ring of its own, like fio's
 * ioengine=io_uring with iodepth=N and its defaults (no registered files
 * or buffers, no SQ polling, interrupt-driven completions), so the two
 * compare on the same file. One operation is one completed I/O (io.fsync:
 * a write and the fdatasync linked after it); its latency runs from the
 * submit that issued it to the reap that saw it complete (submit=each:
 * one clock read at each submit and at each reap, completions reaped one
 * at a time as fio does; submit=batch: one per reaped and one per
 * submitted batch). Offsets
 * come from the same generators as psync (io_gen.h), block i of a thread's
 * buffer serving its i-th slot. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/io_uring_probe.h"
#include "workloads/io_gen.h"
#include "workloads/io_internal.h"

#if HAVE_LIBURING
#include <liburing.h>

struct io_slot {
	uint64_t off;	  /* of the I/O in flight */
	uint64_t t0;	  /* clock at its submit */
	unsigned pending; /* its completions still to come (fsync: 2) */
};

struct io_ring_thread {
	struct io_uring ring;
	bool ready;
	bool disabled; /* made with R_DISABLED: its worker enables it */
	struct io_slot *slot;
	unsigned *refill; /* slots completed in this batch */
};

int io_ring_available(unsigned entries, char *why, size_t len)
{
	struct io_uring ring;
	int rc = io_uring_queue_init(entries ? entries : 1, &ring, 0);

	if (rc < 0) {
		vp_io_uring_why("io_uring_queue_init", -rc,
				vp_io_uring_disabled_sysctl(), why, len);
		return rc;
	}
	io_uring_queue_exit(&ring);
	why[0] = '\0';
	return 0;
}

/* fio (3.33 here) sets its rings up with COOP_TASKRUN, SINGLE_ISSUER and
 * DEFER_TASKRUN where the kernel has them (6.1 and later): completions are
 * then posted only when the thread enters the kernel to wait for them,
 * instead of interrupting it with task work as each one arrives. That
 * costs or saves whole microseconds per I/O at depth (a loop device whose
 * completions come from another CPU: half of fio's IOPS at qd 8 without
 * them), so vpbench does the same. SINGLE_ISSUER binds a ring to the thread
 * that submits: the ring is made disabled here and enabled by its worker
 * (the submitter from then on). A kernel that refuses the flags (EINVAL)
 * gets a plain ring, and the note says which. */
#define FIO_LIKE_SETUP                                                         \
	(IORING_SETUP_COOP_TASKRUN | IORING_SETUP_SINGLE_ISSUER |              \
	 IORING_SETUP_DEFER_TASKRUN)

static int ring_init(struct io_ring_thread *rt, unsigned entries)
{
	struct io_uring_params p;
	int rc;

	memset(&p, 0, sizeof(p));
	p.flags = FIO_LIKE_SETUP | IORING_SETUP_R_DISABLED;
	rc = io_uring_queue_init_params(entries, &rt->ring, &p);
	rt->disabled = rc == 0;
	if (rc == -EINVAL)
		rc = io_uring_queue_init(entries, &rt->ring, 0);
	return rc;
}

int io_ring_prepare(struct io_run *r, char *err, size_t errlen)
{
	const struct io_state *st = r->st;
	unsigned entries = io_ring_entries(st->qd, st->kind->sync);
	struct io_ring_thread *rt = calloc(r->nthreads, sizeof(*rt));

	r->rings = rt;
	if (!rt)
		goto nomem;
	for (unsigned i = 0; i < r->nthreads; i++) {
		int rc;

		rt[i].slot = calloc(st->qd, sizeof(*rt[i].slot));
		rt[i].refill = calloc(st->qd, sizeof(*rt[i].refill));
		if (!rt[i].slot || !rt[i].refill)
			goto nomem;
		rc = ring_init(&rt[i], entries);
		if (rc < 0) {
			char why[384];

			vp_io_uring_why("io_uring_queue_init", -rc,
					vp_io_uring_disabled_sysctl(), why,
					sizeof(why));
			snprintf(err, errlen,
				 "%s: engine=io_uring: ring %u of %u (%u "
				 "entries): %s",
				 st->kind->name, i + 1, r->nthreads, entries,
				 why);
			return rc;
		}
		rt[i].ready = true;
		r->ring_setup = rt[i].disabled ? "defer_taskrun" : "plain";
	}
	return 0;
nomem:
	snprintf(err, errlen, "%s: out of memory for %u io_uring threads",
		 st->kind->name, r->nthreads);
	return -ENOMEM;
}

void io_ring_release(struct io_run *r)
{
	struct io_ring_thread *rt = r->rings;

	if (!rt)
		return;
	for (unsigned i = 0; i < r->nthreads; i++) {
		if (rt[i].ready)
			io_uring_queue_exit(&rt[i].ring);
		free(rt[i].slot);
		free(rt[i].refill);
	}
	free(rt);
	r->rings = NULL;
}

/* Queues slot i's next I/O (not yet submitted). The ring has room: it
 * holds one entry per I/O in flight (two for io.fsync). */
static void ring_queue(const struct io_state *st, struct io_ring_thread *rt,
		       struct vp_io_gen *g, char *buf, unsigned i)
{
	struct io_uring_sqe *sqe = io_uring_get_sqe(&rt->ring);
	uint64_t off = vp_io_gen_next(g);
	void *b = buf + (size_t)i * st->t.bs;

	if (st->kind->write)
		io_uring_prep_write(sqe, st->t.fd, b, (unsigned)st->t.bs, off);
	else
		io_uring_prep_read(sqe, st->t.fd, b, (unsigned)st->t.bs, off);
	io_uring_sqe_set_data64(sqe, (uint64_t)i << 1);
	rt->slot[i].off = off;
	rt->slot[i].pending = 1;
	if (!st->kind->sync)
		return;
	/* The fdatasync starts only once the write completed. */
	sqe->flags |= IOSQE_IO_LINK;
	sqe = io_uring_get_sqe(&rt->ring);
	io_uring_prep_fsync(sqe, st->t.fd, IORING_FSYNC_DATASYNC);
	io_uring_sqe_set_data64(sqe, ((uint64_t)i << 1) | 1);
	rt->slot[i].pending = 2;
}

/* Issues slots[0..n)'s next I/Os. submit=each (fio's default,
 * iodepth_batch_submit=1): each in an io_uring_enter of its own, stamped
 * just before it. submit=batch: all queued and stamped together, for the
 * next wait to submit in one io_uring_enter. 0, or -errno from the
 * submit. */
static int ring_issue(const struct io_state *st, struct io_ring_thread *rt,
		      struct vp_io_gen *g, char *buf, const unsigned *slots,
		      unsigned n)
{
	for (unsigned k = 0; k < n; k++) {
		ring_queue(st, rt, g, buf, slots[k]);
		if (st->batch)
			continue;
		rt->slot[slots[k]].t0 = io_clock(st);
		int rc;
		do
			rc = io_uring_submit(&rt->ring);
		while (rc == -EINTR);
		if (rc < 0)
			return rc;
	}
	if (st->batch) {
		uint64_t t0 = io_clock(st);
		for (unsigned k = 0; k < n; k++)
			rt->slot[slots[k]].t0 = t0;
	}
	return 0;
}

/* Waits for at least one completion (submit=batch: submitting what is
 * queued in the same io_uring_enter; submit=each: entering the kernel only
 * when no completion is there yet, as fio does), reaps every completion
 * there is (submit=each: the first one), records each finished I/O
 * (counted in *ops when ops is not NULL) and issues its slot's next I/O.
 * 0 or -errno. */
static int ring_step(struct io_run *r, struct vp_worker *w,
		     struct io_ring_thread *rt, struct vp_io_gen *g, char *buf,
		     uint64_t *ops)
{
	const struct io_state *st = r->st;
	struct io_uring_cqe *cqe;
	unsigned head, seen = 0, nref = 0;
	int rc = 0, n;

	do
		n = st->batch ? io_uring_submit_and_wait(&rt->ring, 1)
			      : io_uring_wait_cqe(&rt->ring, &cqe);
	while (n == -EINTR);
	if (n < 0)
		return io_fail(r, 0, -1, -n);
	uint64_t t1 = io_clock(st);
	io_uring_for_each_cqe(&rt->ring, head, cqe)
	{
		unsigned i = (unsigned)(cqe->user_data >> 1);
		bool fsync = cqe->user_data & 1;
		struct io_slot *s = &rt->slot[i];

		/* submit=each reaps one completion per step, as fio does by
		 * default (iodepth_batch_complete_max=1): its slot is
		 * refilled before the next completion is looked at, so every
		 * slot but one stays in flight. Reaping all of them first
		 * left each reaped slot idle through the one-syscall refills
		 * of the others: 19 of 32 in flight on average here. */
		if (!st->batch && seen)
			break;
		seen++;
		if (cqe->res < 0 || (!fsync && cqe->res != (int)st->t.bs)) {
			if (!rc)
				rc = io_fail(r, s->off,
					     cqe->res < 0 ? -1 : cqe->res,
					     cqe->res < 0 ? -cqe->res : 0);
			s->pending--;
			continue;
		}
		if (--s->pending)
			continue;
		io_record(st, w, s->t0, t1);
		if (ops)
			(*ops)++;
		rt->refill[nref++] = i;
	}
	io_uring_cq_advance(&rt->ring, seen);
	if (!rc)
		rc = ring_issue(st, rt, g, buf, rt->refill, nref);
	return rc < 0 && !atomic_load(&r->failed) ? io_fail(r, 0, -1, -rc) : rc;
}

/* After the measured window (or a failure): every I/O still queued or in
 * flight completes before its buffer can be freed. */
static void ring_drain(struct io_ring_thread *rt, unsigned qd)
{
	unsigned left = 0;

	for (unsigned i = 0; i < qd; i++)
		left += rt->slot[i].pending;
	while (left) {
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		int n = io_uring_submit_and_wait(&rt->ring, 1);

		if (n < 0 && n != -EINTR)
			return; /* queue_exit cancels what is left */
		io_uring_for_each_cqe(&rt->ring, head, cqe)
		{
			rt->slot[cqe->user_data >> 1].pending--;
			seen++;
		}
		io_uring_cq_advance(&rt->ring, seen);
		left = left > seen ? left - seen : 0;
	}
}

void io_ring_worker(struct vp_worker *w, void *arg)
{
	struct io_run *r = arg;
	const struct io_state *st = r->st;
	struct io_ring_thread *rt = (struct io_ring_thread *)r->rings + w->id;
	char *buf = r->bufs[w->id];
	struct vp_io_gen g;
	uint64_t ops = 0;
	int rc = 0;

	vp_io_gen_init(&g, st->kind->random, st->t.base, st->t.size, st->t.bs,
		       w->id, r->nthreads, r->seed);
	for (unsigned i = 0; i < st->qd; i++)
		rt->refill[i] = i;
	/* This thread becomes the ring's one submitter (SINGLE_ISSUER).
	 * io_uring_enable_rings() is declared but not exported by Debian
	 * 12's liburing 2.3: the register call it wraps. */
	rc = rt->disabled
		 ? io_uring_register((unsigned)rt->ring.ring_fd,
				     IORING_REGISTER_ENABLE_RINGS, NULL, 0)
		 : 0;
	if (!rc)
		rc = ring_issue(st, rt, &g, buf, rt->refill, st->qd);
	if (rc)
		rc = io_fail(r, 0, -1, -rc);
	/* Warm-up fills the queue and the device's: uncounted. */
	while (!rc && vp_worker_phase(w) < VP_PHASE_MEASURE)
		rc = ring_step(r, w, rt, &g, buf, NULL);
	vp_worker_measure_begin(w);
	while (!rc && vp_worker_phase(w) == VP_PHASE_MEASURE)
		rc = ring_step(r, w, rt, &g, buf, &ops);
	vp_worker_measure_end(w, ops);
	ring_drain(rt, st->qd);
}

#else /* !HAVE_LIBURING */

#define NO_LIBURING                                                            \
	"built without liburing (install liburing-dev, e.g. apt-get install "  \
	"liburing-dev, and rebuild; CMake option WITH_LIBURING)"

int io_ring_available(unsigned entries, char *why, size_t len)
{
	snprintf(why, len, NO_LIBURING);
	return -EOPNOTSUPP;
}

int io_ring_prepare(struct io_run *r, char *err, size_t errlen)
{
	snprintf(err, errlen, "%s: engine=io_uring: " NO_LIBURING,
		 r->st->kind->name);
	return -EOPNOTSUPP;
}

void io_ring_worker(struct vp_worker *w, void *arg)
{
	vp_worker_measure_begin(w);
	vp_worker_measure_end(w, 0);
}

void io_ring_release(struct io_run *r) {}

#endif
