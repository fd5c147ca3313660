/* The io.* engine options and the io_uring engine: -O engine/qd rules
 * (qd > 1 only with io_uring, bounds, buffer limit), the reasons given
 * when io_uring is missing, a seccomp-denied io_uring turning into
 * unavailable (not failed) setup. Real runs at queue depth are in
 * test_io.c with the psync ones. */
#include <criterion/criterion.h>
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "probes/io_uring_probe.h"
#include "workloads/io_scratch.h"
#include "workloads/team.h"
#include "workloads/workload.h"

static char errbuf[1024];

static struct vp_io_opts opts(const char *engine, const char *qd)
{
	struct vp_io_opts o;
	cr_assert_eq(vp_options_defaults(vp_io_options, &o, sizeof(o), errbuf,
					 sizeof(errbuf)),
		     0, "%s", errbuf);
	cr_assert_eq(vp_option_set(vp_options_find(vp_io_options, "engine"), &o,
				   engine, errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	cr_assert_eq(vp_option_set(vp_options_find(vp_io_options, "qd"), &o, qd,
				   errbuf, sizeof(errbuf)),
		     0, "%s", errbuf);
	return o;
}

Test(io_engine, defaults_are_psync_at_depth_one)
{
	struct vp_io_opts o;
	cr_assert_eq(vp_options_defaults(vp_io_options, &o, sizeof(o), errbuf,
					 sizeof(errbuf)),
		     0);
	cr_expect_str_eq(o.engine, "psync");
	cr_expect_eq(o.qd, 1);
	cr_expect_eq(vp_io_check_opts(&o, errbuf, sizeof(errbuf)), 0);
}

Test(io_engine, option_validation)
{
	static const struct {
		const char *engine, *qd, *bs;
		int rc;
		const char *want; /* in the message when rc != 0 */
	} cases[] = {
	    {"psync", "1", "4k", 0, NULL},
	    {"io_uring", "1", "4k", 0, NULL},
	    {"io_uring", "32", "4k", 0, NULL},
	    {"io_uring", "1024", "256k", 0, NULL},
	    {"psync", "2", "4k", -EINVAL, "qd=2 needs engine=io_uring"},
	    {"psync", "32", "4k", -EINVAL, "one I/O in flight per thread"},
	    {"io_uring", "1024", "1M", -EINVAL, "over the limit of 256 MiB"},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		struct vp_io_opts o = opts(cases[i].engine, cases[i].qd);
		cr_assert_eq(vp_option_set(vp_options_find(vp_io_options, "bs"),
					   &o, cases[i].bs, errbuf,
					   sizeof(errbuf)),
			     0);
		errbuf[0] = '\0';
		int rc = vp_io_check_opts(&o, errbuf, sizeof(errbuf));
		cr_expect_eq(rc, cases[i].rc, "engine=%s qd=%s bs=%s: %d %s",
			     cases[i].engine, cases[i].qd, cases[i].bs, rc,
			     errbuf);
		if (cases[i].want)
			cr_expect(strstr(errbuf, cases[i].want), "%s", errbuf);
	}
	/* Bounds and choices come from the option table. */
	struct vp_io_opts o = opts("psync", "1");
	const struct vp_option *qd = vp_options_find(vp_io_options, "qd");
	const struct vp_option *eng = vp_options_find(vp_io_options, "engine");
	cr_expect_neq(vp_option_set(qd, &o, "0", errbuf, sizeof(errbuf)), 0);
	cr_expect(strstr(errbuf, "1 .. 1024"), "%s", errbuf);
	cr_expect_neq(vp_option_set(qd, &o, "1025", errbuf, sizeof(errbuf)), 0);
	cr_expect_neq(vp_option_set(eng, &o, "libaio", errbuf, sizeof(errbuf)),
		      0);
	cr_expect(strstr(errbuf, "psync|io_uring"), "%s", errbuf);
	/* submit=batch is an io_uring way of submitting. */
	const struct vp_option *sub = vp_options_find(vp_io_options, "submit");
	cr_expect_str_eq(o.submit, "each");
	cr_assert_eq(vp_option_set(sub, &o, "batch", errbuf, sizeof(errbuf)),
		     0);
	cr_expect_eq(vp_io_check_opts(&o, errbuf, sizeof(errbuf)), -EINVAL);
	cr_expect(strstr(errbuf, "submit=batch needs engine=io_uring"), "%s",
		  errbuf);
	cr_assert_eq(vp_option_set(eng, &o, "io_uring", errbuf, sizeof(errbuf)),
		     0);
	cr_expect_eq(vp_io_check_opts(&o, errbuf, sizeof(errbuf)), 0, "%s",
		     errbuf);
}

Test(io_engine, reasons_name_the_cause)
{
	static const struct {
		int e, disabled;
		const char *want;
	} cases[] = {
	    {ENOSYS, -1, "the kernel has no io_uring"},
	    {EPERM, 2, "io_uring_disabled sysctl"},
	    {EPERM, 2, "kernel.io_uring_disabled=2"},
	    {EPERM, 0, "seccomp"},
	    {EPERM, -1, "Operation not permitted"},
	    {ENOMEM, 0, "RLIMIT_MEMLOCK"},
	    {EINVAL, 0, "io_uring_queue_init: Invalid argument"},
	};
	char why[512];
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		vp_io_uring_why("io_uring_queue_init", cases[i].e,
				cases[i].disabled, why, sizeof(why));
		cr_expect(strstr(why, cases[i].want), "%d/%d: %s", cases[i].e,
			  cases[i].disabled, why);
	}
}

/* Makes io_uring_setup fail with EPERM in this (forked) test process only,
 * as a container's seccomp profile does. */
static void deny_io_uring(void)
{
	struct sock_filter f[] = {
	    BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
		     offsetof(struct seccomp_data, nr)),
	    BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, __NR_io_uring_setup, 0, 1),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | EPERM),
	    BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = {.len = sizeof(f) / sizeof(f[0]), .filter = f};
	cr_assert_eq(prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0), 0);
	cr_assert_eq(prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &prog), 0,
		     "seccomp: %s", strerror(errno));
}

