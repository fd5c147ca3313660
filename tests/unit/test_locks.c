/* Lock implementations (both the probed and the plain build): mutual
 * exclusion under contention (the protected counter equals the number of
 * acquisitions), the spin probe timing only contended acquisitions, and the
 * aligned storage helpers. No assertion depends on timing except that a
 * wait behind a holder sleeping 20 ms lasts at least 10 ms. */
#include <criterion/criterion.h>
#include <criterion/parameterized.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "probes/spin.h"
#include "probes/tsc.h"
#include "workloads/locks.h"

struct lock_case {
	enum vp_lock_kind kind;
	int probed;
	unsigned threads;
};

/* FIFO locks (ticket, mcs) hand over in queue order: when threads outnumber
 * the CPUs that are free (8 threads on 2 vCPUs, or 2 threads on a machine
 * busy with other work), each hand-off can wait a whole scheduler slice for
 * the next in line to run, so they get about 1000 acquisitions in all (a few
 * seconds at worst). The others make progress within a slice and get many
 * more, which is what catches a lost update. */
static unsigned acquisitions_per_thread(const struct lock_case *c)
{
	if (c->kind == VP_LOCK_TICKET || c->kind == VP_LOCK_MCS)
		return c->threads == 1 ? 20000 : 1000 / c->threads;
	return c->threads <= 2 ? 50000 : c->threads <= 4 ? 20000 : 5000;
}

struct shared {
	const struct vp_lock_ops *ops;
	void *lock;
	struct vp_lock_data *data;
	char *nodes;
	size_t stride;
	unsigned iters;
	pthread_barrier_t start;
};

struct thread_arg {
	struct shared *s;
	unsigned id;
	struct vp_hist hist;
	uint64_t wait_ns, long_waits;
	uint64_t sink;
};

static void *contender(void *p)
{
	struct thread_arg *a = p;
	struct shared *s = a->s;
	void *node = s->nodes ? s->nodes + a->id * s->stride : NULL;
	struct vp_spin_probe probe;
	vp_hist_reset(&a->hist);
	cr_assert_eq(vp_spin_probe_init_raw(&probe, &a->hist, &a->wait_ns,
					    &a->long_waits),
		     0);
	uint64_t x = a->id + 1;
	pthread_barrier_wait(&s->start);
	for (unsigned i = 0; i < s->iters; i++) {
		s->ops->acquire(s->lock, node, &probe);
		vp_lock_critical(s->data, 8);
		s->ops->release(s->lock, node, &probe);
		x = vp_lock_think(x, 16 + (unsigned)(x & 15));
	}
	a->sink = x;
	return NULL;
}

static struct lock_case cases[VP_LOCK_KINDS * 2 * 4];

ParameterizedTestParameters(locks, mutual_exclusion)
{
	static const unsigned threads[] = {1, 2, 4, 8};
	size_t n = 0;
	for (int k = 0; k < VP_LOCK_KINDS; k++)
		for (int probed = 0; probed < 2; probed++)
			for (size_t t = 0; t < 4; t++)
				cases[n++] = (struct lock_case){
				    (enum vp_lock_kind)k, probed, threads[t]};
	return cr_make_param_array(struct lock_case, cases, n);
}

ParameterizedTest(struct lock_case *c, locks, mutual_exclusion, .timeout = 120)
{
	struct shared s = {0};
	s.ops = c->probed ? vp_lock_ops_probed(c->kind)
			  : vp_lock_ops_plain(c->kind);
	cr_assert_not_null(s.ops);
	cr_assert_eq(s.ops->probed, c->probed);
	void *data = NULL;
	s.lock = vp_lock_alloc(s.ops, sizeof(struct vp_lock_data), &data);
	s.data = data;
	cr_assert_not_null(s.lock);
	s.nodes = vp_lock_nodes_alloc(s.ops, c->threads, &s.stride);
	cr_assert_eq(s.nodes != NULL, s.ops->node_size != 0);
	s.iters = acquisitions_per_thread(c);
	struct vp_lock_params lp = {.spins = 50};
	s.ops->init(s.lock, &lp);
	pthread_barrier_init(&s.start, NULL, c->threads);

	struct thread_arg args[8];
	pthread_t tids[8];
	for (unsigned i = 0; i < c->threads; i++) {
		args[i] = (struct thread_arg){.s = &s, .id = i};
		cr_assert_eq(
		    pthread_create(&tids[i], NULL, contender, &args[i]), 0);
	}
	uint64_t waits = 0;
	for (unsigned i = 0; i < c->threads; i++) {
		pthread_join(tids[i], NULL);
		const struct thread_arg *a = &args[i];
		waits += a->hist.n;
		/* The sum of the recorded waits is the probe's total. */
		cr_expect_eq(a->hist.sum, a->wait_ns, "%s thread %u",
			     s.ops->name, i);
		cr_expect_leq(a->hist.n, (uint64_t)s.iters);
		cr_expect_eq(vp_hist_count_above(&a->hist, 1u << 20) <=
				 a->long_waits,
			     1);
	}
	cr_expect_eq(s.data->counter, (uint64_t)c->threads * s.iters,
		     "%s (%s) with %u threads: counter %llu, expected %llu",
		     s.ops->name, c->probed ? "probed" : "plain", c->threads,
		     (unsigned long long)s.data->counter,
		     (unsigned long long)c->threads * s.iters);
	/* Uncontended acquisitions are never timed; the plain build never
	 * times anything. */
	cr_log_info("%s (%s, %u threads): %llu contended acquisitions timed",
		    s.ops->name, c->probed ? "probed" : "plain", c->threads,
		    (unsigned long long)waits);
	if (c->threads == 1 || !c->probed)
		cr_expect_eq(waits, 0, "%s (%s, %u threads): %llu waits timed",
			     s.ops->name, c->probed ? "probed" : "plain",
			     c->threads, (unsigned long long)waits);
	s.ops->destroy(s.lock);
	pthread_barrier_destroy(&s.start);
	free(s.lock);
	free(s.nodes);
}

