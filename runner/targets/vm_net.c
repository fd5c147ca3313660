/* The vm target's NIC for net.* peer=host (vm_internal.h): conditions,
 * the host-side peer, the guest's side of it, QEMU's NIC and what env.csv
 * says. The guest sees the same subnet on both backends (10.0.2.15/24,
 * the peer at 10.0.2.2): user networking maps 10.0.2.2 to the host's
 * 127.0.0.1; with net=tap the peer itself sits at 10.0.2.2 on the tap in a
 * network namespace of its own. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "runner/guest/guest_net.h"
#include "runner/targets/guest_image.h"
#include "runner/targets/vm_internal.h"

#define VHOST_DEV "/dev/vhost-net"

static bool tap_wanted(const struct vm_state *s)
{
	return s->cond.v[VP_COND_NET] == 1;
}

/* vhost=on needs a tap backend and a usable /dev/vhost-net. */
static int check_conditions(const struct vm_state *s, char *err, size_t errlen)
{
	if (s->cond.v[VP_COND_VHOST] != 1)
		return 0;
	if (!tap_wanted(s)) {
		snprintf(err, errlen,
			 "condition vhost=on: vhost-net needs a tap backend "
			 "(add net=tap); QEMU user networking has no vhost "
			 "data path");
		return -ENOTSUP;
	}
	if (access(VHOST_DEV, R_OK | W_OK) != 0) {
		snprintf(err, errlen,
			 "condition vhost=on: %s is not usable on this host "
			 "(%s; modprobe vhost_net)",
			 VHOST_DEV, strerror(errno));
		return -ENOTSUP;
	}
	return 0;
}

int vm_net_prepare(struct vp_target *t, struct vm_state *s, char *err,
		   size_t errlen)
{
	int rc = check_conditions(s, err, errlen);

	s->peer.pid = -1;
	s->peer.stdin_fd = s->peer.tap_fd = -1;
	if (rc || !vp_guest_wants_nic(t))
		return rc;
	return vp_host_peer_start(t->self_exe, tap_wanted(s), &s->peer, err,
				  errlen);
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

void vm_net_qemu_cfg(const struct vm_state *s, struct vp_qemu_cfg *c)
{
	c->nic = s->peer.pid <= 0 ? NULL : s->peer.tap_fd >= 0 ? "tap" : "user";
	c->nic_fd = s->peer.tap_fd;
	c->nic_vhost = s->cond.v[VP_COND_VHOST] == 1;
}

void vm_net_emit_env(struct vm_state *s, struct vp_emitter *out)
{
	bool tap = s->peer.tap_fd >= 0;

	if (s->peer.pid <= 0) {
		vp_emit_envf(out, "net_nic",
			     "none (no net.* workload with peer=host)");
		return;
	}
	vp_emit_envf(out, "net_nic", "virtio-net-pci");
	if (tap)
		vp_emit_envf(out, "net_backend",
			     "tap (%s in a network namespace of this run, "
			     "the peer at %s on it)",
			     VP_NET_TAP_NAME, VP_GUEST_NET_HOST);
	else
		vp_emit_envf(out, "net_backend",
			     "user (QEMU user networking, slirp: a userspace "
			     "TCP/IP stack in QEMU's main loop, not a "
			     "production path)");
	vp_emit_envf(out, "net_vhost", "%s",
		     !tap ? "off (user networking has no vhost)"
		     : s->cond.v[VP_COND_VHOST] == 1 ? "on"
						     : "off");
	vp_emit_envf(out, "net_queues", "1");
	if (tap)
		vp_emit_envf(out, "net_peer",
			     "vpbench net-peer on %s:%u in the run's network "
			     "namespace (guest %s/24, no default route)",
			     VP_GUEST_NET_HOST, s->peer.port,
			     VP_GUEST_NET_ADDR);
	else
		vp_emit_envf(out, "net_peer",
			     "vpbench net-peer on 127.0.0.1:%u, the guest's "
			     "%s (guest %s/24, no default route)",
			     s->peer.port, VP_GUEST_NET_HOST,
			     VP_GUEST_NET_ADDR);
}

void vm_net_teardown(struct vm_state *s)
{
	vp_host_peer_stop(&s->peer);
}
