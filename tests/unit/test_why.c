/* The "Why" section's decisions on a synthetic run written here: which
 * cells it keeps, the medians it reads, the sentence of each cell
 * (preempted lock holders on an overcommitted vm, thread overcommit on the
 * host, a single thread, KVM counters, a slow wake-up, a missing figure),
 * the chart points paired by repetition, and the HTML with every string
 * escaped. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/html_why.h"
#include "reports/metric_info.h"
#include "reports/summary.h"
#include "reports/why.h"

static char dir[] = "/tmp/vp-why-test.XXXXXX";
static struct vp_run run;
static struct vp_summary sum;
static struct vp_why why;

/* target, kind, accel, vcpus, host_cpus, workload, threads, rep, metric,
 * value ("" = unavailable), unit */
static const char *const rows[][11] = {
    {"host", "host", "none", "2", "2", "lock.ticket", "1", "1", "ops_per_s",
     "1e7", "ops/s"},
    {"host", "host", "none", "2", "2", "lock.ticket", "1", "1", "long_waits",
     "0", "count"},
    {"host", "host", "none", "2", "2", "lock.ticket", "4", "1", "ops_per_s",
     "1e6", "ops/s"},
    {"host", "host", "none", "2", "2", "lock.ticket", "4", "1", "long_waits",
     "10", "count"},
    {"host", "host", "none", "2", "2", "lock.ticket", "4", "1",
     "runq_delay_pct", "30", "%"},
    {"vm4", "vm", "tcg", "4", "2", "lock.ticket", "4", "1", "ops_per_s", "1e5",
     "ops/s"},
    {"vm4", "vm", "tcg", "4", "2", "lock.ticket", "4", "1", "long_waits", "350",
     "count"},
    {"vm4", "vm", "tcg", "4", "2", "lock.ticket", "4", "2", "long_waits", "354",
     "count"},
    {"vm4", "vm", "tcg", "4", "2", "lock.ticket", "4", "1", "vcpu_delay_pct",
     "47", "%"},
    {"vm4", "vm", "tcg", "4", "2", "lock.ticket", "4", "2", "vcpu_delay_pct",
     "49", "%"},
    {"vm4", "vm", "tcg", "4", "2", "lock.ticket", "4", "1", "steal_pct", "0",
     "%"},
    {"vm4", "vm", "tcg", "4", "2", "lock.ticket", "4", "1", "kvm.stats", "",
     "count"},
    {"vm2", "vm", "kvm", "2", "2", "lock.kernel", "2", "1", "long_calls", "0",
     "count"},
    {"vm2", "vm", "kvm", "2", "2", "lock.kernel", "2", "1", "vcpu_delay_pct",
     "2", "%"},
    {"vm2", "vm", "kvm", "2", "2", "lock.kernel", "2", "1", "kvm.exits", "1000",
     "count"},
    {"vm2", "vm", "kvm", "2", "2", "lock.kernel", "2", "1", "kvm.halt_exits",
     "100", "count"},
    {"vm2", "vm", "kvm", "2", "2", "lock.kernel", "2", "1",
     "kvm.directed_yield_attempted", "5", "count"},
    {"vm2", "vm", "kvm", "2", "2", "sched.wake", "2", "1", "wake_p99_ns", "2e6",
     "ns"},
    {"vm2", "vm", "kvm", "2", "2", "sched.wake", "2", "1", "vcpu_delay_pct",
     "1", "%"},
    {"vm2", "vm", "kvm", "2", "2", "lock.tas", "2", "1", "long_waits", "",
     "count"},
    {"vm2", "vm", "kvm", "2", "2", "cpu.int", "2", "1", "ops_per_s", "1e6",
     "ops/s"},
    {"vm2", "vm", "kvm", "2", "2", "lock.<i>x", "2", "1", "long_waits", "3",
     "count"},
    {"host", "host", "none", "2", "2", "lock.tas", "2", "1", "long_waits", "5",
     "count"},
    {"host", "host", "none", "2", "2", "lock.tas", "4", "1", "long_waits", "7",
     "count"},
    {"vm4", "vm", "tcg", "4", "2", "lock.ticket", "8", "1", "long_waits", "20",
     "count"},
    {"vm4", "vm", "tcg", "4", "2", "lock.ticket", "8", "1", "vcpu_delay_pct",
     "60", "%"},
};

