/* Host view of vCPU threads: the delay / run / preemption arithmetic over
 * two samples, the reasons when a figure cannot be had (thread gone,
 * schedstat missing or switched off, no interval, counters backwards), and
 * a real sample of this very thread. */
#include <criterion/criterion.h>
#include <errno.h>
#include <string.h>
#include <unistd.h>

#include "runner/targets/vcpu_stats.h"

static const struct vp_metric *get(const struct vp_metrics *m, const char *name)
{
	const struct vp_metric *x = vp_metrics_find(m, name);

	cr_assert(x, "no %s row", name);
	return x;
}

/* Two vCPUs over 0.5 s: waits 0.30 + 0.18 s, runs 0.25 + 0.27 s, 10 + 5
 * involuntary switches. */
static void two_vcpus(struct vp_vcpu_sample *b, struct vp_vcpu_sample *e)
{
	memset(b, 0, sizeof(*b));
	memset(e, 0, sizeof(*e));
	b->n = e->n = 2;
	b->t = 100.0;
	e->t = 100.5;
	b->ss[0] = (struct vp_schedstat){1000000000ULL, 500000000ULL, 10};
	b->ss[1] = (struct vp_schedstat){2000000000ULL, 100000000ULL, 20};
	e->ss[0] = (struct vp_schedstat){1250000000ULL, 800000000ULL, 40};
	e->ss[1] = (struct vp_schedstat){2270000000ULL, 280000000ULL, 50};
	b->cs[0] = (struct vp_ctxsw){100, 7};
	b->cs[1] = (struct vp_ctxsw){200, 3};
	e->cs[0] = (struct vp_ctxsw){140, 17};
	e->cs[1] = (struct vp_ctxsw){260, 8};
}

Test(vcpu_stats, delay_run_and_preemptions)
{
	struct vp_vcpu_sample b, e;
	struct vp_metrics m;

	two_vcpus(&b, &e);
	vp_metrics_init(&m);
	vp_vcpu_delta_metrics(&b, &e, 42, &m);
	cr_assert_eq(m.n, 3);
	cr_expect_eq(get(&m, "vcpu_delay_pct")->status, VP_STATUS_OK);
	cr_expect_float_eq(get(&m, "vcpu_delay_pct")->value, 48.0, 1e-9);
	cr_expect_str_eq(get(&m, "vcpu_delay_pct")->unit, "%");
	cr_expect_float_eq(get(&m, "vcpu_run_pct")->value, 52.0, 1e-9);
	cr_expect_float_eq(get(&m, "vcpu_preemptions")->value, 15.0, 0);
	cr_expect_str_eq(get(&m, "vcpu_preemptions")->unit, "count");
	vp_metrics_free(&m);
}

/* The libvirt target's own statistics give run and delay: the preemption
 * row alone, the same figure, and the reasons in place of a figure. */
Test(vcpu_stats, preemptions_alone)
{
	struct vp_vcpu_sample b, e;
	struct vp_metrics m;

	two_vcpus(&b, &e);
	vp_metrics_init(&m);
	vp_vcpu_preemption_metrics(&b, &e, &m);
	cr_assert_eq(m.n, 1);
	cr_expect_eq(get(&m, "vcpu_preemptions")->status, VP_STATUS_OK);
	cr_expect_float_eq(get(&m, "vcpu_preemptions")->value, 15.0, 0);
	vp_metrics_clear(&m);
	e.t = b.t;
	vp_vcpu_preemption_metrics(&b, &e, &m);
	cr_expect_eq(get(&m, "vcpu_preemptions")->status, VP_STATUS_FAILED);
	cr_expect(strstr(get(&m, "vcpu_preemptions")->note, "no interval"));
	vp_metrics_clear(&m);
	vp_vcpu_preemption_unavailable(&m, "remote libvirt host h1");
	cr_assert_eq(m.n, 1);
	cr_expect_eq(get(&m, "vcpu_preemptions")->status,
		     VP_STATUS_UNAVAILABLE);
	cr_expect_str_eq(get(&m, "vcpu_preemptions")->note,
			 "remote libvirt host h1");
	vp_metrics_free(&m);
}

/* Each broken case: which sample to break and how, the status wanted for
 * delay and preemptions, and words the reason must contain. */
struct broken {
	const char *what;
	void (*breakit)(struct vp_vcpu_sample *b, struct vp_vcpu_sample *e);
	enum vp_status delay, preempt;
	const char *note;
};

static void gone(struct vp_vcpu_sample *b, struct vp_vcpu_sample *e)
{
	(void)b;
	e->ss_err = e->cs_err = -ENOENT;
	e->err_tid = 4711;
}

static void no_schedstat(struct vp_vcpu_sample *b, struct vp_vcpu_sample *e)
{
	b->ss_err = e->ss_err = -ENOENT;
	b->err_tid = e->err_tid = 4711;
}

static void accounting_off(struct vp_vcpu_sample *b, struct vp_vcpu_sample *e)
{
	memset(b->ss, 0, sizeof(b->ss));
	memset(e->ss, 0, sizeof(e->ss));
}

