/* CUSTOM run keys (plan_lists.h): comma lists of targets, workloads and
 * thread counts, repeatable workload options, pinning and counters. */
#include "runner/plan/plan_internal.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/counters.h"
#include "probes/pin.h"
#include "runner/plan/plan.h"
#include "runner/targets/target.h"
#include "runner/targets/vm_cond.h"

/* Calls fn for each comma-separated item of list, blanks trimmed. */
static int for_each_item(const char *list, const char *what,
			 int (*fn)(struct vp_plan *, const struct vp_plan_key *,
				   const char *, char *, size_t),
			 struct vp_plan *p, const struct vp_plan_key *k,
			 char *err, size_t errlen)
{
	char buf[4096];
	if (strlen(list) >= sizeof(buf)) {
		snprintf(err, errlen, "%s list too long", what);
		return -EINVAL;
	}
	snprintf(buf, sizeof(buf), "%s", list);
	int n = 0;
	/* strsep, not strtok: "1,,2" and "1," must show their empty item. */
	char *rest = buf, *tok;
	while ((tok = strsep(&rest, ",")) != NULL) {
		while (isspace((unsigned char)*tok))
			tok++;
		char *end = tok + strlen(tok);
		while (end > tok && isspace((unsigned char)end[-1]))
			*--end = 0;
		if (!*tok) {
			snprintf(err, errlen,
				 "%s: empty item in '%s' (a stray comma?)",
				 k->name, list);
			return -EINVAL;
		}
		int rc = fn(p, k, tok, err, errlen);
		if (rc)
			return rc;
		n++;
	}
	if (n == 0) {
		snprintf(err, errlen, "empty %s list", what);
		return -EINVAL;
	}
	return 0;
}

/* Joins n items formatted by item(i) with commas; 1 when n == 0. */
static int join(size_t n, char *buf, size_t len,
		void (*item)(const struct vp_plan *, size_t, char *, size_t),
		const struct vp_plan *p)
{
	size_t o = 0;
	buf[0] = 0;
	for (size_t i = 0; i < n && o + 1 < len; i++) {
		if (i)
			buf[o++] = ',';
		item(p, i, buf + o, len - o);
		o += strlen(buf + o);
	}
	return n ? 0 : 1;
}

/* ---- targets ---- */

static int add_target(struct vp_plan *p, const struct vp_plan_key *k,
		      const char *name, char *err, size_t errlen)
{
	int rc = vp_target_name_valid(name, err, errlen);
	if (rc)
		return rc;
	for (size_t i = 0; i < p->ntargets; i++)
		if (strcmp(p->targets[i], name) == 0)
			return 0;
	if (p->ntargets == VP_PLAN_MAX_TARGETS ||
	    strlen(name) >= sizeof(p->targets[0])) {
		snprintf(err, errlen, "too many targets or name too long: %s",
			 name);
		return -EINVAL;
	}
	snprintf(p->targets[p->ntargets++], sizeof(p->targets[0]), "%s", name);
	return 0;
}

struct target_ctx {
	struct vp_plan *p;
	const struct vp_plan_key *k;
};

static int add_target_item(void *ctx, const char *name, char *err,
			   size_t errlen)
{
	struct target_ctx *c = ctx;

	return add_target(c->p, c->k, name, err, errlen);
}

int vp_plan_set_targets(struct vp_plan *p, const struct vp_plan_key *k,
			const char *v, char *err, size_t errlen)
{
	struct target_ctx c = {p, k};

	p->ntargets = 0;
	/* vmN:conditions may hold commas (runner/targets/vm_cond.h). */
	return vp_target_list_each(v, add_target_item, &c, err, errlen);
}

static void target_item(const struct vp_plan *p, size_t i, char *buf,
			size_t len)
{
	snprintf(buf, len, "%s", p->targets[i]);
}

int vp_plan_format_targets(const struct vp_plan *p, const struct vp_plan_key *k,
			   size_t i, char *buf, size_t len)
{
	return i ? 1 : join(p->ntargets, buf, len, target_item, p);
}

/* ---- workloads ---- */

