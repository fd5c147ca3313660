/* Where QEMU runs: --vm-cpus lists, vCPU placement in hwloc scatter order
 * from a QMP reply recorded from QEMU 7.2 and an affinity mask (SMT
 * siblings last, unlike "vCPU i on the i-th allowed CPU"), the summary of
 * QEMU's thread affinities from /proc status texts, and the real
 * confinement of a child process. */
#include <criterion/criterion.h>
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "probes/envinfo.h"
#include "probes/pin.h"
#include "probes/topo.h"
#include "runner/targets/host_load.h"
#include "runner/targets/qemu.h"
#include "runner/targets/qmp.h"
#include "runner/targets/vm_internal.h"
#include "test_data.h"

static char *slurp(const char *rel)
{
	return vp_test_slurp("", rel);
}

Test(vm_pin, cpulists)
{
	static const struct {
		const char *in, *out;
		int count;
	} good[] = {{"0", "0", 1},
		    {"0-3", "0-3", 4},
		    {"3,1,2", "1-3", 3},
		    {"0-1,4,6-7", "0-1,4,6-7", 5}};
	static const char *const bad[] = {"",	  "a",	     "1-", "3-1",
					  "1,,2", "0-99999", "-1", "1 2"};
	char err[256], buf[256];
	cpu_set_t set;

	for (size_t i = 0; i < sizeof(good) / sizeof(good[0]); i++) {
		cr_assert_eq(
		    vp_cpulist_parse(good[i].in, &set, err, sizeof(err)), 0,
		    "%s: %s", good[i].in, err);
		cr_expect_eq(CPU_COUNT(&set), good[i].count);
		vp_cpulist_format(&set, buf, sizeof(buf));
		cr_expect_str_eq(buf, good[i].out);
	}
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		cr_expect_eq(vp_cpulist_parse(bad[i], &set, err, sizeof(err)),
			     -EINVAL, "'%s'", bad[i]);
		cr_expect(strstr(err, "e.g. 0-3"), "%s", err);
	}
}

#if HAVE_HWLOC
/* Four vCPUs of a recorded QEMU 7.2 reply on a host of 4 cores x 2 SMT
 * threads whose allowed mask (Cpus_allowed_list of a recorded-format
 * status) is 0-5: the scatter order puts the vCPUs on cores 0, 1, 2 before
 * any sibling; the old rule put vCPU 0 and 1 on the two threads of core 0. */
Test(vm_pin, vcpu_placement_from_qmp_and_mask)
{
	char *reply = slurp("qmp/query-cpus-fast-tcg-4.json");
	const char *status = "Name:\tqemu-system-x86\nCpus_allowed:\t3f\n"
			     "Cpus_allowed_list:\t0-5\n";
	const char *list = strstr(status, "Cpus_allowed_list:") + 19;
	int tids[8] = {0}, pus[8], compact[8], scatter[8];
	char err[256], lst[32];
	hwloc_topology_t t;
	hwloc_bitmap_t allowed = hwloc_bitmap_alloc();
	cpu_set_t set;
	unsigned n = 0;
	struct json_object *js = NULL;
	cr_assert_eq(vp_qmp_parse(reply, strlen(reply), &js, err, sizeof(err)),
		     0, "%s", err);
	size_t nv = vp_qmp_parse_vcpu_threads(js, tids, 8);
	json_object_put(js);

	cr_assert_eq(nv, 4);
	cr_expect_eq(tids[0], 16497);
	cr_expect_eq(tids[3], 16501);
	snprintf(lst, sizeof(lst), "%.*s", (int)strcspn(list, "\n"), list);
	cr_assert_eq(vp_cpulist_parse(lst, &set, err, sizeof(err)), 0);
	for (int c = 0; c < 8; c++)
		if (CPU_ISSET(c, &set))
			hwloc_bitmap_set(allowed, (unsigned)c);
	cr_assert_eq(hwloc_topology_init(&t), 0);
	cr_assert_eq(hwloc_topology_set_synthetic(t, "pack:1 core:4 pu:2"), 0);
	cr_assert_eq(hwloc_topology_load(t), 0);
	cr_assert_eq(vp_topo_pu_orders(t, allowed, compact, scatter, &n), 0);
	cr_assert_eq(n, 6);
	vm_vcpu_pus(nv, scatter, n, pus);
	cr_expect_eq(pus[0], 0);
	cr_expect_eq(pus[1], 2);
	cr_expect_eq(pus[2], 4);
	cr_expect_eq(pus[3], 1, "the first SMT sibling comes last");
	/* More vCPUs than allowed PUs wrap around. */
	vm_vcpu_pus(8, scatter, 6, pus);
	cr_expect_eq(pus[6], 0);
	cr_expect_eq(pus[7], 2);
	vm_vcpu_pus(2, scatter, 0, pus);
	cr_expect_eq(pus[0], -1);
	hwloc_bitmap_free(allowed);
	hwloc_topology_destroy(t);
	free(reply);
}
#endif

