/* The lock implementations, compiled twice: locks_probed.c includes this
 * with VP_LOCK_PROBE 1 (slow paths timed with the TSC into a spin probe),
 * locks_plain.c with VP_LOCK_PROBE 0 (no timing code at all). Each includer
 * defines VP_LOCK_TABLE, the name of its table accessor declared in locks.h.
 *
 * Only the slow path (the first attempt failed) is timed, and only the end
 * of the wait is stamped while holding the lock; the histogram update runs
 * in release, after the lock is free, so the probe does not lengthen the
 * critical section by more than one rdtsc. */
#ifndef VP_LOCK_PROBE
#error "define VP_LOCK_PROBE (0 or 1) and VP_LOCK_TABLE before including"
#endif

#include <limits.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <linux/futex.h>

#include "probes/tsc.h"
#include "workloads/locks.h"

#if VP_LOCK_PROBE
#define VP_SLOW_BEGIN(probe) const uint64_t vp_t0_ = (probe) ? vp_rdtsc() : 0
#define VP_SLOW_END(probe)                                                     \
	do {                                                                   \
		if (probe)                                                     \
			vp_spin_probe_span(probe, vp_t0_, vp_rdtsc());         \
	} while (0)
#define VP_RELEASE_END(probe)                                                  \
	do {                                                                   \
		if (probe)                                                     \
			vp_spin_probe_flush(probe);                            \
	} while (0)
#else
#define VP_SLOW_BEGIN(probe)  (void)(probe)
#define VP_SLOW_END(probe)    (void)(probe)
#define VP_RELEASE_END(probe) (void)(probe)
#endif

static inline void cpu_relax(void)
{
#if defined(__x86_64__) || defined(__i386__)
	__builtin_ia32_pause();
#else
	__asm__ __volatile__("" ::: "memory");
#endif
}

static void noop_destroy(void *lock) {}

/* --- tas: exchange until it returns 0 ----------------------------------- */

struct tas_lock {
	_Atomic int v;
};

static void tas_init(void *lock, const struct vp_lock_params *p)
{
	struct tas_lock *l = lock;
	atomic_init(&l->v, 0);
}

static void tas_acquire(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct tas_lock *l = lock;
	if (!atomic_exchange_explicit(&l->v, 1, memory_order_acquire))
		return;
	VP_SLOW_BEGIN(probe);
	do
		cpu_relax();
	while (atomic_exchange_explicit(&l->v, 1, memory_order_acquire));
	VP_SLOW_END(probe);
}

static void tas_release(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct tas_lock *l = lock;
	atomic_store_explicit(&l->v, 0, memory_order_release);
	VP_RELEASE_END(probe);
}

/* --- ttas: spin on a shared read, exchange only when it looks free ------ */

static void ttas_acquire(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct tas_lock *l = lock;
	if (!atomic_exchange_explicit(&l->v, 1, memory_order_acquire))
		return;
	VP_SLOW_BEGIN(probe);
	do {
		while (atomic_load_explicit(&l->v, memory_order_relaxed))
			cpu_relax();
	} while (atomic_exchange_explicit(&l->v, 1, memory_order_acquire));
	VP_SLOW_END(probe);
}

/* --- ticket: FIFO, so a preempted next-in-line stalls everyone ---------- */

struct ticket_lock {
	_Atomic uint32_t next;
	_Atomic uint32_t serving;
};

static void ticket_init(void *lock, const struct vp_lock_params *p)
{
	struct ticket_lock *l = lock;
	atomic_init(&l->next, 0);
	atomic_init(&l->serving, 0);
}

static void ticket_acquire(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct ticket_lock *l = lock;
	uint32_t my =
	    atomic_fetch_add_explicit(&l->next, 1, memory_order_relaxed);
	if (atomic_load_explicit(&l->serving, memory_order_acquire) == my)
		return;
	VP_SLOW_BEGIN(probe);
	while (atomic_load_explicit(&l->serving, memory_order_acquire) != my)
		cpu_relax();
	VP_SLOW_END(probe);
}

static void ticket_release(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct ticket_lock *l = lock;
	uint32_t s = atomic_load_explicit(&l->serving, memory_order_relaxed);
	atomic_store_explicit(&l->serving, s + 1, memory_order_release);
	VP_RELEASE_END(probe);
}

/* --- mcs: each waiter spins on its own node ----------------------------- */

struct mcs_node {
	struct mcs_node *_Atomic next;
	_Atomic int locked;
};

struct mcs_lock {
	struct mcs_node *_Atomic tail;
};

static void mcs_init(void *lock, const struct vp_lock_params *p)
{
	struct mcs_lock *l = lock;
	atomic_init(&l->tail, NULL);
}

static void mcs_acquire(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct mcs_lock *l = lock;
	struct mcs_node *n = node;
	atomic_store_explicit(&n->next, NULL, memory_order_relaxed);
	atomic_store_explicit(&n->locked, 1, memory_order_relaxed);
	struct mcs_node *pred =
	    atomic_exchange_explicit(&l->tail, n, memory_order_acq_rel);
	if (!pred)
		return;
	VP_SLOW_BEGIN(probe);
	atomic_store_explicit(&pred->next, n, memory_order_release);
	while (atomic_load_explicit(&n->locked, memory_order_acquire))
		cpu_relax();
	VP_SLOW_END(probe);
}

