/* The report's "Why" section (decisions in why.h): a table of long waits
 * next to the schedulers' view with one reading per cell, and a chart of
 * long waits against vCPU run-queue delay over every step. */
#ifndef VP_HTML_WHY_H
#define VP_HTML_WHY_H

#include <stdio.h>

#include "reports/summary.h"

void vp_html_why(const struct vp_summary *s, FILE *f);

#endif
