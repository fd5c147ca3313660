/* The verdicts: degenerate-baseline rules (each on a hand-made fixture
 * cell and table-driven on synthetic cells at and around the limits),
 * class means without the excluded cells, caveats and typed findings. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/verdicts.h"

#define NEAR(got, want, tol)                                                   \
	cr_assert(fabs((got) - (want)) <= (tol), "%s = %.10g, want %.10g",     \
		  #got, (double)(got), (double)(want))

static struct vp_run run;
static struct vp_summary sum;
static struct vp_verdicts ver;

static void load_dir(const char *dir)
{
	char err[1024];
	cr_assert_eq(vp_run_load(dir, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_summary_build(&run, 1, NULL, &sum, err, sizeof(err)), 0,
		     "%s", err);
	cr_assert_eq(vp_verdicts_build(&sum, &ver), 0);
}

static void load(const char *fixture)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/runs/%s", VP_TEST_DATA, fixture);
	load_dir(path);
}

static void unload(void)
{
	vp_verdicts_free(&ver);
	vp_summary_free(&sum);
	vp_run_free(&run);
}

static size_t column(const char *label)
{
	for (size_t k = 0; k < ver.head.ntargets; k++)
		if (!strcmp(sum.targets[ver.head.targets[k]].label, label))
			return k;
	cr_assert_fail("no headline column %s", label);
	return 0;
}

static size_t workload(const char *wl)
{
	for (size_t w = 0; w < sum.nworkloads; w++)
		if (!strcmp(sum.workloads[w], wl))
			return w;
	cr_assert_fail("no workload %s", wl);
	return 0;
}

static const struct vp_hl_cell *hl(const char *t, const char *wl)
{
	const struct vp_hl_cell *c =
	    vp_hl_cell_at(&ver, column(t), workload(wl));
	cr_assert_not_null(c);
	return c;
}

static const struct vp_hl_class *mean(const char *t, const char *cls)
{
	for (size_t i = 0; i < ver.head.nclasses; i++)
		if (!strcmp(ver.head.classes[i], cls))
			return vp_hl_mean_at(&ver, i, column(t));
	cr_assert_fail("no class %s", cls);
	return NULL;
}

Test(verdicts, degenerate_fixture, .fini = unload)
{
	load("degenerate");
	/* vm4 at 4 threads against a 2-CPU host: every cell's baseline is
	 * overcommitted, lock.ticket's 42x among them. */
	const struct vp_hl_cell *c = hl("vm4", "lock.ticket");
	cr_assert_eq(c->threads, 4);
	cr_assert_eq(c->excl, VP_EXCL_BASE_OVERCOMMIT);
	NEAR(sum.cells[c->cell].ratio, 42.0, 1e-9);
	char why[160];
	vp_exclusion_text(&sum, c, why, sizeof(why));
	cr_assert_str_eq(why, "baseline overcommitted: 4 threads on 2 CPUs");
	cr_assert(c->caveats & VP_CAV_VCPU_OVERCOMMIT);
	cr_assert(c->caveats & VP_CAV_TCG);
	/* vm2 at 2 threads: mcs's baseline CV ~35%, tas's own noise makes
	 * the ratio CI span ~87x, ticket is clean. */
	cr_assert_eq(hl("vm2", "lock.mcs")->excl, VP_EXCL_BASE_NOISY);
	cr_assert_eq(hl("vm2", "lock.tas")->excl, VP_EXCL_WIDE_CI);
	cr_assert_eq(hl("vm2", "lock.ticket")->excl, VP_EXCL_NONE);
	cr_assert_eq(hl("vm2", "cpu.int")->excl, VP_EXCL_NONE);
	cr_assert_eq(ver.head.n_with_ratio, 8);
	cr_assert_eq(ver.head.n_excluded, 6);
	/* Class means: before, vm4's lock mean was 1.56 (a VM "faster" than
	 * bare metal); now all three are left out and there is no mean. */
	const struct vp_hl_class *m = mean("vm4", "lock");
	cr_assert_eq(m->n_used, 0);
	cr_assert_eq(m->n_excluded, 3);
	cr_assert(isnan(m->ratio));
	m = mean("vm2", "lock");
	cr_assert_eq(m->n_used, 1);
	cr_assert_eq(m->n_excluded, 2);
	NEAR(m->ratio, 0.30, 1e-9);
	cr_assert_eq(ver.count[VP_FIND_EXCLUDED], 6);
	cr_assert_eq(ver.count[VP_FIND_VCPU_OVERCOMMIT], 1);
	cr_assert_eq(ver.count[VP_FIND_TCG], 2);
}

