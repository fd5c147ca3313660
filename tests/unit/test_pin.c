/* Pinning: mode names, PU orders on synthetic hwloc topologies (compact
 * fills a core first, scatter spreads over packages and cores), and real
 * pinning here checked with sched_getcpu. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probes/pin.h"
#include "probes/topo.h"

Test(pin, mode_names_round_trip)
{
	static const struct {
		const char *s;
		int ok;
		enum vp_pin_mode m;
	} cases[] = {
	    {"none", 1, VP_PIN_NONE},	    {"compact", 1, VP_PIN_COMPACT},
	    {"scatter", 1, VP_PIN_SCATTER}, {"Compact", 0, VP_PIN_NONE},
	    {"", 0, VP_PIN_NONE},	    {"spread", 0, VP_PIN_NONE}};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		enum vp_pin_mode m = VP_PIN_NONE;
		int r = vp_pin_mode_parse(cases[i].s, &m);
		if (!cases[i].ok) {
			cr_expect_eq(r, -EINVAL, "'%s'", cases[i].s);
			continue;
		}
		cr_expect_eq(r, 0);
		cr_expect_eq(m, cases[i].m);
		cr_expect_str_eq(vp_pin_mode_name(m), cases[i].s);
	}
}

#if HAVE_HWLOC
struct order_case {
	const char *synthetic;
	const char *allowed; /* hwloc list syntax, NULL = all */
	unsigned n;
	int compact[8], scatter[8];
};

Test(pin, orders_on_synthetic_topologies)
{
	static const struct order_case cases[] = {
	    /* 2 packages x 2 cores x 2 PUs; OS indices follow topology */
	    {"pack:2 core:2 pu:2",
	     NULL,
	     8,
	     {0, 1, 2, 3, 4, 5, 6, 7},
	     {0, 4, 2, 6, 1, 5, 3, 7}},
	    /* one package, 4 cores without SMT */
	    {"pack:1 core:4 pu:1", NULL, 4, {0, 1, 2, 3}, {0, 1, 2, 3}},
	    /* 1 package x 2 cores x 2 PUs: scatter uses both cores first */
	    {"pack:1 core:2 pu:2", NULL, 4, {0, 1, 2, 3}, {0, 2, 1, 3}},
	    /* affinity excludes PUs 0 and 4: orders skip them */
	    {"pack:2 core:2 pu:2",
	     "1-3,5-7",
	     6,
	     {1, 2, 3, 5, 6, 7},
	     {1, 5, 2, 6, 3, 7}},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct order_case *c = &cases[i];
		hwloc_topology_t t;
		cr_assert_eq(hwloc_topology_init(&t), 0);
		cr_assert_eq(hwloc_topology_set_synthetic(t, c->synthetic), 0);
		cr_assert_eq(hwloc_topology_load(t), 0);
		hwloc_bitmap_t allowed = NULL;
		if (c->allowed) {
			allowed = hwloc_bitmap_alloc();
			hwloc_bitmap_list_sscanf(allowed, c->allowed);
		}
		int compact[8], scatter[8];
		unsigned n = 0;
		cr_assert_eq(
		    vp_topo_pu_orders(t, allowed, compact, scatter, &n), 0);
		cr_expect_eq(n, c->n, "%s: %u PUs", c->synthetic, n);
		for (unsigned k = 0; k < n && k < c->n; k++) {
			cr_expect_eq(compact[k], c->compact[k],
				     "%s compact[%u]=%d", c->synthetic, k,
				     compact[k]);
			cr_expect_eq(scatter[k], c->scatter[k],
				     "%s scatter[%u]=%d", c->synthetic, k,
				     scatter[k]);
		}
		hwloc_bitmap_free(allowed);
		hwloc_topology_destroy(t);
	}
}
#endif

struct pin_result {
	enum vp_pin_mode mode;
	unsigned index, count;
	int ret, where, cpu;
	char err[256];
};

