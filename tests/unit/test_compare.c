/* compare: a run against itself changes nothing; against the shifted
 * fixture exactly the known cells regress or improve; the decision needs
 * both significance and the threshold; outputs are written. */
#include <criterion/criterion.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/compare.h"

static struct vp_run base, newr;
static struct vp_comparison cmp;

static void load_with(const char *a, const char *b, double threshold,
		      enum vp_p_adjust corr)
{
	char err[1024], pa[512], pb[512];
	snprintf(pa, sizeof(pa), "%s/runs/%s", VP_TEST_DATA, a);
	snprintf(pb, sizeof(pb), "%s/runs/%s", VP_TEST_DATA, b);
	cr_assert_eq(vp_run_load(pa, &base, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_run_load(pb, &newr, err, sizeof(err)), 0, "%s", err);
	struct vp_compare_opts o = {
	    .threshold = threshold, .alpha = 0.05, .correction = corr};
	cr_assert_eq(vp_compare_runs(&base, &newr, &o, &cmp, err, sizeof(err)),
		     0, "%s", err);
}

static void load(const char *a, const char *b, double threshold)
{
	load_with(a, b, threshold, VP_ADJ_HOLM);
}

static void unload(void)
{
	vp_comparison_free(&cmp);
	vp_run_free(&base);
	vp_run_free(&newr);
}

static const struct vp_cmp_row *row(const char *t, const char *wl, int th,
				    const char *m)
{
	for (size_t i = 0; i < cmp.nrows; i++) {
		const struct vp_cmp_row *r = &cmp.rows[i];
		if (!strcmp(r->target, t) && !strcmp(r->workload, wl) &&
		    r->threads == th && !strcmp(r->metric, m))
			return r;
	}
	cr_assert_fail("no row %s %s %d %s", t, wl, th, m);
	return NULL;
}

Test(compare, directions)
{
	cr_assert_eq(vp_metric_direction("ops_per_s"), VP_DIR_HIGHER);
	cr_assert_eq(vp_metric_direction("iops"), VP_DIR_HIGHER);
	cr_assert_eq(vp_metric_direction("mib_per_s"), VP_DIR_HIGHER);
	cr_assert_eq(vp_metric_direction("lat_p99_us"), VP_DIR_LOWER);
	cr_assert_eq(vp_metric_direction("spin_wait_p99_ns"), VP_DIR_LOWER);
	cr_assert_eq(vp_metric_direction("wall_s"), VP_DIR_LOWER);
	cr_assert_eq(vp_metric_direction("long_waits"), VP_DIR_LOWER);
	cr_assert_eq(vp_metric_direction("spin_wait_bucket_le_64"),
		     VP_DIR_NONE);
	cr_assert_eq(vp_metric_direction("cnt.cycles"), VP_DIR_NONE);
	cr_assert_eq(vp_metric_direction("call_p99_ns"), VP_DIR_LOWER);
	cr_assert_eq(vp_metric_direction("wake_p50_ns"), VP_DIR_LOWER);
	cr_assert_eq(vp_metric_direction("long_calls"), VP_DIR_LOWER);
	cr_assert_eq(vp_metric_direction("ns_per_access"), VP_DIR_LOWER);
	cr_assert_eq(vp_metric_direction("runq_delay_pct"), VP_DIR_LOWER);
	cr_assert_eq(vp_metric_direction("wakeups"), VP_DIR_NONE);
	cr_assert_eq(vp_metric_direction("call_bucket_le_512"), VP_DIR_NONE);
	double b;
	cr_assert(vp_metric_is_bucket("lat_bucket_le_128", &b) && b == 128);
	cr_assert(vp_metric_is_bucket("wake_bucket_le_8192", &b) && b == 8192);
	cr_assert(vp_metric_is_bucket("call_bucket_le_1024", &b) && b == 1024);
	cr_assert_not(vp_metric_is_bucket("bucket_le_8", NULL));
	cr_assert_not(vp_metric_is_bucket("call_p50_ns", NULL));
}

Test(compare, run_against_itself, .fini = unload)
{
	load("basic", "basic", 0.05);
	cr_assert_eq(cmp.count[VP_REGRESSED], 0);
	cr_assert_eq(cmp.count[VP_IMPROVED], 0);
	cr_assert_gt(cmp.count[VP_UNCHANGED], 100);
	cr_assert_eq(cmp.nenv, 0);
	for (size_t i = 0; i < cmp.nrows; i++)
		cr_assert(!strstr(cmp.rows[i].metric, "bucket"));
}

Test(compare, shifted_fixture, .fini = unload)
{
	load("basic", "shifted", 0.05);
	cr_assert_eq(cmp.count[VP_REGRESSED], 4);
	cr_assert_eq(cmp.count[VP_IMPROVED], 1);
	const struct vp_cmp_row *r = row("vm2", "lock.tas", 1, "ops_per_s");
	cr_assert_eq(r->verdict, VP_REGRESSED);
	cr_assert(fabs(r->change + 0.2) < 1e-9);
	cr_assert_lt(r->p_welch, 0.001);
	cr_assert_eq(row("vm2", "lock.tas", 2, "ops_per_s")->verdict,
		     VP_REGRESSED);
	r = row("vm2", "io.randread", 1, "lat_p99_us");
	cr_assert_eq(r->verdict, VP_REGRESSED, "latency up is a regression");
	cr_assert(fabs(r->change - 0.3) < 1e-9);
	cr_assert_eq(row("vm2", "io.randread", 2, "lat_p99_us")->verdict,
		     VP_REGRESSED);
	cr_assert_eq(row("host", "cpu.int", 1, "ops_per_s")->verdict,
		     VP_IMPROVED);
	cr_assert_eq(row("host", "cpu.int", 2, "ops_per_s")->verdict,
		     VP_UNCHANGED);
	/* Unavailable on both sides: not comparable, with the reason. */
	r = row("host", "lock.tas", 1, "spin_wait_p99_ns");
	cr_assert_eq(r->verdict, VP_NOT_COMPARABLE);
	cr_assert(strstr(r->why, "no contended acquisition"), "%s", r->why);
	/* The environment difference is stated. */
	cr_assert_eq(cmp.nenv, 1);
	cr_assert(strstr(cmp.env_notes[0], "vm2: kernel differs"));
	cr_assert(strstr(cmp.env_notes[0], "6.5.0-0.deb12.4-cloud-amd64"));
}

Test(compare, threshold_matters, .fini = unload)
{
	/* -20% and +30% stay under a 50% threshold: significant but not
	 * practically relevant. */
	load("basic", "shifted", 0.5);
	cr_assert_eq(cmp.count[VP_REGRESSED], 0);
	cr_assert(strstr(row("vm2", "lock.tas", 1, "ops_per_s")->why,
			 "within the 50% threshold"));
}

Test(compare, noise_is_not_a_regression, .fini = unload)
{
	/* The mirror image: with the shifted run as BASE, host cpu.int
	 * regresses, the four others improve, and the noisy cell (vm2
	 * cpu.int, CV 10%, unchanged values) stays unchanged. */
	load("shifted", "basic", 0.05);
	cr_assert_eq(cmp.count[VP_REGRESSED], 1, "host cpu.int back down");
	cr_assert_eq(row("host", "cpu.int", 1, "ops_per_s")->verdict,
		     VP_REGRESSED);
	cr_assert_eq(cmp.count[VP_IMPROVED], 4);
	cr_assert_eq(row("vm2", "cpu.int", 2, "ops_per_s")->verdict,
		     VP_UNCHANGED);
}

static char *slurp(const char *path)
{
	FILE *f = fopen(path, "r");
	cr_assert_not_null(f);
	char *buf = calloc(1, 1 << 20);
	size_t n = fread(buf, 1, (1 << 20) - 1, f);
	buf[n] = 0;
	fclose(f);
	return buf;
}

Test(compare, markdown_and_junit, .fini = unload)
{
	load("basic", "shifted", 0.05);
	char md[] = "/tmp/vp_cmp_md_XXXXXX", xml[] = "/tmp/vp_cmp_xml_XXXXXX";
	char err[512];
	close(mkstemp(md));
	close(mkstemp(xml));
	cr_assert_eq(vp_compare_write_markdown(&cmp, md, err, sizeof(err)), 0);
	cr_assert_eq(vp_compare_write_junit(&cmp, xml, err, sizeof(err)), 0);
	char *m = slurp(md), *x = slurp(xml);
	cr_assert(strstr(m, "## vpbench compare: regression found"));
	cr_assert(strstr(m, "### Regressed"));
	cr_assert(strstr(m, "| regressed | `vm2` | `lock.tas` | 1 | "
			    "`ops_per_s` |"));
	cr_assert(strstr(m, "correction holm: Holm step-down"), "named");
	cr_assert(strstr(m, "p adjusted (holm)"), "adjusted p column");
	/* The same verdicts as the report: each side's caveats. */
	cr_assert(strstr(m, "**Caveats of NEW**: `TCG (emulated, not a "
			    "hypervisor): vm1, vm2;"),
		  "caveats from the verdicts");
	cr_assert(strstr(x, "caveats BASE: TCG"), "caveats in JUnit");
	cr_assert(strstr(m, "kernel differs"));
	cr_assert(strstr(x, "failures=\"4\""));
	cr_assert(strstr(x, "<testcase classname=\"vpbench.vm2.lock.tas\" "
			    "name=\"ops_per_s threads=1\""));
	cr_assert(strstr(x, "<failure type=\"regression\""));
	cr_assert(strstr(x, "<skipped message=\"not comparable: "));
	/* The 5% threshold is stated as 5%, not 0.05 (issue 10 section 2). */
	cr_assert(strstr(x, "<property name=\"threshold\" value=\"5%\"/>"),
		  "threshold as a percentage");
	cr_assert(strstr(x, "<property name=\"correction\" value=\"holm\"/>"));
	cr_assert(strstr(x, "p_adj "), "adjusted p in the failure");
	free(m);
	free(x);
	unlink(md);
	unlink(xml);
}

/* A run folder in dir (a mkdtemp template): results.csv open after its
 * header for the caller's rows; run_close adds the env.csv. */
static FILE *run_open(char *dir)
{
	cr_assert_not_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("schema,run_id,target,target_kind,accel,hypervisor,vcpus,"
	      "host_cpus,workload,threads,rep,metric,value,unit,status,note\n",
	      f);
	return f;
}

static void run_close(const char *dir, FILE *f)
{
	char path[128];
	fclose(f);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	f = fopen(path, "w");
	fputs("target,key,value\nhost,kernel,6.1\n", f);
	fclose(f);
}

static void write_run(char *dir, const double *v, size_t n)
{
	FILE *f = run_open(dir);
	for (size_t i = 0; i < n; i++)
		fprintf(f,
			"1,x,host,host,none,bare metal,2,2,cpu.int,1,%zu,"
			"ops_per_s,%g,ops/s,ok,\n",
			i + 1, v[i]);
	run_close(dir, f);
}

static void rm_run(const char *dir)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	unlink(path);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	unlink(path);
	rmdir(dir);
}

