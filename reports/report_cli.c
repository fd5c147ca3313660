/* Placeholder while the report modules land: keeps the vpbench binary
 * linking. Replaced by the real subcommands. */
#include "reports/report_cli.h"

#include <errno.h>
#include <stdio.h>

int vp_report_main(int argc, char **argv)
{
	fprintf(stderr, "vpbench report: not implemented yet\n");
	return 2;
}

int vp_compare_main(int argc, char **argv)
{
	fprintf(stderr, "vpbench compare: not implemented yet\n");
	return 2;
}

int vp_report_build(const char *const *run_dirs, size_t n,
		    const char *html_out, const char *summary_out,
		    const char *baseline, char *err, size_t errlen)
{
	snprintf(err, errlen, "report not implemented yet");
	return -ENOSYS;
}
