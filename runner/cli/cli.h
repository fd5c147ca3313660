/* Subcommands of the vpbench CLI (main.c dispatches to these). */
#ifndef VP_CLI_H
#define VP_CLI_H

#include <stddef.h>
#include <stdio.h>

#include "runner/plan.h"
#include "runner/run.h"

void vp_run_usage(FILE *f);
/* Parses `run` arguments into plan/ro. 0 ok, 1 --help, -1 error in err. */
int vp_cli_parse_run(int argc, char **argv, struct vp_plan *plan,
		     struct vp_run_options *ro, char *err, size_t errlen);
int vp_cli_run(int argc, char **argv, const char *self_exe);
int vp_cli_list(int argc, char **argv);
int vp_cli_env(int argc, char **argv);

#endif
