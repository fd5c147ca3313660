/* Private to the counters probe (counters.c, counters_perf.c,
 * counters_papi.c, counters_pfm.c): the resolved event table and the three
 * back ends behind it (PAPI presets, libpfm4 encodings, raw perf_event). */
#ifndef VP_COUNTERS_INTERNAL_H
#define VP_COUNTERS_INTERNAL_H

#include <linux/perf_event.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/metrics.h"

#define VP_CNT_NAME_MAX 96

enum vp_cnt_source {
	VP_CNT_UNAVAILABLE = 0,
	VP_CNT_PERF, /* perf_event_open, attr from our table or libpfm4 */
	VP_CNT_PAPI, /* a PAPI preset in a per-thread event set */
};

struct vp_cnt_event {
	char req[VP_CNT_NAME_MAX];	 /* as requested */
	char id[VP_METRIC_NAME_MAX - 4]; /* stable metric suffix */
	char unit[VP_METRIC_UNIT_MAX];
	enum vp_cnt_source source;
	struct perf_event_attr attr; /* VP_CNT_PERF */
	int papi_code;		     /* VP_CNT_PAPI */
	int papi_slot;		     /* index in the thread's PAPI values */
	/* sized so "unavailable: " + why and a scaling remark + note fit a
	 * metric note without truncation */
	char status[VP_METRIC_NOTE_MAX];   /* for env.csv */
	char why[VP_METRIC_NOTE_MAX - 16]; /* reason when unavailable */
	char note[128];			   /* remark for ok values */
};

struct vp_counter_set {
	struct vp_cnt_event *ev;
	size_t n;
	int n_papi; /* events counted through PAPI */
};

/* One worker's view of one event. */
struct vp_cnt_value {
	int fd; /* -1 unless an open perf event */
	int ok; /* opened (and, after stop, read) without error */
	uint64_t value, enabled, running;
	char why[128];
};

struct vp_thread_counters {
	struct vp_counter_set *set;
	struct vp_cnt_value *v;
	int papi_es; /* PAPI event set, -1 when none */
	int papi_running;
	long long *papi_vals;
	char papi_why[128];
};

/* --- perf_event (counters_perf.c) --- */

/* Known short names: fills a perf attr and a PAPI preset name (or NULL).
 * Returns 0 when `name` is one (dashes or underscores), -ENOENT otherwise. */
int vp_cnt_short_name(const char *name, const char **id, const char **unit,
		      const char **papi, struct perf_event_attr *attr);
/* Opens attr on the calling thread (pid 0, any CPU, disabled). Returns the
 * fd or -errno. */
int vp_cnt_perf_open(struct perf_event_attr *attr);
/* Whether the counter scope decides this event's privilege levels (see
 * counters.h): hardware, raw and PMU events and page faults, not time or
 * kernel-side software events. */
int vp_cnt_scoped(const struct perf_event_attr *attr);
/* Turns an open failure into the exact reason text. */
void vp_cnt_perf_reason(const struct perf_event_attr *attr, int neg_errno,
			int no_pmu, char *buf, size_t len);
/* After vp_cnt_perf_open fell back to user-space-only counting: 0 with a
 * remark for the value (maybe empty), or -1 with the reason the event is
 * unavailable (events that only happen in kernel mode would read 0). */
int vp_cnt_user_only(const struct perf_event_attr *attr, char *buf, size_t len);
/* Whether perf_event_open of hardware cycles fails for lack of a PMU (probed
 * once). */
int vp_cnt_no_hw_pmu(void);
const char *vp_cnt_errno_name(int e);

/* --- PAPI (counters_papi.c) --- */

/* Library state, initialised once. Returns 0 when PAPI presets can be used;
 * else -1 and the reason ("PAPI perf_event component disabled: ..."). */
int vp_cnt_papi_usable(char *why, size_t len);
/* Resolves a PAPI preset name. 0 with *code, or -1 with the reason. */
int vp_cnt_papi_lookup(const char *name, int *code, char *why, size_t len);
/* Per-thread event set for the set's PAPI events (called by the worker). */
void vp_cnt_papi_thread_open(struct vp_thread_counters *tc);
void vp_cnt_papi_thread_start(struct vp_thread_counters *tc);
void vp_cnt_papi_thread_stop(struct vp_thread_counters *tc);
/* Default counting domain of PAPI event sets created afterwards: user, or
 * user and kernel. */
void vp_cnt_papi_set_domain(int kernel);
/* "7.0.0.0; perf_event component enabled (0 presets, 160 native events)" */
void vp_cnt_papi_describe(char *buf, size_t len);

/* --- libpfm4 (counters_pfm.c) --- */

/* Encodes `name` into attr. 0, or -1 with the reason ("libpfm4: event not
 * found: NAME", "built without libpfm4"). */
int vp_cnt_pfm_encode(const char *name, struct perf_event_attr *attr, char *why,
		      size_t len);
/* "4.0; default PMU: none found; PMUs: perf, perf_raw, ..." */
void vp_cnt_pfm_describe(char *buf, size_t len);

#endif