static void mcs_release(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct mcs_lock *l = lock;
	struct mcs_node *n = node;
	struct mcs_node *next =
	    atomic_load_explicit(&n->next, memory_order_acquire);
	if (!next) {
		struct mcs_node *expected = n;
		if (atomic_compare_exchange_strong_explicit(
			&l->tail, &expected, NULL, memory_order_release,
			memory_order_relaxed))
			goto out;
		/* A successor swapped the tail but has not linked in yet. */
		while (!(next = atomic_load_explicit(&n->next,
						     memory_order_acquire)))
			cpu_relax();
	}
	atomic_store_explicit(&next->locked, 0, memory_order_release);
out:
	VP_RELEASE_END(probe);
}

/* --- mutex: glibc's futex-based pthread mutex (blocks) ------------------ */

struct mutex_lock {
	pthread_mutex_t m;
};

static void mutex_init(void *lock, const struct vp_lock_params *p)
{
	struct mutex_lock *l = lock;
	pthread_mutex_init(&l->m, NULL);
}

static void mutex_destroy(void *lock)
{
	struct mutex_lock *l = lock;
	pthread_mutex_destroy(&l->m);
}

static void mutex_acquire(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct mutex_lock *l = lock;
	if (pthread_mutex_trylock(&l->m) == 0)
		return;
	VP_SLOW_BEGIN(probe);
	pthread_mutex_lock(&l->m);
	VP_SLOW_END(probe);
}

static void mutex_release(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct mutex_lock *l = lock;
	pthread_mutex_unlock(&l->m);
	VP_RELEASE_END(probe);
}

/* --- hybrid: bounded spinning, then sleep on a futex --------------------
 * State word: 0 free, 1 held, 2 held and someone may sleep (Drepper,
 * "Futexes are tricky", mutex2). */

struct hybrid_lock {
	_Atomic uint32_t v;
	uint32_t spins;
};

static void hybrid_init(void *lock, const struct vp_lock_params *p)
{
	struct hybrid_lock *l = lock;
	atomic_init(&l->v, 0);
	l->spins = p ? p->spins : 100;
}

static void futex_wait(_Atomic uint32_t *addr, uint32_t val)
{
	/* EAGAIN (value changed) and EINTR just send us round the loop. */
	syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAIT_PRIVATE, val, NULL,
		NULL, 0);
}

static void futex_wake(_Atomic uint32_t *addr, int n)
{
	syscall(SYS_futex, (uint32_t *)addr, FUTEX_WAKE_PRIVATE, n, NULL, NULL,
		0);
}

static void hybrid_acquire(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct hybrid_lock *l = lock;
	uint32_t c = 0;
	if (atomic_compare_exchange_strong_explicit(
		&l->v, &c, 1, memory_order_acquire, memory_order_relaxed))
		return;
	VP_SLOW_BEGIN(probe);
	for (uint32_t i = 0; i < l->spins; i++) {
		cpu_relax();
		c = atomic_load_explicit(&l->v, memory_order_relaxed);
		if (c == 0 && atomic_compare_exchange_strong_explicit(
				  &l->v, &c, 1, memory_order_acquire,
				  memory_order_relaxed))
			goto out;
	}
	c = atomic_exchange_explicit(&l->v, 2, memory_order_acquire);
	while (c != 0) {
		futex_wait(&l->v, 2);
		c = atomic_exchange_explicit(&l->v, 2, memory_order_acquire);
	}
out:
	VP_SLOW_END(probe);
}

static void hybrid_release(void *lock, void *node, struct vp_spin_probe *probe)
{
	struct hybrid_lock *l = lock;
	if (atomic_exchange_explicit(&l->v, 0, memory_order_release) == 2)
		futex_wake(&l->v, 1);
	VP_RELEASE_END(probe);
}

/* --- the table ----------------------------------------------------------- */

static const struct vp_lock_ops lock_table[VP_LOCK_KINDS] = {
    [VP_LOCK_TAS] = {"tas", VP_LOCK_TAS, sizeof(struct tas_lock), 0,
		     VP_LOCK_PROBE, tas_init, noop_destroy, tas_acquire,
		     tas_release},
    [VP_LOCK_TTAS] = {"ttas", VP_LOCK_TTAS, sizeof(struct tas_lock), 0,
		      VP_LOCK_PROBE, tas_init, noop_destroy, ttas_acquire,
		      tas_release},
    [VP_LOCK_TICKET] = {"ticket", VP_LOCK_TICKET, sizeof(struct ticket_lock), 0,
			VP_LOCK_PROBE, ticket_init, noop_destroy,
			ticket_acquire, ticket_release},
    [VP_LOCK_MCS] = {"mcs", VP_LOCK_MCS, sizeof(struct mcs_lock),
		     sizeof(struct mcs_node), VP_LOCK_PROBE, mcs_init,
		     noop_destroy, mcs_acquire, mcs_release},
    [VP_LOCK_MUTEX] = {"mutex", VP_LOCK_MUTEX, sizeof(struct mutex_lock), 0,
		       VP_LOCK_PROBE, mutex_init, mutex_destroy, mutex_acquire,
		       mutex_release},
    [VP_LOCK_HYBRID] = {"hybrid", VP_LOCK_HYBRID, sizeof(struct hybrid_lock), 0,
			VP_LOCK_PROBE, hybrid_init, noop_destroy,
			hybrid_acquire, hybrid_release},
};

const struct vp_lock_ops *VP_LOCK_TABLE(enum vp_lock_kind kind)
{
	if ((unsigned)kind >= VP_LOCK_KINDS)
		return NULL;
	return &lock_table[kind];
}

#undef VP_SLOW_BEGIN
#undef VP_SLOW_END
#undef VP_RELEASE_END
