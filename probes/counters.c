/* Counters probe front end: parses the --counters spec, resolves each event
 * to a source (PAPI preset, libpfm4 encoding, or our own perf attr) once by
 * opening it on the calling thread, then drives per-thread counters for the
 * workers and sums them into cnt.<event> metrics. */
#include "probes/counters.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "probes/counters_internal.h"

/* The default set: the hardware events that explain CPU-bound slowdowns,
 * then the software floor that every Linux kernel can count. */
static const char *const auto_events[] = {
    "cycles",	  "instructions",     "cache-misses",	"dtlb-misses",
    "task-clock", "context-switches", "cpu-migrations", "page-faults",
};

static void make_id(const char *name, char *id, size_t len)
{
	size_t i = 0;
	for (; name[i] && i + 1 < len; i++) {
		unsigned char c = (unsigned char)name[i];
		id[i] = isalnum(c) ? (char)tolower(c) : '_';
	}
	id[i] = '\0';
}

static void probe_perf(struct vp_cnt_event *e, const char *via)
{
	struct perf_event_attr a = e->attr;
	int fd = vp_cnt_perf_open(&a);
	if (fd < 0) {
		vp_cnt_perf_reason(&a, fd, vp_cnt_no_hw_pmu(), e->why,
				   sizeof(e->why));
		return;
	}
	close(fd);
	/* Paranoia may have made it user space only: say so, or refuse
	 * events that would read 0. For events under an explicit scope that
	 * is the plan's choice, recorded once in env.csv (counter_scope). */
	if ((vp_counters_scope() == VP_SCOPE_AUTO || !vp_cnt_scoped(&a)) &&
	    a.exclude_kernel && !e->attr.exclude_kernel &&
	    vp_cnt_user_only(&a, e->note, sizeof(e->note))) {
		snprintf(e->why, sizeof(e->why), "%s", e->note);
		e->note[0] = '\0';
		return;
	}
	e->attr = a; /* keeps exclude_kernel when paranoia forced it */
	e->source = VP_CNT_PERF;
	snprintf(e->status, sizeof(e->status), "available via %s%s%s", via,
		 e->note[0] ? ", " : "", e->note);
}

static void resolve_event(struct vp_counter_set *set, struct vp_cnt_event *e)
{
	const char *id, *unit, *papi_name;
	if (vp_cnt_short_name(e->req, &id, &unit, &papi_name, &e->attr) == 0) {
		snprintf(e->id, sizeof(e->id), "%s", id);
		snprintf(e->unit, sizeof(e->unit), "%s", unit);
		char why[VP_METRIC_NOTE_MAX];
		if (papi_name && vp_cnt_papi_lookup(papi_name, &e->papi_code,
						    why, sizeof(why)) == 0) {
			e->source = VP_CNT_PAPI;
			e->papi_slot = set->n_papi++;
			snprintf(e->status, sizeof(e->status),
				 "available via PAPI (%s)", papi_name);
			return;
		}
		probe_perf(e, "perf_event");
	} else if (strncmp(e->req, "PAPI_", 5) == 0) {
		make_id(e->req, e->id, sizeof(e->id));
		snprintf(e->unit, sizeof(e->unit), "count");
		if (vp_cnt_papi_lookup(e->req, &e->papi_code, e->why,
				       sizeof(e->why)) == 0) {
			e->source = VP_CNT_PAPI;
			e->papi_slot = set->n_papi++;
			snprintf(e->status, sizeof(e->status),
				 "available via PAPI");
			return;
		}
	} else {
		make_id(e->req, e->id, sizeof(e->id));
		snprintf(e->unit, sizeof(e->unit), "count");
		if (vp_cnt_pfm_encode(e->req, &e->attr, e->why,
				      sizeof(e->why)) == 0) {
			if (e->attr.type == PERF_TYPE_SOFTWARE &&
			    (e->attr.config == PERF_COUNT_SW_TASK_CLOCK ||
			     e->attr.config == PERF_COUNT_SW_CPU_CLOCK))
				snprintf(e->unit, sizeof(e->unit), "ns");
			probe_perf(e, "libpfm4 + perf_event");
		}
	}
	if (e->source == VP_CNT_UNAVAILABLE)
		snprintf(e->status, sizeof(e->status), "unavailable: %s",
			 e->why);
}

