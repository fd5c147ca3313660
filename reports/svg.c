/* Inline SVG charts (see svg.h). Coordinates are computed here; styling
 * (fonts, colours of axes and grid) comes from the report's inline CSS
 * classes: ttl (title), lab (axis label), tl (tick label), ax, grid, leg,
 * val (value labels), ref (reference line), mk (marker). Every point and bar
 * carries a <title> so a browser shows the exact figure on hover without
 * any script. */
#include "reports/svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html_escape.h"

#define CHAR_W 6.6 /* average glyph width at 12px sans-serif */

struct vp_chart vp_chart_defaults(const char *title, const char *xlabel,
				  const char *ylabel, int width, int height)
{
	struct vp_chart c = {title,  xlabel,	  ylabel,      width,
			     height, VP_AXIS_NUM, VP_AXIS_NUM, NAN,
			     NULL,   NAN,	  NAN};
	return c;
}

const char *vp_palette(size_t i)
{
	static const char *const p[] = {"#0072B2", "#D55E00", "#009E73",
					"#CC79A7", "#E69F00", "#56B4E9",
					"#000000", "#8C564B"};
	return p[i % (sizeof(p) / sizeof(p[0]))];
}

static void trim_num(char *buf)
{
	/* "%.3g" gives e.g. "1.50": fine; but avoid "-0". */
	if (!strcmp(buf, "-0"))
		strcpy(buf, "0");
}

void vp_fmt_axis(double v, enum vp_axis_fmt fmt, char *buf, size_t len)
{
	double a = fabs(v);
	if (isnan(v)) {
		snprintf(buf, len, "n/a");
		return;
	}
	switch (fmt) {
	case VP_AXIS_INT:
		snprintf(buf, len, "%.0f", v);
		return;
	case VP_AXIS_RATIO:
		snprintf(buf, len, "%.2f", v);
		return;
	case VP_AXIS_US:
		v *= 1000.0; /* as ns */
		a = fabs(v);
		/* fall through */
	case VP_AXIS_NS:
		if (a < 1e3)
			snprintf(buf, len, "%.3g ns", v);
		else if (a < 1e6)
			snprintf(buf, len, "%.3g µs", v / 1e3);
		else if (a < 1e9)
			snprintf(buf, len, "%.3g ms", v / 1e6);
		else
			snprintf(buf, len, "%.3g s", v / 1e9);
		return;
	case VP_AXIS_NUM:
	default:
		if (a >= 1e9)
			snprintf(buf, len, "%.3gG", v / 1e9);
		else if (a >= 1e6)
			snprintf(buf, len, "%.3gM", v / 1e6);
		else if (a >= 1e4)
			snprintf(buf, len, "%.3gk", v / 1e3);
		else
			snprintf(buf, len, "%.4g", v);
		trim_num(buf);
		return;
	}
}

static void text(FILE *f, double x, double y, const char *anchor,
		 const char *cls, const char *s)
{
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">",
		x, y, anchor, cls);
	vp_html_escape(f, s);
	fputs("</text>\n", f);
}

static double nice_step(double range, int target)
{
	if (!(range > 0))
		return 1;
	double raw = range / target;
	double mag = pow(10, floor(log10(raw)));
	double r = raw / mag;
	double step = r <= 1	 ? 1
		      : r <= 2	 ? 2
		      : r <= 2.5 ? 2.5
		      : r <= 5	 ? 5
				 : 10;
	return step * mag;
}

/* Legend rows under the title; returns the height used. */
static double legend(FILE *f, double x0, double y0, double width,
		     const struct vp_series *s, size_t ns)
{
	double x = x0, y = y0;
	if (ns < 1)
		return 0;
	for (size_t i = 0; i < ns; i++) {
		double w = 18 + CHAR_W * (double)strlen(s[i].name) + 14;
		if (x > x0 && x + w > x0 + width) {
			x = x0;
			y += 16;
		}
		fprintf(
		    f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" "
		    "fill=\"%s\"/>\n",
		    x, y - 10, s[i].color);
		text(f, x + 16, y, "start", "leg", s[i].name);
		x += w;
	}
	return y - y0 + 18;
}

