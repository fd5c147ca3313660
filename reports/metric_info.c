/* Metric name conventions of results.csv (README.md), in one place so
 * summary, HTML and compare agree on them. */
#include "reports/metric_info.h"

#include <errno.h>
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

/* <distribution>_bucket_le_<upper bound>: spin_wait_, lat_, call_, wake_
 * (one convention for every log2 histogram). */
static const char *bucket_suffix(const char *metric)
{
	static const char tag[] = "_bucket_le_";
	const char *p = strstr(metric, tag);

	return p && p != metric ? p + strlen(tag) : NULL;
}

int vp_metric_bucket_bound(const char *metric, double *bound, const char **text)
{
	const char *p = bucket_suffix(metric);
	*bound = 0;
	if (text)
		*text = p;
	if (!p)
		return -ENOENT;
	/* Digits only: strtoull alone would take "-1", " 64" and "0x40". */
	if (!*p || strspn(p, "0123456789") != strlen(p))
		return -EINVAL;
	errno = 0;
	unsigned long long v = strtoull(p, NULL, 10);
	/* 0 is schema 2's first bucket (waits of 0 ns); "00" is no bound. */
	if (errno || (v == 0 && strcmp(p, "0")))
		return -EINVAL;
	*bound = (double)v;
	return 0;
}

bool vp_metric_is_bucket(const char *metric, double *bound)
{
	double b = 0;
	if (!bucket_suffix(metric))
		return false;
	vp_metric_bucket_bound(metric, &b, NULL);
	if (bound)
		*bound = b;
	return true;
}

bool vp_metric_nonnegative(const char *metric)
{
	return vp_metric_direction(metric) != VP_DIR_NONE ||
	       bucket_suffix(metric) || starts(metric, "cnt.") ||
	       ends(metric, "_samples") || ends(metric, "_hist_sub_buckets") ||
	       !strcmp(metric, "ctx_switches");
}

bool vp_metric_is_throughput(const char *metric)
{
	return !strcmp(metric, "ops_per_s") || !strcmp(metric, "iops") ||
	       !strcmp(metric, "mib_per_s");
}

enum vp_direction vp_metric_direction(const char *metric)
{
	/* Buckets and a distribution's sample count and precision describe
	 * the distribution; they are no better when lower. */
	if (vp_metric_is_bucket(metric, NULL) || ends(metric, "_samples") ||
	    ends(metric, "_hist_sub_buckets"))
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
