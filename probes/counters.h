/* Hardware and software counters, counted per run for the workload's
 * threads. Sources, tried in order for each requested event:
 *   1. PAPI presets (PAPI_TOT_CYC...) when PAPI's perf_event component is on;
 *   2. events named through libpfm4 (pfm_get_os_event_encoding), opened with
 *      perf_event_open, including perf:: software events;
 *   3. the software floor (task-clock, context-switches, cpu-migrations,
 *      page-faults) opened with perf_event_open directly.
 * Every requested event yields one metric `cnt.<event>`: ok with the value
 * (scaled by time_enabled/time_running when multiplexed, with a note), or
 * unavailable with the exact reason. Never a zero in place of a missing value.
 *
 * Threading: each worker opens its own per-thread counters before the start
 * barrier, starts them when measurement begins and stops them when it ends;
 * values are read once per run, never per operation. */
#ifndef VP_COUNTERS_H
#define VP_COUNTERS_H

#include <stddef.h>

#include "probes/metrics.h"

/* Counter scope: which privilege levels a counter counts. One scope for a
 * whole plan keeps counts comparable across targets (a host user that may
 * count user space only vs a guest agent running as root):
 *   user         exclude_kernel on every event that counts execution
 *                (hardware, raw, PAPI presets, page faults);
 *   user+kernel  both levels; where that is not permitted the event is
 *                unavailable with the reason, never silently user-only;
 *   auto         the old per-event behaviour: user+kernel, falling back
 *                to user space with a note where paranoia forbids kernel.
 * Time (task-clock) and kernel-side events (context switches, migrations)
 * are counted the same under every scope. */
enum vp_counter_scope {
	VP_SCOPE_AUTO = 0,
	VP_SCOPE_USER,
	VP_SCOPE_USER_KERNEL,
};

const char *vp_counter_scope_name(enum vp_counter_scope s);
/* 0, or -EINVAL for a name other than auto, user, user+kernel. */
int vp_counter_scope_parse(const char *s, enum vp_counter_scope *out);
/* Process-wide scope for the events resolved afterwards (set by the agent
 * from the plan before vp_counters_resolve). */
void vp_counters_set_scope(enum vp_counter_scope s);
enum vp_counter_scope vp_counters_scope(void);

struct vp_counter_set;	   /* resolved request, shared by all workers */
struct vp_thread_counters; /* one worker's open counters */

/* spec: "auto" (sensible default set), "none", or a comma list of event
 * names (PAPI preset names, libpfm4 names such as perf::TASK-CLOCK or
 * INST_RETIRED, or the short names cycles, instructions, cache-misses,
 * dtlb-misses, task-clock, context-switches, cpu-migrations, page-faults).
 * Returns 0, or -EINVAL with a message for a malformed spec. Unknown or
 * unavailable events are not errors: they become unavailable rows. */
int vp_counters_resolve(const char *spec, struct vp_counter_set **out,
			char *err, size_t errlen);
/* Checks a spec's syntax only (no library or kernel probing), for the CLI
 * to refuse a bad --counters value up front with exit code 2, even when the
 * events are resolved later inside a guest. 0 or -EINVAL with a message. */
int vp_counters_spec_check(const char *spec, char *err, size_t errlen);
void vp_counters_free(struct vp_counter_set *set);
/* Number of requested events (0 for "none"). */
size_t vp_counters_count(const struct vp_counter_set *set);
/* For env.csv: the event's stable snake_case id, the part after "cnt." in
 * its metric name (cycles, task_clock; a user-named event has every
 * non-alphanumeric character replaced by '_' and is lowercased:
 * perf::TASK-CLOCK -> perf__task_clock), and its status: "available via
 * perf_event", "available via libpfm4 + perf_event", "available via PAPI
 * (PAPI_TOT_CYC)" or "unavailable: <why>". */
const char *vp_counters_event_name(const struct vp_counter_set *set, size_t i);
const char *vp_counters_event_status(const struct vp_counter_set *set,
				     size_t i);

/* Called by each worker thread, on itself. Never fails: events that cannot
 * be opened are remembered with their reason. NULL set -> returns NULL. */
struct vp_thread_counters *vp_counters_thread_open(struct vp_counter_set *set);
void vp_counters_thread_start(struct vp_thread_counters *tc);
void vp_counters_thread_stop(struct vp_thread_counters *tc);
/* Sums the workers' values into `out` as cnt.<event> metrics, then closes
 * and frees every tc. Called by the runner thread after the workers joined. */
void vp_counters_collect(struct vp_counter_set *set,
			 struct vp_thread_counters **tcs, size_t n,
			 struct vp_metrics *out);

#endif
