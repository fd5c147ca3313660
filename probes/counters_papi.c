/* PAPI back end of the counters probe: library and thread initialisation
 * (once), the perf_event component's state with its disabled reason, preset
 * lookup and one PAPI event set per worker thread. */
#include "probes/counters_internal.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#if HAVE_PAPI
#include <papi.h>
#include <pthread.h>

static struct {
	int usable;
	char why[VP_METRIC_NOTE_MAX];
	char version[32];
	int comp_found, disabled, presets, natives;
	char reason[PAPI_HUGE_STR_LEN];
} papi;
static pthread_once_t papi_once = PTHREAD_ONCE_INIT;

static unsigned long thread_id(void)
{
	return (unsigned long)pthread_self();
}

static void papi_init(void)
{
	int r = PAPI_library_init(PAPI_VER_CURRENT);
	if (r != PAPI_VER_CURRENT) {
		snprintf(papi.why, sizeof(papi.why),
			 "PAPI_library_init failed: %s",
			 r > 0 ? "version mismatch" : PAPI_strerror(r));
		return;
	}
	snprintf(papi.version, sizeof(papi.version), "%d.%d.%d.%d",
		 PAPI_VERSION_MAJOR(PAPI_VERSION),
		 PAPI_VERSION_MINOR(PAPI_VERSION),
		 PAPI_VERSION_REVISION(PAPI_VERSION),
		 PAPI_VERSION_INCREMENT(PAPI_VERSION));
	r = PAPI_thread_init(thread_id);
	if (r != PAPI_OK) {
		snprintf(papi.why, sizeof(papi.why),
			 "PAPI_thread_init failed: %s", PAPI_strerror(r));
		return;
	}
	int cidx = PAPI_get_component_index("perf_event");
	const PAPI_component_info_t *ci =
	    cidx >= 0 ? PAPI_get_component_info(cidx) : NULL;
	if (!ci) {
		snprintf(papi.why, sizeof(papi.why),
			 "PAPI built without the perf_event component");
		return;
	}
	papi.comp_found = 1;
	papi.disabled = ci->disabled;
	papi.presets = ci->num_preset_events;
	papi.natives = ci->num_native_events;
	snprintf(papi.reason, sizeof(papi.reason), "%s", ci->disabled_reason);
	if (ci->disabled) {
		snprintf(papi.why, sizeof(papi.why),
			 "PAPI perf_event component disabled: %.180s",
			 ci->disabled_reason);
		return;
	}
	papi.usable = 1;
}

int vp_cnt_papi_usable(char *why, size_t len)
{
	pthread_once(&papi_once, papi_init);
	if (!papi.usable)
		snprintf(why, len, "%s", papi.why);
	return papi.usable ? 0 : -1;
}

int vp_cnt_papi_lookup(const char *name, int *code, char *why, size_t len)
{
	if (vp_cnt_papi_usable(why, len))
		return -1;
	int r = PAPI_event_name_to_code(name, code);
	if (r != PAPI_OK) {
		snprintf(why, len, "PAPI: unknown event %s", name);
		return -1;
	}
	r = PAPI_query_event(*code);
	if (r != PAPI_OK) {
		snprintf(why, len,
			 "PAPI preset %s not available: %s (perf_event "
			 "component has %d presets)",
			 name, PAPI_strerror(r), papi.presets);
		return -1;
	}
	return 0;
}

void vp_cnt_papi_thread_open(struct vp_thread_counters *tc)
{
	struct vp_counter_set *set = tc->set;
	tc->papi_es = PAPI_NULL;
	if (!set->n_papi)
		return;
	int r = PAPI_register_thread();
	if (r == PAPI_OK)
		r = PAPI_create_eventset(&tc->papi_es);
	if (r != PAPI_OK) {
		snprintf(tc->papi_why, sizeof(tc->papi_why),
			 "PAPI event set: %s", PAPI_strerror(r));
		tc->papi_es = PAPI_NULL;
		return;
	}
	tc->papi_vals = calloc((size_t)set->n_papi, sizeof(long long));
	for (size_t i = 0; i < set->n; i++) {
		struct vp_cnt_event *e = &set->ev[i];
		if (e->source != VP_CNT_PAPI)
			continue;
		r = PAPI_add_event(tc->papi_es, e->papi_code);
		if (r != PAPI_OK || !tc->papi_vals) {
			snprintf(tc->v[i].why, sizeof(tc->v[i].why),
				 "PAPI_add_event: %s",
				 tc->papi_vals ? PAPI_strerror(r)
					       : "out of memory");
			continue;
		}
		tc->v[i].ok = 1;
	}
}

