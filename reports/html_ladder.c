/* The percentile ladder of one latency family on one workload (like fio's
 * clat percentiles): a row per target and thread count with p50 ... p99.99
 * and max from the reps' summed buckets (hist_pool.h) and the samples
 * behind them. A percentile the samples cannot support is a dash whose
 * tooltip says why. */
#include <math.h>
#include <string.h>

#include "reports/hist_pool.h"
#include "reports/html_charts.h"
#include "reports/html_escape.h"
#include "reports/svg.h"

static void value_td(FILE *f, double v_ns, const char *note)
{
	char b[32];

	if (isnan(v_ns)) {
		fputs("<td class=\"muted\" title=\"", f);
		vp_html_escape(f, note);
		fputs("\">–</td>", f);
		return;
	}
	vp_fmt_axis(v_ns, VP_AXIS_NS, b, sizeof(b));
	fputs("<td class=\"n\" title=\"", f);
	vp_html_escape(f, note);
	fprintf(f, "\">%s</td>", b);
}

void vp_html_ladder(const struct vp_summary *s, size_t w, const char *family,
		    FILE *f)
{
	char note[256];
	bool any = false, pow2 = false;

	for (size_t i = 0; i < s->npools; i++) {
		const struct vp_pool *p = &s->pools[i];

		if (p->workload != w || strcmp(p->family, family))
			continue;
		if (!any) {
			fputs("<table><tr><th>target</th><th>threads</th>", f);
			for (unsigned k = 0; k < VP_HIST_NQ; k++)
				fprintf(f, "<th>%s</th>", vp_pool_q_label(k));
			fputs("<th>max</th><th>samples</th><th>reps</th>"
			      "</tr>\n",
			      f);
			any = true;
		}
		fputs("<tr><td><span style=\"color:", f);
		fputs(vp_report_color(s, p->target), f);
		fputs("\">&#9632;</span> ", f);
		vp_html_escape(f, s->targets[p->target].label);
		fprintf(f, "</td><td class=\"n\">%d</td>", p->threads);
		for (unsigned k = 0; k < VP_HIST_NQ; k++) {
			vp_pool_note(p, k, note, sizeof(note));
			value_td(f, p->q[k] / p->scale, note);
		}
		value_td(f, p->max / p->scale,
			 "largest single value (exact) over the reps");
		fprintf(f,
			"<td class=\"n\">%.0f</td><td class=\"n\">%zu</td>"
			"</tr>\n",
			p->n, p->reps);
		pow2 |= p->pow2;
	}
	if (!any)
		return;
	fputs("</table>\n<p class=\"muted\">Percentiles of all reps' samples "
	      "together (their bucket counts added), not medians of per-rep "
	      "percentiles. A percentile q needs at least 10 / (1 - q) "
	      "samples (p99.9: 10000), else it shows as a dash.",
	      f);
	if (pow2)
		fputs(" Some runs are results schema 1: their percentiles come "
		      "from power-of-two buckets and are only good to a factor "
		      "of 2.",
		      f);
	fputs("</p>\n", f);
}
