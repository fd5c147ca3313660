/* --host-load N: N busy threads on the host while a target runs, the
 * consolidation scenario that makes vCPUs outnumber free cores and exposes
 * lock-holder preemption. */
#ifndef VP_HOST_LOAD_H
#define VP_HOST_LOAD_H

#include <stddef.h>

struct vp_host_load;

/* Starts n spinning threads (n == 0: returns NULL, nothing to do). On
 * failure returns NULL with a message in err. */
struct vp_host_load *vp_host_load_start(unsigned n, char *err, size_t errlen);
void vp_host_load_stop(struct vp_host_load *l);

#endif
