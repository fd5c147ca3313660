/* Metric name conventions of results.csv (README.md), in one place so
 * summary, HTML and compare agree on them. */
#include "reports/metric_info.h"

#include <stdlib.h>
#include <string.h>

static bool starts(const char *s, const char *prefix)
{
	return strncmp(s, prefix, strlen(prefix)) == 0;
}

static bool ends(const char *s, const char *suffix)
{
	size_t n = strlen(s), m = strlen(suffix);
	return n >= m && strcmp(s + n - m, suffix) == 0;
}

bool vp_metric_is_bucket(const char *metric, double *bound)
{
	/* <distribution>_bucket_le_<upper bound>: spin_wait_, lat_, call_,
	 * wake_ (one convention for every log2 histogram) */
	static const char tag[] = "_bucket_le_";
	const char *p = strstr(metric, tag);
	if (!p || p == metric)
		return false;
	p += strlen(tag);
	if (bound) {
		char *end;
		double v = strtod(p, &end);
		*bound = *p && !*end ? v : 0;
	}
	return true;
}

bool vp_metric_is_throughput(const char *metric)
{
	return !strcmp(metric, "ops_per_s") || !strcmp(metric, "iops") ||
	       !strcmp(metric, "mib_per_s");
}

enum vp_direction vp_metric_direction(const char *metric)
{
	if (vp_metric_is_bucket(metric, NULL))
		return VP_DIR_NONE;
	if (vp_metric_is_throughput(metric) || ends(metric, "_per_s"))
		return VP_DIR_HIGHER;
	if (!strcmp(metric, "wall_s") || starts(metric, "lat_") ||
	    starts(metric, "spin_wait_") || !strcmp(metric, "spin_fraction") ||
	    !strcmp(metric, "long_waits") || !strcmp(metric, "steal_pct") ||
	    starts(metric, "call_") || starts(metric, "wake_") ||
	    !strcmp(metric, "long_calls") || !strcmp(metric, "ns_per_access") ||
	    !strcmp(metric, "runq_delay_pct") ||
	    !strcmp(metric, "vcpu_delay_pct"))
		return VP_DIR_LOWER;
	return VP_DIR_NONE;
}

const char *vp_direction_name(enum vp_direction d)
{
	switch (d) {
	case VP_DIR_HIGHER:
		return "higher is better";
	case VP_DIR_LOWER:
		return "lower is better";
	default:
		return "no better direction";
	}
}
