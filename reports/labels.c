/* Target labels (see labels.h): the run prefix is chosen per run, then
 * made unique, then joined with each target name. */
#include "reports/labels.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/summary.h"

int vp_label_parse(const char *arg, struct vp_label_override *o, char *err,
		   size_t errlen)
{
	const char *eq = strchr(arg, '=');
	if (!eq || eq == arg || !eq[1]) {
		snprintf(err, errlen,
			 "--label '%s': expected RUN=TEXT, a run folder and "
			 "the label of its targets (e.g. --label "
			 "results/a=kvm-box)",
			 arg);
		return -EINVAL;
	}
	o->run = arg; /* the caller keeps arg; the run part ends at '=' */
	o->text = eq + 1;
	return 0;
}

/* The run part of an override ("RUN" of "RUN=TEXT") matches run r. */
static bool names_run(const struct vp_run *r, const char *arg)
{
	size_t n = strcspn(arg, "=");
	size_t d = strlen(r->dir);
	while (d > 1 && r->dir[d - 1] == '/')
		d--; /* "runs/a/" names "runs/a" */
	while (n > 1 && arg[n - 1] == '/')
		n--;
	return (n == d && !strncmp(arg, r->dir, n)) ||
	       (n == strlen(r->label) && !strncmp(arg, r->label, n));
}

/* The name of the machine a run measured, from its env.csv. */
static const char *machine(const struct vp_summary *s, size_t r)
{
	const char *v = NULL;
	for (size_t t = 0; t < s->ntargets && !v; t++)
		if (s->targets[t].run == r &&
		    !strcmp(s->targets[t].kind, "host"))
			v = vp_run_env(&s->runs[r], s->targets[t].name,
				       "hostname");
	for (size_t t = 0; t < s->ntargets && !v; t++)
		if (s->targets[t].run == r)
			v = vp_run_env(&s->runs[r], s->targets[t].name,
				       "host_hostname");
	return v && *v ? v : NULL;
}

static long override_of(const struct vp_summary *s, size_t r,
			const struct vp_label_override *o, size_t n)
{
	for (size_t i = n; i-- > 0;) /* the last one given wins */
		if (names_run(&s->runs[r], o[i].run))
			return (long)i;
	return -1;
}

static int check_overrides(const struct vp_summary *s,
			   const struct vp_label_override *o, size_t n,
			   char *err, size_t errlen)
{
	for (size_t i = 0; i < n; i++) {
		bool hit = false;
		for (size_t r = 0; r < s->nruns && !hit; r++)
			hit = names_run(&s->runs[r], o[i].run);
		if (hit)
			continue;
		size_t off = 0;
		char list[1024] = "";
		for (size_t r = 0; r < s->nruns && off < sizeof(list); r++)
			off += (size_t)snprintf(list + off, sizeof(list) - off,
						"%s%s", r ? ", " : "",
						s->runs[r].dir);
		snprintf(err, errlen,
			 "--label %.*s=...: no run folder of that name (runs: "
			 "%s)",
			 (int)strcspn(o[i].run, "="), o[i].run, list);
		return -EINVAL;
	}
	return 0;
}

/* prefix[r]: the override, else the machine, else the folder; machine
 * names shared by several runs fall back to the folders; what is still
 * shared gets "#<run position>". */
static int prefixes(const struct vp_summary *s,
		    const struct vp_label_override *o, size_t n, char **prefix)
{
	const char **p = calloc(s->nruns, sizeof(*p));
	const char **first = calloc(s->nruns, sizeof(*first));
	bool *forced = calloc(s->nruns, sizeof(*forced));
	int rc = p && first && forced ? 0 : -ENOMEM;
	for (size_t r = 0; !rc && r < s->nruns; r++) {
		long k = override_of(s, r, o, n);
		forced[r] = k >= 0;
		first[r] = k >= 0 ? o[k].text : machine(s, r);
		if (!first[r])
			first[r] = s->runs[r].label;
		p[r] = first[r];
	}
	for (size_t r = 0; !rc && r < s->nruns; r++)
		for (size_t q = 0; q < s->nruns && !forced[r]; q++)
			if (q != r && !strcmp(first[q], first[r]))
				p[r] = s->runs[r].label;
	for (size_t r = 0; !rc && r < s->nruns; r++) {
		bool dup = false;
		for (size_t q = 0; q < s->nruns; q++)
			dup |= q != r && !strcmp(p[q], p[r]);
		char buf[512];
		snprintf(buf, sizeof(buf), dup ? "%s#%zu" : "%s", p[r], r + 1);
		if (!(prefix[r] = strdup(buf)))
			rc = -ENOMEM;
	}
	free(p);
	free(first);
	free(forced);
	return rc;
}

int vp_labels_assign(struct vp_summary *s, const struct vp_label_override *o,
		     size_t n, char *err, size_t errlen)
{
	int rc = check_overrides(s, o, n, err, errlen);
	if (rc)
		return rc;
	char **prefix = calloc(s->nruns + 1, sizeof(*prefix));
	if (!prefix || prefixes(s, o, n, prefix))
		rc = -ENOMEM;
	for (size_t i = 0; !rc && i < s->ntargets; i++) {
		struct vp_target_ref *t = &s->targets[i];
		char buf[1024];
		if (s->nruns == 1 && !n)
			snprintf(buf, sizeof(buf), "%s", t->name);
		else
			snprintf(buf, sizeof(buf), "%s/%s", prefix[t->run],
				 t->name);
		if (!(t->label = strdup(buf)))
			rc = -ENOMEM;
	}
	for (size_t r = 0; prefix && r < s->nruns; r++)
		free(prefix[r]);
	free(prefix);
	if (rc == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	return rc;
}