void vp_cnt_papi_thread_start(struct vp_thread_counters *tc)
{
	if (tc->papi_es == PAPI_NULL)
		return;
	int r = PAPI_start(tc->papi_es);
	if (r != PAPI_OK)
		snprintf(tc->papi_why, sizeof(tc->papi_why), "PAPI_start: %s",
			 PAPI_strerror(r));
	else
		tc->papi_running = 1;
}

/* Stops, stores the values and releases the event set on the worker thread
 * itself, since PAPI binds event sets to the thread that created them. */
void vp_cnt_papi_thread_stop(struct vp_thread_counters *tc)
{
	if (tc->papi_es == PAPI_NULL)
		return;
	struct vp_counter_set *set = tc->set;
	int r = PAPI_OK;
	if (tc->papi_running)
		r = PAPI_stop(tc->papi_es, tc->papi_vals);
	if (r != PAPI_OK)
		snprintf(tc->papi_why, sizeof(tc->papi_why), "PAPI_stop: %s",
			 PAPI_strerror(r));
	else if (!tc->papi_running && !tc->papi_why[0])
		snprintf(tc->papi_why, sizeof(tc->papi_why),
			 "PAPI event set never started");
	int slot = 0;
	for (size_t i = 0; i < set->n; i++) {
		struct vp_cnt_event *e = &set->ev[i];
		struct vp_cnt_value *v = &tc->v[i];
		if (e->source != VP_CNT_PAPI || !v->ok)
			continue;
		if (tc->papi_why[0]) {
			v->ok = 0;
			snprintf(v->why, sizeof(v->why), "%s", tc->papi_why);
		} else {
			v->value = (uint64_t)tc->papi_vals[slot];
			v->enabled = v->running = 1;
		}
		slot++;
	}
	PAPI_cleanup_eventset(tc->papi_es);
	PAPI_destroy_eventset(&tc->papi_es);
	PAPI_unregister_thread();
	tc->papi_es = PAPI_NULL;
	tc->papi_running = 0;
}

void vp_cnt_papi_set_domain(int kernel)
{
	pthread_once(&papi_once, papi_init);
	if (papi.version[0])
		PAPI_set_domain(kernel ? PAPI_DOM_USER | PAPI_DOM_KERNEL
				       : PAPI_DOM_USER);
}

void vp_cnt_papi_describe(char *buf, size_t len)
{
	pthread_once(&papi_once, papi_init);
	if (!papi.version[0])
		snprintf(buf, len, "unavailable: %s", papi.why);
	else if (!papi.comp_found)
		snprintf(buf, len, "%s; %s", papi.version, papi.why);
	else if (papi.disabled)
		snprintf(buf, len, "%s; perf_event component disabled: %.300s",
			 papi.version, papi.reason);
	else
		snprintf(buf, len,
			 "%s; perf_event component enabled (%d presets, %d "
			 "native events)",
			 papi.version, papi.presets, papi.natives);
}

#else /* !HAVE_PAPI */

int vp_cnt_papi_usable(char *why, size_t len)
{
	snprintf(why, len, "built without PAPI");
	return -1;
}

int vp_cnt_papi_lookup(const char *name, int *code, char *why, size_t len)
{
	(void)name;
	(void)code;
	return vp_cnt_papi_usable(why, len);
}

void vp_cnt_papi_thread_open(struct vp_thread_counters *tc)
{
	tc->papi_es = -1;
}

void vp_cnt_papi_thread_start(struct vp_thread_counters *tc)
{
	(void)tc;
}

void vp_cnt_papi_thread_stop(struct vp_thread_counters *tc)
{
	(void)tc;
}

void vp_cnt_papi_set_domain(int kernel)
{
	(void)kernel;
}

void vp_cnt_papi_describe(char *buf, size_t len)
{
	snprintf(buf, len, "unavailable: built without PAPI");
}

#endif