static void *pin_thread(void *arg)
{
	struct pin_result *r = arg;
	r->ret = vp_pin_current_thread(r->mode, r->index, r->count, &r->where,
				       r->err, sizeof(r->err));
	/* give the scheduler a chance to move us if the bind did not hold */
	sched_yield();
	r->cpu = sched_getcpu();
	return NULL;
}

static void pin_in_thread(struct pin_result *r)
{
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, pin_thread, r), 0);
	pthread_join(th, NULL);
}

Test(pin, pinned_threads_run_where_they_were_put)
{
	unsigned n = vp_cpus_available();
	cr_assert_geq(n, 1);
	cpu_set_t mask;
	cr_assert_eq(sched_getaffinity(0, sizeof(mask), &mask), 0);
	const enum vp_pin_mode modes[] = {VP_PIN_COMPACT, VP_PIN_SCATTER};
	for (size_t m = 0; m < 2; m++) {
		int first = -1;
		int seen[CPU_SETSIZE] = {0};
		/* one more thread than PUs: the last wraps around */
		for (unsigned i = 0; i <= n; i++) {
			struct pin_result r = {
			    .mode = modes[m], .index = i, .count = n + 1};
			pin_in_thread(&r);
#if !HAVE_HWLOC
			cr_expect_eq(r.ret, -ENOTSUP);
			cr_expect_str_eq(r.err, "built without hwloc");
			return;
#endif
			cr_assert_eq(r.ret, 0, "%s: %s",
				     vp_pin_mode_name(modes[m]), r.err);
			cr_assert_geq(r.where, 0);
			cr_expect(CPU_ISSET((unsigned)r.where, &mask),
				  "PU %d not allowed", r.where);
			cr_expect_eq(r.cpu, r.where, "%s #%u: on %d, put on %d",
				     vp_pin_mode_name(modes[m]), i, r.cpu,
				     r.where);
			if (i == 0)
				first = r.where;
			if (i < n) {
				cr_expect_eq(seen[r.where], 0,
					     "PU %d used twice before wrap",
					     r.where);
				seen[r.where] = 1;
			} else {
				cr_expect_eq(r.where, first, "no wrap");
			}
		}
	}
}

Test(pin, none_is_a_no_op)
{
	struct pin_result r = {.mode = VP_PIN_NONE, .count = 1};
	pin_in_thread(&r);
	cr_expect_eq(r.ret, 0);
	cr_expect_eq(r.where, -1);
}

static void *spin_until(void *arg)
{
	volatile int *stop = arg;
	while (!*stop)
		sched_yield();
	return NULL;
}

static pid_t gettid_of_new_thread;
static void *report_tid(void *arg)
{
	gettid_of_new_thread = (pid_t)syscall(SYS_gettid);
	return spin_until(arg);
}

Test(pin, pin_tid_binds_another_thread)
{
	volatile int stop = 0;
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, report_tid, (void *)&stop), 0);
	while (!__atomic_load_n(&gettid_of_new_thread, __ATOMIC_SEQ_CST))
		sched_yield();
	cpu_set_t mask;
	sched_getaffinity(0, sizeof(mask), &mask);
	int last = -1;
	for (int i = 0; i < CPU_SETSIZE; i++)
		if (CPU_ISSET(i, &mask))
			last = i;
	char err[256] = "";
	int r =
	    vp_pin_tid(gettid_of_new_thread, (unsigned)last, err, sizeof(err));
	cr_expect_eq(r, 0, "%s", err);
	cpu_set_t got;
	cr_assert_eq(sched_getaffinity(gettid_of_new_thread, sizeof(got), &got),
		     0);
	cr_expect_eq(CPU_COUNT(&got), 1);
	cr_expect(CPU_ISSET(last, &got));
	/* a PU outside the allowed set is refused with a reason */
	r = vp_pin_tid(gettid_of_new_thread, CPU_SETSIZE + 5, err, sizeof(err));
	cr_expect_eq(r, -EINVAL);
	cr_expect(strstr(err, "not in this process's allowed") != NULL, "%s",
		  err);
	stop = 1;
	pthread_join(th, NULL);
}
