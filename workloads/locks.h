/* User-space lock implementations for the lock.* workloads, behind one small
 * operations table so the workload and the unit tests drive them alike.
 *
 * Every lock exists twice (see lock_impl.h): the probed build times its slow
 * path with the TSC into a struct vp_spin_probe, the plain build has no
 * timing code at all. Comparing the two measures what the probe costs.
 *
 * Lock and per-thread node storage must be allocated with vp_lock_alloc /
 * vp_lock_nodes_alloc (cache-line aligned, so a lock never shares a line
 * with anything but itself). */
#ifndef VP_LOCKS_H
#define VP_LOCKS_H

#include <stddef.h>
#include <stdint.h>

#include "probes/spin.h"

enum vp_lock_kind {
	VP_LOCK_TAS = 0, /* xchg in a loop */
	VP_LOCK_TTAS,	 /* spin reading (with pause), then xchg */
	VP_LOCK_TICKET,	 /* FIFO tickets */
	VP_LOCK_MCS,	 /* queue lock, each waiter spins on its own node */
	VP_LOCK_MUTEX,	 /* pthread_mutex (futex-based, blocking) */
	VP_LOCK_HYBRID,	 /* spin a bounded number of times, then futex */
	VP_LOCK_KINDS
};

#define VP_CACHE_LINE 64

struct vp_lock_params {
	unsigned spins; /* hybrid: spin attempts before blocking */
};

struct vp_lock_ops {
	const char
	    *name; /* "tas", "ttas", "ticket", "mcs", "mutex", "hybrid" */
	enum vp_lock_kind kind;
	size_t size;	  /* bytes of lock state */
	size_t node_size; /* per-thread queue node (mcs), else 0 */
	int probed;	  /* 1: slow path timed when given a probe */
	void (*init)(void *lock, const struct vp_lock_params *p);
	void (*destroy)(void *lock);
	/* node: this thread's node (mcs) or NULL. probe: where the slow-path
	 * wait goes, or NULL (never timed); ignored by the plain build. */
	void (*acquire)(void *lock, void *node, struct vp_spin_probe *probe);
	/* Same node and probe as the matching acquire; the probe's pending
	 * wait is recorded here, after the lock is free. */
	void (*release)(void *lock, void *node, struct vp_spin_probe *probe);
};

/* Tables of both builds, indexed by kind; NULL for an unknown kind. */
const struct vp_lock_ops *vp_lock_ops_probed(enum vp_lock_kind kind);
const struct vp_lock_ops *vp_lock_ops_plain(enum vp_lock_kind kind);
/* Kind from its name ("tas"...); -1 when unknown. */
int vp_lock_kind_parse(const char *name);
const char *vp_lock_kind_name(enum vp_lock_kind kind);

/* Cache-line aligned, zeroed storage: one lock followed by `data_size` bytes
 * of protected data on their own lines. Returns NULL on ENOMEM. Free with
 * free(). *data receives the data address. */
void *vp_lock_alloc(const struct vp_lock_ops *ops, size_t data_size,
		    void **data);
/* `n` nodes, each on its own cache line; *stride receives the distance in
 * bytes between nodes. Returns NULL when the kind has no node (stride 0) or
 * on ENOMEM (check ops->node_size). Free with free(). */
void *vp_lock_nodes_alloc(const struct vp_lock_ops *ops, unsigned n,
			  size_t *stride);

/* The data the critical section touches. The counter is incremented with a
 * plain (non-atomic) read-modify-write, so a broken lock loses updates. */
struct vp_lock_data {
	uint64_t counter; /* acquisitions, protected by the lock */
	uint64_t state;	  /* the dependent computation's value */
};

/* The critical section: `iters` rounds of a dependent multiply-add chain on
 * the shared state (the next round needs the previous result, so the time
 * spent holding the lock scales with iters, not with the core's width). */
static inline void vp_lock_critical(struct vp_lock_data *d, unsigned iters)
{
	uint64_t c = d->counter;
	uint64_t s = d->state;
	for (unsigned i = 0; i < iters; i++) {
		s = s * 6364136223846793005ull + 1442695040888963407ull;
		__asm__ __volatile__("" : "+r"(s)); /* keep the chain */
	}
	d->state = s;
	d->counter = c + 1;
}

/* Work between acquisitions, on thread-private state. */
static inline uint64_t vp_lock_think(uint64_t x, unsigned iters)
{
	for (unsigned i = 0; i < iters; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		__asm__ __volatile__("" : "+r"(x));
	}
	return x;
}

#endif
