/* Inline SVG charts (see svg.h): number formats, the pieces the chart
 * files share (svg_internal.h) and line charts. Coordinates are computed
 * here; styling (fonts, colours of axes and grid) comes from the report's
 * inline CSS classes: ttl (title), lab (axis label), tl (tick label), ax,
 * grid, leg, val (value labels), ref (reference line), mk (marker). Every
 * point and bar carries a <title> so a browser shows the exact figure on
 * hover without any script. */
#include "reports/svg.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#include "reports/html_escape.h"
#include "reports/svg_internal.h"

struct vp_chart vp_chart_defaults(const char *title, const char *xlabel,
				  const char *ylabel, int width, int height)
{
	struct vp_chart c = {.title = title,
			     .xlabel = xlabel,
			     .ylabel = ylabel,
			     .width = width,
			     .height = height,
			     .xfmt = VP_AXIS_NUM,
			     .yfmt = VP_AXIS_NUM,
			     .ref = NAN,
			     .xmin = NAN,
			     .xmax = NAN};
	return c;
}

const char *vp_palette(size_t i)
{
	static const char *const p[] = {"#0072B2", "#D55E00", "#009E73",
					"#CC79A7", "#E69F00", "#56B4E9",
					"#000000", "#8C564B"};
	return p[i % (sizeof(p) / sizeof(p[0]))];
}

static void fmt_duration_ns(double v, char *buf, size_t len)
{
	double a = fabs(v);
	if (a < 1e3)
		snprintf(buf, len, "%.3g ns", v);
	else if (a < 1e6)
		snprintf(buf, len, "%.3g µs", v / 1e3);
	else if (a < 1e9)
		snprintf(buf, len, "%.3g ms", v / 1e6);
	else
		snprintf(buf, len, "%.3g s", v / 1e9);
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
		/* 0.27, 1.05, 42.4, 2487: three digits, never 2.49e+03 */
		snprintf(buf, len, a >= 1000 ? "%.0f" : "%.3g", v);
		return;
	case VP_AXIS_US:
		fmt_duration_ns(v * 1000.0, buf, len);
		return;
	case VP_AXIS_NS:
		fmt_duration_ns(v, buf, len);
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
		if (!strcmp(buf, "-0"))
			strcpy(buf, "0");
		return;
	}
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

bool vp_svg_usable(double v, bool log_axis)
{
	if (!(fabs(v) <= VP_SVG_MAX_ABS))
		return false; /* NaN and inf too */
	return !log_axis || v >= 1.0 / VP_SVG_MAX_ABS;
}

void vp_svg_text(FILE *f, double x, double y, const char *anchor,
		 const char *cls, const char *s)
{
	fprintf(f,
		"<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"%s\" class=\"%s\">",
		x, y, anchor, cls);
	vp_html_escape(f, s);
	fputs("</text>\n", f);
}

void vp_svg_open(FILE *f, int w, int h, const char *title)
{
	fprintf(f,
		"<svg width=\"%d\" "
		"height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\" "
		"aria-label=\"",
		w, h, w, h);
	vp_html_escape(f, title);
	fputs("\">\n", f);
	fprintf(f, "<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", w, h);
	vp_svg_text(f, w / 2.0, 18, "middle", "ttl", title);
}

void vp_svg_no_data(FILE *f, double x, double y)
{
	vp_svg_text(f, x, y, "middle", "lab", "no data");
}

void vp_svg_ylabel(FILE *f, double x, double y, const char *s)
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

double vp_svg_legend(FILE *f, double x0, double y0, double width,
		     const struct vp_series *s, size_t ns)
{
	double x = x0, y = y0;
	if (ns < 1)
		return 0;
	for (size_t i = 0; i < ns; i++) {
		double w = 18 + VP_SVG_CHAR_W * (double)strlen(s[i].name) + 14;
		if (x > x0 && x + w > x0 + width) {
			x = x0;
			y += 16;
		}
		fprintf(
		    f,
		    "<rect x=\"%.1f\" y=\"%.1f\" width=\"12\" height=\"12\" "
		    "fill=\"%s\"/>\n",
		    x, y - 10, s[i].color);
		vp_svg_text(f, x + 16, y, "start", "leg", s[i].name);
		x += w;
	}
	return y - y0 + 18;
}

