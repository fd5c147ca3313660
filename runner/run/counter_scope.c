/* What `--counter-scope auto` becomes for a plan (counter_scope.h): one
 * scope for every target, decided before any target runs. */
#include "runner/run/counter_scope.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "probes/envinfo.h"

enum vp_counter_scope vp_counter_scope_auto(const struct vp_plan *p,
					    int paranoid, bool privileged,
					    char *why, size_t len)
{
	bool host_ok = privileged || (paranoid != -99 && paranoid <= 1);

	for (size_t i = 0; i < p->ntargets; i++) {
		const char *t = p->targets[i];

		if (strcmp(t, "host") == 0 && !host_ok) {
			snprintf(why, len,
				 "the host target may count user space only "
				 "(perf_event_paranoid=%d, not privileged)",
				 paranoid);
			return VP_SCOPE_USER;
		}
		if (strncmp(t, "ssh:", 4) == 0) {
			snprintf(why, len,
				 "%s: the remote user's counting rights are "
				 "unknown before it runs",
				 t);
			return VP_SCOPE_USER;
		}
	}
	/* vmN and libvirt guests run the agent as root. */
	snprintf(why, len, "every target may count kernel mode");
	return VP_SCOPE_USER_KERNEL;
}

bool vp_perf_privileged(void)
{
	char *st = vp_read_text("/proc/self/status", 8192);
	const char *cap = st ? strstr(st, "CapEff:") : NULL;
	unsigned long long eff = cap ? strtoull(cap + 7, NULL, 16) : 0;

	free(st);
	/* CAP_PERFMON (38) or CAP_SYS_ADMIN (21) */
	return geteuid() == 0 || (eff & (1ull << 38)) || (eff & (1ull << 21));
}

int vp_perf_paranoid(void)
{
	char *t = vp_read_text("/proc/sys/kernel/perf_event_paranoid", 64);
	int v = t ? atoi(t) : -99;

	free(t);
	return v;
}

bool vp_counter_scope_resolve(struct vp_plan *p, char *why, size_t len)
{
	enum vp_counter_scope s;

	if (strcmp(p->counter_scope, "auto") != 0)
		return false;
	s = vp_counter_scope_auto(p, vp_perf_paranoid(), vp_perf_privileged(),
				  why, len);
	snprintf(p->counter_scope, sizeof(p->counter_scope), "%s",
		 vp_counter_scope_name(s));
	return true;
}
