/* A scatter chart for the HTML report: one dot per observation, a colour
 * per series, both axes linear from 0 (an honest origin), every dot with a
 * <title> naming it. Same CSS classes and conventions as svg.h. */
#ifndef VP_SVG_SCATTER_H
#define VP_SVG_SCATTER_H

#include <stddef.h>
#include <stdio.h>

#include "reports/svg.h"

/* Series j has s[j].n points (s[j].x[i], s[j].y[i]); points with a
 * non-finite or negative coordinate are left out. labels (may be NULL):
 * one hover text per point, series by series in order. */
void vp_svg_scatter(FILE *f, const struct vp_chart *c,
		    const struct vp_series *s, size_t ns,
		    const char *const *labels);

#endif
