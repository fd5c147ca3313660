/* Private to the probes: the machine's hwloc topology, loaded once and
 * shared by pinning (pin.c) and the environment probe (envinfo.c). */
#ifndef VP_TOPO_H
#define VP_TOPO_H

#if HAVE_HWLOC
#include <hwloc.h>

/* Loaded on first use (thread-safe) and never freed; read-only afterwards.
 * NULL when loading failed, with the reason in *why. */
hwloc_topology_t vp_topology(const char **why);

/* PU orders for pinning, as OS indices, over the PUs in `allowed` (all when
 * NULL): compact = topology order; scatter = first PU of each core with
 * packages alternating, then second PUs... Arrays hold as many entries as
 * the topology has PUs. Returns 0, -ENODEV (no PU) or -ENOMEM. */
int vp_topo_pu_orders(hwloc_topology_t t, hwloc_const_bitmap_t allowed,
		      int *compact, int *scatter, unsigned *count);
#endif

#endif
