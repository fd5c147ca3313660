/* Pieces shared by the SVG chart files (svg.c: lines and formats,
 * svg_bars.c, svg_hist.c): text and legend output, and axes whose tick
 * loops are bounded by an integer count, so no input value, however large,
 * infinite or NaN, can make a chart loop run away (issue 11, defect 1). */
#ifndef VP_SVG_INTERNAL_H
#define VP_SVG_INTERNAL_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

#include "reports/svg.h"

#define VP_SVG_CHAR_W	   6.6	 /* average glyph width at 12px sans-serif */
#define VP_SVG_MAX_ABS	   1e300 /* larger magnitudes are drawn as no data */
#define VP_SVG_MAX_DECADES 24	 /* a log axis spans at most this many */
#define VP_SVG_MAX_TICKS   64

/* A value a chart can place: finite and within VP_SVG_MAX_ABS; for a log
 * axis also positive and not below 1 / VP_SVG_MAX_ABS. */
bool vp_svg_usable(double v, bool log_axis);

void vp_svg_text(FILE *f, double x, double y, const char *anchor,
		 const char *cls, const char *s);
void vp_svg_open(FILE *f, int w, int h, const char *title);
void vp_svg_no_data(FILE *f, double x, double y);
void vp_svg_ylabel(FILE *f, double x, double y, const char *s);
/* Legend rows (colour boxes and names) wrapped to width; returns the
 * height used. */
double vp_svg_legend(FILE *f, double x0, double y0, double width,
		     const struct vp_series *s, size_t ns);

/* A value axis: linear from 0, or logarithmic (decades). */
struct vp_axis {
	bool log;
	double lo, hi; /* drawn range (log: powers of ten) */
	double ticks[VP_SVG_MAX_TICKS];
	size_t nticks;
};
/* Linear axis from 0 to a round value above max (max <= 0: 0..1). */
void vp_axis_linear(struct vp_axis *a, double max);
/* Log axis from the decade at or below lo to the decade at or above hi
 * (lo, hi usable and lo <= hi); at most VP_SVG_MAX_DECADES decades, the
 * low end raised when the data span more. Ticks at 1-2-5 within two
 * decades, 1-3 within five, else decades. */
void vp_axis_log(struct vp_axis *a, double lo, double hi);
/* Position of v on an axis drawn from x0 to x0 + len (values beyond the
 * range are clamped to it). */
double vp_axis_pos(const struct vp_axis *a, double v, double x0, double len);

#endif
