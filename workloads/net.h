/* What the runner needs to know of the net.* workloads (workloads/net.c):
 * whether a plan's workload wants the host-side peer, and the peer's
 * address as the agent receives it (--net-peer ADDR:PORT:TOKEN). */
#ifndef VP_NET_H
#define VP_NET_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "workloads/workload.h"

/* True for a net.* workload whose options say peer=host. */
bool vp_net_wants_host_peer(const struct vp_workload *wl, const void *opts);

/* "ADDR:PORT:TOKEN" (TOKEN 32 hex digits) into its parts. 0; -EOPNOTSUPP
 * with the reason when spec is NULL or empty (a target without a host-side
 * peer); -EINVAL when malformed. */
int vp_net_peer_parse(const char *spec, char *addr, size_t addrlen,
		      unsigned *port, uint8_t *token, char *err, size_t errlen);

#endif
