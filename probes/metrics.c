/* Growable list of metric entries produced by one workload run. */
#include "probes/metrics.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

void vp_metrics_init(struct vp_metrics *m)
{
	memset(m, 0, sizeof(*m));
}

void vp_metrics_free(struct vp_metrics *m)
{
	free(m->v);
	memset(m, 0, sizeof(*m));
}

void vp_metrics_clear(struct vp_metrics *m)
{
	m->n = 0;
}

static struct vp_metric *metrics_push(struct vp_metrics *m, const char *name,
				      const char *unit, enum vp_status status)
{
	if (m->n == m->cap) {
		size_t cap = m->cap ? m->cap * 2 : 32;
		struct vp_metric *v = realloc(m->v, cap * sizeof(*v));
		if (!v)
			abort(); /* a few KiB; nothing sensible to do without it
				  */
		m->v = v;
		m->cap = cap;
	}
	struct vp_metric *e = &m->v[m->n++];
	memset(e, 0, sizeof(*e));
	snprintf(e->name, sizeof(e->name), "%s", name);
	snprintf(e->unit, sizeof(e->unit), "%s", unit ? unit : "");
	e->status = status;
	return e;
}

struct vp_metric *vp_metrics_ok(struct vp_metrics *m, const char *name,
				double value, const char *unit)
{
	struct vp_metric *e = metrics_push(m, name, unit, VP_STATUS_OK);
	e->value = value;
	return e;
}

struct vp_metric *vp_metrics_unavailable(struct vp_metrics *m, const char *name,
					 const char *unit, const char *fmt, ...)
{
	struct vp_metric *e =
	    metrics_push(m, name, unit, VP_STATUS_UNAVAILABLE);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->note, sizeof(e->note), fmt, ap);
	va_end(ap);
	return e;
}

struct vp_metric *vp_metrics_failed(struct vp_metrics *m, const char *name,
				    const char *unit, const char *fmt, ...)
{
	struct vp_metric *e = metrics_push(m, name, unit, VP_STATUS_FAILED);
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(e->note, sizeof(e->note), fmt, ap);
	va_end(ap);
	return e;
}

const struct vp_metric *vp_metrics_find(const struct vp_metrics *m,
					const char *name)
{
	for (size_t i = 0; i < m->n; i++)
		if (strcmp(m->v[i].name, name) == 0)
			return &m->v[i];
	return NULL;
}

const char *vp_status_name(enum vp_status s)
{
	switch (s) {
	case VP_STATUS_OK:
		return "ok";
	case VP_STATUS_UNAVAILABLE:
		return "unavailable";
	case VP_STATUS_FAILED:
		return "failed";
	}
	return "failed";
}

int vp_status_parse(const char *s, enum vp_status *out)
{
	static const enum vp_status all[] = {
	    VP_STATUS_OK, VP_STATUS_UNAVAILABLE, VP_STATUS_FAILED};
	for (size_t i = 0; i < sizeof(all) / sizeof(all[0]); i++)
		if (strcmp(s, vp_status_name(all[i])) == 0) {
			*out = all[i];
			return 0;
		}
	return -1;
}

int vp_note_is_suspended(const char *note)
{
	return note &&
	       !strncmp(note, VP_NOTE_SUSPENDED, strlen(VP_NOTE_SUSPENDED));
}

void vp_metrics_mark_suspended(struct vp_metrics *m, size_t first,
			       const char *why)
{
	for (size_t i = first; i < m->n; i++) {
		struct vp_metric *e = &m->v[i];
		char old[VP_METRIC_NOTE_MAX];
		if (e->status != VP_STATUS_OK || vp_note_is_suspended(e->note))
			continue;
		snprintf(old, sizeof(old), "%s", e->note);
		snprintf(e->note, sizeof(e->note), "%s%s%s", why,
			 old[0] ? "; " : "", old);
	}
}

bool vp_decimal_syntax(const char *s, bool sign)
{
	size_t n = 0;
	if (sign && (*s == '-' || *s == '+'))
		s++;
	n = strspn(s, "0123456789");
	s += n;
	if (*s == '.') {
		size_t frac = strspn(s + 1, "0123456789");
		s += 1 + frac;
		n += frac;
	}
	if (!n)
		return false;
	if (*s == 'e' || *s == 'E') {
		s++;
		if (*s == '-' || *s == '+')
			s++;
		if (!strspn(s, "0123456789"))
			return false;
		s += strspn(s, "0123456789");
	}
	return !*s;
}
