/* vpbench: entry point and subcommand dispatch. The same binary is the
 * host-side runner, the agent inside guests and SSH targets, and the
 * guest's PID 1 (when started as /init). */
#include <libgen.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/report_cli.h"
#include "runner/agent/agent.h"
#include "runner/cli.h"
#include "runner/doctor.h"
#include "runner/guest/guest.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "usage: vpbench <command> [options]\n"
	    "Measures what virtualization costs multiprocessor workloads: the "
	    "same\n"
	    "CPU-, lock- and I/O-bound workloads on the host, in 1/2/4-vCPU "
	    "VMs and on\n"
	    "existing guests over SSH, with counters and spin-time probes.\n"
	    "\n"
	    "commands:\n"
	    "  run       run workloads on targets, write a run folder and its "
	    "report\n"
	    "  list      workloads, variants, options and availability here\n"
	    "  env       this machine: hypervisor, topology, counters\n"
	    "  doctor    pre-flight check of this host (= env --check)\n"
	    "  report    RUN... -> summary.csv + report.html\n"
	    "  compare   BASE NEW -> regression verdict (exit 1 on "
	    "regression)\n"
	    "\n"
	    "`vpbench <command> --help` describes each. Exit codes: 0 ok, 1 "
	    "failures\n"
	    "or regression, 2 bad usage or input.\n");
}

int main(int argc, char **argv)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		snprintf(self, sizeof(self), "%s", argv[0]);
	else
		self[n] = 0;

	char arg0[PATH_MAX];
	snprintf(arg0, sizeof(arg0), "%s", argv[0]);
	if (strcmp(basename(arg0), "init") == 0 && getpid() == 1)
		return vp_guest_init_main(argc, argv);

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	const char *cmd = argv[1];
	int sargc = argc - 1;
	char **sargv = argv + 1;
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		printf("vpbench %s\n", VP_VERSION);
		return 0;
	}
	if (!strcmp(cmd, "run"))
		return vp_cli_run(sargc, sargv, self);
	if (!strcmp(cmd, "list"))
		return vp_cli_list(sargc, sargv);
	if (!strcmp(cmd, "env"))
		return vp_cli_env(sargc, sargv);
	if (!strcmp(cmd, "doctor"))
		return vp_doctor_main(sargc, sargv);
	if (!strcmp(cmd, "report"))
		return vp_report_main(sargc, sargv);
	if (!strcmp(cmd, "compare"))
		return vp_compare_main(sargc, sargv);
	if (!strcmp(cmd, "agent"))
		return vp_agent_main(sargc, sargv);
	if (!strcmp(cmd, "guest-init"))
		return vp_guest_init_main(sargc, sargv);
	fprintf(stderr,
		"vpbench: unknown command '%s'; valid: run, list, env, doctor, "
		"report, compare (see vpbench --help)\n",
		cmd);
	return 2;
}
