/* The cli room: the subcommands of the vpbench CLI (runner/main.c
 * dispatches to these). Code outside runner/cli/ includes this header only.
 *
 * What the room offers:
 *   cli_run.c   `vpbench run` option parsing: flags over a plan file over
 *               the defaults, all from the run-key table (runner/plan/)
 *   cli_info.c  `vpbench list` (workloads, options, availability here) and
 *               `vpbench env` (this machine: hypervisor, topology, probes)
 * `report` and `compare` live in reports/ (report_cli.h), `env --check` /
 * `doctor` in runner/doctor/. */
#ifndef VP_CLI_H
#define VP_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "runner/plan/plan.h"
#include "runner/run/run.h"

void vp_run_usage(FILE *f);
/* Parses `run` arguments into plan/ro. 0 ok, 1 --help, -1 error in err. */
int vp_cli_parse_run(int argc, char **argv, struct vp_plan *plan,
		     struct vp_run_options *ro, char *err, size_t errlen);
int vp_cli_run(int argc, char **argv, const char *self_exe);
int vp_cli_list(int argc, char **argv);
int vp_cli_env(int argc, char **argv);

#endif