static void open_svg(FILE *f, int w, int h, const char *title)
{
	fprintf(f,
		"<svg width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-label=\"",
		w, h, w, h);
	vp_html_escape(f, title);
	fputs("\">\n", f);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", w, h);
	text(f, w / 2.0, 18, "middle", "ttl", title);
}

static void no_data(FILE *f, double x, double y)
{
	text(f, x, y, "middle", "lab", "no data");
}

static void y_axis_label(FILE *f, double x, double y, const char *s)
{
	if (!s)
		return;
	fprintf(f,
		"<text transform=\"translate(%.1f,%.1f) rotate(-90)\" "
		"text-anchor=\"middle\" class=\"lab\">",
		x, y);
	vp_html_escape(f, s);
	fputs("</text>\n", f);
}

static void point_title(FILE *f, const char *name, double x, double y,
			double lo, double hi, enum vp_axis_fmt xf,
			enum vp_axis_fmt yf)
{
	char bx[32], by[32], bl[32], bh[32];
	vp_fmt_axis(x, xf, bx, sizeof(bx));
	vp_fmt_axis(y, yf, by, sizeof(by));
	fputs("<title>", f);
	vp_html_escape(f, name);
	fprintf(f, " @ %s: %s", bx, by);
	if (!isnan(lo) && !isnan(hi)) {
		vp_fmt_axis(lo, yf, bl, sizeof(bl));
		vp_fmt_axis(hi, yf, bh, sizeof(bh));
		fprintf(f, " (95%% CI %s – %s)", bl, bh);
	}
	fputs("</title>", f);
}

static double at(const double *a, size_t i)
{
	return a ? a[i] : NAN;
}

static int cmp_d(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return x < y ? -1 : x > y;
}

void vp_svg_lines(FILE *f, const struct vp_chart *c, const struct vp_series *s,
		  size_t ns)
{
	int W = c->width, H = c->height;
	open_svg(f, W, H, c->title);
	double L = 72, R = 16, B = 46;
	double T = 30 + legend(f, L, 38, W - L - R, s, ns);
	double pw = W - L - R, ph = H - T - B;
	/* Ranges: x over the values present, y from 0 (an honest origin). */
	size_t nx = 0, cap = 0;
	double *xs = NULL, ymax = 0;
	for (size_t j = 0; j < ns; j++)
		cap += s[j].n;
	xs = calloc(cap ? cap : 1, sizeof(*xs));
	for (size_t j = 0; xs && j < ns; j++)
		for (size_t i = 0; i < s[j].n; i++) {
			if (isnan(s[j].y[i]))
				continue;
			xs[nx++] = s[j].x[i];
			double top = fmax(s[j].y[i], at(s[j].hi, i));
			if (top > ymax)
				ymax = top;
		}
	if (!nx) {
		no_data(f, W / 2.0, H / 2.0);
		fputs("</svg>\n", f);
		free(xs);
		return;
	}
	qsort(xs, nx, sizeof(*xs), cmp_d);
	double x0 = xs[0], x1 = xs[nx - 1];
	if (x1 == x0) {
		x0 -= 1;
		x1 += 1;
	}
	double pad = (x1 - x0) * 0.06;
	x0 -= pad;
	x1 += pad;
	double step = nice_step(ymax > 0 ? ymax : 1, 5);
	double y1 = ceil((ymax > 0 ? ymax * 1.04 : 1) / step) * step;
#define PX(v) (L + ((v)-x0) / (x1 - x0) * pw)
#define PY(v) (T + ph - (v) / y1 * ph)
	char buf[32];
	for (double v = 0; v <= y1 + step / 2; v += step) {
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"grid\"/>\n",
			L, PY(v), L + pw, PY(v));
		vp_fmt_axis(v, c->yfmt, buf, sizeof(buf));
		text(f, L - 6, PY(v) + 4, "end", "tl", buf);
	}
	for (size_t i = 0; i < nx; i++) {
		if (i && xs[i] == xs[i - 1])
			continue;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"ax\"/>\n",
			PX(xs[i]), T + ph, PX(xs[i]), T + ph + 5);
		vp_fmt_axis(xs[i], c->xfmt, buf, sizeof(buf));
		text(f, PX(xs[i]), T + ph + 18, "middle", "tl", buf);
	}
	fprintf(
	    f,
	    "<path d=\"M%.1f %.1fV%.1fH%.1f\" class=\"ax\" fill=\"none\"/>\n",
	    L, T, T + ph, L + pw);
	if (c->xlabel)
		text(f, L + pw / 2, H - 8, "middle", "lab", c->xlabel);
	y_axis_label(f, 16, T + ph / 2, c->ylabel);
	for (size_t j = 0; j < ns; j++) {
		const struct vp_series *q = &s[j];
		fprintf(f,
			"<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
			"d=\"",
			q->color);
		bool pen = false;
		for (size_t i = 0; i < q->n; i++) {
			if (isnan(q->y[i])) {
				pen = false;
				continue;
			}
			fprintf(f, "%s%.1f %.1f", pen ? "L" : "M", PX(q->x[i]),
				PY(q->y[i]));
			pen = true;
		}
		fputs("\"/>\n", f);
		for (size_t i = 0; i < q->n; i++) {
			if (isnan(q->y[i]))
				continue;
			double lo = at(q->lo, i), hi = at(q->hi, i);
			double px = PX(q->x[i]);
			if (!isnan(lo) && !isnan(hi))
				fprintf(
				    f,
				    "<path stroke=\"%s\" stroke-width=\"1.5\" "
				    "d=\"M%.1f %.1fV%.1fM%.1f %.1fh8M%.1f "
				    "%.1fh8\"/>\n",
				    q->color, px, PY(fmax(lo, 0)), PY(hi),
				    px - 4, PY(fmax(lo, 0)), px - 4, PY(hi));
			fprintf(f,
				"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3.5\" "
				"fill=\"%s\">",
				px, PY(q->y[i]), q->color);
			point_title(f, q->name, q->x[i], q->y[i], lo, hi,
				    c->xfmt, c->yfmt);
			fputs("</circle>\n", f);
		}
	}