static int add_workload(struct vp_plan *p, const struct vp_workload *wl,
			char *err, size_t errlen)
{
	for (size_t i = 0; i < p->nworkloads; i++)
		if (p->workloads[i].wl == wl)
			return 0;
	if (p->nworkloads == VP_PLAN_MAX_WORKLOADS) {
		snprintf(err, errlen, "too many workloads (at most %d)",
			 VP_PLAN_MAX_WORKLOADS);
		return -EINVAL;
	}
	p->workloads[p->nworkloads++] = (struct vp_plan_workload){wl, NULL};
	return 0;
}

static void list_workload_choices(char *buf, size_t len)
{
	size_t off = 0;
	char prev[32] = "";
	for (size_t i = 0; i < vp_workload_count() && off < len; i++) {
		const struct vp_workload *wl = vp_workload_at(i);
		char cls[32];
		vp_workload_class(wl->name, cls, sizeof(cls));
		if (strcmp(cls, prev) != 0) {
			off += (size_t)snprintf(buf + off, len - off, "%s%s",
						off ? ", " : "", cls);
			snprintf(prev, sizeof(prev), "%s", cls);
		}
		if (off < len)
			off += (size_t)snprintf(buf + off, len - off, ", %s",
						wl->name);
	}
	if (off < len)
		snprintf(buf + off, len - off, ", all");
}

static int select_workload(struct vp_plan *p, const struct vp_plan_key *k,
			   const char *name, char *err, size_t errlen)
{
	int found = 0;
	for (size_t i = 0; i < vp_workload_count(); i++) {
		const struct vp_workload *wl = vp_workload_at(i);
		char cls[32];
		vp_workload_class(wl->name, cls, sizeof(cls));
		int match = strcmp(name, "all") == 0 ||
			    strcmp(wl->name, name) == 0 ||
			    (strcmp(cls, name) == 0 && wl->in_default_set);
		if (match) {
			int rc = add_workload(p, wl, err, errlen);
			if (rc)
				return rc;
			found = 1;
		}
	}
	if (!found) {
		char choices[1024];
		list_workload_choices(choices, sizeof(choices));
		snprintf(err, errlen, "unknown workload '%s'; valid: %s", name,
			 choices);
		return -EINVAL;
	}
	return 0;
}

int vp_plan_set_workloads(struct vp_plan *p, const struct vp_plan_key *k,
			  const char *v, char *err, size_t errlen)
{
	vp_plan_free(p);
	return for_each_item(v, "workload", select_workload, p, k, err, errlen);
}

static void workload_item(const struct vp_plan *p, size_t i, char *buf,
			  size_t len)
{
	snprintf(buf, len, "%s", p->workloads[i].wl->name);
}

int vp_plan_format_workloads(const struct vp_plan *p,
			     const struct vp_plan_key *k, size_t i, char *buf,
			     size_t len)
{
	return i ? 1 : join(p->nworkloads, buf, len, workload_item, p);
}

/* ---- threads ---- */

static int add_threads(struct vp_plan *p, const struct vp_plan_key *k,
		       const char *s, char *err, size_t errlen)
{
	unsigned v;
	int rc = vp_plan_parse_uint(k, s, &v, err, errlen);
	if (rc)
		return rc;
	for (size_t i = 0; i < p->nthreads; i++)
		if (p->threads[i] == v)
			return 0;
	if (p->nthreads == VP_PLAN_MAX_THREADS) {
		snprintf(err, errlen, "threads: at most %d counts",
			 VP_PLAN_MAX_THREADS);
		return -EINVAL;
	}
	p->threads[p->nthreads++] = v;
	return 0;
}

int vp_plan_set_threads(struct vp_plan *p, const struct vp_plan_key *k,
			const char *v, char *err, size_t errlen)
{
	p->nthreads = 0;
	return for_each_item(v, "threads", add_threads, p, k, err, errlen);
}

static void threads_item(const struct vp_plan *p, size_t i, char *buf,
			 size_t len)
{
	snprintf(buf, len, "%u", p->threads[i]);
}

int vp_plan_format_threads(const struct vp_plan *p, const struct vp_plan_key *k,
			   size_t i, char *buf, size_t len)
{
	return i ? 1 : join(p->nthreads, buf, len, threads_item, p);
}

/* ---- -O KEY=VALUE ---- */

