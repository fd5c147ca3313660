/* What the reports know about a metric name: whether a higher value is
 * better, whether it is a distribution bucket row, a throughput figure. */
#ifndef VP_METRIC_INFO_H
#define VP_METRIC_INFO_H

#include <stdbool.h>

enum vp_direction {
	VP_DIR_NONE,   /* no better direction (counters, context switches) */
	VP_DIR_HIGHER, /* ops_per_s, iops, mib_per_s, *_per_s */
	VP_DIR_LOWER,  /* wall_s, lat_*, spin_wait_*, call_*, wake_*, ... */
};

enum vp_direction vp_metric_direction(const char *metric);
/* <name>_bucket_le_<bound> (spin_wait_, lat_, call_, wake_); *bound
 * receives the bound (ns, or us for lat_), or 0 when it is not a valid one
 * (see vp_metric_bucket_bound). */
bool vp_metric_is_bucket(const char *metric, double *bound);
/* The bound of a bucket metric: 0 and *bound when it is a decimal integer
 * up to 2^64 - 1 (what the writers print with "%llu"; "0" is schema 2's
 * first bucket, schema 1 has none: the reader checks that); -EINVAL
 * otherwise ("inf", "00", "1e3", "-64", "0x40", empty); -ENOENT when metric
 * is not a bucket row. *text (may be NULL) receives the bound's text. */
int vp_metric_bucket_bound(const char *metric, double *bound,
			   const char **text);
/* Metrics that cannot be negative: every metric with a better direction
 * (rates, durations, latencies, fractions), bucket rows, counters
 * (cnt.*) and context switches. */
bool vp_metric_nonnegative(const char *metric);
/* ops_per_s, iops, mib_per_s: figures whose scaling with threads matters. */
bool vp_metric_is_throughput(const char *metric);
const char *vp_direction_name(enum vp_direction d);

#endif
