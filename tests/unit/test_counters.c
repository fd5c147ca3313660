/* Counters probe: spec parsing, fallback to unavailable rows with exact
 * reasons, real software counts from worker threads, and the
 * multiplexing scale-up maths. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/perf_event.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include "probes/counters.h"
#include "probes/counters_internal.h"

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec * 1e-9;
}

/* Burns CPU for `s` seconds, sleeping briefly a few times so the thread
 * really is switched out (voluntary context switches). */
static volatile unsigned long sink;
static void work(double s)
{
	double end = now_s() + s;
	int sleeps = 0;
	while (now_s() < end) {
		for (int i = 0; i < 100000; i++)
			sink += (unsigned long)i * 7;
		if (sleeps < 5) {
			struct timespec d = {0, 1000 * 1000};
			nanosleep(&d, NULL);
			sleeps++;
		}
	}
}

struct worker {
	struct vp_counter_set *set;
	struct vp_thread_counters *tc;
	double busy_s;
	double cpu_ns;	/* the thread's CPU time over the counted window */
	double wall_ns; /* length of that window */
	long switches;	/* its context switches by getrusage */
};

static double thread_cpu_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
	return (double)ts.tv_sec * 1e9 + (double)ts.tv_nsec;
}

static long thread_switches(void)
{
	struct rusage ru;
	getrusage(RUSAGE_THREAD, &ru);
	return ru.ru_nvcsw + ru.ru_nivcsw;
}

static void *worker_main(void *arg)
{
	struct worker *w = arg;
	w->tc = vp_counters_thread_open(w->set);
	long s0 = thread_switches();
	double t0 = now_s(), c0 = thread_cpu_ns();
	vp_counters_thread_start(w->tc);
	work(w->busy_s);
	vp_counters_thread_stop(w->tc);
	w->cpu_ns = thread_cpu_ns() - c0;
	w->wall_ns = (now_s() - t0) * 1e9;
	w->switches = thread_switches() - s0;
	return NULL;
}

/* Totals of the independent measures over the last run_workers call. */
static double ref_cpu_ns, ref_wall_ns;
static long ref_switches;

/* Runs `n` workers and collects their counters into m. */
static void run_workers(struct vp_counter_set *set, size_t n, double busy_s,
			struct vp_metrics *m)
{
	struct worker w[4];
	pthread_t th[4];
	struct vp_thread_counters *tcs[4];
	cr_assert(n <= 4);
	for (size_t i = 0; i < n; i++) {
		w[i] = (struct worker){.set = set, .busy_s = busy_s};
		cr_assert_eq(pthread_create(&th[i], NULL, worker_main, &w[i]),
			     0);
	}
	ref_cpu_ns = ref_wall_ns = 0;
	ref_switches = 0;
	for (size_t i = 0; i < n; i++) {
		pthread_join(th[i], NULL);
		tcs[i] = w[i].tc;
		ref_cpu_ns += w[i].cpu_ns;
		ref_wall_ns += w[i].wall_ns;
		ref_switches += w[i].switches;
	}
	vp_counters_collect(set, tcs, n, m);
}

/* task-clock against independent clocks over the same windows: at least
 * the threads' CPU time (which leaves out IRQ and steal time that perf's
 * task clock keeps), at most their wall time. */
static void expect_task_clock(const char *what, double v)
{
	cr_expect_geq(v, 0.97 * ref_cpu_ns - 1e6,
		      "%s %.0f ns < thread CPU time %.0f ns", what, v,
		      ref_cpu_ns);
	cr_expect_leq(v, ref_wall_ns + 1e6,
		      "%s %.0f ns > thread wall time %.0f ns", what, v,
		      ref_wall_ns);
}

/* Opens hardware cycles directly: 0 when it works, else errno. */
static int cycles_errno(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_HARDWARE;
	a.config = PERF_COUNT_HW_CPU_CYCLES;
	a.disabled = 1;
	a.exclude_hv = 1;
	long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		return errno;
	close((int)fd);
	return 0;
}

/* Whether this process may count kernel-side software events (root, or
 * perf_event_paranoid < 2); if not, the probe must say so rather than
 * report the zeros that user-only counting of context switches gives. */