static double nice_step(double range, int target)
{
	if (!(range > 0) || !isfinite(range))
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

void vp_axis_linear(struct vp_axis *a, double max)
{
	a->log = false;
	if (!vp_svg_usable(max, false) || max <= 0)
		max = 1;
	double top = max * 1.04;
	double step = nice_step(top, 5);
	/* top / step is at most ~10 by construction of nice_step. */
	size_t n = (size_t)ceil(top / step);
	if (n < 1)
		n = 1;
	if (n >= VP_SVG_MAX_TICKS)
		n = VP_SVG_MAX_TICKS - 1;
	a->lo = 0;
	a->hi = (double)n * step;
	if (!isfinite(a->hi))
		a->hi = max;
	a->nticks = n + 1;
	for (size_t i = 0; i <= n; i++)
		a->ticks[i] = (double)i * step;
}

void vp_axis_log(struct vp_axis *a, double lo, double hi)
{
	a->log = true;
	a->nticks = 0;
	if (!vp_svg_usable(lo, true) || !vp_svg_usable(hi, true) || lo > hi)
		lo = hi = 1;
	int e0 = (int)floor(log10(lo) + 1e-9), e1 = (int)ceil(log10(hi) - 1e-9);
	if (e1 <= e0)
		e1 = e0 + 1;
	if (e1 - e0 > VP_SVG_MAX_DECADES)
		e0 = e1 - VP_SVG_MAX_DECADES;
	a->lo = pow(10, e0);
	a->hi = pow(10, e1);
	static const double m125[] = {1, 2, 5}, m13[] = {1, 3};
	const double *mult = m125;
	size_t nm = 3;
	if (e1 - e0 > 5)
		nm = 1;
	else if (e1 - e0 > 2) {
		mult = m13;
		nm = 2;
	}
	for (int e = e0; e <= e1 && a->nticks < VP_SVG_MAX_TICKS; e++)
		for (size_t k = 0; k < nm && a->nticks < VP_SVG_MAX_TICKS;
		     k++) {
			double v = mult[k] * pow(10, e);
			if (v <= a->hi * 1.000001)
				a->ticks[a->nticks++] = v;
		}
}

double vp_axis_pos(const struct vp_axis *a, double v, double x0, double len)
{
	double t;
	if (a->log) {
		if (!(v > 0))
			return x0;
		t = (log10(v) - log10(a->lo)) / (log10(a->hi) - log10(a->lo));
	} else {
		t = (v - a->lo) / (a->hi - a->lo);
	}
	if (!(t >= 0)) /* NaN too */
		t = 0;
	if (t > 1)
		t = 1;
	return x0 + t * len;
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

/* A point of series q that can be drawn. */
static bool point_ok(const struct vp_series *q, size_t i)
{
	return vp_svg_usable(q->x[i], false) && vp_svg_usable(q->y[i], false);
}

/* Grid, ticks and labels of a line chart. */
static void lines_axes(FILE *f, const struct vp_chart *c,
		       const struct vp_axis *ya, const double *xs, size_t nx,
		       double L, double T, double pw, double ph, double x0,
		       double x1)
{
	char buf[32];
	for (size_t i = 0; i < ya->nticks; i++) {
		double py = T + ph - vp_axis_pos(ya, ya->ticks[i], 0, ph);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"grid\"/>\n",
			L, py, L + pw, py);
		vp_fmt_axis(ya->ticks[i], c->yfmt, buf, sizeof(buf));
		vp_svg_text(f, L - 6, py + 4, "end", "tl", buf);
	}
	for (size_t i = 0; i < nx && i < VP_SVG_MAX_TICKS; i++) {
		if (i && xs[i] == xs[i - 1])
			continue;
		double px = L + (xs[i] - x0) / (x1 - x0) * pw;
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"ax\"/>\n",
			px, T + ph, px, T + ph + 5);
		vp_fmt_axis(xs[i], c->xfmt, buf, sizeof(buf));
		vp_svg_text(f, px, T + ph + 18, "middle", "tl", buf);
	}
	fprintf(
	    f,
	    "<path d=\"M%.1f %.1fV%.1fH%.1f\" class=\"ax\" fill=\"none\"/>\n",
	    L, T, T + ph, L + pw);
	if (c->xlabel)
		vp_svg_text(f, L + pw / 2, c->height - 8, "middle", "lab",
			    c->xlabel);
	vp_svg_ylabel(f, 16, T + ph / 2, c->ylabel);
}

