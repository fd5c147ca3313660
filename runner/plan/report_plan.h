/* The runner's plan reader for `vpbench report` (reports/run_plan.h holds
 * the contract); installed by main() with vp_report_set_plan_reader. */
#ifndef VP_REPORT_PLAN_H
#define VP_REPORT_PLAN_H

#include <stddef.h>

int vp_report_plan_read(const char *path, long *steps, char *err,
			size_t errlen);

#endif
