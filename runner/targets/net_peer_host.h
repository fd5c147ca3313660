/* The host-side peer of the net.* workloads' peer=host: a `vpbench
 * net-peer` child process listening on 127.0.0.1, started by the host and
 * vmN targets when their plan has such a workload, stopped at teardown.
 *
 * The child learns nothing from its argv; it answers one line on stdout,
 * "VPNET <port> <token hex>", and serves until its stdin reaches end of
 * file. The runner holds the write end of that pipe, so the peer ends with
 * the runner however the runner ends (SIGKILL included: the kernel closes
 * the pipe), besides PR_SET_PDEATHSIG and the SIGTERM of the teardown. */
#ifndef VP_NET_PEER_HOST_H
#define VP_NET_PEER_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runner/plan.h"

struct vp_host_peer {
	pid_t pid;    /* -1: none */
	int stdin_fd; /* the runner's end of the child's stdin */
	unsigned port;
	char token[33]; /* hex */
};

/* Whether any workload of the plan asks for the host-side peer. */
bool vp_plan_wants_host_peer(const struct vp_plan *p);

/* Starts the peer (self_exe net-peer) and reads its port and token.
 * 0, or -errno with the reason. */
int vp_host_peer_start(const char *self_exe, struct vp_host_peer *hp, char *err,
		       size_t errlen);

/* "ADDR:PORT:TOKEN" for the agent, with the address the target reaches
 * the host's loopback at (127.0.0.1 from the host, 10.0.2.2 from a QEMU
 * user-networking guest). */
void vp_host_peer_spec(const struct vp_host_peer *hp, const char *addr,
		       char *buf, size_t len);

/* Ends the peer (idempotent). */
void vp_host_peer_stop(struct vp_host_peer *hp);

/* `vpbench net-peer`: the child side (see above). Exit 0 at end of file on
 * stdin, 1 when it cannot listen. */
int vp_net_peer_main(int argc, char **argv);

#endif