Test(vm_pin, affinity_summary)
{
	const char *all_on_0[] = {"Name:\tqemu\nCpus_allowed_list:\t0\n",
				  "Cpus_allowed_list:\t0\nx",
				  "Cpus_allowed_"
				  "list:\t0\n"};
	const char *mixed[] = {
	    "Cpus_allowed_list:\t0-1\n", "Cpus_allowed_list:\t0\n",
	    "Cpus_allowed_list:\t1\n", NULL, "Cpus_allowed_list:\t0-1\n"};
	char buf[256];

	vm_affinity_summary(all_on_0, 3, buf, sizeof(buf));
	cr_expect_str_eq(buf, "3 threads: 3 on 0");
	vm_affinity_summary(mixed, 5, buf, sizeof(buf));
	cr_expect_str_eq(buf,
			 "5 threads: 2 on 0-1, 1 on 0, 1 on 1, 1 unreadable");
}

/* The confinement itself: a child started between vm_confine_begin and
 * vm_confine_end runs on the set; the caller gets its mask back. */
Test(vm_pin, spawn_is_confined)
{
	static struct vp_plan plan;
	int order[1] = {0};
	struct vp_target t = {
	    .plan = &plan, .vm_cpu_order = order, .vm_cpu_n = 1};
	struct vm_affinity saved;
	cpu_set_t before, after;
	int fds[2], status;
	char got[64] = "";
	pid_t pid;

	sched_getaffinity(0, sizeof(before), &before);
	if (!CPU_ISSET(0, &before))
		cr_skip_test("CPU 0 is not in this process's mask");
	cr_assert_eq(pipe(fds), 0);
	vm_confine_begin(&t, &saved);
	pid = fork();
	if (pid == 0) {
		cpu_set_t m;
		char b[64];

		sched_getaffinity(0, sizeof(m), &m);
		vp_cpulist_format(&m, b, sizeof(b));
		if (write(fds[1], b, strlen(b)) < 0)
			_exit(1);
		_exit(0);
	}
	vm_confine_end(&saved);
	close(fds[1]);
	cr_assert_gt(read(fds[0], got, sizeof(got) - 1), 0);
	waitpid(pid, &status, 0);
	close(fds[0]);
	cr_expect_str_eq(got, "0");
	sched_getaffinity(0, sizeof(after), &after);
	cr_expect(CPU_EQUAL(&before, &after), "the caller's mask is back");
}

/* Threads of this process whose Cpus_allowed_list is exactly `list`. */
static int threads_on(const char *list)
{
	char want[64];
	int n = 0;
	DIR *d = opendir("/proc/self/task");
	struct dirent *e;

	cr_assert_not_null(d);
	snprintf(want, sizeof(want), "Cpus_allowed_list:\t%s\n", list);
	while ((e = readdir(d))) {
		char path[300], *text;

		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/self/task/%s/status",
			 e->d_name);
		text = vp_read_text(path, 8192);
		n += text && strstr(text, want);
		free(text);
	}
	closedir(d);
	return n;
}

/* Load threads pinned to the set in order. */
static void *noop(void *a)
{
	return a;
}

Test(vm_pin, host_load_threads_follow_the_set)
{
	int order[1] = {0};
	char err[256];
	struct vp_host_load *l;
	cpu_set_t m;
	pthread_t th;

	sched_getaffinity(0, sizeof(m), &m);
	if (!CPU_ISSET(0, &m))
		cr_skip_test("CPU 0 is not in this process's mask");
	pthread_create(&th, NULL, noop, NULL); /* warm the thread library */
	pthread_join(th, NULL);
	l = vp_host_load_start(2, order, 1, err, sizeof(err));
	cr_assert_not_null(l, "%s", err);
	/* Two more threads of this process, both allowed CPU 0 only. */
	cr_expect_geq(threads_on("0"), 2);
	vp_host_load_stop(l);
	cr_expect_null(vp_host_load_start(0, order, 1, err, sizeof(err)));
}