static int kernel_side_allowed(void)
{
	struct perf_event_attr a;
	memset(&a, 0, sizeof(a));
	a.size = sizeof(a);
	a.type = PERF_TYPE_SOFTWARE;
	a.config = PERF_COUNT_SW_CONTEXT_SWITCHES;
	a.disabled = 1;
	long fd = syscall(SYS_perf_event_open, &a, 0, -1, -1, 0);
	if (fd < 0)
		return !(errno == EACCES || errno == EPERM);
	close((int)fd);
	return 1;
}

struct bad_spec {
	const char *spec;
};

Test(counters, malformed_specs_are_refused)
{
	static const struct bad_spec bad[] = {
	    {""},
	    {","},
	    {"cycles,"},
	    {",cycles"},
	    {"cycles,,task-clock"},
	    {"none,cycles"},
	    {" , "},
	    {"an_event_name_that_is_far_too_long_to_be_any_real_event_name_"
	     "in_libpfm4_or_papi_or_perf_xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx"},
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		struct vp_counter_set *set = (void *)1;
		char err[256] = "";
		int r =
		    vp_counters_resolve(bad[i].spec, &set, err, sizeof(err));
		cr_expect_eq(r, -EINVAL, "spec '%s' gave %d", bad[i].spec, r);
		cr_expect_null(set);
		cr_expect_neq(err[0], '\0', "no message for '%s'", bad[i].spec);
		err[0] = '\0';
		cr_expect_eq(
		    vp_counters_spec_check(bad[i].spec, err, sizeof(err)),
		    -EINVAL, "check of '%s'", bad[i].spec);
		cr_expect_neq(err[0], '\0');
	}
}

Test(counters, good_specs_pass_the_syntax_check)
{
	static const char *const good[] = {"auto",
					   "none",
					   "cycles",
					   "auto,perf::TASK-CLOCK",
					   " task-clock , page_faults ",
					   "no_such_event_is_still_syntax"};
	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		char err[256] = "";
		cr_expect_eq(vp_counters_spec_check(good[i], err, sizeof(err)),
			     0, "'%s': %s", good[i], err);
	}
}

Test(counters, none_yields_no_events_and_no_rows)
{
	struct vp_counter_set *set;
	char err[256];
	cr_assert_eq(vp_counters_resolve("none", &set, err, sizeof(err)), 0);
	cr_expect_eq(vp_counters_count(set), 0);
	struct vp_metrics m;
	vp_metrics_init(&m);
	run_workers(set, 1, 0.01, &m);
	cr_expect_eq(m.n, 0);
	vp_metrics_free(&m);
	vp_counters_free(set);
}

Test(counters, auto_set_has_stable_names_and_statuses)
{
	static const char *const ids[] = {
	    "cycles",	  "instructions",     "cache_misses",	"dtlb_misses",
	    "task_clock", "context_switches", "cpu_migrations", "page_faults",
	};
	struct vp_counter_set *set;
	char err[256];
	cr_assert_eq(vp_counters_resolve("auto", &set, err, sizeof(err)), 0);
	cr_assert_eq(vp_counters_count(set), 8);
	for (size_t i = 0; i < 8; i++) {
		cr_expect_str_eq(vp_counters_event_name(set, i), ids[i]);
		const char *st = vp_counters_event_status(set, i);
		cr_expect(strncmp(st, "available via ", 14) == 0 ||
			      strncmp(st, "unavailable: ", 13) == 0,
			  "%s: %s", ids[i], st);
	}
	/* the software floor is available on every Linux with perf; an
	 * unprivileged process under perf_event_paranoid >= 2 gets user-only
	 * counting, which cannot see switches and migrations */
	const char *restricted[] = {
	    "available via perf_event",
	    "unavailable: needs kernel-side counting, but perf_event_paranoid",
	    "unavailable: needs kernel-side counting, but perf_event_paranoid",
	    "available via perf_event, faults from user mode only",
	};
	int full = kernel_side_allowed();
	for (size_t i = 4; i < 8; i++) {
		const char *st = vp_counters_event_status(set, i);
		if (full)
			cr_expect_str_eq(st, "available via perf_event");
		else
			cr_expect(strncmp(st, restricted[i - 4],
					  strlen(restricted[i - 4])) == 0,
				  "%s: %s", ids[i], st);
	}
	vp_counters_free(set);
}

