/* The host-side peer of the net.* workloads' peer=host: a `vpbench
 * net-peer` child process, started by the host and vmN targets when their
 * plan has such a workload, stopped at teardown. Two kinds:
 *
 *   user  listens on 127.0.0.1 (host target; vmN guests on QEMU user
 *         networking reach it as 10.0.2.2);
 *   tap   (vmN:net=tap) first moves itself into a network namespace of its
 *         own (unshare), creates the tap device vptap0 there with
 *         10.0.2.2/24 and listens on that address; the tap's descriptor
 *         goes to the runner, which hands it to QEMU (-netdev tap,fd=N).
 *         The namespace has no name and no other interface: it lives as
 *         long as the peer and the tap descriptor do, so it vanishes with
 *         them on every exit path, SIGKILL of the runner included.
 *
 * The child learns nothing from its argv but the kind; it answers one
 * message on stdout (a SOCK_SEQPACKET socket), "VPNET <port> <token hex>"
 * (with the tap descriptor attached for tap) or "VPERR <reason>", and
 * serves until its stdin reaches end of file. The runner holds the write
 * end of that pipe, so the peer ends with the runner however the runner
 * ends (the kernel closes the pipe), besides PR_SET_PDEATHSIG and the
 * SIGTERM of the teardown. */
#ifndef VP_NET_PEER_HOST_H
#define VP_NET_PEER_HOST_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runner/plan/plan.h"

#define VP_NET_TAP_NAME "vptap0"

struct vp_host_peer {
	pid_t pid;    /* -1: none */
	int stdin_fd; /* the runner's end of the child's stdin */
	int tap_fd;   /* tap kind: the tap device, for QEMU; else -1 */
	unsigned port;
	char token[33]; /* hex */
};

/* Whether any workload of the plan asks for the host-side peer. */
bool vp_plan_wants_host_peer(const struct vp_plan *p);

/* Starts the peer (self_exe net-peer [tap]) and reads its port, token and,
 * for tap, the tap descriptor. 0, or -errno with the reason. */
int vp_host_peer_start(const char *self_exe, bool tap, struct vp_host_peer *hp,
		       char *err, size_t errlen);

/* "ADDR:PORT:TOKEN" for the agent, with the address the target reaches
 * the peer at (127.0.0.1 from the host, 10.0.2.2 from a guest). */
void vp_host_peer_spec(const struct vp_host_peer *hp, const char *addr,
		       char *buf, size_t len);

/* Ends the peer and closes the tap descriptor (idempotent). */
void vp_host_peer_stop(struct vp_host_peer *hp);

/* `vpbench net-peer [tap]`: the child side (see above). Exit 0 at end of
 * file on stdin, 1 when it cannot set up. */
int vp_net_peer_main(int argc, char **argv);

#endif
