/* Sections of the JSON report (see json_out.h and reports/README.md): the
 * runs with their provenance, the targets with their environment, the
 * headline verdicts and the findings, all taken from the summary and the
 * verdicts as decided. */
#include <errno.h>
#include <fcntl.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "reports/html_escape.h"
#include "reports/json_internal.h"

#define PLAN_MAX (64 * 1024) /* a plan.conf is a few hundred bytes */

/* RUN/plan.conf (or the one beside a results.csv named directly): a
 * regular file of bounded size, read without blocking on a FIFO. */
static char *read_plan(const char *dir)
{
	struct vp_run_paths p;
	struct stat st;
	vp_run_input_paths(dir, &p);
	const char *path = p.plan;
	int fd = open(path, O_RDONLY | O_NONBLOCK | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return NULL;
	char *buf = NULL;
	if (fstat(fd, &st) == 0 && S_ISREG(st.st_mode) &&
	    st.st_size < PLAN_MAX &&
	    (buf = calloc(1, (size_t)st.st_size + 1))) {
		ssize_t n = read(fd, buf, (size_t)st.st_size);
		if (n < 0) {
			free(buf);
			buf = NULL;
		} else {
			buf[n] = 0;
		}
	}
	close(fd);
	return buf;
}

/* "key = value" lines of plan.conf as an object; null without one. */
static struct json_object *plan_json(const char *dir)
{
	char *text = read_plan(dir);
	if (!text)
		return NULL;
	struct json_object *o = json_object_new_object();
	char *save = NULL;
	for (char *line = strtok_r(text, "\n", &save); line;
	     line = strtok_r(NULL, "\n", &save)) {
		char *eq = strstr(line, " = ");
		if (line[0] == '#' || !eq)
			continue;
		*eq = 0;
		char *key = vp_utf8_dup(line);
		if (key)
			json_object_object_add(o, key, vp_jstr(eq + 3));
		free(key);
	}
	free(text);
	return o;
}

struct json_object *vp_json_runs(const struct vp_summary *s)
{
	struct json_object *a = json_object_new_array();
	for (size_t r = 0; r < s->nruns; r++) {
		const struct vp_run *run = &s->runs[r];
		struct json_object *o = json_object_new_object();
		struct json_object *w = json_object_new_array();
		for (size_t k = 0; k < run->nwarn; k++)
			json_object_array_add(w, vp_jstr(run->warnings[k]));
		json_object_object_add(o, "index", vp_jint((long long)r));
		json_object_object_add(o, "dir", vp_jstr(run->dir));
		json_object_object_add(o, "label", vp_jstr(run->label));
		json_object_object_add(
		    o, "run_id",
		    vp_jstr(run->nrows ? run->rows[0].run_id : ""));
		json_object_object_add(o, "rows",
				       vp_jint((long long)run->nrows));
		json_object_object_add(o, "warnings", w);
		json_object_object_add(
		    o, "plan", run->plan_refused ? NULL : plan_json(run->dir));
		json_object_object_add(o, "planned_steps",
				       run->planned_steps < 0
					   ? NULL
					   : vp_jint(run->planned_steps));
		json_object_object_add(o, "measured_steps",
				       run->measured_steps < 0
					   ? NULL
					   : vp_jint(run->measured_steps));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *caveats_json(unsigned bits)
{
	struct json_object *a = json_object_new_array();
	for (unsigned b = 1; b && b <= VP_CAV_BASE_IS_VM; b <<= 1)
		if (bits & b)
			json_object_array_add(
			    a, json_object_new_string(vp_caveat_name(b)));
	return a;
}

static struct json_object *environment_json(const struct vp_run *run,
					    const char *target)
{
	struct json_object *o = json_object_new_object();
	for (size_t i = 0; i < run->nenv; i++) {
		if (strcmp(run->env[i].target, target))
			continue;
		char *key = vp_utf8_dup(run->env[i].key);
		if (key)
			json_object_object_add(o, key,
					       vp_jstr(run->env[i].value));
		free(key);
	}
	return o;
}

struct json_object *vp_json_targets(const struct vp_summary *s,
				    const struct vp_verdicts *v)
{
	struct json_object *a = json_object_new_array();
	for (size_t t = 0; t < s->ntargets; t++) {
		const struct vp_target_ref *tr = &s->targets[t];
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "label", vp_jstr(tr->label));
		json_object_object_add(o, "run", vp_jint((long long)tr->run));
		json_object_object_add(o, "name", vp_jstr(tr->name));
		json_object_object_add(o, "kind", vp_jstr(tr->kind));
		json_object_object_add(o, "accel", vp_jstr(tr->accel));
		json_object_object_add(o, "hypervisor",
				       vp_jstr(tr->hypervisor));
		json_object_object_add(
		    o, "vcpus", tr->vcpus >= 0 ? vp_jint(tr->vcpus) : NULL);
		json_object_object_add(
		    o, "host_cpus",
		    tr->host_cpus >= 0 ? vp_jint(tr->host_cpus) : NULL);
		json_object_object_add(
		    o, "baseline",
		    tr->baseline >= 0 ? vp_jstr(s->targets[tr->baseline].label)
				      : NULL);
		json_object_object_add(o, "caveats",
				       caveats_json(v->target_caveats[t]));
		json_object_object_add(
		    o, "environment",
		    environment_json(&s->runs[tr->run], tr->name));
		json_object_array_add(a, o);
	}
	return a;
}

static struct json_object *hl_cell_json(const struct vp_summary *s,
					const struct vp_verdicts *v,
					const struct vp_hl_cell *h)
{
	const struct vp_cell *c = h->cell >= 0 ? &s->cells[h->cell] : NULL;
	struct json_object *o = json_object_new_object();
	char why[160];
	vp_exclusion_text(s, h, why, sizeof(why));
	json_object_object_add(o, "target",
			       vp_jstr(s->targets[h->target].label));
	json_object_object_add(o, "workload",
			       vp_jstr(s->workloads[h->workload]));
	json_object_object_add(
	    o, "class",
	    vp_jstr(v->head.classes[v->head.class_of[h->workload]]));
	json_object_object_add(o, "metric", vp_jstr(h->metric));
	json_object_object_add(o, "threads",
			       h->threads >= 0 ? vp_jint(h->threads) : NULL);
	json_object_object_add(o, "ratio", vp_jnum(c ? c->ratio : NAN));
	json_object_object_add(o, "ratio_ci95_lo",
			       vp_jnum(c ? c->ratio_lo : NAN));
	json_object_object_add(o, "ratio_ci95_hi",
			       vp_jnum(c ? c->ratio_hi : NAN));
	json_object_object_add(
	    o, "excluded", json_object_new_boolean(h->excl != VP_EXCL_NONE));
	json_object_object_add(o, "exclusion",
			       h->excl ? vp_jstr(vp_exclusion_name(h->excl))
				       : NULL);
	json_object_object_add(o, "exclusion_text",
			       why[0] ? vp_jstr(why) : NULL);
	json_object_object_add(o, "caveats", caveats_json(h->caveats));
	return o;
}

static struct json_object *limits_json(void)
{
	struct json_object *o = json_object_new_object();
	json_object_object_add(o, "baseline_max_cv", vp_jnum(VP_BASE_MAX_CV));
	json_object_object_add(o, "ratio_max_ci_factor",
			       vp_jnum(VP_RATIO_MAX_CI_FACTOR));
	json_object_object_add(o, "noisy_cv", vp_jnum(VP_NOISY_CV));
	json_object_object_add(o, "min_reps", vp_jint(VP_MIN_REPS));
	return o;
}

struct json_object *vp_json_headline(const struct vp_summary *s,
				     const struct vp_verdicts *v)
{
	const struct vp_headline *h = &v->head;
	struct json_object *o = json_object_new_object();
	struct json_object *cells = json_object_new_array();
	struct json_object *means = json_object_new_array();
	for (size_t w = 0; w < s->nworkloads; w++)
		for (size_t k = 0; k < h->ntargets; k++) {
			const struct vp_hl_cell *c = vp_hl_cell_at(v, k, w);
			if (c)
				json_object_array_add(cells,
						      hl_cell_json(s, v, c));
		}
	for (size_t cls = 0; cls < h->nclasses; cls++)
		for (size_t k = 0; k < h->ntargets; k++) {
			const struct vp_hl_class *m = vp_hl_mean_at(v, cls, k);
			if (!m->n_used && !m->n_excluded)
				continue;
			struct json_object *x = json_object_new_object();
			json_object_object_add(
			    x, "target", vp_jstr(s->targets[m->target].label));
			json_object_object_add(x, "class",
					       vp_jstr(h->classes[cls]));
			json_object_object_add(x, "ratio", vp_jnum(m->ratio));
			json_object_object_add(x, "ratio_ci95_lo",
					       vp_jnum(m->lo));
			json_object_object_add(x, "ratio_ci95_hi",
					       vp_jnum(m->hi));
			json_object_object_add(x, "workloads_used",
					       vp_jint((long long)m->n_used));
			json_object_object_add(
			    x, "workloads_excluded",
			    vp_jint((long long)m->n_excluded));
			json_object_array_add(means, x);
		}
	json_object_object_add(o, "limits", limits_json());
	json_object_object_add(o, "cells_with_ratio",
			       vp_jint((long long)h->n_with_ratio));
	json_object_object_add(o, "cells_excluded",
			       vp_jint((long long)h->n_excluded));
	json_object_object_add(o, "cells", cells);
	json_object_object_add(o, "classes", means);
	return o;
}

struct json_object *vp_json_findings(const struct vp_summary *s,
				     const struct vp_verdicts *v)
{
	struct json_object *a = json_object_new_array();
	for (size_t i = 0; i < v->nfindings; i++) {
		const struct vp_finding *x = &v->findings[i];
		const struct vp_cell *c =
		    x->cell >= 0 ? &s->cells[x->cell] : NULL;
		struct json_object *o = json_object_new_object();
		json_object_object_add(o, "kind",
				       vp_jstr(vp_finding_name(x->kind)));
		json_object_object_add(
		    o, "run",
		    x->run >= 0 ? vp_jstr(s->runs[x->run].label) : NULL);
		json_object_object_add(
		    o, "target",
		    x->target >= 0 ? vp_jstr(s->targets[x->target].label)
				   : NULL);
		json_object_object_add(o, "workload",
				       c ? vp_jstr(s->workloads[c->workload])
					 : NULL);
		json_object_object_add(o, "threads",
				       c ? vp_jint(c->threads) : NULL);
		json_object_object_add(
		    o, "metric", c ? vp_jstr(s->metrics[c->metric]) : NULL);
		json_object_object_add(
		    o, "exclusion",
		    x->excl ? vp_jstr(vp_exclusion_name(x->excl)) : NULL);
		json_object_object_add(o, "text", vp_jstr(x->text));
		json_object_array_add(a, o);
	}
	return a;
}