#undef PX
#undef PY
	fputs("</svg>\n", f);
	free(xs);
}

void vp_svg_bars(FILE *f, const struct vp_chart *c, const char *const *cats,
		 size_t ncats, const struct vp_series *s, size_t ns)
{
	double labw = 40;
	for (size_t i = 0; i < ncats; i++)
		labw = fmax(labw, CHAR_W * (double)strlen(cats[i]) + 14);
	if (labw > 300)
		labw = 300;
	int W = c->width;
	double L = labw, R = 56, B = 44, bh = 13, gap = 12;
	/* Legend first to know its height: draw into a scratch stream. */
	char *lbuf = NULL;
	size_t lsize = 0;
	FILE *lf = open_memstream(&lbuf, &lsize);
	double lh = lf ? legend(lf, L, 38, W - L - R, s, ns) : 0;
	if (lf)
		fclose(lf);
	double T = 30 + lh;
	double ph = (double)ncats * ((double)ns * bh + gap);
	int H = c->height ? c->height : (int)(T + ph + B);
	open_svg(f, W, H, c->title);
	if (lbuf)
		fputs(lbuf, f);
	free(lbuf);
	double pw = W - L - R, xmax = 0;
	for (size_t j = 0; j < ns; j++)
		for (size_t i = 0; i < ncats; i++) {
			double v = fmax(s[j].y[i], at(s[j].hi, i));
			if (v > xmax)
				xmax = v;
		}
	if (!isnan(c->ref) && c->ref > xmax)
		xmax = c->ref;
	double step = nice_step(xmax > 0 ? xmax : 1, 5);
	double x1 = ceil((xmax > 0 ? xmax * 1.04 : 1) / step) * step;
#define PX(v) (L + (v) / x1 * pw)
	char buf[48], lo_s[32], hi_s[32];
	for (double v = 0; v <= x1 + step / 2; v += step) {
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"grid\"/>\n",
			PX(v), T, PX(v), T + ph);
		vp_fmt_axis(v, c->yfmt, buf, sizeof(buf));
		text(f, PX(v), T + ph + 16, "middle", "tl", buf);
	}
	for (size_t i = 0; i < ncats; i++) {
		double gy = T + (double)i * ((double)ns * bh + gap) + gap / 2;
		text(f, L - 8, gy + (double)ns * bh / 2 + 4, "end", "tl",
		     cats[i]);
		for (size_t j = 0; j < ns; j++) {
			double v = s[j].y[i], y = gy + (double)j * bh;
			if (isnan(v))
				continue;
			double lo = at(s[j].lo, i), hi = at(s[j].hi, i);
			double lo_px = fmax(lo, 0); /* a CI may reach below 0 */
			fprintf(f,
				"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
				"height=\"%.1f\" fill=\"%s\" "
				"fill-opacity=\"0.85\">",
				L, y + 1, PX(v) - L, bh - 2, s[j].color);
			fputs("<title>", f);
			vp_html_escape(f, s[j].name);
			fputs(" – ", f);
			vp_html_escape(f, cats[i]);
			vp_fmt_axis(v, c->yfmt, buf, sizeof(buf));
			fprintf(f, ": %s", buf);
			if (!isnan(lo) && !isnan(hi)) {
				vp_fmt_axis(lo, c->yfmt, lo_s, sizeof(lo_s));
				vp_fmt_axis(hi, c->yfmt, hi_s, sizeof(hi_s));
				fprintf(f, " (95%% CI %s – %s)", lo_s, hi_s);
			}
			fputs("</title></rect>\n", f);
			double end = PX(v);
			if (!isnan(lo) && !isnan(hi)) {
				fprintf(f,
					"<path stroke=\"#222\" "
					"stroke-width=\"1.2\" "
					"d=\"M%.1f %.1fH%.1fM%.1f %.1fv7M%.1f "
					"%.1fv7\"/>\n",
					PX(lo_px), y + bh / 2, PX(hi),
					PX(lo_px), y + bh / 2 - 3.5, PX(hi),
					y + bh / 2 - 3.5);
				end = fmax(end, PX(hi));
			}
			vp_fmt_axis(v, c->yfmt, buf, sizeof(buf));
			text(f, end + 4, y + bh - 3, "start", "val", buf);
		}
	}
	if (!isnan(c->ref)) {
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"ref\"/>\n",
			PX(c->ref), T - 4, PX(c->ref), T + ph);
		if (c->ref_label)
			text(f, PX(c->ref) + 3, T + ph + 30, "start", "mk",
			     c->ref_label);
	}
	fprintf(
	    f,
	    "<path d=\"M%.1f %.1fV%.1fH%.1f\" class=\"ax\" fill=\"none\"/>\n",
	    L, T, T + ph, L + pw);
	if (c->xlabel)
		text(f, L + pw / 2, H - 6, "middle", "lab", c->xlabel);
