/* The report's history section (`vpbench report --history DB`): one trend
 * chart per headline cell of the report's runs (ops_per_s, or iops for
 * I/O workloads, per target and thread count) that the history database
 * holds, with the change points `vpbench history check` finds on those
 * series.
 *
 * Lifecycle: vp_html_history_load() after the summary is built, pass the
 * result to vp_html_write_with() (html.h), vp_html_history_free(). */
#ifndef VP_HTML_TREND_H
#define VP_HTML_TREND_H

#include <stddef.h>
#include <stdio.h>

#include "reports/summary.h"

/* At most this many charts; the others are counted in the section. */
#define VP_HTML_MAX_TRENDS 64

/* Opaque: the series drawn, their check, the report's run ids (its
 * definition stays in html_trend.c, away from svg.h, whose chart series
 * type shares the name struct vp_series with the history's). */
struct vp_html_history;

/* Opens db (a file or a postgresql:// URI), loads the series of the
 * report's runs and checks them. 0, or -errno with a message in err naming
 * the problem and the fix; a database that holds none of the runs is no
 * error (the section says so). NULL is ok for the free. */
int vp_html_history_load(const char *db, const struct vp_summary *s,
			 struct vp_html_history **out, char *err,
			 size_t errlen);
void vp_html_history_free(struct vp_html_history *h);

/* The section: heading, how to read it, the charts. */
void vp_html_trends(const struct vp_html_history *h, FILE *f);

#endif
