/* Helpers shared by the report and compare subcommands (report_cli.c,
 * compare_cli.c). */
#ifndef VP_CLI_INTERNAL_H
#define VP_CLI_INTERNAL_H

#include <getopt.h>

#include "reports/csv_read.h"

/* Message for an option getopt refused, with the valid ones. */
void vp_cli_bad_option(const char *cmd, char **argv, int c,
		       const struct option *longs);
/* The reader's warnings of a run on stderr, control bytes replaced. */
void vp_cli_print_warnings(const char *cmd, const struct vp_run *r);
/* "vpbench CMD: MSG" on stderr with control bytes of MSG (which may quote
 * a CSV field) shown as '?', so no input can send terminal escapes. */
void vp_cli_error(const char *cmd, const char *msg);

#endif