int vp_plan_set_option(struct vp_plan *p, const struct vp_plan_key *k,
		       const char *v, char *err, size_t errlen)
{
	const char *eq = strchr(v, '=');
	if (!eq || eq == v) {
		snprintf(err, errlen,
			 "-O '%s': expected KEY=VALUE (e.g. -O bs=4k)", v);
		return -EINVAL;
	}
	if (p->noptions == VP_PLAN_MAX_OPTIONS ||
	    strlen(v) >= sizeof(p->options[0])) {
		snprintf(err, errlen, "-O: too many or too long options");
		return -EINVAL;
	}
	snprintf(p->options[p->noptions++], sizeof(p->options[0]), "%s", v);
	return 0;
}

int vp_plan_format_option(const struct vp_plan *p, const struct vp_plan_key *k,
			  size_t i, char *buf, size_t len)
{
	if (i >= p->noptions)
		return 1;
	snprintf(buf, len, "%s", p->options[i]);
	return 0;
}

/* ---- counters, pin ---- */

int vp_plan_set_counters(struct vp_plan *p, const struct vp_plan_key *k,
			 const char *v, char *err, size_t errlen)
{
	int rc = vp_counters_spec_check(v, err, errlen);
	if (rc)
		return rc < 0 ? rc : -EINVAL;
	return vp_plan_set_string(k, p->counters, v, err, errlen);
}

int vp_plan_set_pin(struct vp_plan *p, const struct vp_plan_key *k,
		    const char *v, char *err, size_t errlen)
{
	if (vp_pin_mode_parse(v, &p->pin))
		return vp_plan_choice_error(k, v, err, errlen);
	return 0;
}

int vp_plan_format_pin(const struct vp_plan *p, const struct vp_plan_key *k,
		       size_t i, char *buf, size_t len)
{
	if (i)
		return 1;
	snprintf(buf, len, "%s", vp_pin_mode_name(p->pin));
	return 0;
}

/* -r N or -r auto (runner/agent/schedule.h has the rule). */
int vp_plan_set_reps(struct vp_plan *p, const struct vp_plan_key *k,
		     const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "auto") == 0) {
		p->reps_auto = true;
		return 0;
	}
	p->reps_auto = false;
	return vp_plan_parse_uint(k, v, &p->reps, err, errlen);
}

int vp_plan_format_reps(const struct vp_plan *p, const struct vp_plan_key *k,
			size_t i, char *buf, size_t len)
{
	(void)k;
	if (i)
		return 1;
	if (p->reps_auto)
		snprintf(buf, len, "auto");
	else
		snprintf(buf, len, "%u", p->reps);
	return 0;
}

/* ---- vm-cpus: syntax only (guests load this plan on fewer CPUs; the
 * runner checks the set against its own mask) ---- */

int vp_plan_set_vm_cpus(struct vp_plan *p, const struct vp_plan_key *k,
			const char *v, char *err, size_t errlen)
{
	cpu_set_t set;

	if (strlen(v) >= sizeof(p->vm_cpus)) {
		snprintf(err, errlen, "%s: list too long", k->name);
		return -EINVAL;
	}
	if (*v && vp_cpulist_parse(v, &set, err, errlen))
		return -EINVAL;
	snprintf(p->vm_cpus, sizeof(p->vm_cpus), "%s", v);
	return 0;
}

int vp_plan_format_vm_cpus(const struct vp_plan *p, const struct vp_plan_key *k,
			   size_t i, char *buf, size_t len)
{
	(void)k;
	if (i || !p->vm_cpus[0])
		return 1;
	snprintf(buf, len, "%s", p->vm_cpus);
	return 0;
}

/* --parallel hosts: targets on different hosts at once; one host's targets
 * stay sequential (they would disturb each other). */
int vp_plan_set_parallel(struct vp_plan *p, const struct vp_plan_key *k,
			 const char *v, char *err, size_t errlen)
{
	if (strcmp(v, "hosts") && strcmp(v, "none"))
		return vp_plan_choice_error(k, v, err, errlen);
	p->parallel_hosts = strcmp(v, "hosts") == 0;
	return 0;
}

int vp_plan_format_parallel(const struct vp_plan *p,
			    const struct vp_plan_key *k, size_t i, char *buf,
			    size_t len)
{
	(void)k;
	if (i)
		return 1;
	snprintf(buf, len, "%s", p->parallel_hosts ? "hosts" : "none");
	return 0;
}
