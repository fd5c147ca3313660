/* The vm target's NIC for net.* peer=host (vm_internal.h): conditions,
 * the host-side peer, the guest's side of it, and what env.csv says. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runner/guest/guest_net.h"
#include "runner/targets/guest_image.h"
#include "runner/targets/vm_internal.h"

#define VHOST_DEV "/dev/vhost-net"

/* net=tap and vhost=on are refused here, each with what is missing. */
static int check_conditions(const struct vm_state *s, char *err, size_t errlen)
{
	if (s->cond.v[VP_COND_NET] == 1) {
		snprintf(err, errlen,
			 "condition net=tap: a tap device in a network "
			 "namespace of the run is not implemented in this "
			 "vpbench; use net=user (QEMU user networking)");
		return -ENOTSUP;
	}
	if (s->cond.v[VP_COND_VHOST] == 1) {
		if (access(VHOST_DEV, R_OK | W_OK) != 0)
			snprintf(err, errlen,
				 "condition vhost=on: %s is not usable on "
				 "this host (%s; modprobe vhost_net)",
				 VHOST_DEV, strerror(errno));
		else
			snprintf(err, errlen,
				 "condition vhost=on: vhost-net needs a tap "
				 "backend (net=tap); QEMU user networking "
				 "has no vhost data path");
		return -ENOTSUP;
	}
	return 0;
}

int vm_net_prepare(struct vp_target *t, struct vm_state *s, char *err,
		   size_t errlen)
{
	int rc = check_conditions(s, err, errlen);

	s->peer.pid = -1;
	s->peer.stdin_fd = -1;
	if (rc || !vp_guest_wants_nic(t))
		return rc;
	return vp_host_peer_start(t->self_exe, &s->peer, err, errlen);
}

void vm_net_cmdline(const struct vm_state *s, char *buf, size_t len)
{
	size_t o = strlen(buf);
	char spec[96];

	if (s->peer.pid <= 0 || o >= len)
		return;
	vp_host_peer_spec(&s->peer, VP_GUEST_NET_HOST, spec, sizeof(spec));
	snprintf(buf + o, len - o, " vpbench.net=%s", spec);
}

void vm_net_emit_env(struct vm_state *s, struct vp_emitter *out)
{
	if (s->peer.pid <= 0) {
		vp_emit_envf(out, "net_nic",
			     "none (no net.* workload with peer=host)");
		return;
	}
	vp_emit_envf(out, "net_nic", "virtio-net-pci");
	vp_emit_envf(out, "net_backend",
		     "user (QEMU user networking, slirp: a userspace TCP/IP "
		     "stack in QEMU's main loop, not a production path)");
	vp_emit_envf(out, "net_vhost", "off (user networking has no vhost)");
	vp_emit_envf(out, "net_queues", "1");
	vp_emit_envf(out, "net_peer",
		     "vpbench net-peer on 127.0.0.1:%u, the guest's %s "
		     "(guest %s/24, no default route)",
		     s->peer.port, VP_GUEST_NET_HOST, VP_GUEST_NET_ADDR);
}

void vm_net_teardown(struct vm_state *s)
{
	vp_host_peer_stop(&s->peer);
}