/* --- one contended acquisition behind a sleeping holder ------------------ */

struct pair {
	const struct vp_lock_ops *ops;
	void *lock;
	char *nodes;
	size_t stride;
	atomic_int waiter_ready;
	struct vp_hist hist;
	uint64_t wait_ns, long_waits;
	uint64_t n_before_release; /* hist.n while still holding the lock */
};

static void *waiter(void *p)
{
	struct pair *pr = p;
	void *node = pr->nodes ? pr->nodes + pr->stride : NULL;
	struct vp_spin_probe probe;
	vp_hist_reset(&pr->hist);
	vp_spin_probe_init_raw(&probe, &pr->hist, &pr->wait_ns,
			       &pr->long_waits);
	atomic_store(&pr->waiter_ready, 1);
	pr->ops->acquire(pr->lock, node, &probe);
	pr->n_before_release = pr->hist.n;
	pr->ops->release(pr->lock, node, &probe);
	return NULL;
}

static void sleep_ms(long ms)
{
	struct timespec d = {ms / 1000, (ms % 1000) * 1000000L};
	while (nanosleep(&d, &d))
		;
}

struct kind_build {
	enum vp_lock_kind kind;
	int probed;
};

static struct kind_build kinds[VP_LOCK_KINDS * 2];

ParameterizedTestParameters(locks, probe_times_slow_path)
{
	size_t n = 0;
	for (int k = 0; k < VP_LOCK_KINDS; k++)
		for (int probed = 0; probed < 2; probed++)
			kinds[n++] =
			    (struct kind_build){(enum vp_lock_kind)k, probed};
	return cr_make_param_array(struct kind_build, kinds, n);
}

ParameterizedTest(struct kind_build *kb, locks, probe_times_slow_path,
		  .timeout = 30)
{
	if (!vp_tsc_available())
		cr_skip_test("no usable TSC on this CPU");
	struct pair pr = {0};
	pr.ops = kb->probed ? vp_lock_ops_probed(kb->kind)
			    : vp_lock_ops_plain(kb->kind);
	void *data;
	pr.lock = vp_lock_alloc(pr.ops, 64, &data);
	pr.nodes = vp_lock_nodes_alloc(pr.ops, 2, &pr.stride);
	struct vp_lock_params lp = {.spins = 10};
	pr.ops->init(pr.lock, &lp);

	/* The holder passes no probe: its acquisition is not timed. */
	pr.ops->acquire(pr.lock, pr.nodes, NULL);
	pthread_t t;
	cr_assert_eq(pthread_create(&t, NULL, waiter, &pr), 0);
	while (!atomic_load(&pr.waiter_ready))
		sched_yield();
	sleep_ms(20);
	pr.ops->release(pr.lock, pr.nodes, NULL);
	pthread_join(t, NULL);

	if (!kb->probed) {
		cr_expect_eq(pr.hist.n, 0);
		cr_expect_eq(pr.wait_ns, 0);
	} else {
		cr_expect_eq(pr.n_before_release, 0,
			     "the wait is recorded at release, not in the "
			     "critical section");
		cr_expect_eq(pr.hist.n, 1, "%s: %llu waits", pr.ops->name,
			     (unsigned long long)pr.hist.n);
		cr_expect_geq(pr.wait_ns, 10000000ull, "%s waited %llu ns",
			      pr.ops->name, (unsigned long long)pr.wait_ns);
		cr_expect_eq(pr.long_waits, 1);
		cr_expect_eq(pr.hist.max, pr.wait_ns);
	}
	pr.ops->destroy(pr.lock);
	free(pr.lock);
	free(pr.nodes);
}

