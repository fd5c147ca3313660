/* The self-contained HTML report: one file with inline CSS and inline SVG,
 * no scripts and no external references, so it opens offline in any
 * browser. It only prints what reports/verdicts.h decided. Sections:
 * headline ratios, warnings, scaling curves, ratio
 * chart, spin-wait distributions, I/O latency, per-workload tables,
 * unavailable metrics with reasons, environments side by side. */
#ifndef VP_HTML_H
#define VP_HTML_H

#include <stddef.h>
#include <stdio.h>

#include "reports/summary.h"
#include "reports/verdicts.h"

/* Writes the report of s with its verdicts v to path (reports/out_atomic.h,
 * a path the user named). Returns 0 or -errno with a message. */
int vp_html_write(const struct vp_summary *s, const struct vp_verdicts *v,
		  const char *path, char *err, size_t errlen);
/* The same onto an open stream (tests). */
void vp_html_render(const struct vp_summary *s, const struct vp_verdicts *v,
		    FILE *f);
/* Both with the history section (trend charts, html_trend.h) after the
 * charts when h is not NULL. */
struct vp_html_history;
int vp_html_write_with(const struct vp_summary *s, const struct vp_verdicts *v,
		       const struct vp_html_history *h, const char *path,
		       char *err, size_t errlen);
void vp_html_render_with(const struct vp_summary *s,
			 const struct vp_verdicts *v,
			 const struct vp_html_history *h, FILE *f);

#endif