#undef PX
	fputs("</svg>\n", f);
}

void vp_svg_log2_histogram(FILE *f, const struct vp_chart *c,
			   const double *upper, const double *count, size_t n,
			   const char *color, const struct vp_marker *m,
			   size_t nm)
{
	int W = c->width, H = c->height;
	open_svg(f, W, H, c->title);
	double L = 62, R = 14, T = 48, B = 46;
	double pw = W - L - R, ph = H - T - B;
	double lo = INFINITY, hi = 0, cmin = INFINITY, cmax = 0;
	for (size_t i = 0; i < n; i++) {
		if (!(upper[i] > 0) || !(count[i] > 0))
			continue;
		lo = fmin(lo, upper[i] / 2);
		hi = fmax(hi, upper[i]);
		cmin = fmin(cmin, count[i]);
		cmax = fmax(cmax, count[i]);
	}
	if (!(hi > 0)) {
		no_data(f, W / 2.0, H / 2.0);
		fputs("</svg>\n", f);
		return;
	}
	if (!isnan(c->xmin) && c->xmin > 0)
		lo = fmin(lo, c->xmin);
	if (!isnan(c->xmax))
		hi = fmax(hi, c->xmax);
	for (size_t k = 0; k < nm; k++)
		if (m[k].x > 0)
			hi = fmax(hi, m[k].x);
	double lx0 = log10(lo), lx1 = log10(hi);
	double ly0 = floor(log10(cmin)), ly1 = ceil(log10(cmax));
	if (ly0 == log10(cmin))
		ly0 -= 1; /* keep the smallest bar visible */
	if (ly1 <= ly0)
		ly1 = ly0 + 1;
#define PX(v) (L + (log10(v) - lx0) / (lx1 - lx0) * pw)
#define PY(v) (T + ph - (log10(v) - ly0) / (ly1 - ly0) * ph)
	char buf[32];
	for (double e = ly0; e <= ly1; e++) {
		double v = pow(10, e);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"grid\"/>\n",
			L, PY(v), L + pw, PY(v));
		vp_fmt_axis(v, VP_AXIS_NUM, buf, sizeof(buf));
		text(f, L - 6, PY(v) + 4, "end", "tl", buf);
	}
	/* Decade ticks; within less than a decade also 2x and 5x. */
	static const double mult[] = {1, 2, 5};
	size_t nmult = floor(lx1) - ceil(lx0) >= 1 ? 1 : 3;
	for (double e = floor(lx0); e <= ceil(lx1); e++)
		for (size_t k = 0; k < nmult; k++) {
			double v = mult[k] * pow(10, e);
			if (v < lo * 0.999 || v > hi * 1.001)
				continue;
			fprintf(f,
				"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
				"y2=\"%.1f\" "
				"class=\"grid\"/>\n",
				PX(v), T, PX(v), T + ph + 4);
			vp_fmt_axis(v, c->xfmt, buf, sizeof(buf));
			text(f, PX(v), T + ph + 17, "middle", "tl", buf);
		}
	for (size_t i = 0; i < n; i++) {
		if (!(upper[i] > 0) || !(count[i] > 0))
			continue;
		double x0 = PX(upper[i] / 2), x1 = PX(upper[i]);
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.8\" "
			"stroke=\"#fff\" stroke-width=\"0.5\"><title>",
			x0, PY(count[i]), x1 - x0, T + ph - PY(count[i]),
			color);
		char a[32], b[32];
		vp_fmt_axis(upper[i] / 2, c->xfmt, a, sizeof(a));
		vp_fmt_axis(upper[i], c->xfmt, b, sizeof(b));
		fprintf(f, "%s – %s: %.0f</title></rect>\n", a, b, count[i]);
	}
	for (size_t k = 0; k < nm; k++) {
		if (!(m[k].x > 0))
			continue;
		double x = PX(m[k].x);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"mkl\"/>\n",
			x, T - 4 + 10.0 * (double)(k % 3), x, T + ph);
		vp_fmt_axis(m[k].x, c->xfmt, buf, sizeof(buf));
		char lab[96];
		snprintf(lab, sizeof(lab), "%s %s", m[k].name, buf);
		bool right = x > L + pw * 0.7;
		text(f, right ? x - 3 : x + 3, T - 6 + 10.0 * (double)(k % 3),
		     right ? "end" : "start", "mk", lab);
	}
	fprintf(
	    f,
	    "<path d=\"M%.1f %.1fV%.1fH%.1f\" class=\"ax\" fill=\"none\"/>\n",
	    L, T, T + ph, L + pw);
	if (c->xlabel)
		text(f, L + pw / 2, H - 8, "middle", "lab", c->xlabel);
	y_axis_label(f, 14, T + ph / 2, c->ylabel);
#undef PX
#undef PY
	fputs("</svg>\n", f);
}

void vp_fmt_value(double v, const char *unit, const char *nan_text, char *buf,
		  size_t len)
{
	enum vp_axis_fmt fm = VP_AXIS_NUM;
	if (unit && !strcmp(unit, "ns"))
		fm = VP_AXIS_NS;
	else if (unit && !strcmp(unit, "us"))
		fm = VP_AXIS_US;
	if (isnan(v))
		snprintf(buf, len, "%s", nan_text);
	else if (fm == VP_AXIS_NUM && fabs(v) < 1e4 && v != floor(v))
		snprintf(buf, len, "%.4g", v);
	else
		vp_fmt_axis(v, fm, buf, len);
}
