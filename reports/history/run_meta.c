/* The run's provenance and plan for the history (run_meta.h): env.csv keys
 * written by runner/run/provenance.c, plan.conf's `key = value` lines. */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/history/run_meta.h"
#include "workloads/options.h"
#include "workloads/workload.h"

#define PLAN_MAX (1 << 20) /* plan.conf is a few hundred bytes */

static char *read_plan(const char *dir, char *err, size_t errlen)
{
	char path[PATH_MAX];
	snprintf(path, sizeof(path), "%s/plan.conf", dir);
	FILE *f = fopen(path, "r");
	if (!f) {
		snprintf(err, errlen,
			 "%s: %s (not a complete vpbench run folder: the run "
			 "writes plan.conf beside results.csv)",
			 path, strerror(errno));
		return NULL;
	}
	char *buf = malloc(PLAN_MAX + 1);
	size_t n = buf ? fread(buf, 1, PLAN_MAX + 1, f) : 0;
	fclose(f);
	if (!buf) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (n > PLAN_MAX) {
		snprintf(err, errlen, "%s: over %d bytes: not a plan", path,
			 PLAN_MAX);
		free(buf);
		return NULL;
	}
	buf[n] = '\0';
	return buf;
}

/* Value of `key = value` in plan text, copied into buf; NULL if absent. */
static const char *plan_value(const char *plan, const char *key,
			      const char *from, char *buf, size_t len,
			      const char **next)
{
	size_t klen = strlen(key);
	for (const char *p = from ? from : plan; p && *p;) {
		const char *eol = strchr(p, '\n');
		size_t l = eol ? (size_t)(eol - p) : strlen(p);
		if (l > klen + 3 && !strncmp(p, key, klen) &&
		    !strncmp(p + klen, " = ", 3)) {
			snprintf(buf, len, "%.*s", (int)(l - klen - 3),
				 p + klen + 3);
			if (next)
				*next = eol ? eol + 1 : p + l;
			return buf;
		}
		p = eol ? eol + 1 : NULL;
	}
	return NULL;
}

static int str_cmp(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int read_options(struct vp_run_meta *m)
{
	char buf[1024];
	const char *next = NULL;
	while (plan_value(m->plan, "option", next, buf, sizeof(buf), &next)) {
		char **o = realloc(m->options, (m->noptions + 1) * sizeof(*o));
		if (!o)
			return -ENOMEM;
		m->options = o;
		if (!(o[m->noptions] = strdup(buf)))
			return -ENOMEM;
		m->noptions++;
	}
	if (m->noptions)
		qsort(m->options, m->noptions, sizeof(*m->options), str_cmp);
	return 0;
}

static void read_conditions(struct vp_run_meta *m)
{
	char v[128];
	size_t n = 0;
	m->conditions[0] = '\0';
	if (plan_value(m->plan, "pin", NULL, v, sizeof(v), NULL) &&
	    strcmp(v, "none"))
		n += snprintf(m->conditions + n, sizeof(m->conditions) - n,
			      "+pin=%s", v);
	if (n < sizeof(m->conditions) &&
	    plan_value(m->plan, "host-load", NULL, v, sizeof(v), NULL) &&
	    strcmp(v, "0"))
		snprintf(m->conditions + n, sizeof(m->conditions) - n,
			 "+host-load=%s", v);
}

/* The earliest (or latest) value of key over the run's targets. */
static void env_extreme(const struct vp_run *run, const char *key, int latest,
			char *buf, size_t len)
{
	buf[0] = '\0';
	for (size_t i = 0; i < run->nenv; i++) {
		const struct vp_env_entry *e = &run->env[i];
		if (strcmp(e->key, key))
			continue;
		int c = strcmp(e->value, buf);
		if (!buf[0] || (latest ? c > 0 : c < 0))
			snprintf(buf, len, "%s", e->value);
	}
}

static const char *env_any(const struct vp_run *run, const char *key)
{
	for (size_t i = 0; i < run->nenv; i++)
		if (!strcmp(run->env[i].key, key))
			return run->env[i].value;
	return NULL;
}

/* The machine that ran vpbench: the runner's own name (env runner_host),
 * else the hostname the host target saw; guests name themselves, not the
 * machine. */
static const char *own_host(const struct vp_run *run)
{
	const char *h = env_any(run, "runner_host");
	if (h)
		return h;
	for (size_t i = 0; i < run->nrows; i++)
		if (!strcmp(run->rows[i].target_kind, "host"))
			return vp_run_env(run, run->rows[i].target, "hostname");
	return NULL;
}

int vp_run_meta_read(const struct vp_run *run, const char *dir,
		     const char *host_label, struct vp_run_meta *m, char *err,
		     size_t errlen)
{
	memset(m, 0, sizeof(*m));
	if (!(m->plan = read_plan(dir, err, errlen)))
		return -EINVAL;
	const struct vp_result *r0 = &run->rows[0];
	snprintf(m->run_id, sizeof(m->run_id), "%s", r0->run_id);
	snprintf(m->results_schema, sizeof(m->results_schema), "%d",
		 r0->schema);
	env_extreme(run, "start_utc", 0, m->started_utc,
		    sizeof(m->started_utc));
	env_extreme(run, "end_utc", 1, m->ended_utc, sizeof(m->ended_utc));
	if (!m->started_utc[0]) {
		snprintf(err, errlen,
			 "%s/env.csv has no start_utc: written by a vpbench "
			 "too old for the history (or not by vpbench)",
			 dir);
		return -EINVAL;
	}
	const char *v = env_any(run, "build_git");
	snprintf(m->build, sizeof(m->build), "%s", v ? v : "");
	v = env_any(run, "vpbench_version");
	snprintf(m->version, sizeof(m->version), "%s", v ? v : "");
	v = env_any(run, "plan_hash");
	snprintf(m->plan_hash, sizeof(m->plan_hash), "%s", v ? v : "");
	v = host_label ? host_label : own_host(run);
	snprintf(m->host, sizeof(m->host), "%s", v ? v : "unknown");
	v = env_any(run, "command_line");
	if (!(m->command_line = strdup(v ? v : "")))
		return -ENOMEM;
	if (!realpath(dir, m->source))
		snprintf(m->source, sizeof(m->source), "%s", dir);
	read_conditions(m);
	return read_options(m);
}

void vp_run_meta_free(struct vp_run_meta *m)
{
	for (size_t i = 0; i < m->noptions; i++)
		free(m->options[i]);
	free(m->options);
	free(m->command_line);
	free(m->plan);
	memset(m, 0, sizeof(*m));
}

void vp_run_meta_workload(const struct vp_run_meta *m, const char *workload,
			  char *buf, size_t len)
{
	const struct vp_workload *w = vp_workload_find(workload);
	size_t n = (size_t)snprintf(buf, len, "%s", workload);
	int first = 1;
	for (size_t i = 0; w && w->options && i < m->noptions && n < len; i++) {
		const char *kv = m->options[i], *eq = strchr(kv, '=');
		char key[128];
		if (!eq)
			continue;
		snprintf(key, sizeof(key), "%.*s", (int)(eq - kv), kv);
		const struct vp_option *o = vp_options_find(w->options, key);
		if (!o || (o->def && !strcmp(o->def, eq + 1)))
			continue;
		n += (size_t)snprintf(buf + n, len - n, "%s%s",
				      first ? "[" : ",", kv);
		first = 0;
	}
	if (!first && n < len)
		snprintf(buf + n, len - n, "]");
}

void vp_run_meta_target(const struct vp_run_meta *m, const char *target,
			char *buf, size_t len)
{
	snprintf(buf, len, "%s%s", target, m->conditions);
}
