/* Horizontal grouped bar charts with CI whiskers (see svg.h): categories
 * top to bottom, one bar per series, on a linear axis from 0 or on a log
 * axis. On a log axis the bars start at the reference line when there is
 * one (ratios: a bar grows left of 1 for slower, right for faster, and
 * 0.5 is as long as 2), else at the axis minimum. */
#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html_escape.h"
#include "reports/svg.h"
#include "reports/svg_internal.h"

#define BAR_H 13.0
#define GAP   12.0

static double at(const double *a, size_t i)
{
	return a ? a[i] : NAN;
}

/* The value axis over every drawable bar, whisker and the reference. */
static void value_axis(const struct vp_chart *c, const struct vp_series *s,
		       size_t ns, size_t ncats, struct vp_axis *a)
{
	double lo = INFINITY, hi = 0;
	for (size_t j = 0; j < ns; j++)
		for (size_t i = 0; i < ncats; i++) {
			double v[3] = {s[j].y[i], at(s[j].lo, i),
				       at(s[j].hi, i)};
			if (!vp_svg_usable(v[0], c->xlog))
				continue;
			for (size_t k = 0; k < 3; k++)
				if (vp_svg_usable(v[k], c->xlog)) {
					lo = fmin(lo, v[k]);
					hi = fmax(hi, v[k]);
				}
		}
	if (vp_svg_usable(c->ref, c->xlog)) {
		/* Room on both sides of the reference line: a ratio chart
		 * shows "slower" and "faster" even when all bars are on one
		 * side. */
		lo = fmin(lo, c->xlog ? c->ref / 2 : c->ref);
		hi = fmax(hi, c->xlog ? c->ref * 2 : c->ref);
	}
	if (c->xlog)
		vp_axis_log(a, lo, hi);
	else
		vp_axis_linear(a, hi);
}

/* ▲ when the CI lies above the reference, ▼ when below: the reading does
 * not depend on telling colours apart. */
static const char *ref_mark(const struct vp_chart *c, double lo, double hi)
{
	if (!c->mark_ref || !vp_svg_usable(c->ref, false) || isnan(lo) ||
	    isnan(hi))
		return "";
	return lo > c->ref ? " ▲" : hi < c->ref ? " ▼" : "";
}

struct frame {
	double L, T, pw, ph;
	const struct vp_axis *a;
};

static double px(const struct frame *fr, double v)
{
	return vp_axis_pos(fr->a, v, fr->L, fr->pw);
}

static void bar(FILE *f, const struct vp_chart *c, const struct frame *fr,
		const struct vp_series *q, size_t i, const char *cat, double y)
{
	char buf[48], lo_s[32], hi_s[32];
	double v = q->y[i], lo = at(q->lo, i), hi = at(q->hi, i);
	bool ci = vp_svg_usable(lo, c->xlog) && vp_svg_usable(hi, c->xlog);
	double base = fr->L;
	if (fr->a->log && vp_svg_usable(c->ref, true))
		base = px(fr, c->ref);
	double end = px(fr, v), x = fmin(base, end);
	fprintf(f,
		"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" "
		"fill=\"%s\" fill-opacity=\"0.85\">",
		x, y + 1, fmax(fabs(end - base), 1), BAR_H - 2, q->color);
	fputs("<title>", f);
	vp_html_escape(f, q->name);
	fputs(" – ", f);
	vp_html_escape(f, cat);
	vp_fmt_axis(v, c->yfmt, buf, sizeof(buf));
	fprintf(f, ": %s", buf);
	if (ci) {
		vp_fmt_axis(lo, c->yfmt, lo_s, sizeof(lo_s));
		vp_fmt_axis(hi, c->yfmt, hi_s, sizeof(hi_s));
		fprintf(f, " (95%% CI %s – %s)", lo_s, hi_s);
	}
	fputs("</title></rect>\n", f);
	double right = fmax(base, end), mid = y + BAR_H / 2;
	if (ci) {
		double a = px(fr, lo), b = px(fr, hi);
		fprintf(f,
			"<path stroke=\"#222\" stroke-width=\"1.2\" "
			"d=\"M%.1f %.1fH%.1fM%.1f %.1fv7M%.1f %.1fv7\"/>\n",
			a, mid, b, a, mid - 3.5, b, mid - 3.5);
		right = fmax(right, b);
	}
	vp_fmt_axis(v, c->yfmt, buf, sizeof(buf));
	strncat(buf, ref_mark(c, ci ? lo : NAN, ci ? hi : NAN),
		sizeof(buf) - strlen(buf) - 1);
	vp_svg_text(f, right + 4, y + BAR_H - 3, "start", "val", buf);
}

static void grid(FILE *f, const struct vp_chart *c, const struct frame *fr)
{
	char buf[48];
	for (size_t k = 0; k < fr->a->nticks; k++) {
		double x = px(fr, fr->a->ticks[k]);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"grid\"/>\n",
			x, fr->T, x, fr->T + fr->ph);
		vp_fmt_axis(fr->a->ticks[k], c->yfmt, buf, sizeof(buf));
		vp_svg_text(f, x, fr->T + fr->ph + 16, "middle", "tl", buf);
	}
}

void vp_svg_bars(FILE *f, const struct vp_chart *c, const char *const *cats,
		 size_t ncats, const struct vp_series *s, size_t ns)
{
	double labw = 40;
	for (size_t i = 0; i < ncats; i++)
		labw = fmax(labw, VP_SVG_CHAR_W * (double)strlen(cats[i]) + 14);
	if (labw > 300)
		labw = 300;
	int W = c->width;
	double L = labw, R = 62, B = c->ref_label ? 60 : 44;
	/* Legend first to know its height: draw into a scratch stream. */
	char *lbuf = NULL;
	size_t lsize = 0;
	FILE *lf = open_memstream(&lbuf, &lsize);
	double lh = lf ? vp_svg_legend(lf, L, 38, W - L - R, s, ns) : 0;
	if (lf)
		fclose(lf);
	double T = 30 + lh;
	double ph = (double)ncats * ((double)ns * BAR_H + GAP);
	int H = c->height ? c->height : (int)(T + ph + B);
	vp_svg_open(f, W, H, c->title);
	if (lbuf)
		fputs(lbuf, f);
	free(lbuf);
	struct vp_axis a;
	value_axis(c, s, ns, ncats, &a);
	struct frame fr = {L, T, W - L - R, ph, &a};
	grid(f, c, &fr);
	for (size_t i = 0; i < ncats; i++) {
		double gy =
		    T + (double)i * ((double)ns * BAR_H + GAP) + GAP / 2;
		vp_svg_text(f, L - 8, gy + (double)ns * BAR_H / 2 + 4, "end",
			    "tl", cats[i]);
		for (size_t j = 0; j < ns; j++)
			if (vp_svg_usable(s[j].y[i], c->xlog))
				bar(f, c, &fr, &s[j], i, cats[i],
				    gy + (double)j * BAR_H);
	}
	if (vp_svg_usable(c->ref, c->xlog)) {
		double x = px(&fr, c->ref);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"ref\"/>\n",
			x, T - 4, x, T + ph);
		if (c->ref_label)
			vp_svg_text(f, x, T + ph + 32, "middle", "mk",
				    c->ref_label);
	}
	fprintf(
	    f,
	    "<path d=\"M%.1f %.1fV%.1fH%.1f\" class=\"ax\" fill=\"none\"/>\n",
	    L, T, T + ph, L + fr.pw);
	if (c->xlabel)
		vp_svg_text(f, L + fr.pw / 2, H - 6, "middle", "lab",
			    c->xlabel);
	fputs("</svg>\n", f);
}
