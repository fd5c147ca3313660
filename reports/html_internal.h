/* Pieces the HTML report files share: the style sheet, small formatting
 * helpers and the section renderers. Sections only print what
 * reports/verdicts.h decided; every CSV string goes through
 * vp_html_escape. Files: html.c (document), html_style.c (CSS),
 * html_headline.c (headline and scaling tables), html_findings.c ("Read
 * this first"), html_tables.c (per-workload, spin and unavailable
 * tables), html_env.c (environments), html_charts.c (charts). */
#ifndef VP_HTML_INTERNAL_H
#define VP_HTML_INTERNAL_H

#include <stddef.h>
#include <stdio.h>

#include "reports/summary.h"
#include "reports/verdicts.h"

extern const char vp_html_css[];

/* A measured value for a table cell, "–" when not computable. */
void vp_h_val(double v, const char *unit, char *buf, size_t len);
/* "2 vCPUs, tcg, TCG" */
const char *vp_h_target_desc(const struct vp_target_ref *t, char *buf,
			     size_t len);
/* The target's colour square and escaped label. */
void vp_h_target(FILE *f, const struct vp_summary *s, size_t t);
/* Small tags for the caveat bits of a target or cell. */
void vp_h_caveat_tags(FILE *f, const struct vp_target_ref *t, unsigned caveats);
/* "▲" when lo > 1, "▼" when hi < 1, "" otherwise (or no CI): the
 * direction is readable without telling the colours apart. */
const char *vp_h_ratio_mark(double lo, double hi);

void vp_html_headline(const struct vp_summary *s, const struct vp_verdicts *v,
		      FILE *f);
void vp_html_scaling_table(const struct vp_summary *s,
			   const struct vp_verdicts *v, FILE *f);
void vp_html_findings(const struct vp_summary *s, const struct vp_verdicts *v,
		      FILE *f);
void vp_html_workload_table(const struct vp_summary *s,
			    const struct vp_verdicts *v, size_t w, FILE *f);
void vp_html_spin_table(const struct vp_summary *s, FILE *f);
void vp_html_unavailable(const struct vp_summary *s, FILE *f);
void vp_html_environment(const struct vp_summary *s, FILE *f);

#endif
