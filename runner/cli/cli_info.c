/* `vpbench list` (workloads, options, availability here) and `vpbench env`
 * (this machine: hypervisor, topology, probes). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/counters.h"
#include "probes/envinfo.h"
#include "runner/cli/cli.h"
#include "runner/doctor/doctor.h"
#include "runner/util/printable.h"
#include "runner/util/wrap.h"
#include "workloads/workload.h"

static const char *type_name(enum vp_opt_type t)
{
	switch (t) {
	case VP_OPT_INT:
		return "int";
	case VP_OPT_SIZE:
		return "size";
	case VP_OPT_DOUBLE:
		return "number";
	case VP_OPT_STRING:
		return "text";
	case VP_OPT_CHOICE:
		return "choice";
	}
	return "?";
}

static int wants_help(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "-h") || !strcmp(argv[i], "--help"))
			return 1;
	return 0;
}

static void print_bounds(const struct vp_option *o, char *buf, size_t len)
{
	char lo[32], hi[32];
	if (o->type == VP_OPT_CHOICE) {
		snprintf(buf, len, "%s", o->choices ? o->choices : "");
		return;
	}
	if (o->type == VP_OPT_STRING) {
		buf[0] = 0;
		return;
	}
	if (o->type == VP_OPT_SIZE) {
		vp_format_size((uint64_t)o->min, lo, sizeof(lo));
		vp_format_size((uint64_t)o->max, hi, sizeof(hi));
	} else {
		snprintf(lo, sizeof(lo), "%.15g", o->min);
		snprintf(hi, sizeof(hi), "%.15g", o->max);
	}
	snprintf(buf, len, "%s .. %s", lo, hi);
}

int vp_cli_list(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf("usage: vpbench list\nLists every workload with its "
		       "class, whether the bare class selects it\n(default "
		       "set), whether it can run here (and why not), and its "
		       "-O options\nwith default, bounds and help.\n");
		return 0;
	}
	if (argc > 1) {
		char shown[160];
		fprintf(stderr, "vpbench list: unexpected argument '%s'\n",
			vp_printable(argv[1], shown, sizeof(shown)));
		return 2;
	}
	for (size_t i = 0; i < vp_workload_count(); i++) {
		const struct vp_workload *wl = vp_workload_at(i);
		void *opts = calloc(1, wl->opts_size ? wl->opts_size : 1);
		char why[512] = "", err[256];
		if (!opts)
			return 1;
		vp_options_defaults(wl->options, opts, wl->opts_size, err,
				    sizeof(err));
		struct vp_workload_ctx ctx = {.opts = opts, .max_threads = 1};
		int ok = !wl->supported ||
			 wl->supported(&ctx, why, sizeof(why)) == 0;
		/* Wrapped at 79 columns; only a workload's own line starts
		 * at column 0 and only an option's at "    -O " (the bash
		 * completion reads them so). */
		char line[1024];
		snprintf(line, sizeof(line), "%s%s", wl->summary,
			 wl->in_default_set ? " [default]" : "");
		int col = printf("%-16s ", wl->name);
		vp_wrap(stdout, line, col, 17, 79);
		if (ok && why[0])
			snprintf(line, sizeof(line), "yes (%s)", why);
		else
			snprintf(line, sizeof(line), "%s%s",
				 ok ? "yes" : "no: ", ok ? "" : why);
		col = printf("    available here: ");
		vp_wrap(stdout, line, col, 8, 79);
		for (const struct vp_option *o = wl->options; o && o->name;
		     o++) {
			char def[VP_OPT_STRING_MAX], bounds[128];
			vp_option_format(o, opts, def, sizeof(def));
			print_bounds(o, bounds, sizeof(bounds));
			printf("    -O %-10s %-7s default %s%s%s%s\n", o->name,
			       type_name(o->type), def[0] ? def : "\"\"",
			       bounds[0] ? " [" : "", bounds,
			       bounds[0] ? "]" : "");
			col = printf("%8s", "");
			vp_wrap(stdout, o->help, col, 8, 79);
		}
		free(opts);
	}
	return 0;
}

int vp_cli_env(int argc, char **argv)
{
	if (wants_help(argc, argv)) {
		printf(
		    "usage: vpbench env [--csv]\n"
		    "       vpbench env --check [-o RUN_FOLDER]\n"
		    "Prints what vpbench sees "
		    "on this machine: hypervisor (CPUID and\n"
		    "/sys/hypervisor), CPU, topology, kernel, clocksource, "
		    "TSC rate and which\ncounters are available (and why "
		    "not). --csv prints key,value rows.\n"
		    "--check (also `vpbench doctor`): what would make a run's "
		    "figures less than\nthey could be (KVM access, "
		    "perf_event_paranoid, PMU and vPMU, O_DIRECT in the\n"
		    "run folder, QEMU, KVM module parameters, THP, CPU "
		    "governor), each with\nits fix. Exit 0 when all is well, "
		    "1 with findings.\n");
		return 0;
	}
	for (int i = 1; i < argc; i++)
		if (!strcmp(argv[i], "--check"))
			return vp_doctor_main(argc, argv);
	int csv = argc > 1 && !strcmp(argv[1], "--csv");
	if (argc > 2 || (argc == 2 && !csv)) {
		char shown[160];
		fprintf(stderr, "vpbench env: unexpected argument '%s'\n",
			vp_printable(argv[argc - 1], shown, sizeof(shown)));
		return 2;
	}
	struct vp_kvlist kv;
	vp_kvlist_init(&kv);
	vp_env_collect(&kv);
	for (size_t i = 0; i < kv.n; i++) {
		if (csv)
			printf("%s,\"%s\"\n", kv.v[i].key, kv.v[i].value);
		else
			printf("%-28s %s\n", kv.v[i].key, kv.v[i].value);
	}
	vp_kvlist_free(&kv);
	return 0;
}
