/* --host-load N: N busy threads on the host while a target runs, the
 * consolidation scenario that makes vCPUs outnumber free cores and exposes
 * lock-holder preemption. */
#ifndef VP_HOST_LOAD_H
#define VP_HOST_LOAD_H

#include <stddef.h>

struct vp_host_load;

/* Starts n spinning threads (n == 0: returns NULL, nothing to do). With
 * npus > 0, thread j is pinned to pus[j % npus] (the --vm-cpus set in hwloc
 * order), so the busy neighbours of the vCPUs sit where the plan says. On
 * failure returns NULL with a message in err. */
struct vp_host_load *vp_host_load_start(unsigned n, const int *pus,
					unsigned npus, char *err,
					size_t errlen);
void vp_host_load_stop(struct vp_host_load *l);

#endif
