/* Every workload, one line each (stress-ng core-stressors.h habit). Adding a
 * workload is one file in workloads/ plus one line here. */
#ifndef VP_WORKLOAD_LIST_H
#define VP_WORKLOAD_LIST_H

#include "workloads/workload.h"

#define VP_WORKLOADS(X)                                                        \
	X(vp_wl_cpu_int)                                                       \
	X(vp_wl_cpu_fp)                                                        \
	X(vp_wl_lock_tas)                                                      \
	X(vp_wl_lock_ttas)                                                     \
	X(vp_wl_lock_ticket)                                                   \
	X(vp_wl_lock_mcs)                                                      \
	X(vp_wl_lock_mutex)                                                    \
	X(vp_wl_lock_hybrid)                                                   \
	X(vp_wl_lock_kernel)                                                   \
	X(vp_wl_io_randread)                                                   \
	X(vp_wl_io_randwrite)                                                  \
	X(vp_wl_io_seqread)                                                    \
	X(vp_wl_io_seqwrite)                                                   \
	X(vp_wl_io_fsync)                                                      \
	X(vp_wl_sched_wake)                                                    \
	X(vp_wl_mem_tlb)                                                       \
	X(vp_wl_mem_shootdown)                                                 \
	X(vp_wl_net_rr)                                                        \
	X(vp_wl_net_stream)

#define VP_DECLARE_WORKLOAD(sym) extern const struct vp_workload sym;
VP_WORKLOADS(VP_DECLARE_WORKLOAD)

#endif
