/* Summary cells of the hand-made fixture runs: the figures follow from the
 * fixture's construction (three reps at base x (1, 1.01, 0.99): mean = base,
 * sd = 1% of base); CI bounds precomputed with python3. */
#include <criterion/criterion.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/hist_pool.h"
#include "reports/summary.h"

#define NEAR(got, want, tol)                                                   \
	cr_assert(fabs((got) - (want)) <= (tol), "%s = %.10g, want %.10g",     \
		  #got, (double)(got), (double)(want))

static struct vp_run runs[2];
static struct vp_summary sum;

static void load(size_t n, const char *const *names, const char *baseline,
		 int rc_want)
{
	char err[1024], path[512];
	for (size_t i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/runs/%s", VP_TEST_DATA,
			 names[i]);
		cr_assert_eq(vp_run_load(path, &runs[i], err, sizeof(err)), 0,
			     "%s", err);
	}
	int rc = vp_summary_build(runs, n, baseline, &sum, err, sizeof(err));
	cr_assert_eq(rc, rc_want, "rc %d: %s", rc, err);
	if (rc)
		cr_assert(strstr(err, "targets: host, vm1, vm2"), "%s", err);
}

static void unload(void)
{
	vp_summary_free(&sum);
	for (size_t i = 0; i < 2; i++)
		vp_run_free(&runs[i]);
}

static size_t target(const char *label)
{
	for (size_t i = 0; i < sum.ntargets; i++)
		if (!strcmp(sum.targets[i].label, label))
			return i;
	cr_assert_fail("no target %s", label);
	return 0;
}

static const struct vp_cell *cell(const char *t, const char *wl, int th,
				  const char *m)
{
	long i = vp_summary_find(&sum, target(t), wl, th, m);
	cr_assert_geq(i, 0, "no cell %s %s %d %s", t, wl, th, m);
	return &sum.cells[i];
}

static const char *const basic[] = {"basic"};

Test(summary, descriptive_figures, .fini = unload)
{
	load(1, basic, NULL, 0);
	cr_assert_eq(sum.ntargets, 3);
	const struct vp_cell *c = cell("host", "cpu.int", 1, "ops_per_s");
	cr_assert_eq(c->d.n, 3);
	NEAR(c->d.mean, 1e6, 1e-6);
	NEAR(c->d.median, 1e6, 0);
	NEAR(c->d.sd, 1e4, 1e-6);
	NEAR(c->d.cv, 0.01, 1e-12);
	NEAR(c->d.min, 0.99e6, 1e-6);
	NEAR(c->d.ci_hi, 1024841.3771184376, 1e-3);
	cr_assert(isnan(c->ratio), "the baseline has no ratio to itself");
	cr_assert_eq(sum.targets[target("host")].baseline, -1);
	cr_assert_eq(sum.targets[target("vm1")].baseline, (long)target("host"));
}

Test(summary, ratio_and_ci, .fini = unload)
{
	load(1, basic, NULL, 0);
	const struct vp_cell *c = cell("vm2", "cpu.int", 1, "ops_per_s");
	/* 0.3 x host; equal relative spread on both sides -> df = 4. */
	NEAR(c->ratio, 0.3, 1e-12);
	NEAR(c->ratio_lo, 0.2932756334, 1e-9);
	NEAR(c->ratio_hi, 0.3068785461, 1e-9);
}

Test(summary, scaling_efficiency, .fini = unload)
{
	load(1, basic, NULL, 0);
	NEAR(cell("host", "cpu.int", 2, "ops_per_s")->eff, 0.95, 1e-12);
	NEAR(cell("vm1", "cpu.int", 2, "ops_per_s")->eff, 0.5, 1e-12);
	NEAR(cell("host", "io.randread", 2, "iops")->eff, 0.86, 1e-12);
	cr_assert(isnan(cell("host", "cpu.int", 1, "ops_per_s")->eff));
	cr_assert(isnan(cell("host", "cpu.int", 2, "wall_s")->eff));
}

Test(summary, unavailable_and_failed_are_not_averaged, .fini = unload)
{
	load(1, basic, NULL, 0);
	const struct vp_cell *c = cell("vm1", "io.randread", 2, "iops");
	cr_assert_eq(c->d.n, 2);
	cr_assert_eq(c->n_failed, 1);
	cr_assert_str_eq(c->reason, "guest I/O timed out after 30 s");
	NEAR(c->d.mean, 14500 * 0.3 * 1.005, 1e-6);
	c = cell("host", "lock.tas", 1, "cnt.cycles");
	cr_assert_eq(c->d.n, 0);
	cr_assert_eq(c->n_unavail, 3);
	cr_assert(strstr(c->reason, "no hardware PMU"));
	cr_assert(isnan(c->ratio));
	cr_assert(
	    cell("host", "lock.tas", 2, "spin_wait_bucket_le_64")->bucket);
}