/* Adds one requested name; duplicates (e.g. "auto,cycles") count once. */
static int add_event(struct vp_counter_set *set, const char *name, char *err,
		     size_t errlen)
{
	if (strlen(name) >= VP_CNT_NAME_MAX) {
		snprintf(err, errlen,
			 "counter name too long (max %d): %.40s...",
			 VP_CNT_NAME_MAX - 1, name);
		return -EINVAL;
	}
	for (size_t i = 0; i < set->n; i++)
		if (strcmp(set->ev[i].req, name) == 0)
			return 0;
	struct vp_cnt_event *v =
	    realloc(set->ev, (set->n + 1) * sizeof(*set->ev));
	if (!v) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	set->ev = v;
	struct vp_cnt_event *e = &set->ev[set->n];
	memset(e, 0, sizeof(*e));
	snprintf(e->req, sizeof(e->req), "%s", name);
	set->n++;
	return 0;
}

static int parse_spec(struct vp_counter_set *set, const char *spec, char *err,
		      size_t errlen)
{
	int ret = 0;
	char *copy = strdup(spec), *save = NULL;
	if (!copy) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	size_t len = strlen(copy);
	int none = 0, items = 0;
	if (len == 0 || copy[0] == ',' || copy[len - 1] == ',' ||
	    strstr(copy, ",,")) {
		snprintf(err, errlen,
			 "bad --counters value '%s': expected auto, none or a "
			 "comma list of event names",
			 spec);
		ret = -EINVAL;
		goto out;
	}
	for (char *tok = strtok_r(copy, ",", &save); tok && !ret;
	     tok = strtok_r(NULL, ",", &save)) {
		while (isspace((unsigned char)*tok))
			tok++;
		char *end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = '\0';
		items++;
		if (!*tok) {
			snprintf(err, errlen,
				 "bad --counters value '%s': empty event name",
				 spec);
			ret = -EINVAL;
		} else if (strcmp(tok, "none") == 0) {
			none = 1;
		} else if (strcmp(tok, "auto") == 0) {
			for (size_t i = 0;
			     i < sizeof(auto_events) / sizeof(auto_events[0]) &&
			     !ret;
			     i++)
				ret =
				    add_event(set, auto_events[i], err, errlen);
		} else {
			ret = add_event(set, tok, err, errlen);
		}
	}
	if (!ret && none && items > 1) {
		snprintf(err, errlen,
			 "bad --counters value '%s': none cannot be combined "
			 "with events",
			 spec);
		ret = -EINVAL;
	}
out:
	free(copy);
	return ret;
}

int vp_counters_resolve(const char *spec, struct vp_counter_set **out,
			char *err, size_t errlen)
{
	*out = NULL;
	if (!spec) {
		snprintf(err, errlen, "no --counters value");
		return -EINVAL;
	}
	struct vp_counter_set *set = calloc(1, sizeof(*set));
	if (!set) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	int ret = parse_spec(set, spec, err, errlen);
	if (ret) {
		vp_counters_free(set);
		return ret;
	}
	if (vp_counters_scope() != VP_SCOPE_AUTO)
		vp_cnt_papi_set_domain(vp_counters_scope() ==
				       VP_SCOPE_USER_KERNEL);
	for (size_t i = 0; i < set->n; i++)
		resolve_event(set, &set->ev[i]);
	*out = set;
	return 0;
}

int vp_counters_spec_check(const char *spec, char *err, size_t errlen)
{
	if (!spec) {
		snprintf(err, errlen, "no --counters value");
		return -EINVAL;
	}
	struct vp_counter_set set = {0};
	int ret = parse_spec(&set, spec, err, errlen);
	free(set.ev);
	return ret;
}

void vp_counters_free(struct vp_counter_set *set)
{
	if (!set)
		return;
	free(set->ev);
	free(set);
}

size_t vp_counters_count(const struct vp_counter_set *set)
{
	return set ? set->n : 0;
}

const char *vp_counters_event_name(const struct vp_counter_set *set, size_t i)
{
	return set && i < set->n ? set->ev[i].id : NULL;
}

const char *vp_counters_event_status(const struct vp_counter_set *set, size_t i)
{
	return set && i < set->n ? set->ev[i].status : NULL;
}

struct vp_thread_counters *vp_counters_thread_open(struct vp_counter_set *set)
{
	if (!set)
		return NULL;
	struct vp_thread_counters *tc = calloc(1, sizeof(*tc));
	if (!tc)
		return NULL;
	tc->set = set;
	tc->papi_es = -1;
	tc->v = calloc(set->n ? set->n : 1, sizeof(*tc->v));
	if (!tc->v) {
		free(tc);
		return NULL;
	}
	for (size_t i = 0; i < set->n; i++) {
		struct vp_cnt_event *e = &set->ev[i];
		struct vp_cnt_value *v = &tc->v[i];
		v->fd = -1;
		if (e->source != VP_CNT_PERF)
			continue;
		struct perf_event_attr a = e->attr;
		int fd = vp_cnt_perf_open(&a);
		if (fd < 0) {
			vp_cnt_perf_reason(&a, fd, vp_cnt_no_hw_pmu(), v->why,
					   sizeof(v->why));
			continue;
		}
		v->fd = fd;
		v->ok = 1;
	}
	vp_cnt_papi_thread_open(tc);
	return tc;
}

