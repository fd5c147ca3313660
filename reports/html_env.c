/* The environments of the targets side by side: the figures every row of
 * results.csv carries, then each env.csv key in a stable order (what
 * explains a difference first: hypervisor, accelerator, CPUs, pinning,
 * overcommit, kernel), counters last. Values saying "unavailable" or "no
 * ..." are marked. */
#include <stdlib.h>
#include <string.h>

#include "reports/html_escape.h"
#include "reports/html_internal.h"

static const char *const env_order[] = {"hostname",
					"hypervisor",
					"accel",
					"accel_note",
					"qemu_version",
					"cpu_model",
					"cpus_online",
					"vcpus",
					"vcpu_pinning",
					"overcommit",
					"overcommit_ratio",
					"runnable_per_core",
					"host_load",
					"thread_pinning",
					"packages",
					"cores",
					"pus",
					"numa_nodes",
					"topology",
					"caches",
					"kernel",
					"guest_kernel",
					"clocksource",
					"tsc_ghz",
					"boot_s",
					"counters_requested"};
#define NENV_ORDER (sizeof(env_order) / sizeof(env_order[0]))

static int key_rank(const char *k)
{
	for (size_t i = 0; i < NENV_ORDER; i++)
		if (!strcmp(k, env_order[i]))
			return (int)i;
	return strncmp(k, "counter.", 8) ? 2000 : 1000;
}

static int cmp_keys(const void *a, const void *b)
{
	const char *x = *(const char *const *)a, *y = *(const char *const *)b;
	int rx = key_rank(x), ry = key_rank(y);
	if (rx != ry)
		return rx - ry;
	return strcmp(x, y);
}

void vp_html_environment(const struct vp_summary *s, FILE *f)
{
	fputs("<h2 id=\"environment\">Environment of each target</h2>\n", f);
	size_t nk = 0, cap = 0;
	for (size_t r = 0; r < s->nruns; r++)
		cap += s->runs[r].nenv;
	const char **keys = calloc(cap + 1, sizeof(*keys));
	if (!keys)
		return;
	/* Sorted, then duplicates dropped: linear after the sort, however
	 * many keys an env.csv holds. */
	for (size_t r = 0; r < s->nruns; r++)
		for (size_t i = 0; i < s->runs[r].nenv; i++)
			keys[cap ? nk++ : 0] = s->runs[r].env[i].key;
	qsort(keys, nk, sizeof(*keys), cmp_keys);
	size_t u = 0;
	for (size_t i = 0; i < nk; i++)
		if (!u || strcmp(keys[u - 1], keys[i]))
			keys[u++] = keys[i];
	nk = u;
	fputs("<table class=\"env\"><tr><th>key</th>", f);
	for (size_t t = 0; t < s->ntargets; t++) {
		fputs("<th>", f);
		vp_html_escape(f, s->targets[t].label);
		fputs("</th>", f);
	}
	fputs("</tr>\n", f);
	static const char *const from_rows[] = {
	    "target kind", "accel (results)", "hypervisor (results)",
	    "vCPUs seen", "host CPUs"};
	for (size_t k = 0; k < 5; k++) {
		fprintf(f, "<tr><th>%s</th>", from_rows[k]);
		for (size_t t = 0; t < s->ntargets; t++) {
			const struct vp_target_ref *tr = &s->targets[t];
			fputs("<td>", f);
			if (k == 0)
				vp_html_escape(f, tr->kind);
			else if (k == 1)
				vp_html_escape(f, tr->accel);
			else if (k == 2)
				vp_html_escape(f, tr->hypervisor);
			else
				fprintf(f, "%d",
					k == 3 ? tr->vcpus : tr->host_cpus);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	for (size_t k = 0; k < nk; k++) {
		fputs("<tr><th>", f);
		vp_html_escape(f, keys[k]);
		fputs("</th>", f);
		for (size_t t = 0; t < s->ntargets; t++) {
			const struct vp_target_ref *tr = &s->targets[t];
			const char *v =
			    vp_run_env(&s->runs[tr->run], tr->name, keys[k]);
			bool bad = v && (!strncmp(v, "unavailable", 11) ||
					 !strncmp(v, "no ", 3));
			fputs(bad ? "<td class=\"unav\">" : "<td>", f);
			if (v)
				vp_html_escape(f, v);
			else
				fputs("<span class=\"muted\">–</span>", f);
			fputs("</td>", f);
		}
		fputs("</tr>\n", f);
	}
	fputs("</table>\n", f);
	free(keys);
}
