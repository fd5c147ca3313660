/* `vpbench run` option parsing: flags override a plan file, which overrides
 * the defaults. The flags, their help and their parsing all come from the
 * run-key table (plan_keys.c). Every bad value exits 2 naming the valid
 * choices. */
#include "runner/cli/cli.h"

#include <getopt.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "runner/plan/plan_keys.h"
#include "runner/run/run.h"
#include "runner/util/printable.h"

#define RUN_MAX_OPTS 64

void vp_run_usage(FILE *f)
{
	fputs("usage: vpbench run [options]\n"
	      "Runs workloads on targets and writes results.csv, env.csv, "
	      "summary.csv\n"
	      "and report.html into a run folder; prints where they are.\n"
	      "\n",
	      f);
	vp_plan_keys_usage(f);
	fputs("\nExit: 0 ok, 1 some steps failed (rows say why), 2 bad usage, "
	      "130 interrupted.\n",
	      f);
}

/* A CLI-only flag (not a plan key). */
static void cli_flag(const struct vp_plan_key *k, struct vp_run_options *ro)
{
	if (strcmp(k->name, "no-report") == 0)
		ro->no_report = 1;
	else if (strcmp(k->name, "quiet") == 0)
		ro->quiet = 1;
}

static int bad_option(int c, int argc, char **argv, char *err, size_t errlen)
{
	char shown[160];
	const char *arg = optind > 0 && optind <= argc ? argv[optind - 1] : "";
	vp_printable(arg, shown, sizeof(shown));
	if (c == ':')
		snprintf(err, errlen, "option %s needs a value", shown);
	else
		snprintf(err, errlen, "unknown option '%s'", shown);
	return -1;
}

int vp_cli_parse_run(int argc, char **argv, struct vp_plan *plan,
		     struct vp_run_options *ro, char *err, size_t errlen)
{
	struct option longopts[RUN_MAX_OPTS];
	char shortopts[2 * RUN_MAX_OPTS + 2], e2[2048], shown[160];
	int c;
	vp_plan_keys_getopt(longopts, RUN_MAX_OPTS, shortopts,
			    sizeof(shortopts));
	/* Pass 1: --help and the plan file, so flags given anywhere override
	 * the file. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct vp_plan_key *k = vp_plan_key_by_val(c);
		if (k && strcmp(k->name, "help") == 0)
			return 1;
		if (k && strcmp(k->name, "plan") == 0 &&
		    vp_plan_load(plan, optarg, err, errlen))
			return -1;
	}
	/* Pass 2: the flags. */
	optind = 1;
	opterr = 0;
	while ((c = getopt_long(argc, argv, shortopts, longopts, NULL)) != -1) {
		const struct vp_plan_key *k = vp_plan_key_by_val(c);
		if (!k)
			return bad_option(c, argc, argv, err, errlen);
		if (k->flags & VP_KEY_CLI) {
			cli_flag(k, ro);
			continue;
		}
		/* A bare flag (--vcpu-pin) is a yes/no key set to yes. */
		if (vp_plan_set(plan, k->name, k->metavar ? optarg : "yes", e2,
				sizeof(e2))) {
			snprintf(err, errlen, "%s", e2);
			return -1;
		}
	}
	if (optind != argc) {
		snprintf(err, errlen, "unexpected argument '%s'",
			 vp_printable(argv[optind], shown, sizeof(shown)));
		return -1;
	}
	if (vp_plan_finalize(plan, err, errlen) ||
	    vp_run_check(plan, err, errlen))
		return -1;
	if (plan->vm_cpus[0]) {
		/* The set must be ours to give (checked here, not in the plan:
		 * guests load the same plan on fewer CPUs). */
		cpu_set_t set;
		int order[1];
		vp_cpulist_parse(plan->vm_cpus, &set, e2, sizeof(e2));
		if (vp_pin_order_of(&set, order, 1, e2, sizeof(e2)) < 0) {
			snprintf(err, errlen, "--vm-cpus %s: %s",
				 plan->vm_cpus, e2);
			return -1;
		}
	}
	return 0;
}

int vp_cli_run(int argc, char **argv, const char *self_exe)
{
	static struct vp_plan plan;
	struct vp_run_options ro = {self_exe, 0, 0};
	char err[4096];
	vp_plan_defaults(&plan);
	int rc = vp_cli_parse_run(argc, argv, &plan, &ro, err, sizeof(err));
	if (rc == 1) {
		vp_run_usage(stdout);
		return 0;
	}
	if (rc) {
		fprintf(stderr, "vpbench run: %s\n(see vpbench run --help)\n",
			err);
		vp_plan_free(&plan);
		return 2;
	}
	rc = vp_run_execute(&plan, &ro);
	vp_plan_free(&plan);
	return rc;
}