static void no_interval(struct vp_vcpu_sample *b, struct vp_vcpu_sample *e)
{
	e->t = b->t;
}

static void fewer_threads(struct vp_vcpu_sample *b, struct vp_vcpu_sample *e)
{
	(void)b;
	e->n = 1;
}

static void backwards(struct vp_vcpu_sample *b, struct vp_vcpu_sample *e)
{
	e->ss[1].wait_ns = b->ss[1].wait_ns - 1;
	e->cs[0].nonvoluntary = b->cs[0].nonvoluntary - 1;
}

static void no_status(struct vp_vcpu_sample *b, struct vp_vcpu_sample *e)
{
	(void)e;
	b->cs_err = -EACCES;
	b->err_tid = 4711;
}

static const struct broken cases[] = {
    {"thread gone", gone, VP_STATUS_FAILED, VP_STATUS_FAILED, "is gone"},
    {"no schedstat", no_schedstat, VP_STATUS_UNAVAILABLE, VP_STATUS_OK,
     "CONFIG_SCHED_INFO"},
    {"accounting off", accounting_off, VP_STATUS_UNAVAILABLE, VP_STATUS_OK,
     "accounting is off"},
    {"no interval", no_interval, VP_STATUS_FAILED, VP_STATUS_FAILED,
     "no interval"},
    {"fewer threads", fewer_threads, VP_STATUS_FAILED, VP_STATUS_FAILED,
     "1 vCPU threads"},
    {"backwards", backwards, VP_STATUS_FAILED, VP_STATUS_FAILED,
     "went backwards"},
    {"status unreadable", no_status, VP_STATUS_OK, VP_STATUS_FAILED,
     "Permission denied"},
};

Test(vcpu_stats, reasons_instead_of_zeros)
{
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct broken *c = &cases[i];
		struct vp_vcpu_sample b, e;
		struct vp_metrics m;
		const struct vp_metric *d, *p;

		two_vcpus(&b, &e);
		c->breakit(&b, &e);
		vp_metrics_init(&m);
		vp_vcpu_delta_metrics(&b, &e, 42, &m);
		d = get(&m, "vcpu_delay_pct");
		p = get(&m, "vcpu_preemptions");
		cr_expect_eq(d->status, c->delay, "%s: delay status %d (%s)",
			     c->what, d->status, d->note);
		cr_expect_eq(p->status, c->preempt,
			     "%s: preemption status %d (%s)", c->what,
			     p->status, p->note);
		cr_expect_eq(get(&m, "vcpu_run_pct")->status, d->status);
		const char *note =
		    d->status != VP_STATUS_OK ? d->note : p->note;
		cr_expect(strstr(note, c->note), "%s: '%s'", c->what, note);
		for (size_t k = 0; k < m.n; k++)
			if (m.v[k].status != VP_STATUS_OK)
				cr_expect(m.v[k].note[0],
					  "%s: %s without reason", c->what,
					  m.v[k].name);
		vp_metrics_free(&m);
	}
}

Test(vcpu_stats, unavailable_rows_name_the_reason)
{
	struct vp_metrics m;

	vp_metrics_init(&m);
	vp_vcpu_unavailable_metrics(&m, "sampling switched off");
	cr_assert_eq(m.n, 3);
	for (size_t i = 0; i < 3; i++) {
		cr_expect_eq(m.v[i].status, VP_STATUS_UNAVAILABLE);
		cr_expect_str_eq(m.v[i].note, "sampling switched off");
	}
	vp_metrics_free(&m);
}

/* The readers on a live thread: this one, which has certainly run. */
Test(vcpu_stats, sample_of_this_thread)
{
	int tid = (int)gettid();
	struct vp_vcpu_sample b, e;
	struct vp_metrics m;
	volatile unsigned long x = 0;

	if (access("/proc/self/task", R_OK) != 0)
		cr_skip_test("no /proc here");
	vp_vcpu_sample_take(getpid(), &tid, 1, 1.0, &b);
	if (b.ss_err == -ENOENT)
		cr_skip_test("kernel without schedstat (CONFIG_SCHED_INFO)");
	for (unsigned long i = 0; i < 20000000UL; i++)
		x += i;
	vp_vcpu_sample_take(getpid(), &tid, 1, 2.0, &e);
	cr_assert_eq(b.ss_err, 0);
	cr_assert_eq(e.cs_err, 0);
	cr_expect_gt(e.ss[0].run_ns, b.ss[0].run_ns, "the loop ran");
	vp_metrics_init(&m);
	vp_vcpu_delta_metrics(&b, &e, getpid(), &m);
	cr_expect_eq(get(&m, "vcpu_run_pct")->status, VP_STATUS_OK);
	vp_metrics_free(&m);

	/* A thread id that is not in this process. */
	tid = 0x7ffffff0;
	vp_vcpu_sample_take(getpid(), &tid, 1, 3.0, &e);
	cr_expect_eq(e.ss_err, -ENOENT);
	cr_expect_eq(e.cs_err, -ENOENT);
	cr_expect_eq(e.err_tid, tid);
}
