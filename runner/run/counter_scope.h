/* One counter scope per plan (probes/counters.h: user or user+kernel), so
 * that counts compare across targets: `auto` is resolved here, on the
 * host, before the plan is written for guests and remote hosts; every
 * agent then counts with it and records it in env.csv (counter_scope). */
#ifndef VP_COUNTER_SCOPE_H
#define VP_COUNTER_SCOPE_H

#include <stdbool.h>
#include <stddef.h>

#include "probes/counters.h"
#include "runner/plan/plan.h"

/* user+kernel when every target may count kernel mode (host: privileged
 * or perf_event_paranoid <= 1; vmN and libvirt guests: the agent is root
 * there), else user; why says which target decided. Pure. */
enum vp_counter_scope vp_counter_scope_auto(const struct vp_plan *p,
					    int paranoid, bool privileged,
					    char *why, size_t len);

/* Root, or CAP_PERFMON / CAP_SYS_ADMIN in the effective set. */
bool vp_perf_privileged(void);
/* kernel.perf_event_paranoid, -99 when unreadable. */
int vp_perf_paranoid(void);

/* Replaces p->counter_scope "auto" by the resolved scope (true, with why);
 * false when the plan named one. */
bool vp_counter_scope_resolve(struct vp_plan *p, char *why, size_t len);

#endif
