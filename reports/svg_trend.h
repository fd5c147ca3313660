/* The trend chart of one results-history series (the report's history
 * section): one point per run, oldest left, on a logarithmic ratio axis
 * (value / a reference the caller chooses), the segment levels between
 * change points as dashed lines, the change points as vertical lines, and
 * on every point and mark a <title> the browser shows on hover (run id,
 * date, build, value). Plain types only, so the renderer knows nothing of
 * the history store or the check. Every string is escaped. */
#ifndef VP_SVG_TREND_H
#define VP_SVG_TREND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

struct vp_trend_point {
	const char *run_id, *date, *build; /* "" when unknown */
	double value;			   /* NAN: no value in that run */
	bool highlight;			   /* the report's own run */
};

struct vp_trend_mark {
	size_t at;	   /* index of the first point after the change */
	const char *label; /* short, drawn above the line: "-9.7%" */
	const char *title; /* hover text: the runs, shift, CI, p */
	bool bad;	   /* a regression: drawn in the alarm colour */
};

struct vp_trend {
	const char *title; /* drawn above the chart */
	const char *unit;  /* of the values in the hover titles */
	double ref;	   /* the value drawn at ratio 1 (> 0) */
	const char *ref_label;
	size_t n;
	const struct vp_trend_point *pts;
	size_t nmarks;
	const struct vp_trend_mark *marks;
};

/* Draws t as an inline SVG width x height. Points whose value is not
 * positive and finite, or whose ratio is beyond 1e±6, are left out;
 * marks beyond the points are ignored. */
void vp_svg_trend(FILE *f, const struct vp_trend *t, int width, int height);

#endif
