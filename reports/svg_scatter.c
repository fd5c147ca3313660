/* The scatter chart (see svg_scatter.h). Tick loops run over an integer
 * count, so no input value can make them run away. */
#include "reports/svg_scatter.h"

#include <math.h>
#include <string.h>

#include "reports/html_escape.h"
#include "reports/svg_internal.h"

#define MAX_TICKS 12
#define MAX_ABS	  1e300

static bool usable(double x, double y)
{
	return isfinite(x) && isfinite(y) && x >= 0 && y >= 0 && x < MAX_ABS &&
	       y < MAX_ABS;
}

/* A round step giving at most MAX_TICKS ticks from 0 to above max. */
static double axis_step(double max, int *nticks)
{
	double raw = (max > 0 ? max : 1) / 5, mag = pow(10, floor(log10(raw)));
	double r = raw / mag;
	double step = (r <= 1 ? 1 : r <= 2 ? 2 : r <= 5 ? 5 : 10) * mag;

	*nticks = (int)ceil((max > 0 ? max * 1.04 : 1) / step);
	if (*nticks < 1)
		*nticks = 1;
	if (*nticks > MAX_TICKS)
		*nticks = MAX_TICKS;
	return step;
}

static void legend(FILE *f, double x0, double y, const struct vp_series *s,
		   size_t ns)
{
	double x = x0;

	for (size_t j = 0; j < ns; j++) {
		fprintf(f,
			"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"5\" "
			"fill=\"%s\"/>\n",
			x + 5, y - 4, s[j].color);
		vp_svg_text(f, x + 14, y, "start", "leg", s[j].name);
		x += 28 + 6.6 * (double)strlen(s[j].name);
	}
}

static void axes(FILE *f, const struct vp_chart *c, double L, double T,
		 double pw, double ph, double xs, int nx, double ys, int ny)
{
	char buf[32];

	for (int i = 0; i <= ny; i++) {
		double py = T + ph - ph * i / ny;

		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"grid\"/>\n",
			L, py, L + pw, py);
		vp_fmt_axis(ys * i, c->yfmt, buf, sizeof(buf));
		vp_svg_text(f, L - 6, py + 4, "end", "tl", buf);
	}
	for (int i = 0; i <= nx; i++) {
		double px = L + pw * i / nx;

		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"ax\"/>\n",
			px, T + ph, px, T + ph + 5);
		vp_fmt_axis(xs * i, c->xfmt, buf, sizeof(buf));
		vp_svg_text(f, px, T + ph + 18, "middle", "tl", buf);
	}
	fprintf(f,
		"<path d=\"M%.1f %.1fV%.1fH%.1f\" class=\"ax\" "
		"fill=\"none\"/>\n",
		L, T, T + ph, L + pw);
	if (c->xlabel)
		vp_svg_text(f, L + pw / 2, c->height - 8, "middle", "lab",
			    c->xlabel);
	if (c->ylabel) {
		fprintf(f,
			"<text transform=\"translate(16,%.1f) rotate(-90)\" "
			"text-anchor=\"middle\" class=\"lab\">",
			T + ph / 2);
		vp_html_escape(f, c->ylabel);
		fputs("</text>\n", f);
	}
}

void vp_svg_scatter(FILE *f, const struct vp_chart *c,
		    const struct vp_series *s, size_t ns,
		    const char *const *labels)
{
	int W = c->width, H = c->height, nx, ny;
	double L = 72, R = 16, T = 58, B = 46, xmax = 0, ymax = 0;
	double pw = W - L - R, ph = H - T - B, xs, ys;
	size_t k = 0, n = 0;

	fprintf(f,
		"<svg width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
		"role=\"img\" aria-label=\"",
		W, H, W, H);
	vp_html_escape(f, c->title);
	fprintf(f, "\">\n<rect width=\"%d\" height=\"%d\" fill=\"#fff\"/>\n", W,
		H);
	vp_svg_text(f, W / 2.0, 18, "middle", "ttl", c->title);
	for (size_t j = 0; j < ns; j++)
		for (size_t i = 0; i < s[j].n; i++)
			if (usable(s[j].x[i], s[j].y[i])) {
				xmax = fmax(xmax, s[j].x[i]);
				ymax = fmax(ymax, s[j].y[i]);
				n++;
			}
	if (!n) {
		vp_svg_text(f, W / 2.0, H / 2.0, "middle", "lab", "no data");
		fputs("</svg>\n", f);
		return;
	}
	legend(f, L, 40, s, ns);
	xs = axis_step(xmax, &nx);
	ys = axis_step(ymax, &ny);
	axes(f, c, L, T, pw, ph, xs, nx, ys, ny);
	for (size_t j = 0; j < ns; j++)
		for (size_t i = 0; i < s[j].n; i++, k++) {
			char bx[32], by[32];

			if (!usable(s[j].x[i], s[j].y[i]))
				continue;
			fprintf(f,
				"<circle cx=\"%.1f\" cy=\"%.1f\" r=\"4\" "
				"fill=\"%s\" fill-opacity=\"0.75\"><title>",
				L + pw * fmin(s[j].x[i] / (xs * nx), 1),
				T + ph - ph * fmin(s[j].y[i] / (ys * ny), 1),
				s[j].color);
			vp_fmt_axis(s[j].x[i], c->xfmt, bx, sizeof(bx));
			vp_fmt_axis(s[j].y[i], c->yfmt, by, sizeof(by));
			vp_html_escape(f, labels ? labels[k] : s[j].name);
			fprintf(f, ": %s, %s</title></circle>\n", bx, by);
		}
	fputs("</svg>\n", f);
}
