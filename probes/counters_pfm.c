/* libpfm4 back end of the counters probe: turns event names (perf::
 * software events, PMU-specific names such as INST_RETIRED) into
 * perf_event_attr encodings, and describes what libpfm4 found here. */
#include "probes/counters_internal.h"

#include <stdio.h>
#include <string.h>

#if HAVE_LIBPFM
#include <perfmon/pfmlib_perf_event.h>
#include <pthread.h>

static int pfm_rc = -1;
static pthread_once_t pfm_once = PTHREAD_ONCE_INIT;

static void pfm_init(void)
{
	pfm_rc = pfm_initialize();
}

int vp_cnt_pfm_encode(const char *name, struct perf_event_attr *attr, char *why,
		      size_t len)
{
	pthread_once(&pfm_once, pfm_init);
	if (pfm_rc != PFM_SUCCESS) {
		snprintf(why, len, "libpfm4: pfm_initialize failed: %s",
			 pfm_strerror(pfm_rc));
		return -1;
	}
	pfm_perf_encode_arg_t arg;
	memset(attr, 0, sizeof(*attr));
	memset(&arg, 0, sizeof(arg));
	arg.attr = attr;
	arg.size = sizeof(arg);
	/* kernel and user level, like perf stat; vp_cnt_perf_open drops the
	 * kernel part when perf_event_paranoid forbids it */
	int r = pfm_get_os_event_encoding(name, PFM_PLM0 | PFM_PLM3,
					  PFM_OS_PERF_EVENT_EXT, &arg);
	if (r == PFM_ERR_NOTFOUND) {
		snprintf(why, len, "libpfm4: event not found: %s", name);
		return -1;
	}
	if (r != PFM_SUCCESS) {
		snprintf(why, len, "libpfm4: %s: %s", pfm_strerror(r), name);
		return -1;
	}
	attr->size = sizeof(*attr);
	return 0;
}

void vp_cnt_pfm_describe(char *buf, size_t len)
{
	pthread_once(&pfm_once, pfm_init);
	int v = pfm_get_version();
	if (pfm_rc != PFM_SUCCESS) {
		snprintf(buf, len, "API %d.%d; pfm_initialize failed: %s",
			 PFM_MAJ_VERSION(v), PFM_MIN_VERSION(v),
			 pfm_strerror(pfm_rc));
		return;
	}
	char dfl[64] = "none found", pmus[VP_METRIC_NOTE_MAX] = "";
	size_t used = 0;
	pfm_pmu_t p;
	pfm_for_all_pmus(p)
	{
		pfm_pmu_info_t pi;
		memset(&pi, 0, sizeof(pi));
		pi.size = sizeof(pi);
		if (pfm_get_pmu_info(p, &pi) != PFM_SUCCESS || !pi.is_present)
			continue;
		if (pi.is_dfl)
			snprintf(dfl, sizeof(dfl), "%s", pi.name);
		int w = snprintf(pmus + used, sizeof(pmus) - used, "%s%s",
				 used ? ", " : "", pi.name);
		if (w > 0 && (size_t)w < sizeof(pmus) - used)
			used += (size_t)w;
	}
	snprintf(buf, len, "API %d.%d; default PMU: %s; PMUs present: %s",
		 PFM_MAJ_VERSION(v), PFM_MIN_VERSION(v), dfl,
		 used ? pmus : "none");
}

#else /* !HAVE_LIBPFM */

int vp_cnt_pfm_encode(const char *name, struct perf_event_attr *attr, char *why,
		      size_t len)
{
	(void)name;
	(void)attr;
	snprintf(why, len, "built without libpfm4");
	return -1;
}

void vp_cnt_pfm_describe(char *buf, size_t len)
{
	snprintf(buf, len, "unavailable: built without libpfm4");
}

#endif