/* --- names and storage -----------------------------------------------------
 */

Test(locks, kind_names_round_trip)
{
	for (int k = 0; k < VP_LOCK_KINDS; k++) {
		const char *name = vp_lock_kind_name((enum vp_lock_kind)k);
		cr_expect_eq(vp_lock_kind_parse(name), k);
		cr_expect_str_eq(vp_lock_ops_probed((enum vp_lock_kind)k)->name,
				 name);
		cr_expect_str_eq(vp_lock_ops_plain((enum vp_lock_kind)k)->name,
				 name);
	}
	cr_expect_eq(vp_lock_kind_parse("spin"), -1);
	cr_expect_null(vp_lock_ops_probed(VP_LOCK_KINDS));
	cr_expect_null(vp_lock_ops_plain(VP_LOCK_KINDS));
}

Test(locks, storage_is_cache_line_aligned)
{
	for (int k = 0; k < VP_LOCK_KINDS; k++) {
		const struct vp_lock_ops *ops =
		    vp_lock_ops_probed((enum vp_lock_kind)k);
		void *data = NULL;
		char *lock = vp_lock_alloc(ops, 24, &data);
		cr_assert_not_null(lock);
		cr_expect_eq((uintptr_t)lock % VP_CACHE_LINE, 0);
		cr_expect_eq((uintptr_t)data % VP_CACHE_LINE, 0);
		/* The data starts past the lock, on a line of its own. */
		cr_expect_geq((char *)data - lock, (ptrdiff_t)ops->size);
		size_t stride = 0;
		char *nodes = vp_lock_nodes_alloc(ops, 3, &stride);
		if (ops->node_size) {
			cr_assert_not_null(nodes);
			cr_expect_eq((uintptr_t)nodes % VP_CACHE_LINE, 0);
			cr_expect_eq(stride % VP_CACHE_LINE, 0);
			cr_expect_geq(stride, ops->node_size);
		} else {
			cr_expect_null(nodes);
			cr_expect_eq(stride, 0);
		}
		free(lock);
		free(nodes);
	}
}

/* A wait whose end TSC reads below its start (a thread moved to a vCPU with
 * an unsynchronised TSC) is clamped to 0 and counted, not recorded as a
 * wait of ~1.8e19 ns. */
Test(spin_probe, backwards_tsc_is_clamped_and_counted)
{
	struct vp_hist h;
	uint64_t wait_ns = 0, long_waits = 0, backwards = 0;
	struct vp_spin_probe p;
	struct vp_metrics m;

	vp_hist_reset(&h);
	if (vp_spin_probe_init_raw(&p, &h, &wait_ns, &long_waits))
		cr_skip_test("no usable TSC here");
	vp_spin_probe_bind_backwards(&p, &backwards);
	vp_spin_probe_span(&p, 1000000, 999000); /* 1000 ticks backwards */
	vp_spin_probe_flush(&p);
	vp_spin_probe_span(&p, UINT64_MAX - 5, 10); /* wrap: forwards */
	vp_spin_probe_flush(&p);
	vp_spin_probe_span(&p, 5000, 5000 + 1000);
	vp_spin_probe_flush(&p);
	cr_expect_eq(backwards, 1);
	cr_expect_eq(h.n, 3, "every contended acquisition still counts");
	cr_expect_eq(long_waits, 0, "no bogus long wait");
	cr_expect_lt(wait_ns, 1000000ull, "sum %llu ns",
		     (unsigned long long)wait_ns);

	vp_metrics_init(&m);
	vp_spin_metrics_from(&h, wait_ns, long_waits, backwards, 1e9, &m);
	bool found = false;
	for (size_t i = 0; i < m.n; i++)
		if (strcmp(m.v[i].name, "spin_tsc_backwards") == 0) {
			found = true;
			cr_expect_eq(m.v[i].status, VP_STATUS_OK);
			cr_expect_float_eq(m.v[i].value, 1.0, 1e-9);
		} else if (strcmp(m.v[i].name, "spin_wait_max_ns") == 0) {
			cr_expect_lt(m.v[i].value, 1e6, "max %g", m.v[i].value);
		}
	cr_expect(found);
	vp_metrics_free(&m);

	/* Unbound, the probe counts into itself. */
	vp_spin_probe_init_raw(&p, &h, &wait_ns, &long_waits);
	vp_spin_probe_span(&p, 10, 9);
	cr_expect_eq(p.own_backwards, 1);
}