void vp_svg_lines(FILE *f, const struct vp_chart *c, const struct vp_series *s,
		  size_t ns)
{
	int W = c->width, H = c->height;
	vp_svg_open(f, W, H, c->title);
	double L = 72, R = 16, B = 46;
	double T = 30 + vp_svg_legend(f, L, 38, W - L - R, s, ns);
	double pw = W - L - R, ph = H - T - B;
	/* Ranges: x over the values present, y from 0 (an honest origin). */
	size_t nx = 0, cap = 0;
	double ymax = 0;
	for (size_t j = 0; j < ns; j++)
		cap += s[j].n;
	double *xs = calloc(cap ? cap : 1, sizeof(*xs));
	for (size_t j = 0; xs && j < ns; j++)
		for (size_t i = 0; i < s[j].n; i++) {
			if (!point_ok(&s[j], i))
				continue;
			xs[nx++] = s[j].x[i];
			double hi = at(s[j].hi, i);
			ymax = fmax(ymax, s[j].y[i]);
			if (vp_svg_usable(hi, false))
				ymax = fmax(ymax, hi);
		}
	if (!nx) {
		vp_svg_no_data(f, W / 2.0, H / 2.0);
		fputs("</svg>\n", f);
		free(xs);
		return;
	}
	qsort(xs, nx, sizeof(*xs), cmp_d);
	double x0 = xs[0], x1 = xs[nx - 1];
	if (!(x1 > x0)) {
		x0 -= 1;
		x1 += 1;
	}
	double pad = (x1 - x0) * 0.06;
	x0 -= pad;
	x1 += pad;
	struct vp_axis ya;
	vp_axis_linear(&ya, ymax);
	lines_axes(f, c, &ya, xs, nx, L, T, pw, ph, x0, x1);
#define PX(v) (L + ((v)-x0) / (x1 - x0) * pw)
#define PY(v) (T + ph - vp_axis_pos(&ya, (v), 0, ph))
	for (size_t j = 0; j < ns; j++) {
		const struct vp_series *q = &s[j];
		fprintf(f,
			"<path fill=\"none\" stroke=\"%s\" stroke-width=\"2\" "
			"d=\"",
			q->color);
		bool pen = false;
		for (size_t i = 0; i < q->n; i++) {
			if (!point_ok(q, i)) {
				pen = false;
				continue;
			}
			fprintf(f, "%s%.1f %.1f", pen ? "L" : "M", PX(q->x[i]),
				PY(q->y[i]));
			pen = true;
		}
		fputs("\"/>\n", f);
		for (size_t i = 0; i < q->n; i++) {
			if (!point_ok(q, i))
				continue;
			double lo = at(q->lo, i), hi = at(q->hi, i);
			double px = PX(q->x[i]);
			if (vp_svg_usable(lo, false) &&
			    vp_svg_usable(hi, false))
				fprintf(
				    f,
				    "<path stroke=\"%s\" stroke-width=\"1.5\" "
				    "d=\"M%.1f %.1fV%.1fM%.1f %.1fh8M%.1f "
				    "%.1fh8\"/>\n",
				    q->color, px, PY(lo), PY(hi), px - 4,
				    PY(lo), px - 4, PY(hi));
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