static enum vp_verdict judge_pair(const double *a, size_t na, const double *b,
				  size_t nb, char *why, size_t len)
{
	char da[] = "/tmp/vp_cmp_a_XXXXXX", db[] = "/tmp/vp_cmp_b_XXXXXX";
	char err[512];
	write_run(da, a, na);
	write_run(db, b, nb);
	cr_assert_eq(vp_run_load(da, &base, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_run_load(db, &newr, err, sizeof(err)), 0, "%s", err);
	struct vp_compare_opts o = VP_COMPARE_DEFAULTS;
	cr_assert_eq(vp_compare_runs(&base, &newr, &o, &cmp, err, sizeof(err)),
		     0);
	enum vp_verdict v = row("host", "cpu.int", 1, "ops_per_s")->verdict;
	snprintf(why, len, "%s", row("host", "cpu.int", 1, "ops_per_s")->why);
	unload();
	rm_run(da);
	rm_run(db);
	return v;
}

Test(compare, decision_table)
{
	char why[256];
	/* -6%, tight: significant and over the threshold -> regressed. */
	const double a[] = {100, 101, 99}, b[] = {94, 94.94, 93.06};
	cr_assert_eq(judge_pair(a, 3, b, 3, why, sizeof(why)), VP_REGRESSED,
		     "%s", why);
	/* -20% but very noisy: not significant -> unchanged. */
	const double c[] = {100, 140, 60}, d[] = {80, 120, 40};
	cr_assert_eq(judge_pair(c, 3, d, 3, why, sizeof(why)), VP_UNCHANGED);
	cr_assert(strstr(why, "not significant"), "%s", why);
	/* -2%, significant but below the threshold -> unchanged. */
	const double e[] = {98, 98.098, 97.902};
	cr_assert_eq(judge_pair(a, 3, e, 3, why, sizeof(why)), VP_UNCHANGED);
	cr_assert(strstr(why, "within the 5% threshold"), "%s", why);
	/* One repetition: no test possible -> not comparable. */
	cr_assert_eq(judge_pair(a, 1, b, 3, why, sizeof(why)),
		     VP_NOT_COMPARABLE);
	cr_assert(strstr(why, "at least 2 repetitions"), "%s", why);
}

/* A family of 40 cells: 38 identical, one with a raw Welch p of about 0.01
 * and a -6% change. Judged alone (no correction) it regresses; as one of
 * 40 comparisons it is what noise produces (Holm: 39 x p ~ 0.4; BH: 40/2 x
 * p ~ 0.2), and neither Holm nor Benjamini-Hochberg flags it. A -30% cell
 * with a tiny p stays a regression under both. */
static void write_family(char *dir, bool shifted)
{
	cr_assert_not_null(mkdtemp(dir));
	char path[128];
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	FILE *f = fopen(path, "w");
	fputs("schema,run_id,target,target_kind,accel,hypervisor,vcpus,"
	      "host_cpus,workload,threads,rep,metric,value,unit,status,note\n",
	      f);
	static const double same[3] = {100, 101, 99}, dip[3] = {94, 96, 92},
			    cut[3] = {70, 70.7, 69.3};
	for (int w = 0; w < 40; w++)
		for (int rep = 0; rep < 3; rep++) {
			const double *v = same;
			if (shifted && w == 7)
				v = dip;
			if (shifted && w == 0)
				v = cut;
			fprintf(f,
				"1,fam,host,host,none,bare metal,2,2,cpu.w%d,"
				"1,%d,ops_per_s,%g,ops/s,ok,\n",
				w, rep + 1, v[rep]);
		}
	fclose(f);
	snprintf(path, sizeof(path), "%s/env.csv", dir);
	f = fopen(path, "w");
	fputs("target,key,value\nhost,kernel,6.1\n", f);
	fclose(f);
}

static enum vp_verdict family_verdict(enum vp_p_adjust corr, int w)
{
	char da[] = "/tmp/vp_fam_a_XXXXXX", db[] = "/tmp/vp_fam_b_XXXXXX";
	char err[512], wl[16];
	write_family(da, false);
	write_family(db, true);
	cr_assert_eq(vp_run_load(da, &base, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_run_load(db, &newr, err, sizeof(err)), 0, "%s", err);
	struct vp_compare_opts o = VP_COMPARE_DEFAULTS;
	o.correction = corr;
	cr_assert_eq(vp_compare_runs(&base, &newr, &o, &cmp, err, sizeof(err)),
		     0);
	cr_assert_eq(cmp.n_tested, 40);
	snprintf(wl, sizeof(wl), "cpu.w%d", w);
	const struct vp_cmp_row *r = row("host", wl, 1, "ops_per_s");
	enum vp_verdict v = r->verdict;
	cr_assert((r->p_welch > 0.01 && r->p_welch < 0.05) || w == 0,
		  "raw p %g", r->p_welch);
	if (corr != VP_ADJ_NONE && w == 7)
		cr_assert(r->p_adj > 0.1, "adjusted p %g", r->p_adj);
	unload();
	rm_run(da);
	rm_run(db);
	return v;
}

Test(compare, correction_keeps_noise_from_crying_wolf)
{
	cr_assert_eq(family_verdict(VP_ADJ_NONE, 7), VP_REGRESSED,
		     "uncorrected: a false alarm");
	cr_assert_eq(family_verdict(VP_ADJ_HOLM, 7), VP_UNCHANGED);
	cr_assert_eq(family_verdict(VP_ADJ_BH, 7), VP_UNCHANGED);
	cr_assert_eq(family_verdict(VP_ADJ_HOLM, 0), VP_REGRESSED,
		     "a real -30% stays a regression");
	cr_assert_eq(family_verdict(VP_ADJ_BH, 0), VP_REGRESSED);
}

/* Issue 11 defect 9: the run id (and every other value) was written to
 * Markdown as text, so an image or link in it was rendered. Every value is
 * now a code span: fenced past any backticks inside, pipes escaped in
 * tables. */
Test(compare, markdown_values_are_code_spans)
{
	char da[] = "/tmp/vp_md_a_XXXXXX", md[] = "/tmp/vp_md_XXXXXX";
	char err[512], path[128];
	cr_assert_not_null(mkdtemp(da));
	snprintf(path, sizeof(path), "%s/results.csv", da);
	FILE *f = fopen(path, "w");
	fputs("schema,run_id,target,target_kind,accel,hypervisor,vcpus,"
	      "host_cpus,workload,threads,rep,metric,value,unit,status,note\n",
	      f);
	for (int rep = 1; rep <= 3; rep++)
		fprintf(f,
			"1,![x](http://127.0.0.1:9/x.png),a`b|[c](http://e),"
			"host,none,bare metal,2,2,**w**,1,%d,ops_per_s,%d,"
			"ops/s,ok,\n",
			rep, 100 + rep);
	fclose(f);
	cr_assert_eq(vp_run_load(da, &base, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_run_load(da, &newr, err, sizeof(err)), 0, "%s", err);
	struct vp_compare_opts o = VP_COMPARE_DEFAULTS;
	cr_assert_eq(vp_compare_runs(&base, &newr, &o, &cmp, err, sizeof(err)),
		     0);
	close(mkstemp(md));
	cr_assert_eq(vp_compare_write_markdown(&cmp, md, err, sizeof(err)), 0);
	char *m = slurp(md);
	cr_assert(strstr(m, "(run `![x](http://127.0.0.1:9/x.png)`)"), "%s", m);
	cr_assert(strstr(m, "| ``a`b\\|[c](http://e)`` | `**w**` |"), "%s", m);
	/* Outside code spans nothing of the hostile text remains. */
	size_t ticks = 0;
	for (const char *p = m; *p; p++) {
		if (*p == '`') {
			size_t n = strspn(p, "`");
			ticks = ticks ? (ticks == n ? 0 : ticks) : n;
			p += n - 1;
			continue;
		}
		cr_assert(ticks ||
			      (strncmp(p, "![", 2) && strncmp(p, "](", 2) &&
			       strncmp(p, "**w", 3)),
			  "unescaped at: %.30s", p);
	}
	free(m);
	unlink(md);
	unload();
	unlink(path);
	rmdir(da);
}

/* p99.9 is judged like p99 (lower is better); a rep whose samples cannot
 * support it is unavailable, and compare says so instead of judging. */
static void write_tail_run(char *dir, double p999, bool thin)
{
	FILE *f = run_open(dir);
	for (int rep = 1; rep <= 3; rep++) {
		fprintf(f,
			"2,x,host,host,none,bare metal,2,2,lock.kernel,2,%d,"
			"call_p999_ns,%g,ns,ok,\n",
			rep, p999 * (1 + 0.01 * rep));
		if (thin)
			fprintf(f,
				"2,x,host,host,none,bare metal,2,2,"
				"lock.kernel,2,%d,call_p9999_ns,,ns,"
				"unavailable,50000 samples: p9999 needs "
				"at least 100000 (10 / (1 - q))\n",
				rep);
		else
			fprintf(f,
				"2,x,host,host,none,bare metal,2,2,"
				"lock.kernel,2,%d,call_p9999_ns,%g,ns,ok,\n",
				rep, 3 * p999);
		fprintf(f,
			"2,x,host,host,none,bare metal,2,2,lock.kernel,2,%d,"
			"call_samples,%d,count,ok,\n",
			rep, thin ? 50000 : 500000);
	}
	run_close(dir, f);
}

Test(compare, p999_lower_is_better_and_thin_samples_said)
{
	char da[] = "/tmp/vp_cmp_a_XXXXXX", db[] = "/tmp/vp_cmp_b_XXXXXX";
	char err[512];
	write_tail_run(da, 30000, false);
	write_tail_run(db, 60000, true);
	cr_assert_eq(vp_run_load(da, &base, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_run_load(db, &newr, err, sizeof(err)), 0, "%s", err);
	struct vp_compare_opts o = VP_COMPARE_DEFAULTS;
	cr_assert_eq(vp_compare_runs(&base, &newr, &o, &cmp, err, sizeof(err)),
		     0);
	const struct vp_cmp_row *r =
	    row("host", "lock.kernel", 2, "call_p999_ns");
	cr_expect_eq(r->dir, VP_DIR_LOWER);
	cr_expect_eq(r->verdict, VP_REGRESSED, "%s", r->why);
	r = row("host", "lock.kernel", 2, "call_p9999_ns");
	cr_expect_eq(r->verdict, VP_NOT_COMPARABLE);
	cr_expect(strstr(r->why, "50000 samples: p9999 needs at least 100000"),
		  "%s", r->why);
	cr_expect_eq(vp_metric_direction("call_samples"), VP_DIR_NONE);
	unload();
	rm_run(da);
	rm_run(db);
}
