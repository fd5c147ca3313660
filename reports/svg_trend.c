/* The trend chart (see svg_trend.h). The ratio axis is logarithmic so that
 * a run 10 % slower and one 10 % faster sit equally far from 1; its ticks
 * are powers of one step (1 %, 2 %, 5 %, ... or factors of 2 and 10) and
 * their loop is bounded by VP_SVG_MAX_TICKS, so no value can make it run
 * away. */
#include "reports/svg_trend.h"

#include <math.h>
#include <stdlib.h>

#include "reports/html_escape.h"
#include "reports/stats.h"
#include "reports/svg.h"
#include "reports/svg_internal.h"

#define MAX_RATIO 1e6
#define L_MARGIN  52.0
#define R_MARGIN  14.0
#define T_MARGIN  40.0
#define B_MARGIN  34.0

static bool usable_ratio(double v, double ref)
{
	double r = v / ref;
	return isfinite(v) && v > 0 && isfinite(r) && r <= MAX_RATIO &&
	       r >= 1 / MAX_RATIO;
}

struct frame {
	double x0, pw, y0, ph; /* plot area: left, width, top, height */
	double llo, lhi;       /* log of the ratio range */
	size_t n;
};

static double px(const struct frame *fr, double i)
{
	return fr->x0 + fr->pw * (i + 0.5) / (double)fr->n;
}

static double py(const struct frame *fr, double ratio)
{
	double l = log(ratio);
	if (l < fr->llo)
		l = fr->llo;
	if (l > fr->lhi)
		l = fr->lhi;
	return fr->y0 + fr->ph * (fr->lhi - l) / (fr->lhi - fr->llo);
}

/* The tick step: the smallest factor of the list giving at most 7 ticks
 * over the range. */
static double tick_factor(double llo, double lhi)
{
	static const double f[] = {1.01, 1.02, 1.05, 1.1, 1.25,
				   1.5,	 2,    10,   100, 1e4};
	for (size_t i = 0; i < sizeof(f) / sizeof(f[0]); i++)
		if ((lhi - llo) / log(f[i]) <= 7)
			return f[i];
	return 1e6;
}

static void y_axis(FILE *f, const struct frame *fr, const struct vp_trend *t)
{
	double step = log(tick_factor(fr->llo, fr->lhi));
	long k0 = (long)ceil(fr->llo / step - 1e-9);
	char buf[32];
	for (long k = k0, i = 0;
	     i < VP_SVG_MAX_TICKS && k * step <= fr->lhi + 1e-9; k++, i++) {
		double r = exp((double)k * step), y = py(fr, r);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"%s\"/>\n",
			fr->x0, y, fr->x0 + fr->pw, y, k ? "grid" : "ax");
		vp_fmt_axis(r, VP_AXIS_RATIO, buf, sizeof(buf));
		vp_svg_text(f, fr->x0 - 4, y + 4, "end", "tl", buf);
	}
	vp_svg_ylabel(f, 12, fr->y0 + fr->ph / 2,
		      t->ref_label ? t->ref_label : "ratio");
}

static void x_axis(FILE *f, const struct frame *fr, const struct vp_trend *t)
{
	double yb = fr->y0 + fr->ph;
	char buf[32];
	fprintf(f,
		"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
		"class=\"ax\"/>\n",
		fr->x0, yb, fr->x0 + fr->pw, yb);
	/* run numbers at about 8 places, the first and last always */
	size_t every = fr->n / 8 + 1;
	for (size_t i = 0; i < fr->n; i++) {
		if (i % every && i + 1 != fr->n)
			continue;
		if (i + 1 == fr->n && i % every &&
		    (fr->n - 1) % every < every / 2)
			continue; /* too close to the previous label */
		snprintf(buf, sizeof(buf), "%zu", i + 1);
		vp_svg_text(f, px(fr, (double)i), yb + 14, "middle", "tl", buf);
	}
	const char *first = t->pts[0].date, *last = t->pts[t->n - 1].date;
	vp_svg_text(f, fr->x0, yb + 28, "start", "tl",
		    first && *first ? first : "");
	vp_svg_text(f, fr->x0 + fr->pw / 2, yb + 28, "middle", "lab",
		    "run (oldest first)");
	vp_svg_text(f, fr->x0 + fr->pw, yb + 28, "end", "tl",
		    last && *last ? last : "");
}

static void point_title(FILE *f, const struct vp_trend *t,
			const struct vp_trend_point *p)
{
	char v[48], r[32];
	vp_fmt_value(p->value, t->unit, "–", v, sizeof(v));
	vp_fmt_axis(p->value / t->ref, VP_AXIS_RATIO, r, sizeof(r));
	fputs("<title>run ", f);
	vp_html_escape(f, p->run_id);
	fputs(", ", f);
	vp_html_escape(f, p->date && *p->date ? p->date : "date unknown");
	fputs(", build ", f);
	vp_html_escape(f, p->build && *p->build ? p->build : "unknown");
	fputs(": ", f);
	vp_html_escape(f, v);
	fputs(" ", f);
	vp_html_escape(f, t->unit);
	fprintf(f, " (ratio %s)</title>", r);
}

