/* Chart sections of the HTML report: scaling curves, baseline ratios (log
 * axis, ▲/▼ marks), spin-wait histograms, I/O latency (log axis). Which
 * metric is a workload's throughput and which thread count compares a
 * target with its baseline come from the verdicts (reports/verdicts.h). */
#ifndef VP_HTML_CHARTS_H
#define VP_HTML_CHARTS_H

#include <stdio.h>

#include "reports/summary.h"
#include "reports/verdicts.h"

/* Colour of target t (stable across all charts). */
const char *vp_report_color(const struct vp_summary *s, size_t t);

void vp_html_scaling_charts(const struct vp_summary *s,
			    const struct vp_verdicts *v, FILE *f);
void vp_html_ratio_chart(const struct vp_summary *s,
			 const struct vp_verdicts *v, FILE *f);
void vp_html_spin_charts(const struct vp_summary *s, FILE *f);
void vp_html_io_charts(const struct vp_summary *s, FILE *f);
/* Histograms of the kernel-call, wake-up and I/O latency buckets. */
void vp_html_latency_charts(const struct vp_summary *s, FILE *f);
/* The percentile ladder table of family (spin_wait, call, ...) on workload
 * w, every target and thread count; nothing when there is no pool. */
void vp_html_ladder(const struct vp_summary *s, size_t w, const char *family,
		    FILE *f);

#endif
