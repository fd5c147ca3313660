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
 * receives the bound (ns, or us for lat_). */
bool vp_metric_is_bucket(const char *metric, double *bound);
/* ops_per_s, iops, mib_per_s: figures whose scaling with threads matters. */
bool vp_metric_is_throughput(const char *metric);
const char *vp_direction_name(enum vp_direction d);

#endif
