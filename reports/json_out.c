/* The JSON report (see json_out.h), built as a json-c object tree. Every
 * string from a CSV file is made valid UTF-8 first (a Latin-1 note from
 * some guest must not make the document unreadable); numbers that are not
 * computable are null, never NaN (which JSON does not have). */
#include "reports/json_out.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "reports/hist_pool.h"
#include "reports/html_escape.h"
#include "reports/json_internal.h"
#include "reports/metric_info.h"
#include "reports/out_atomic.h"

struct json_object *vp_jstr(const char *s)
{
	if (!s)
		return NULL;
	char *u = vp_utf8_dup(s);
	struct json_object *o = u ? json_object_new_string(u) : NULL;
	free(u);
	return o;
}

struct json_object *vp_jnum(double v)
{
	char buf[32];
	if (!isfinite(v))
		return NULL;
	snprintf(buf, sizeof(buf), "%.9g", v);
	return json_object_new_double_s(v, buf);
}

struct json_object *vp_jint(long long v)
{
	return json_object_new_int64(v);
}

/* One summary cell: the summary.csv row, typed (see reports/README.md). */
static struct json_object *cell_json(const struct vp_summary *s,
				     const struct vp_cell *c)
{
	const struct vp_target_ref *t = &s->targets[c->target];
	const struct vp_desc *d = &c->d;
	struct json_object *o = json_object_new_object();
	double ok = c->n ? 1 : NAN; /* every figure null without ok rows */
	json_object_object_add(o, "run", vp_jstr(s->runs[t->run].label));
	json_object_object_add(o, "target", vp_jstr(t->label));
	json_object_object_add(o, "target_kind", vp_jstr(t->kind));
	json_object_object_add(o, "accel", vp_jstr(t->accel));
	json_object_object_add(o, "hypervisor", vp_jstr(t->hypervisor));
	json_object_object_add(o, "vcpus",
			       t->vcpus >= 0 ? vp_jint(t->vcpus) : NULL);
	json_object_object_add(o, "workload",
			       vp_jstr(s->workloads[c->workload]));
	json_object_object_add(o, "threads", vp_jint(c->threads));
	json_object_object_add(o, "metric", vp_jstr(s->metrics[c->metric]));
	json_object_object_add(o, "unit", vp_jstr(c->unit));
	json_object_object_add(o, "n", vp_jint((long long)c->n));
	json_object_object_add(o, "n_unavailable",
			       vp_jint((long long)c->n_unavail));
	json_object_object_add(o, "n_failed", vp_jint((long long)c->n_failed));
	static const char *const names[] = {"mean",
					    "median",
					    "min",
					    "max",
					    "sd",
					    "cv",
					    "ci95_lo",
					    "ci95_hi",
					    "median_ci_lo",
					    "median_ci_hi",
					    "median_ci_level",
					    "ratio",
					    "ratio_ci95_lo",
					    "ratio_ci95_hi",
					    "scaling_eff",
					    "scaling_eff_ci95_lo",
					    "scaling_eff_ci95_hi"};
	double v[] = {d->mean,
		      d->median,
		      d->min,
		      d->max,
		      d->sd,
		      d->cv,
		      d->ci_lo,
		      d->ci_hi,
		      d->med_lo,
		      d->med_hi,
		      c->n >= 2 ? d->med_level : NAN,
		      c->ratio,
		      c->ratio_lo,
		      c->ratio_hi,
		      c->eff,
		      c->eff_lo,
		      c->eff_hi};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		json_object_object_add(o, names[i], vp_jnum(v[i] * ok));
	json_object_object_add(o, "outliers",
			       vp_jint((long long)d->n_outliers));
	json_object_object_add(
	    o, "baseline",
	    t->baseline >= 0 ? vp_jstr(s->targets[t->baseline].label) : NULL);
	json_object_object_add(o, "status",
			       json_object_new_string(c->n ? "ok"
						      : c->n_failed
							  ? "failed"
							  : "unavailable"));
	char note[512] = ""; /* as in summary.csv */
	if (c->reason)
		snprintf(note, sizeof(note), "%s%s", c->n ? "some reps: " : "",
			 c->reason);
	json_object_object_add(o, "note", note[0] ? vp_jstr(note) : NULL);
	return o;
}

