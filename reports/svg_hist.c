/* Bucket histograms with markers (see svg.h): both axes logarithmic,
 * bucket k drawn over [x0[k], x1[k]], percentiles and max as labelled
 * vertical lines. Buckets, counts and markers that are not usable numbers
 * (svg_internal.h) are left out, and both axes are bounded decade lists,
 * so no input can make the drawing loop run away. */
#include <math.h>

#include "reports/svg.h"
#include "reports/svg_internal.h"

struct hist_frame {
	double L, T, pw, ph;
	struct vp_axis x, y;
};

static double hx(const struct hist_frame *h, double v)
{
	return vp_axis_pos(&h->x, v, h->L, h->pw);
}

static double hy(const struct hist_frame *h, double v)
{
	return h->T + h->ph - vp_axis_pos(&h->y, v, 0, h->ph);
}

static bool bucket_ok(double x0, double x1, double count)
{
	return vp_svg_usable(x0, true) && vp_svg_usable(x1, true) && x1 > x0 &&
	       vp_svg_usable(count, true);
}

static void hist_axes(FILE *f, const struct vp_chart *c,
		      const struct hist_frame *h)
{
	char buf[32];
	for (size_t k = 0; k < h->y.nticks; k++) {
		double v = h->y.ticks[k];
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"grid\"/>\n",
			h->L, hy(h, v), h->L + h->pw, hy(h, v));
		vp_fmt_axis(v, VP_AXIS_NUM, buf, sizeof(buf));
		vp_svg_text(f, h->L - 6, hy(h, v) + 4, "end", "tl", buf);
	}
	for (size_t k = 0; k < h->x.nticks; k++) {
		double v = h->x.ticks[k];
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"grid\"/>\n",
			hx(h, v), h->T, hx(h, v), h->T + h->ph + 4);
		vp_fmt_axis(v, c->xfmt, buf, sizeof(buf));
		vp_svg_text(f, hx(h, v), h->T + h->ph + 17, "middle", "tl",
			    buf);
	}
}

static void hist_markers(FILE *f, const struct vp_chart *c,
			 const struct hist_frame *h, const struct vp_marker *m,
			 size_t nm)
{
	char buf[32], lab[96];
	for (size_t k = 0; k < nm; k++) {
		if (!vp_svg_usable(m[k].x, true))
			continue;
		double x = hx(h, m[k].x), dy = 10.0 * (double)(k % 3);
		fprintf(f,
			"<line x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" y2=\"%.1f\" "
			"class=\"mkl\"/>\n",
			x, h->T - 4 + dy, x, h->T + h->ph);
		vp_fmt_axis(m[k].x, c->xfmt, buf, sizeof(buf));
		snprintf(lab, sizeof(lab), "%s %s", m[k].name, buf);
		bool right = x > h->L + h->pw * 0.7;
		vp_svg_text(f, right ? x - 3 : x + 3, h->T - 6 + dy,
			    right ? "end" : "start", "mk", lab);
	}
}

void vp_svg_histogram(FILE *f, const struct vp_chart *c, const double *x0,
		      const double *x1, const double *count, size_t n,
		      const char *color, const struct vp_marker *m, size_t nm)
{
	int W = c->width, H = c->height;
	vp_svg_open(f, W, H, c->title);
	struct hist_frame h = {
	    .L = 62, .T = 48, .pw = W - 62 - 14, .ph = H - 48 - 46};
	double lo = INFINITY, hi = 0, cmin = INFINITY, cmax = 0;
	for (size_t i = 0; i < n; i++) {
		if (!bucket_ok(x0[i], x1[i], count[i]))
			continue;
		lo = fmin(lo, x0[i]);
		hi = fmax(hi, x1[i]);
		cmin = fmin(cmin, count[i]);
		cmax = fmax(cmax, count[i]);
	}
	if (!(hi > 0)) {
		vp_svg_no_data(f, W / 2.0, H / 2.0);
		fputs("</svg>\n", f);
		return;
	}
	if (vp_svg_usable(c->xmin, true))
		lo = fmin(lo, c->xmin);
	if (vp_svg_usable(c->xmax, true))
		hi = fmax(hi, c->xmax);
	for (size_t k = 0; k < nm; k++)
		if (vp_svg_usable(m[k].x, true))
			hi = fmax(hi, m[k].x);
	vp_axis_log(&h.x, lo, hi);
	/* Keep the smallest bar visible: the count axis starts a decade
	 * below a count that is itself a power of ten. */
	vp_axis_log(&h.y, cmin / 1.0001, cmax);
	hist_axes(f, c, &h);
	for (size_t i = 0; i < n; i++) {
		if (!bucket_ok(x0[i], x1[i], count[i]))
			continue;
		double l = hx(&h, x0[i]), r = hx(&h, x1[i]);
		double y = hy(&h, count[i]);
		fprintf(f,
			"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" "
			"height=\"%.1f\" fill=\"%s\" fill-opacity=\"0.8\" "
			"stroke=\"%s\" stroke-width=\"0.5\"><title>",
			l, y, r - l, h.T + h.ph - y, color,
			/* fine buckets are a pixel wide: no gap */
			r - l > 3 ? "#fff" : "none");
		char a[32], b[32];
		vp_fmt_axis(x0[i], c->xfmt, a, sizeof(a));
		vp_fmt_axis(x1[i], c->xfmt, b, sizeof(b));
		fprintf(f, "%s – %s: %.0f</title></rect>\n", a, b, count[i]);
	}
	hist_markers(f, c, &h, m, nm);
	fprintf(
	    f,
	    "<path d=\"M%.1f %.1fV%.1fH%.1f\" class=\"ax\" fill=\"none\"/>\n",
	    h.L, h.T, h.T + h.ph, h.L + h.pw);
	if (c->xlabel)
		vp_svg_text(f, h.L + h.pw / 2, H - 8, "middle", "lab",
			    c->xlabel);
	vp_svg_ylabel(f, 14, h.T + h.ph / 2, c->ylabel);
	fputs("</svg>\n", f);
}