Test(verdicts, basic_fixture_caveats_and_findings, .fini = unload)
{
	load("basic");
	cr_assert_eq(ver.head.n_excluded, 0);
	cr_assert_str_eq(ver.tp_metric[workload("io.randread")], "iops");
	cr_assert_str_eq(ver.tp_metric[workload("lock.tas")], "ops_per_s");
	size_t vm1 = ver.head.targets[column("vm1")];
	cr_assert_eq(ver.target_caveats[vm1],
		     VP_CAV_TCG | VP_CAV_TCG_1VCPU | VP_CAV_BASE_IS_VM);
	/* The no-atomics caveat is a lock caveat only. */
	cr_assert(hl("vm1", "lock.tas")->caveats & VP_CAV_TCG_1VCPU);
	cr_assert(!(hl("vm1", "cpu.int")->caveats & VP_CAV_TCG_1VCPU));
	cr_assert_eq(ver.count[VP_FIND_TCG], 2);
	cr_assert_eq(ver.count[VP_FIND_TCG_1VCPU], 1);
	cr_assert_eq(ver.count[VP_FIND_BASE_IS_VM], 1);
	cr_assert_eq(ver.count[VP_FIND_NOISY], 1, "vm2 cpu.int at 2 threads");
	cr_assert_eq(ver.count[VP_FIND_FAILED], 1);
	for (size_t i = 0; i < ver.nfindings; i++)
		cr_assert(vp_finding_name(ver.findings[i].kind)[0]);
	/* The host class mean is the geometric mean of its workloads. */
	const struct vp_hl_class *m = mean("vm1", "lock");
	cr_assert_eq(m->n_used, 2);
	NEAR(m->ratio, 0.3, 1e-9);
}

/* Synthetic single-cell runs: host (2 CPUs) and vm2 at `threads`, three
 * reps each scaled by the given multipliers. */
struct rule_case {
	const char *what;
	int threads;
	double base[3], vm[3];
	enum vp_exclusion want;
};

static void write_case(char *dir, const struct rule_case *k)
{
	cr_assert_not_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	FILE *f = fopen(path, "w");
	fputs("schema,run_id,target,target_kind,accel,hypervisor,vcpus,"
	      "host_cpus,workload,threads,rep,metric,value,unit,status,note\n",
	      f);
	for (int r = 0; r < 3; r++) {
		fprintf(f,
			"1,x,host,host,none,bare metal,2,2,lock.tas,%d,%d,"
			"ops_per_s,%g,ops/s,ok,\n",
			k->threads, r + 1, 1e6 * k->base[r]);
		fprintf(f,
			"1,x,vm2,vm,kvm,KVM,2,2,lock.tas,%d,%d,ops_per_s,%g,"
			"ops/s,ok,\n",
			k->threads, r + 1, 0.5e6 * k->vm[r]);
	}
	fclose(f);
}

Test(verdicts, exclusion_rules_at_the_limits)
{
	static const struct rule_case cases[] = {
	    {"clean", 2, {1, 1.01, 0.99}, {1, 1.01, 0.99}, VP_EXCL_NONE},
	    {"overcommitted baseline",
	     4,
	     {1, 1.01, 0.99},
	     {1, 1.01, 0.99},
	     VP_EXCL_BASE_OVERCOMMIT},
	    /* CV of {1-x, 1, 1+x} is x: 0.19 passes, 0.21 does not. */
	    {"baseline CV 19%",
	     2,
	     {0.81, 1, 1.19},
	     {1, 1.001, 0.999},
	     VP_EXCL_NONE},
	    {"baseline CV 21%",
	     2,
	     {0.79, 1, 1.21},
	     {1, 1.001, 0.999},
	     VP_EXCL_BASE_NOISY},
	    /* Target CV 15%: the CI spans about 2.1x (kept); target CV 45%
	     * on a baseline CV of 19% spans about 6.8x (left out). */
	    {"ratio CI 2.1x",
	     2,
	     {1, 1.01, 0.99},
	     {0.85, 1, 1.15},
	     VP_EXCL_NONE},
	    {"ratio CI over 4x",
	     2,
	     {0.81, 1, 1.19},
	     {0.55, 1, 1.45},
	     VP_EXCL_WIDE_CI},
	};
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		char dir[] = "/tmp/vp_verdict_XXXXXX", path[128];
		write_case(dir, &cases[i]);
		load_dir(dir);
		const struct vp_hl_cell *c = hl("vm2", "lock.tas");
		cr_assert_eq(c->excl, cases[i].want, "%s: got '%s'",
			     cases[i].what, vp_exclusion_name(c->excl));
		const struct vp_hl_class *m = mean("vm2", "lock");
		cr_assert_eq(m->n_excluded, cases[i].want != VP_EXCL_NONE, "%s",
			     cases[i].what);
		unload();
		snprintf(path, sizeof(path), "%s/results.csv", dir);
		unlink(path);
		rmdir(dir);
	}
}

/* Steps measured under other load (issue 10 section 3): a cell whose
 * median other_load_pct is above VP_OTHER_LOAD_PCT is a finding, one at or
 * below it is not. */
/* A copy of the basic fixture in dir with extra rows appended to its
 * results.csv; remove_copy() deletes it. */
static const char *const copy_files[] = {"results.csv", "env.csv"};