static struct json_object *summary_json(const struct vp_summary *s)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < s->ncells; i++)
		if (!s->cells[i].bucket)
			json_object_array_add(a, cell_json(s, &s->cells[i]));
	return a;
}

/* The pooled ladders (hist_pool.h), the summary.csv pooled_* rows as one
 * object per target x workload x threads x family. */
static struct json_object *pools_json(const struct vp_summary *s)
{
	struct json_object *a = json_object_new_array();
	char note[256];
	for (size_t i = 0; i < s->npools; i++) {
		const struct vp_pool *p = &s->pools[i];
		struct json_object *o = json_object_new_object();
		struct json_object *q = json_object_new_object();
		json_object_object_add(o, "target",
				       vp_jstr(s->targets[p->target].label));
		json_object_object_add(o, "workload",
				       vp_jstr(s->workloads[p->workload]));
		json_object_object_add(o, "threads", vp_jint(p->threads));
		json_object_object_add(o, "family", vp_jstr(p->family));
		json_object_object_add(o, "unit", vp_jstr(p->unit));
		json_object_object_add(o, "reps", vp_jint((long long)p->reps));
		json_object_object_add(o, "samples", vp_jnum(p->n));
		json_object_object_add(
		    o, "buckets",
		    vp_jstr(p->pow2 ? "power-of-two" : "log-linear"));
		for (unsigned k = 0; k < VP_HIST_NQ; k++) {
			struct json_object *e = json_object_new_object();
			vp_pool_note(p, k, note, sizeof(note));
			json_object_object_add(e, "value", vp_jnum(p->q[k]));
			json_object_object_add(e, "note", vp_jstr(note));
			json_object_object_add(q, vp_pool_q_label(k), e);
		}
		json_object_object_add(o, "percentiles", q);
		json_object_object_add(o, "max", vp_jnum(p->max));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *generator_json(void)
{
	char tbuf[64];
	time_t now = time(NULL);
	struct tm tm;
	gmtime_r(&now, &tm);
	strftime(tbuf, sizeof(tbuf), "%Y-%m-%dT%H:%M:%SZ", &tm);
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "name", json_object_new_string("vpbench"));
	json_object_object_add(o, "version",
			       json_object_new_string(VP_VERSION));
	json_object_object_add(o, "generated_utc",
			       json_object_new_string(tbuf));
	return o;
}

static struct json_object *document(const struct vp_summary *s,
				    const struct vp_verdicts *v)
{
	struct json_object *root = json_object_new_object();
	json_object_object_add(root, "format",
			       json_object_new_string("vpbench-report"));
	json_object_object_add(root, "format_version",
			       vp_jint(VP_JSON_FORMAT_VERSION));
	json_object_object_add(root, "generator", generator_json());
	json_object_object_add(root, "runs", vp_json_runs(s));
	json_object_object_add(root, "targets", vp_json_targets(s, v));
	json_object_object_add(root, "summary", summary_json(s));
	json_object_object_add(root, "latency_percentiles", pools_json(s));
	json_object_object_add(root, "headline", vp_json_headline(s, v));
	json_object_object_add(root, "findings", vp_json_findings(s, v));
	return root;
}

int vp_json_print(const struct vp_summary *s, const struct vp_verdicts *v,
		  FILE *f)
{
	struct json_object *root = document(s, v);
	const char *text = json_object_to_json_string_ext(
	    root, JSON_C_TO_STRING_PRETTY | JSON_C_TO_STRING_NOSLASHESCAPE);
	if (text) {
		fputs(text, f);
		fputc('\n', f);
	}
	json_object_put(root);
	return text ? 0 : -ENOMEM;
}

int vp_json_write(const struct vp_summary *s, const struct vp_verdicts *v,
		  const char *path, char *err, size_t errlen)
{
	struct vp_atomic_out o;
	int rc = vp_atomic_open(&o, path, VP_OUT_NAMED, err, errlen);
	if (rc)
		return rc;
	if (vp_json_print(s, v, o.f)) {
		vp_atomic_abort(&o);
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	return vp_atomic_commit(&o, err, errlen);
}
