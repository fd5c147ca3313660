/* The self-contained HTML report: one file with inline CSS and inline SVG,
 * no scripts and no external references, so it opens offline in any
 * browser. Sections: headline ratios, warnings, scaling curves, ratio
 * chart, spin-wait distributions, I/O latency, per-workload tables,
 * unavailable metrics with reasons, environments side by side. */
#ifndef VP_HTML_H
#define VP_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "reports/summary.h"

/* Writes the report of s to path. Returns 0 or -errno with a message. */
int vp_html_write(const struct vp_summary *s, const char *path, char *err,
		  size_t errlen);
/* The same onto an open stream (tests). */
void vp_html_render(const struct vp_summary *s, FILE *f);

#endif