static void points(FILE *f, const struct frame *fr, const struct vp_trend *t)
{
	fputs("<polyline fill=\"none\" stroke=\"#0072B2\" stroke-width=\"1\" "
	      "stroke-opacity=\"0.5\" points=\"",
	      f);
	for (size_t i = 0; i < t->n; i++)
		if (usable_ratio(t->pts[i].value, t->ref))
			fprintf(f, "%.1f,%.1f ", px(fr, (double)i),
				py(fr, t->pts[i].value / t->ref));
	fputs("\"/>\n", f);
	for (size_t i = 0; i < t->n; i++) {
		const struct vp_trend_point *p = &t->pts[i];
		if (!usable_ratio(p->value, t->ref))
			continue;
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"%s\" "
			"fill=\"#0072B2\"%s>",
			px(fr, (double)i), py(fr, p->value / t->ref),
			p->highlight ? "5" : "3",
			p->highlight ? " stroke=\"#000\" stroke-width=\"1.5\""
				     : "");
		point_title(f, t, p);
		fputs("</circle>\n", f);
	}
}

/* The median level of each segment between marks, dashed; scratch holds
 * t->n doubles. */
static void levels(FILE *f, const struct frame *fr, const struct vp_trend *t,
		   double *scratch)
{
	size_t lo = 0;
	for (size_t m = 0; m <= t->nmarks; m++) {
		size_t hi = m < t->nmarks ? t->marks[m].at : t->n, k = 0;
		if (hi <= lo || hi > t->n)
			continue;
		for (size_t i = lo; i < hi; i++)
			if (usable_ratio(t->pts[i].value, t->ref))
				scratch[k++] = t->pts[i].value / t->ref;
		if (k) {
			vp_sort_doubles(scratch, k);
			double med = vp_median_sorted(scratch, k);
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				"y2=\"%.1f\" stroke=\"#555\" "
				"stroke-dasharray=\"4 3\"/>\n",
				px(fr, (double)lo - 0.5), py(fr, med),
				px(fr, (double)hi - 0.5), py(fr, med));
		}
		lo = hi;
	}
}

static void marks(FILE *f, const struct frame *fr, const struct vp_trend *t)
{
	for (size_t m = 0; m < t->nmarks; m++) {
		const struct vp_trend_mark *k = &t->marks[m];
		if (k->at == 0 || k->at >= t->n)
			continue;
		double x = px(fr, (double)k->at - 0.5);
		const char *col = k->bad ? "#a3250f" : "#666";
		fprintf(f,
			"<g><line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
			"y2=\"%.1f\" stroke=\"%s\" stroke-width=\"2\"/>",
			x, fr->y0, x, fr->y0 + fr->ph, col);
		fputs("<title>", f);
		vp_html_escape(f, k->title);
		fputs("</title></g>\n", f);
		fprintf(f,
			"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" "
			"class=\"mk\" style=\"fill:%s\">",
			x, fr->y0 - 4, col);
		vp_html_escape(f, k->label);
		fputs("</text>\n", f);
	}
}

void vp_svg_trend(FILE *f, const struct vp_trend *t, int width, int height)
{
	struct frame fr = {.x0 = L_MARGIN,
			   .pw = width - L_MARGIN - R_MARGIN,
			   .y0 = T_MARGIN,
			   .ph = height - T_MARGIN - B_MARGIN,
			   .n = t->n};
	vp_svg_open(f, width, height, t->title);
	double lo = 1, hi = 1;
	size_t used = 0;
	bool ref_ok = isfinite(t->ref) && t->ref > 0;
	for (size_t i = 0; ref_ok && i < t->n; i++)
		if (usable_ratio(t->pts[i].value, t->ref)) {
			double r = t->pts[i].value / t->ref;
			lo = fmin(lo, r);
			hi = fmax(hi, r);
			used++;
		}
	if (!used || fr.pw <= 0 || fr.ph <= 0) {
		vp_svg_no_data(f, width / 2.0, height / 2.0);
		fputs("</svg>\n", f);
		return;
	}
	/* 2 % room, and at least ±5 % so flat series are not magnified */
	fr.llo = fmin(log(lo) - 0.02, log(1 / 1.05));
	fr.lhi = fmax(log(hi) + 0.02, log(1.05));
	y_axis(f, &fr, t);
	x_axis(f, &fr, t);
	double *scratch = malloc(t->n * sizeof(*scratch));
	if (scratch) /* the levels are an aid; without memory, none */
		levels(f, &fr, t, scratch);
	free(scratch);
	marks(f, &fr, t);
	points(f, &fr, t);
	fputs("</svg>\n", f);
}