Test(io_engine, denied_io_uring_is_unavailable_with_the_reason)
{
	char why[512], tmpdir[] = "/var/tmp/vpbench-test-ring.XXXXXX";
	cr_assert_not_null(mkdtemp(tmpdir), "mkdtemp: %s", strerror(errno));
	deny_io_uring();
	cr_assert_eq(vp_io_uring_probe(why, sizeof(why)), -EPERM, "%s", why);
	cr_expect(strstr(why, "Operation not permitted"), "%s", why);

	const struct vp_workload *wl = vp_workload_find("io.randread");
	struct vp_io_opts o = opts("io_uring", "8");
	struct vp_workload_ctx ctx = {
	    .opts = &o, .max_threads = 1, .scratch_dir = tmpdir};
	void *state = NULL;
	int rc = wl->setup(&ctx, &state, errbuf, sizeof(errbuf));
	/* -EOPNOTSUPP: the agent writes unavailable rows, not failed. */
	cr_assert_eq(rc, -EOPNOTSUPP, "rc %d: %s", rc, errbuf);
	cr_expect(strstr(errbuf, "engine=io_uring"), "%s", errbuf);
#if HAVE_LIBURING
	cr_expect(strstr(errbuf, "io_uring_queue_init: Operation not "
				 "permitted"),
		  "%s", errbuf);
#else
	cr_expect(strstr(errbuf, "built without liburing"), "%s", errbuf);
#endif
	cr_expect_null(state);
	/* psync is untouched by the filter. */
	o = opts("psync", "1");
	o.size = 1 << 20;
	cr_assert_eq(wl->setup(&ctx, &state, errbuf, sizeof(errbuf)), 0, "%s",
		     errbuf);
	wl->teardown(state);
	cr_expect_eq(rmdir(tmpdir), 0, "teardown removed its scratch file");
}