Test(counters, missing_events_fall_back_with_exact_reasons)
{
	struct vp_counter_set *set;
	char err[256];
	cr_assert_eq(vp_counters_resolve("cycles,bogus_event_xyz,task-clock,"
					 "context-switches,instructions",
					 &set, err, sizeof(err)),
		     0);
	struct vp_metrics m;
	vp_metrics_init(&m);
	run_workers(set, 1, 0.1, &m);
	cr_assert_eq(m.n, 5);

	int ce = cycles_errno();
	const char *hw[] = {"cnt.cycles", "cnt.instructions"};
	for (size_t i = 0; i < 2; i++) {
		const struct vp_metric *c = vp_metrics_find(&m, hw[i]);
		cr_assert_not_null(c);
		if (ce == ENOENT) {
			cr_expect_eq(c->status, VP_STATUS_UNAVAILABLE);
			cr_expect_str_eq(c->note,
					 "no hardware PMU: perf_event_open "
					 "ENOENT");
		} else if (ce == 0) {
			cr_expect_eq(c->status, VP_STATUS_OK, "%s: %s", hw[i],
				     c->note);
			cr_expect_gt(c->value, 0);
		}
	}

	const struct vp_metric *b = vp_metrics_find(&m, "cnt.bogus_event_xyz");
	cr_assert_not_null(b);
	cr_expect_eq(b->status, VP_STATUS_UNAVAILABLE);
#if HAVE_LIBPFM
	cr_expect_str_eq(b->note, "libpfm4: event not found: bogus_event_xyz");
#else
	cr_expect_str_eq(b->note, "built without libpfm4");
#endif

	const struct vp_metric *t = vp_metrics_find(&m, "cnt.task_clock");
	cr_assert_not_null(t);
	cr_expect_eq(t->status, VP_STATUS_OK, "task_clock: %s", t->note);
	cr_expect_str_eq(t->unit, "ns");
	/* task-clock counts the thread's real CPU time */
	cr_expect_gt(t->value, 1e6, "task_clock %.0f ns", t->value);
	expect_task_clock("task_clock", t->value);

	const struct vp_metric *cs =
	    vp_metrics_find(&m, "cnt.context_switches");
	cr_assert_not_null(cs);
	if (!kernel_side_allowed()) {
		cr_expect_eq(cs->status, VP_STATUS_UNAVAILABLE);
		cr_expect(strstr(cs->note, "needs kernel-side counting"), "%s",
			  cs->note);
		goto out;
	}
	cr_expect_eq(cs->status, VP_STATUS_OK, "%s", cs->note);
	cr_expect_geq(cs->value, 5, "5 sleeps, %.0f switches", cs->value);
	/* and agrees with getrusage(RUSAGE_THREAD) over the same window */
	cr_expect_float_eq(cs->value, (double)ref_switches, 2,
			   "perf %.0f switches, rusage %ld", cs->value,
			   ref_switches);
	cr_expect_str_eq(cs->unit, "count");
out:
	vp_metrics_free(&m);
	vp_counters_free(set);
}

Test(counters, workers_are_summed)
{
	struct vp_counter_set *set;
	char err[256];
	cr_assert_eq(vp_counters_resolve("task-clock,page_faults", &set, err,
					 sizeof(err)),
		     0);
	struct vp_metrics m;
	vp_metrics_init(&m);
	run_workers(set, 3, 0.05, &m);
	const struct vp_metric *t = vp_metrics_find(&m, "cnt.task_clock");
	cr_assert_not_null(t);
	cr_expect_eq(t->status, VP_STATUS_OK);
	/* the sum over three threads against their summed clocks */
	expect_task_clock("task_clock", t->value);
	const struct vp_metric *pf = vp_metrics_find(&m, "cnt.page_faults");
	cr_assert_not_null(pf);
	cr_expect_eq(pf->status, VP_STATUS_OK);
	cr_expect_geq(pf->value, 0);
	vp_metrics_free(&m);
	vp_counters_free(set);
}