static void setup(void)
{
	char path[256], err[512];
	FILE *f;

	cr_assert(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	f = fopen(path, "w");
	cr_assert(f);
	fputs("schema,run_id,target,target_kind,accel,hypervisor,vcpus,"
	      "host_cpus,workload,threads,rep,metric,value,unit,status,note\n",
	      f);
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++) {
		const char *const *r = rows[i];
		bool ok = r[9][0] != '\0';

		fprintf(f,
			"1,why,%s,%s,%s,X,%s,%s,\"%s\",%s,%s,%s,%s,%s,%s,%s\n",
			r[0], r[1], r[2], r[3], r[4], r[5], r[6], r[7], r[8],
			r[9], r[10], ok ? "ok" : "unavailable",
			ok ? "" : "not measured here");
	}
	fclose(f);
	cr_assert_eq(vp_run_load(dir, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_summary_build(&run, 1, NULL, &sum, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(vp_why_build(&sum, &why), 0);
}

static void teardown(void)
{
	char path[256];

	vp_why_free(&why);
	vp_summary_free(&sum);
	vp_run_free(&run);
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	unlink(path);
	rmdir(dir);
}

static const struct vp_why_cell *find(const char *target, const char *wl,
				      int threads)
{
	for (size_t i = 0; i < why.ncells; i++) {
		const struct vp_why_cell *c = &why.cells[i];

		if (!strcmp(sum.targets[c->target].name, target) &&
		    !strcmp(sum.workloads[c->workload], wl) &&
		    c->threads == threads)
			return c;
	}
	cr_assert_fail("no why cell %s %s %d", target, wl, threads);
	return NULL;
}

#define HAS(c, text)                                                           \
	cr_expect(strstr((c)->reading, text), "'%s' not in '%s'", text,        \
		  (c)->reading)

TestSuite(why, .init = setup, .fini = teardown);

Test(why, cells_kept_and_left_out)
{
	cr_expect_eq(why.ncells, 10, "got %zu cells", why.ncells);
	for (size_t i = 0; i < why.ncells; i++)
		cr_expect(
		    strcmp(sum.workloads[why.cells[i].workload], "cpu.int"),
		    "cpu.int is not a lock or wake workload");
	cr_expect_eq(vp_why_kind_of("lock.kernel"), VP_WHY_KERNEL_LOCK);
	cr_expect_eq(vp_why_kind_of("lock.mcs"), VP_WHY_LOCK);
	cr_expect_eq(vp_why_kind_of("sched.wake"), VP_WHY_WAKE);
	cr_expect_eq(vp_why_kind_of("mem.tlb"), -1);
	cr_expect_eq(vp_why_kind_of("locks"), -1);
	cr_expect_eq(vp_metric_direction("vcpu_delay_pct"), VP_DIR_LOWER,
		     "compare flags a rise in vCPU run-queue delay");
}

Test(why, preempted_holders_on_an_overcommitted_vm)
{
	const struct vp_why_cell *c = find("vm4", "lock.ticket", 4);

	cr_expect_float_eq(c->guest, 352, 1e-9, "median of 350 and 354");
	cr_expect_float_eq(c->vcpu_delay, 48, 1e-9);
	cr_expect(c->vcpu_overcommit);
	cr_expect(!c->thread_overcommit, "4 threads on 4 vCPUs");
	cr_expect(isnan(c->kvm_exits), "kvm.stats unavailable is no zero");
	HAS(c, "vm4, 4 threads (overcommitted: 4 vCPUs on 2 host CPUs): 352 "
	       "waits over 1 ms; its vCPU threads waited 48% of the step in "
	       "the host run queue: preempted lock holders/waiters");
}

Test(why, thread_overcommit_and_single_thread_on_the_host)
{
	const struct vp_why_cell *c = find("host", "lock.ticket", 4);

	cr_expect(c->thread_overcommit);
	cr_expect(!c->vm);
	HAS(c, "host, 4 threads (overcommitted: on 2 CPUs): 10 waits over 1 "
	       "ms; its threads waited 30% in the run queue: more threads than "
	       "CPUs, so the scheduler preempts");
	cr_expect(!strstr(c->reading, "vCPU"), "%s", c->reading);
	c = find("host", "lock.ticket", 1);
	HAS(c, "no wait over 1 ms");
	HAS(c, "a single thread has no one to wait for");
}

/* Without the scheduler's view the reading does not claim "no
 * preemption"; both kinds of overcommit are stated together. */
Test(why, blind_cells_and_double_overcommit)
{
	const struct vp_why_cell *c = find("host", "lock.tas", 2);

	HAS(c, "host, 2 threads: 5 waits over 1 ms: run-queue delay not "
	       "measured, so preemption cannot be told from contention");
	c = find("host", "lock.tas", 4);
	HAS(c, "more threads than CPUs, so the scheduler must preempt lock "
	       "holders/waiters (run-queue delay not measured)");
	c = find("vm4", "lock.ticket", 8);
	HAS(c, "vm4, 8 threads (overcommitted: on 4 vCPUs on 2 host CPUs): 20 "
	       "waits over 1 ms; its vCPU threads waited 60% of the step in "
	       "the host run queue: preempted lock holders/waiters");
}

Test(why, kernel_lock_with_kvm_counters)
{
	const struct vp_why_cell *c = find("vm2", "lock.kernel", 2);

	cr_expect_str_eq(c->guest_metric, "long_calls");
	HAS(c, "no call over 1 ms");
	HAS(c, "waited 2.0% of the step");
	HAS(c, "KVM counted 1000 exits, 100 halt exits, 5 directed-yield "
	       "attempts");
	HAS(c, "no sign of lock-holder preemption");
	cr_expect(!strstr(c->reading, "("), "no overcommit: %s", c->reading);
}

Test(why, slow_wake_up_and_missing_figure)
{
	const struct vp_why_cell *c = find("vm2", "sched.wake", 2);

	HAS(c, "wake-up p99 2 ms");
	HAS(c, "slow wake-ups without measured run-queue delay");
	c = find("vm2", "lock.tas", 2);
	cr_expect(isnan(c->guest));
	HAS(c, "waits over 1 ms not measured");
	HAS(c, "no host view of its vCPU threads");
	HAS(c, "nothing to explain without the guest figure");
}

Test(why, chart_points_pair_repetitions)
{
	size_t n = 0;

	for (size_t i = 0; i < why.npoints; i++) {
		const struct vp_why_point *p = &why.points[i];

		if (strcmp(sum.targets[p->target].name, "vm4"))
			continue;
		n++;
		if (p->threads == 8)
			continue;
		cr_expect_float_eq(p->longs, p->rep == 1 ? 350 : 354, 1e-9);
		cr_expect_float_eq(p->delay, p->rep == 1 ? 47 : 49, 1e-9);
	}
	cr_expect_eq(n, 3, "vm4: 4 threads x 2 reps, 8 threads x 1");
	cr_expect_eq(why.npoints, 4, "and vm2 lock.kernel x 1, got %zu",
		     why.npoints);
}

Test(why, html_escapes_and_states_overcommit)
{
	char *buf = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&buf, &len);

	vp_html_why(&sum, f);
	fclose(f);
	cr_expect(strstr(buf, "id=\"why\""));
	cr_expect(!strstr(buf, "<i>"), "unescaped workload name");
	cr_expect(strstr(buf, "lock.&lt;i&gt;x"));
	cr_expect(strstr(buf, "4 vCPUs / 2 host CPUs"));
	cr_expect(strstr(buf, "4 threads / 2 CPUs"));
	cr_expect(strstr(buf, "<svg"), "the chart is drawn");
	cr_expect(strstr(buf, "vm4 lock.ticket, 4 threads, rep 2: 49, 354"),
		  "hover text of a point");
	free(buf);
}

/* The pooled tail is in the reading, and a p99.9 over 1 ms reads as long
 * calls where their count was not measured: with the host run-queue delay
 * it is preemption. */
Test(why, tail_read_with_vcpu_delay)
{
	struct vp_why_cell c = {.kind = VP_WHY_KERNEL_LOCK,
				.threads = 4,
				.guest = NAN,
				.vcpu_delay = 40,
				.runq_delay = NAN,
				.steal = NAN,
				.kvm_exits = NAN,
				.cpus = 4,
				.host_cpus = 2,
				.vm = true,
				.vcpu_overcommit = true,
				.p999 = 2.5e6,
				.p9999 = 2.5e7,
				.tail_n = 1e6};

	vp_why_read(&c, "vm4");
	HAS(&c, "(p99.9 2.5 ms, p99.99 25 ms of 1000000 samples)");
	HAS(&c, "preempted lock holders/waiters");
	c.p999 = 30e3; /* a short tail: nothing to read without the count */
	c.p9999 = NAN;
	vp_why_read(&c, "vm4");
	HAS(&c, "(p99.9 30 µs of 1000000 samples)");
	HAS(&c, "guest figure to explain is missing");
	c.tail_n = 500;
	c.p999 = NAN;
	vp_why_read(&c, "vm4");
	HAS(&c, "(500 samples: too few for p99.9)");
}