/* The basic fixture copied to dir with lines appended to results.csv
 * (extra) and env.csv (extra_env; NULL for none). */
static void copy_basic_with(char *dir, const char *extra, const char *extra_env)
{
	char path[600], src[600];
	cr_assert_not_null(mkdtemp(dir));
	for (size_t i = 0; i < 2; i++) {
		snprintf(src, sizeof(src), "%s/runs/basic/%s", VP_TEST_DATA,
			 copy_files[i]);
		snprintf(path, sizeof(path), "%s/%s", dir, copy_files[i]);
		FILE *in = fopen(src, "r"), *out = fopen(path, "w");
		cr_assert(in && out);
		int ch;
		while ((ch = fgetc(in)) != EOF)
			fputc(ch, out);
		fclose(in);
		if (i == 0)
			fputs(extra, out);
		else if (extra_env)
			fputs(extra_env, out);
		fclose(out);
	}
}

static void copy_basic_plus(char *dir, const char *extra)
{
	copy_basic_with(dir, extra, NULL);
}

static void remove_copy(const char *dir)
{
	char path[600];
	for (size_t i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, copy_files[i]);
		unlink(path);
	}
	rmdir(dir);
}

/* Exactly one finding of kind, on the cell at threads. */
static void one_finding_at(enum vp_finding_kind kind, int threads)
{
	cr_assert_eq(ver.count[kind], 1, "%s: %zu findings",
		     vp_finding_name(kind), ver.count[kind]);
	for (size_t i = 0; i < ver.nfindings; i++)
		if (ver.findings[i].kind == kind)
			cr_assert_eq(sum.cells[ver.findings[i].cell].threads,
				     threads);
}

Test(verdicts, other_load_is_flagged, .fini = unload)
{
	char dir[] = "/tmp/vp-otherload-XXXXXX", extra[1024];
	size_t off = 0;
	for (int rep = 1; rep <= 3; rep++)
		off += (size_t)snprintf(
		    extra + off, sizeof(extra) - off,
		    "1,fixture-basic,host,host,none,KVM,2,2,cpu.int,1,%d,"
		    "other_load_pct,%g,%%,ok,\n"
		    "1,fixture-basic,host,host,none,KVM,2,2,cpu.int,2,%d,"
		    "other_load_pct,%g,%%,ok,\n",
		    rep, 30.0 + rep, rep, VP_OTHER_LOAD_PCT);
	copy_basic_plus(dir, extra);
	load_dir(dir);
	/* 31-33% is flagged, exactly 10% is not. */
	one_finding_at(VP_FIND_OTHER_LOAD, 1);
	cr_assert_str_eq(vp_finding_name(VP_FIND_OTHER_LOAD), "other_load");
	remove_copy(dir);
}

/* -r auto writes ci_converged on each cell's last rep: 0 is flagged. */
Test(verdicts, unconverged_cells_are_flagged, .fini = unload)
{
	char dir[] = "/tmp/vp-converged-XXXXXX";
	copy_basic_plus(dir,
			"1,fixture-basic,host,host,none,KVM,2,2,cpu.int,1,10,"
			"ci_converged,0,bool,ok,\n"
			"1,fixture-basic,host,host,none,KVM,2,2,cpu.int,2,4,"
			"ci_converged,1,bool,ok,\n");
	load_dir(dir);
	one_finding_at(VP_FIND_NOT_CONVERGED, 1);
	cr_assert_str_eq(vp_finding_name(VP_FIND_NOT_CONVERGED),
			 "not_converged");
	remove_copy(dir);
}

/* A 1-vCPU TCG guest with a second CPU slot (guest_cpu_slots 2, as the
 * runner writes since it declares one) executes real atomics: no caveat. */
Test(verdicts, tcg_1vcpu_with_a_second_slot_has_atomics, .fini = unload)
{
	char dir[] = "/tmp/vp-slots-XXXXXX";
	copy_basic_with(dir, "", "vm1,guest_cpu_slots,2\n");
	load_dir(dir);
	size_t vm1 = ver.head.targets[column("vm1")];
	cr_assert_eq(ver.target_caveats[vm1], VP_CAV_TCG | VP_CAV_BASE_IS_VM);
	cr_assert(!(hl("vm1", "lock.tas")->caveats & VP_CAV_TCG_1VCPU));
	cr_assert_eq(ver.count[VP_FIND_TCG_1VCPU], 0);
	remove_copy(dir);
}

/* guest_cpu_slots 1 (or none, as in older runs) keeps it. */
Test(verdicts, tcg_1vcpu_with_one_slot_keeps_the_caveat, .fini = unload)
{
	char dir[] = "/tmp/vp-slots1-XXXXXX";
	copy_basic_with(dir, "", "vm1,guest_cpu_slots,1\n");
	load_dir(dir);
	cr_assert(hl("vm1", "lock.tas")->caveats & VP_CAV_TCG_1VCPU);
	cr_assert_eq(ver.count[VP_FIND_TCG_1VCPU], 1);
	remove_copy(dir);
}