Test(counters, libpfm_names_and_papi_presets)
{
	struct vp_counter_set *set;
	char err[256];
	cr_assert_eq(vp_counters_resolve("perf::TASK-CLOCK,PAPI_TOT_CYC", &set,
					 err, sizeof(err)),
		     0);
	struct vp_metrics m;
	vp_metrics_init(&m);
	run_workers(set, 1, 0.05, &m);
	const struct vp_metric *t = vp_metrics_find(&m, "cnt.perf__task_clock");
	cr_assert_not_null(t);
#if HAVE_LIBPFM
	cr_expect_eq(t->status, VP_STATUS_OK, "%s", t->note);
	cr_expect_str_eq(t->unit, "ns");
	expect_task_clock("perf::TASK-CLOCK", t->value);
	cr_expect_str_eq(vp_counters_event_status(set, 0),
			 "available via libpfm4 + perf_event");
#else
	cr_expect_str_eq(t->note, "built without libpfm4");
#endif
	const struct vp_metric *p = vp_metrics_find(&m, "cnt.papi_tot_cyc");
	cr_assert_not_null(p);
	if (p->status == VP_STATUS_OK) {
		cr_expect_gt(p->value, 0);
	} else {
		cr_expect_eq(p->status, VP_STATUS_UNAVAILABLE);
		cr_expect(strncmp(p->note, "PAPI", 4) == 0 ||
			      strcmp(p->note, "built without PAPI") == 0,
			  "%s", p->note);
	}
	vp_metrics_free(&m);
	vp_counters_free(set);
}

/* Multiplexed counters: value * enabled / running, with a note. Built by
 * hand because software events are never multiplexed. */
Test(counters, multiplexed_values_are_scaled_with_a_note)
{
	struct vp_cnt_event ev;
	memset(&ev, 0, sizeof(ev));
	snprintf(ev.id, sizeof(ev.id), "cycles");
	snprintf(ev.unit, sizeof(ev.unit), "count");
	ev.source = VP_CNT_PERF;
	struct vp_counter_set set = {.ev = &ev, .n = 1};

	struct {
		uint64_t value, enabled, running;
	} rows[] = {{1000, 100, 48}, {500, 100, 100}};
	struct vp_thread_counters *tcs[2];
	for (size_t i = 0; i < 2; i++) {
		tcs[i] = calloc(1, sizeof(*tcs[i]));
		tcs[i]->set = &set;
		tcs[i]->papi_es = -1;
		tcs[i]->v = calloc(1, sizeof(*tcs[i]->v));
		tcs[i]->v->fd = -1;
		tcs[i]->v->ok = 1;
		tcs[i]->v->value = rows[i].value;
		tcs[i]->v->enabled = rows[i].enabled;
		tcs[i]->v->running = rows[i].running;
	}
	struct vp_metrics m;
	vp_metrics_init(&m);
	vp_counters_collect(&set, tcs, 2, &m);
	cr_assert_eq(m.n, 1);
	cr_expect_eq(m.v[0].status, VP_STATUS_OK);
	cr_expect_float_eq(m.v[0].value, 1000.0 * 100 / 48 + 500, 1e-6);
	cr_expect_str_eq(m.v[0].note, "scaled: running 48% of enabled time");
	cr_expect_null(tcs[0]);

	/* a counter that never ran is unavailable, not zero */
	tcs[0] = calloc(1, sizeof(*tcs[0]));
	tcs[0]->set = &set;
	tcs[0]->v = calloc(1, sizeof(*tcs[0]->v));
	tcs[0]->v->fd = -1;
	tcs[0]->v->ok = 1;
	tcs[0]->v->enabled = 100;
	vp_metrics_clear(&m);
	vp_counters_collect(&set, tcs, 1, &m);
	cr_assert_eq(m.n, 1);
	cr_expect_eq(m.v[0].status, VP_STATUS_UNAVAILABLE);
	cr_expect(strstr(m.v[0].note, "multiplexed") != NULL);
	vp_metrics_free(&m);
}
