/* Thread pinning with hwloc cpusets. `compact` fills cores in order (PUs of
 * one core first), `scatter` spreads threads across cores/packages first;
 * `none` leaves placement to the OS scheduler. */
#ifndef VP_PIN_H
#define VP_PIN_H

#include <sched.h>
#include <stddef.h>

enum vp_pin_mode { VP_PIN_NONE = 0, VP_PIN_COMPACT, VP_PIN_SCATTER };

const char *vp_pin_mode_name(enum vp_pin_mode m);
/* Returns 0 and sets *out, or -EINVAL for an unknown name. */
int vp_pin_mode_parse(const char *s, enum vp_pin_mode *out);

/* Pins the calling thread to the PU chosen for worker `index` of `count`
 * under `mode` (wrapping around when threads outnumber PUs). VP_PIN_NONE is
 * a no-op returning 0. Returns 0 or -errno with a reason in `err` (e.g.
 * "built without hwloc"). `where` (optional) receives the OS PU index. */
int vp_pin_current_thread(enum vp_pin_mode mode, unsigned index, unsigned count,
			  int *where, char *err, size_t errlen);

/* Pins an arbitrary thread/process id (a QEMU vCPU thread) to OS PU `pu`. */
int vp_pin_tid(int tid, unsigned pu, char *err, size_t errlen);

/* Number of PUs this process may run on (affinity mask), >= 1. The mask
 * is the one the process started with, so pinned threads do not shrink it. */
unsigned vp_cpus_available(void);

/* Gives the calling thread back the process's starting affinity mask (for a
 * thread that was pinned and is reused, e.g. an OpenMP master thread).
 * Returns 0 or -errno. */
int vp_pin_reset_current_thread(void);

/* Linux CPU lists ("0-3,8"): 0 or -EINVAL with a message naming the
 * format; and back ("0-3,8", "" for an empty set). Pure (cpulist.c). */
int vp_cpulist_parse(const char *s, cpu_set_t *set, char *err, size_t errlen);
void vp_cpulist_format(const cpu_set_t *set, char *buf, size_t len);

/* The PUs of `set` in hwloc scatter order (the first PU of every core, over
 * packages, before any SMT sibling), for placing vCPUs and load threads
 * on a host cpuset. Every CPU of set must be in this process's starting
 * mask. Returns the count (<= max), or -EINVAL/-ENODEV with a message.
 * Without hwloc: ascending CPU numbers. */
int vp_pin_order_of(const cpu_set_t *set, int *order, size_t max, char *err,
		    size_t errlen);

#endif
