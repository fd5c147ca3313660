/* Issue 20 defect 4, reading side: rows of a suspended step (status ok,
 * note "suspended: ...") are read, kept out of their cell's values (counted
 * in n_failed), listed by a `suspended` finding, and not by
 * failed_repetitions; a row whose note merely mentions the word is not
 * one. */
#include <criterion/criterion.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/summary.h"
#include "reports/verdicts.h"

static char dir[] = "/tmp/vp-suspended-XXXXXX";
static char path[PATH_MAX];

static void setup(void)
{
	cr_assert_not_null(mkdtemp(dir));
	snprintf(path, sizeof(path), "%s/results.csv", dir);
	FILE *f = fopen(path, "w");
	cr_assert_not_null(f);
	fputs("schema,run_id,target,target_kind,accel,hypervisor,vcpus,"
	      "host_cpus,workload,threads,rep,metric,value,unit,status,note\n",
	      f);
	const char *rows[] = {
	    "1,r,host,host,none,none,2,2,cpu.int,1,1,ops_per_s,100,ops/s,ok,",
	    "1,r,host,host,none,none,2,2,cpu.int,1,2,ops_per_s,102,ops/s,ok,"
	    "not suspended: just a note",
	    "1,r,host,host,none,none,2,2,cpu.int,1,3,ops_per_s,98,ops/s,ok,",
	    "1,r,host,host,none,none,2,2,cpu.int,1,4,ops_per_s,20,ops/s,ok,"
	    "suspended: window 2.44 s for 1.00 s planned",
	};
	for (size_t i = 0; i < sizeof(rows) / sizeof(rows[0]); i++)
		fprintf(f, "%s\n", rows[i]);
	fclose(f);
}

static void teardown(void)
{
	unlink(path);
	rmdir(dir);
}

Test(suspended, left_out_of_the_cell_and_listed, .init = setup,
     .fini = teardown)
{
	char err[512];
	struct vp_run run;
	struct vp_summary s;
	struct vp_verdicts v;
	cr_assert_eq(vp_run_load(dir, &run, err, sizeof(err)), 0, "%s", err);
	cr_assert_eq(vp_summary_build(&run, 1, NULL, &s, err, sizeof(err)), 0,
		     "%s", err);
	long c = vp_summary_find(&s, 0, "cpu.int", 1, "ops_per_s");
	cr_assert_geq(c, 0);
	const struct vp_cell *cell = &s.cells[c];
	cr_expect_eq(cell->n, 3);
	cr_expect_eq(cell->n_failed, 1);
	cr_expect_eq(cell->n_suspended, 1);
	cr_expect_float_eq(cell->d.mean, 100, 1e-9, "mean %g", cell->d.mean);
	cr_assert_eq(vp_verdicts_build(&s, &v), 0);
	cr_expect_eq(v.count[VP_FIND_SUSPENDED], 1);
	cr_expect_eq(v.count[VP_FIND_FAILED], 0);
	vp_verdicts_free(&v);
	vp_summary_free(&s);
	vp_run_free(&run);
}
