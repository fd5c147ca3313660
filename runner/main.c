/* vpbench: entry point and subcommand dispatch. The same binary is the
 * host-side runner, the agent inside guests and SSH targets, and the
 * guest's PID 1 (when started as /init). */
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "reports/history/history_cli.h"
#include "reports/report_cli.h"
#include "reports/run_plan.h"
#include "runner/agent/agent.h"
#include "runner/targets/net_peer_host.h"
#include "runner/build_info.h"
#include "runner/cli/cli.h"
#include "runner/doctor/doctor.h"
#include "runner/guest/guest.h"
#include "runner/run/provenance.h"
#include "runner/plan/report_plan.h"
#include "runner/util/printable.h"

static void usage(FILE *f)
{
	fprintf(
	    f,
	    "Usage: vpbench <command> [options]\n"
	    "Measures what virtualization costs multiprocessor workloads: the "
	    "same\n"
	    "CPU-, lock- and I/O-bound workloads on the host, in 1/2/4-vCPU "
	    "VMs and on\n"
	    "existing guests over SSH, with counters and spin-time probes.\n"
	    "\n"
	    "Commands:\n"
	    "  run       run workloads on targets, write a run folder and its "
	    "report\n"
	    "  list      workloads, variants, options and availability here\n"
	    "  env       this machine: hypervisor, topology, counters\n"
	    "  doctor    pre-flight check of this host (= env --check)\n"
	    "  report    RUN... -> summary.csv + report.html\n"
	    "  compare   BASE NEW -> regression verdict (exit 1 on "
	    "regression)\n"
	    "  history   import|list|export|check: the results history, "
	    "change points\n"
	    "\n"
	    "`vpbench <command> --help` describes each. Exit codes: 0 ok, 1 "
	    "failures\n"
	    "or regression, 2 bad usage or input.\n");
}

/* help2man reads this: the first line names the version (in the man page's
 * footer), the Copyright line starts its COPYRIGHT section. */
static void version(void)
{
	printf("vpbench %s (git %s)\n"
	       "Copyright (c) 2026 The vpbench authors.\n"
	       "MIT License.\n",
	       VP_VERSION, vp_git_describe);
}

/* A closed stdout/stderr must never cost results (issue 11 defect 2).
 * Descriptors 0-2 that are closed get /dev/null, or the first file opened
 * (results.csv) would receive what is printed to "stdout". And for the
 * commands that print while they measure or write files, a reader that
 * went away (`| head -1`) is EPIPE on a write, not a fatal SIGPIPE: the
 * printing stops, the measuring and writing go on. The agent keeps the
 * default: its stdout is the row channel, nobody reading means stop. */
static void guard_std_streams(const char *cmd)
{
	for (int fd = 0; fd <= 2; fd++)
		if (fcntl(fd, F_GETFD) == -1 && errno == EBADF &&
		    open("/dev/null", fd ? O_WRONLY : O_RDONLY) != fd)
			_exit(2);
	static const char *const printing[] = {"run",	 "list",    "env",
					       "report", "compare", "history"};
	for (size_t i = 0; cmd && i < sizeof(printing) / sizeof(printing[0]);
	     i++)
		if (strcmp(cmd, printing[i]) == 0) {
			signal(SIGPIPE, SIG_IGN);
			/* A file-size limit is a full disk: EFBIG on the
			 * write, reported with the path, not a core dump. */
			signal(SIGXFSZ, SIG_IGN);
		}
}

int main(int argc, char **argv)
{
	char self[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n <= 0)
		snprintf(self, sizeof(self), "%s", argv[0]);
	else
		self[n] = 0;

	guard_std_streams(argc > 1 ? argv[1] : NULL);
	char arg0[PATH_MAX];
	snprintf(arg0, sizeof(arg0), "%s", argv[0]);
	if (strcmp(basename(arg0), "init") == 0 && getpid() == 1)
		return vp_guest_init_main(argc, argv);

	if (argc < 2) {
		usage(stderr);
		return 2;
	}
	vp_provenance_set_argv(argc, argv);
	/* report and the report at the end of a run read plan.conf with the
	 * plan's own rules (reports/ cannot include the runner). */
	vp_report_set_plan_reader(vp_report_plan_read);
	const char *cmd = argv[1];
	int sargc = argc - 1;
	char **sargv = argv + 1;
	if (!strcmp(cmd, "-h") || !strcmp(cmd, "--help") ||
	    !strcmp(cmd, "help")) {
		usage(stdout);
		return 0;
	}
	if (!strcmp(cmd, "--version") || !strcmp(cmd, "version")) {
		version();
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
	if (!strcmp(cmd, "history"))
		return vp_history_main(sargc, sargv);
	if (!strcmp(cmd, "agent"))
		return vp_agent_main(sargc, sargv);
	if (!strcmp(cmd, "guest-init"))
		return vp_guest_init_main(sargc, sargv);
	if (!strcmp(cmd, "net-peer"))
		return vp_net_peer_main(sargc, sargv);
	char shown[160];
	fprintf(stderr,
		"vpbench: unknown command '%s'; valid: run, list, env, doctor, "
		"report, compare, history (see vpbench --help)\n",
		vp_printable(cmd, shown, sizeof(shown)));
	return 2;
}
