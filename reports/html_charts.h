/* Chart sections of the HTML report (scaling curves, baseline ratios,
 * spin-wait histograms, I/O latency) and the choices they share with the
 * headline table: which metric is a workload's throughput and which thread
 * count compares a target with its baseline. */
#ifndef VP_HTML_CHARTS_H
#define VP_HTML_CHARTS_H

#include <stdio.h>

#include "reports/summary.h"

/* "ops_per_s", "iops" or "mib_per_s" (the first with data for workload w),
 * or NULL. */
const char *vp_report_tp_metric(const struct vp_summary *s, size_t w);
/* Thread count at which target t is compared with its baseline for
 * workload w: its vCPU count when both measured it, else the largest count
 * both measured, else the largest t measured; -1 when t has no cell. */
int vp_report_pick_threads(const struct vp_summary *s, size_t t, size_t w,
			   const char *metric);
/* Colour of target t (stable across all charts). */
const char *vp_report_color(const struct vp_summary *s, size_t t);

void vp_html_scaling_charts(const struct vp_summary *s, FILE *f);
void vp_html_ratio_chart(const struct vp_summary *s, FILE *f);
void vp_html_spin_charts(const struct vp_summary *s, FILE *f);
void vp_html_io_charts(const struct vp_summary *s, FILE *f);

#endif