Test(summary, noisy_cell_cv, .fini = unload)
{
	load(1, basic, NULL, 0);
	NEAR(cell("vm2", "cpu.int", 2, "ops_per_s")->d.cv, 0.10, 1e-12);
}

Test(summary, explicit_and_unknown_baseline, .fini = unload)
{
	load(1, basic, "vm1", 0);
	NEAR(cell("vm2", "cpu.int", 1, "ops_per_s")->ratio, 1.0, 1e-12);
	NEAR(cell("host", "cpu.int", 1, "ops_per_s")->ratio, 1 / 0.3, 1e-9);
	vp_summary_free(&sum);
	char err[512];
	cr_assert_eq(vp_summary_build(runs, 1, "vm9", &sum, err, sizeof(err)),
		     -EINVAL);
	cr_assert(strstr(err, "'vm9'") && strstr(err, "host, vm1, vm2"), "%s",
		  err);
}

Test(summary, merged_runs, .fini = unload)
{
	static const char *const two[] = {"basic", "shifted"};
	load(2, two, NULL, 0);
	cr_assert_eq(sum.ntargets, 6);
	/* Per-run baseline: shifted/vm2 against shifted/host. */
	cr_assert_eq(sum.targets[target("shifted/vm2")].baseline,
		     (long)target("shifted/host"));
	NEAR(cell("shifted/vm2", "lock.tas", 1, "ops_per_s")->ratio, 0.24,
	     1e-12);
	vp_summary_free(&sum);
	char err[512];
	cr_assert_eq(
	    vp_summary_build(runs, 2, "basic/host", &sum, err, sizeof(err)), 0,
	    "%s", err);
	cr_assert_eq(sum.targets[target("shifted/host")].baseline,
		     (long)target("basic/host"));
	NEAR(cell("shifted/host", "cpu.int", 1, "ops_per_s")->ratio, 1.1,
	     1e-12);
}

Test(summary, csv_written, .fini = unload)
{
	load(1, basic, NULL, 0);
	char path[] = "/tmp/vp_summary_XXXXXX", err[512];
	int fd = mkstemp(path);
	cr_assert_geq(fd, 0);
	close(fd);
	cr_assert_eq(vp_summary_write_csv(&sum, path, err, sizeof(err)), 0,
		     "%s", err);
	FILE *f = fopen(path, "r");
	char line[2048];
	size_t n = 0, nonbucket = 0;
	bool found = false, pooled = false;
	cr_assert_not_null(fgets(line, sizeof(line), f));
	cr_assert(!strncmp(line, "run,target,target_kind,", 23));
	while (fgets(line, sizeof(line), f)) {
		n++;
		if (strstr(line, "vm2,vm,tcg,TCG,2,cpu.int,1,ops_per_s,ops/s,3,"
				 "0,0,300000,300000,"))
			found = strstr(line, ",host,0.3,0.29327563") != NULL;
		cr_assert(!strstr(line, "_bucket_le_"), "%s", line);
		/* the reps' buckets summed, and said to be coarse */
		if (strstr(line, "lock.tas,2,pooled_spin_wait_p50_ns,ns,3,"))
			pooled = strstr(line, "power-of-two buckets") != NULL;
	}
	fclose(f);
	unlink(path);
	for (size_t i = 0; i < sum.ncells; i++)
		nonbucket += !sum.cells[i].bucket;
	cr_assert_eq(n, nonbucket + sum.npools * (VP_HIST_NQ + 1));
	cr_assert(found, "vm2 cpu.int row with its ratio to host");
	cr_assert(pooled, "host lock.tas pooled p50 from schema 1 buckets");
}

Test(summary, same_folder_name_twice, .fini = unload)
{
	static const char *const two[] = {"basic", "basic"};
	load(2, two, NULL, 0);
	cr_assert_eq(sum.ntargets, 6);
	target("basic#1/vm2");
	cr_assert_eq(sum.targets[target("basic#2/vm2")].baseline,
		     (long)target("basic#2/host"));
}

/* Labels from env.csv when runs merge (issue 10 section 1, issue 9): the
 * degenerate fixture's host target says hostname=benchbox, basic records
 * no host name (its folder name stands in). */