void vp_counters_thread_start(struct vp_thread_counters *tc)
{
	if (!tc)
		return;
	for (size_t i = 0; i < tc->set->n; i++)
		if (tc->v[i].fd >= 0)
			ioctl(tc->v[i].fd, PERF_EVENT_IOC_ENABLE, 0);
	vp_cnt_papi_thread_start(tc);
}

/* Disables, reads {value, time_enabled, time_running} and closes. */
static void finish_perf(struct vp_cnt_value *v)
{
	uint64_t buf[3];
	ioctl(v->fd, PERF_EVENT_IOC_DISABLE, 0);
	ssize_t r = read(v->fd, buf, sizeof(buf));
	if (r != (ssize_t)sizeof(buf)) {
		v->ok = 0;
		snprintf(v->why, sizeof(v->why), "read of perf event: %s",
			 r < 0 ? strerror(errno) : "short read");
	} else {
		v->value = buf[0];
		v->enabled = buf[1];
		v->running = buf[2];
	}
	close(v->fd);
	v->fd = -1;
}

void vp_counters_thread_stop(struct vp_thread_counters *tc)
{
	if (!tc)
		return;
	vp_cnt_papi_thread_stop(tc);
	for (size_t i = 0; i < tc->set->n; i++)
		if (tc->v[i].fd >= 0)
			finish_perf(&tc->v[i]);
}

static void collect_event(struct vp_cnt_event *e, size_t k,
			  struct vp_thread_counters **tcs, size_t n,
			  struct vp_metrics *out)
{
	char name[VP_METRIC_NAME_MAX];
	snprintf(name, sizeof(name), "cnt.%s", e->id);
	if (e->source == VP_CNT_UNAVAILABLE) {
		vp_metrics_unavailable(out, name, e->unit, "%s", e->why);
		return;
	}
	double sum = 0, min_ratio = 1;
	size_t failed = 0, starved = 0, started = 0;
	const char *why = NULL;
	for (size_t i = 0; i < n; i++) {
		struct vp_cnt_value *v = tcs[i] ? &tcs[i]->v[k] : NULL;
		if (!v || !v->ok) {
			failed++;
			if (!why)
				why = v ? v->why : "counters not opened";
			continue;
		}
		if (v->enabled == 0)
			continue; /* never measured on this worker */
		started++;
		if (v->running == 0) {
			starved++;
			continue;
		}
		double ratio = (double)v->running / (double)v->enabled;
		if (ratio < min_ratio)
			min_ratio = ratio;
		sum += ratio < 1 ? (double)v->value / ratio : (double)v->value;
	}
	if (n == 0) {
		vp_metrics_unavailable(out, name, e->unit,
				       "no worker thread counted");
	} else if (failed) {
		vp_metrics_unavailable(out, name, e->unit,
				       "%s (on %zu of %zu threads)", why,
				       failed, n);
	} else if (starved) {
		vp_metrics_unavailable(
		    out, name, e->unit,
		    "never scheduled on the PMU (multiplexed "
		    "out) on %zu of %zu threads",
		    starved, n);
	} else if (!started) {
		vp_metrics_unavailable(out, name, e->unit,
				       "counter was never started");
	} else {
		struct vp_metric *m = vp_metrics_ok(out, name, sum, e->unit);
		if (min_ratio < 0.995)
			snprintf(m->note, sizeof(m->note),
				 "scaled: running %.0f%% of enabled time%s%s",
				 min_ratio * 100, e->note[0] ? "; " : "",
				 e->note);
		else
			snprintf(m->note, sizeof(m->note), "%s", e->note);
	}
}

void vp_counters_collect(struct vp_counter_set *set,
			 struct vp_thread_counters **tcs, size_t n,
			 struct vp_metrics *out)
{
	if (set) {
		/* a worker that never reached stop still has open fds */
		for (size_t i = 0; i < n; i++)
			if (tcs[i])
				for (size_t k = 0; k < set->n; k++)
					if (tcs[i]->v[k].fd >= 0)
						finish_perf(&tcs[i]->v[k]);
		for (size_t k = 0; k < set->n; k++)
			collect_event(&set->ev[k], k, tcs, n, out);
	}
	for (size_t i = 0; i < n; i++) {
		if (!tcs[i])
			continue;
		free(tcs[i]->v);
		free(tcs[i]->papi_vals);
		free(tcs[i]);
		tcs[i] = NULL;
	}
}
