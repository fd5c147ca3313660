/* Scheduler accounting probe: schedstat and status parsing of recorded
 * samples (a busy thread on this machine) and hostile inputs (empty,
 * truncated, non-numeric, out of range), and the readers on the calling
 * thread, another thread and a missing file. */
#include <criterion/criterion.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/schedstat.h"
#include "test_data.h"

static void data_path(char *buf, size_t len, const char *name)
{
	snprintf(buf, len, "%s/proc/%s", VP_TEST_DATA, name);
}

static char *slurp(const char *name)
{
	return vp_test_slurp("proc", name);
}

struct sched_case {
	const char *file;
	int ret;
	unsigned long long run, wait, slices;
};

Test(schedstat, parses_recorded_and_hostile_samples)
{
	static const struct sched_case cases[] = {
	    {"schedstat_busy.txt", 0, 307420421ULL, 1473978360ULL, 112},
	    {"schedstat_init.txt", 0, 98412549ULL, 6875319ULL, 378},
	    {"schedstat_no_newline.txt", 0, 1, 2, 3},
	    {"schedstat_off.txt", 0, 0, 0, 0},
	    {"schedstat_max.txt", 0, 18446744073709551615ULL,
	     18446744073709551615ULL, 18446744073709551615ULL},
	    {"schedstat_empty.txt", -EINVAL, 0, 0, 0},
	    {"schedstat_truncated.txt", -EINVAL, 0, 0, 0},
	    {"schedstat_nonnumeric.txt", -EINVAL, 0, 0, 0},
	    {"schedstat_words.txt", -EINVAL, 0, 0, 0},
	    {"schedstat_negative.txt", -EINVAL, 0, 0, 0},
	    {"schedstat_extra.txt", -EINVAL, 0, 0, 0},
	    {"schedstat_huge.txt", -ERANGE, 0, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct sched_case *c = &cases[i];
		char *t = slurp(c->file);
		struct vp_schedstat s = {1, 1, 1};
		cr_expect_eq(vp_schedstat_parse(t, &s), c->ret, "%s", c->file);
		cr_expect_eq(s.run_ns, c->run, "%s run %llu", c->file,
			     s.run_ns);
		cr_expect_eq(s.wait_ns, c->wait, "%s", c->file);
		cr_expect_eq(s.slices, c->slices, "%s", c->file);
		/* the reader gives the same answer as the parser */
		char path[512];
		data_path(path, sizeof(path), c->file);
		cr_expect_eq(vp_schedstat_read(path, &s), c->ret, "%s read",
			     c->file);
		free(t);
	}
}

Test(schedstat, all_zero_reading_means_accounting_off)
{
	struct vp_schedstat off = {0, 0, 0}, on = {1, 0, 0};
	cr_expect(vp_schedstat_is_off(&off));
	cr_expect_not(vp_schedstat_is_off(&on));
	cr_expect(strstr(vp_schedstat_why(-ENODATA), "0 0 0"));
}

struct status_case {
	const char *file;
	int ret;
	unsigned long long vol, invol;
};

Test(schedstat, parses_status_samples)
{
	static const struct status_case cases[] = {
	    {"status_busy.txt", 0, 13, 99},
	    {"status_reordered.txt", 0, 42, 7},
	    {"status_empty.txt", -EINVAL, 0, 0},
	    {"status_truncated.txt", -EINVAL, 0, 0},
	    {"status_no_nonvoluntary.txt", -EINVAL, 0, 0},
	    {"status_nonnumeric.txt", -EINVAL, 0, 0},
	    {"status_huge.txt", -ERANGE, 0, 0},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		const struct status_case *c = &cases[i];
		char *t = slurp(c->file);
		struct vp_ctxsw w = {5, 5};
		cr_expect_eq(vp_taskstatus_parse(t, &w), c->ret, "%s", c->file);
		cr_expect_eq(w.voluntary, c->vol, "%s", c->file);
		cr_expect_eq(w.nonvoluntary, c->invol, "%s", c->file);
		char path[512];
		data_path(path, sizeof(path), c->file);
		cr_expect_eq(vp_taskstatus_read(path, &w), c->ret, "%s read",
			     c->file);
		free(t);
	}
}

Test(schedstat, missing_file_is_enoent_with_a_reason)
{
	struct vp_schedstat s;
	struct vp_ctxsw w;
	cr_expect_eq(vp_schedstat_read("/nonexistent/schedstat", &s), -ENOENT);
	cr_expect_eq(vp_taskstatus_read("/nonexistent/status", &w), -ENOENT);
	cr_expect(strstr(vp_schedstat_why(-ENOENT), "CONFIG_SCHED_INFO"));
	/* a thread id that cannot exist in this process */
	cr_expect_eq(vp_schedstat_read_task(getpid(), 0x7ffffff0, &s), -ENOENT);
}

static void skip_without_schedstat(void)
{
	if (access("/proc/self/schedstat", R_OK) != 0)
		cr_skip_test("no /proc/self/schedstat here: %s",
			     vp_schedstat_why(-ENOENT));
}

static void *spin_thread(void *arg)
{
	struct vp_schedstat *out = arg;
	volatile unsigned long x = 0;
	for (unsigned long i = 0; i < 20000000UL; i++)
		x += i;
	cr_assert_eq(vp_schedstat_read_self(out), 0);
	return NULL;
}

Test(schedstat, reads_the_calling_thread_and_others)
{
	skip_without_schedstat();
	struct vp_schedstat a, b, t;
	struct vp_ctxsw w;
	cr_assert_eq(vp_schedstat_read_self(&a), 0);
	cr_assert_eq(vp_taskstatus_read_self(&w), 0);
	cr_assert_eq(vp_schedstat_read_task(getpid(), gettid(), &b), 0);
	cr_expect_geq(b.run_ns, a.run_ns, "time on CPU went backwards");
	cr_expect_gt(b.slices, 0);
	/* a worker's own reading is its own: it spun ~20 M iterations, the
	 * main thread's run time is not in it */
	pthread_t th;
	cr_assert_eq(pthread_create(&th, NULL, spin_thread, &t), 0);
	pthread_join(th, NULL);
	cr_expect_gt(t.run_ns, 1000000ULL, "spinning thread ran %llu ns",
		     t.run_ns);
	cr_expect_not(vp_schedstat_is_off(&t));
}
