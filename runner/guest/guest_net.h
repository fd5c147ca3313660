/* The embedded guest's network, set up by guest init with ioctls (the
 * guest has no shell and no `ip`): the loopback always (net.* peer=local
 * needs it; the kernel leaves lo down), and for net.* peer=host the
 * virtio-net interface with a static address on QEMU user networking's
 * subnet. No default route: the guest reaches the 10.0.2.0/24 subnet only,
 * whose gateway 10.0.2.2 is the host's loopback. */
#ifndef VP_GUEST_NET_H
#define VP_GUEST_NET_H

#include <stddef.h>

#define VP_GUEST_NET_IF	  "eth0"
#define VP_GUEST_NET_ADDR "10.0.2.15"
#define VP_GUEST_NET_MASK "255.255.255.0"
#define VP_GUEST_NET_HOST "10.0.2.2" /* the host's 127.0.0.1, via slirp */

/* Brings interface `name` up, with addr/mask when addr is not NULL.
 * 0 or -errno with the reason in err. */
int vp_guest_net_up(const char *name, const char *addr, const char *mask,
		    char *err, size_t errlen);

#endif
