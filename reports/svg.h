/* Inline SVG charts for the HTML report: line charts with error bars
 * (scaling curves), horizontal grouped bar charts with CI whiskers (ratios,
 * latency percentiles) and bucket histograms with markers (spin-wait
 * distributions). Plain SVG 1.1, no scripts, no external references; every
 * text from a CSV is escaped. */
#ifndef VP_SVG_H
#define VP_SVG_H

#include <stdbool.h>
#include <stddef.h>
#include <stdio.h>

enum vp_axis_fmt {
	VP_AXIS_NUM,   /* 1.2k, 3.4M */
	VP_AXIS_NS,    /* 250 ns, 1.5 µs, 12 ms */
	VP_AXIS_US,    /* values in µs */
	VP_AXIS_INT,   /* thread counts */
	VP_AXIS_RATIO, /* 0.27, 1.05 */
};

struct vp_series {
	const char *name; /* legend label */
	const char *color;
	size_t n;
	const double *x, *y;   /* NAN y: no point */
	const double *lo, *hi; /* error bars, may be NULL or NAN */
};

struct vp_chart {
	const char *title, *xlabel, *ylabel;
	int width, height; /* height: 0 = automatic for bar charts */
	enum vp_axis_fmt xfmt, yfmt;
	double ref;	       /* reference line (bars: vertical at x = ref),
				  NAN for none */
	const char *ref_label; /* e.g. "bare metal = 1" */
	double xmin, xmax;     /* histogram x range (NAN: from the data) */
	bool xlog;	       /* bars: logarithmic value axis (ratios,
				  latencies spanning decades) */
	bool mark_ref;	       /* bars: ▲ / ▼ after the value when its CI
				  lies above / below ref */
};

struct vp_marker {
	const char *name; /* "p50" */
	double x;
};

/* A chart initialised with NAN ranges and no reference line. */
struct vp_chart vp_chart_defaults(const char *title, const char *xlabel,
				  const char *ylabel, int width, int height);
/* Colour i of a colour-blind safe palette (Okabe-Ito). */
const char *vp_palette(size_t i);
void vp_fmt_axis(double v, enum vp_axis_fmt fmt, char *buf, size_t len);
/* A measured value for tables: durations by their unit ("ns", "us"), small
 * fractional numbers with 4 significant digits, NaN as `nan_text`. */
void vp_fmt_value(double v, const char *unit, const char *nan_text, char *buf,
		  size_t len);

/* x: numeric (thread counts); ticks at the x values present. */
void vp_svg_lines(FILE *f, const struct vp_chart *c, const struct vp_series *s,
		  size_t ns);
/* Category i of series j: s[j].y[i] (with s[j].lo/hi[i]); bars are
 * horizontal, categories top to bottom, series grouped per category. With
 * xlog the value axis is logarithmic and bars start at ref (when set). */
void vp_svg_bars(FILE *f, const struct vp_chart *c, const char *const *cats,
		 size_t ncats, const struct vp_series *s, size_t ns);
/* Bucket k holds count[k] values between the edges x0[k] < x1[k] (the
 * log-linear buckets of results schema 2, or schema 1's power-of-two ones);
 * both axes logarithmic; markers drawn as labelled vertical lines. */
void vp_svg_histogram(FILE *f, const struct vp_chart *c, const double *x0,
		      const double *x1, const double *count, size_t n,
		      const char *color, const struct vp_marker *m, size_t nm);

#endif