static void load_labels(const char *a, const char *b,
			const struct vp_label_override *o, size_t n,
			int rc_want, char *err, size_t errlen)
{
	const char *names[2] = {a, b};
	char path[512];
	size_t nr = b ? 2 : 1;
	for (size_t i = 0; i < nr; i++) {
		snprintf(path, sizeof(path), "%s/runs/%s", VP_TEST_DATA,
			 names[i]);
		cr_assert_eq(vp_run_load(path, &runs[i], err, errlen), 0, "%s",
			     err);
	}
	struct vp_summary_opts opts = {.labels = o, .nlabels = n};
	int rc = vp_summary_build_opts(runs, nr, &opts, &sum, err, errlen);
	cr_assert_eq(rc, rc_want, "rc %d: %s", rc, err);
}

Test(summary, labels_from_env, .fini = unload)
{
	char err[512];
	load_labels("degenerate", "basic", NULL, 0, 0, err, sizeof(err));
	target("benchbox/vm4");
	target("basic/vm1");
	cr_assert_eq(sum.targets[target("benchbox/vm4")].baseline,
		     (long)target("benchbox/host"));
	vp_summary_free(&sum);
	/* Both runs on one machine: the folders tell them apart. */
	vp_run_free(&runs[0]);
	vp_run_free(&runs[1]);
	load_labels("degenerate", "degenerate", NULL, 0, 0, err, sizeof(err));
	target("degenerate#1/vm4");
	target("degenerate#2/vm4");
}

Test(summary, label_overrides, .fini = unload)
{
	char err[512];
	char arg1[] = "degenerate=EPYC 9654, KVM", arg2[] = "basic/=laptop";
	struct vp_label_override o[2];
	cr_assert_eq(vp_label_parse(arg1, &o[0], err, sizeof(err)), 0);
	cr_assert_eq(vp_label_parse(arg2, &o[1], err, sizeof(err)), 0);
	load_labels("degenerate", "basic", o, 2, 0, err, sizeof(err));
	target("EPYC 9654, KVM/vm4");
	target("laptop/vm2");
	/* A baseline named by its folder still works beside the labels. */
	vp_summary_free(&sum);
	struct vp_summary_opts opts = {
	    .baseline = "basic/host", .labels = o, .nlabels = 2};
	cr_assert_eq(
	    vp_summary_build_opts(runs, 2, &opts, &sum, err, sizeof(err)), 0,
	    "%s", err);
	cr_assert_eq(sum.targets[target("EPYC 9654, KVM/vm4")].baseline,
		     (long)target("laptop/host"));
}

Test(summary, label_errors, .fini = unload)
{
	char err[512];
	struct vp_label_override o;
	cr_assert_eq(vp_label_parse("basic", &o, err, sizeof(err)), -EINVAL);
	cr_assert(strstr(err, "expected RUN=TEXT"), "%s", err);
	cr_assert_eq(vp_label_parse("=x", &o, err, sizeof(err)), -EINVAL);
	cr_assert_eq(vp_label_parse("basic=", &o, err, sizeof(err)), -EINVAL);
	cr_assert_eq(vp_label_parse("nope=x", &o, err, sizeof(err)), 0);
	load_labels("basic", NULL, &o, 1, -EINVAL, err, sizeof(err));
	cr_assert(strstr(err, "--label nope=...: no run folder") &&
		      strstr(err, "runs/basic"),
		  "%s", err);
	vp_summary_free(&sum);
	char one[] = "basic=box";
	cr_assert_eq(vp_label_parse(one, &o, err, sizeof(err)), 0);
	vp_run_free(&runs[0]);
	load_labels("basic", NULL, &o, 1, 0, err, sizeof(err));
	target("box/vm2");
}

/* Several hosts in one run: each VM is compared with the bare metal of its
 * own host (host for vmN, the ssh: target of the same host name for a
 * remote libvirt URI), else with the default baseline; an explicit
 * --baseline is used for every target. */
Test(summary, same_host_baseline, .fini = unload)
{
	static const char *const fleet[] = {"fleet"};
	const char *h1 = "libvirt:vm2@qemu+ssh://root@h1/system";
	const char *h2 = "libvirt:vm2@qemu+ssh://root@h2/system";

	load(1, fleet, NULL, 0);
	cr_assert_eq(sum.targets[target("vm2")].baseline, (long)target("host"));
	cr_assert_eq(sum.targets[target(h1)].baseline,
		     (long)target("ssh:bench@h1:2222"));
	cr_assert_eq(sum.targets[target(h2)].baseline, (long)target("host"));
	NEAR(cell(h1, "cpu.int", 1, "ops_per_s")->ratio, 0.5, 1e-9);
	NEAR(cell(h2, "cpu.int", 1, "ops_per_s")->ratio, 0.25, 1e-9);
	vp_summary_free(&sum);
	vp_run_free(&runs[0]);
	load(1, fleet, "vm2", 0);
	cr_assert_eq(sum.targets[target(h1)].baseline, (long)target("vm2"));
}
