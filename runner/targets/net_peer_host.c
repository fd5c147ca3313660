/* The host-side net peer: its process and the runner's handle on it (see
 * net_peer_host.h). */
#include "runner/targets/net_peer_host.h"

#include <errno.h>
#include <fcntl.h>
#include <linux/if_tun.h>
#include <net/if.h>
#include <poll.h>
#include <sched.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runner/guest/guest_net.h"
#include "runner/util/child.h"
#include "workloads/net.h"
#include "workloads/net_proto.h"

bool vp_plan_wants_host_peer(const struct vp_plan *p)
{
	for (size_t i = 0; i < p->nworkloads; i++)
		if (vp_net_wants_host_peer(p->workloads[i].wl,
					   p->workloads[i].opts))
			return true;
	return false;
}

/* One message (and a descriptor, if one came) within timeout_s. Returns
 * its length, or -errno. */
static ssize_t recv_msg(int fd, char *buf, size_t len, int *passed,
			double timeout_s)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	struct iovec iov = {buf, len - 1};
	struct msghdr m = {.msg_iov = &iov,
			   .msg_iovlen = 1,
			   .msg_control = &ctl,
			   .msg_controllen = sizeof(ctl)};
	struct pollfd pfd = {.fd = fd, .events = POLLIN};
	int rc;
	ssize_t n;

	*passed = -1;
	do
		rc = poll(&pfd, 1, (int)(timeout_s * 1000));
	while (rc < 0 && errno == EINTR);
	if (rc <= 0)
		return rc ? -errno : -ETIMEDOUT;
	n = recvmsg(fd, &m, MSG_CMSG_CLOEXEC);
	if (n <= 0)
		return n ? -errno : -EPIPE;
	buf[n] = '\0';
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c))
		if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
			memcpy(passed, CMSG_DATA(c), sizeof(int));
	return n;
}

int vp_host_peer_start(const char *self_exe, bool tap, struct vp_host_peer *hp,
		       char *err, size_t errlen)
{
	char *argv[] = {(char *)self_exe, "net-peer", tap ? "tap" : NULL, NULL};
	int in[2] = {-1, -1}, out[2] = {-1, -1}, fd = -1, rc = 0;
	char msg[512];
	uint8_t token[VP_NET_TOKEN_LEN];
	ssize_t n;

	hp->pid = -1;
	hp->stdin_fd = hp->tap_fd = -1;
	if (pipe2(in, O_CLOEXEC) ||
	    socketpair(AF_UNIX, SOCK_SEQPACKET | SOCK_CLOEXEC, 0, out)) {
		rc = -errno;
		snprintf(err, errlen, "net peer: %s", strerror(errno));
		goto out;
	}
	hp->pid = vp_child_spawn(argv, in[0], out[1], -1, err, errlen);
	if (hp->pid < 0) {
		rc = (int)hp->pid;
		hp->pid = -1;
		goto out;
	}
	close(in[0]);
	close(out[1]);
	in[0] = out[1] = -1;
	hp->stdin_fd = in[1];
	in[1] = -1;
	n = recv_msg(out[0], msg, sizeof(msg), &fd, 10);
	if (n < 0)
		snprintf(err, errlen,
			 "the host-side net peer (%s net-peer) did not "
			 "answer: %s",
			 self_exe, strerror((int)-n));
	else if (strncmp(msg, "VPERR ", 6) == 0)
		snprintf(err, errlen, "the host-side net peer: %s", msg + 6);
	else if (sscanf(msg, "VPNET %u %32s", &hp->port, hp->token) != 2 ||
		 vp_net_token_parse(hp->token, token) != 0 || (tap && fd < 0))
		snprintf(err, errlen,
			 "the host-side net peer gave an unexpected answer");
	else {
		hp->tap_fd = fd;
		fd = -1;
		goto out;
	}
	rc = n < 0 ? (int)n : -EPROTO;
	vp_host_peer_stop(hp);
out:
	if (fd >= 0)
		close(fd);
	for (int i = 0; i < 2; i++) {
		if (in[i] >= 0)
			close(in[i]);
		if (out[i] >= 0)
			close(out[i]);
	}
	return rc;
}

void vp_host_peer_spec(const struct vp_host_peer *hp, const char *addr,
		       char *buf, size_t len)
{
	snprintf(buf, len, "%s:%u:%s", addr, hp->port, hp->token);
}

void vp_host_peer_stop(struct vp_host_peer *hp)
{
	if (hp->stdin_fd >= 0)
		close(hp->stdin_fd);
	hp->stdin_fd = -1;
	if (hp->tap_fd >= 0)
		close(hp->tap_fd);
	hp->tap_fd = -1;
	if (hp->pid > 0)
		vp_child_stop(hp->pid, 2);
	hp->pid = -1;
}

/* ---- the child ---- */

/* Sends the answer on stdout, with fd attached when >= 0. */
static void answer(int fd, const char *fmt, ...)
    __attribute__((format(printf, 2, 3)));
static void answer(int fd, const char *fmt, ...)
{
	union {
		struct cmsghdr h;
		char space[CMSG_SPACE(sizeof(int))];
	} ctl;
	char buf[512];
	struct iovec iov = {buf, 0};
	struct msghdr m = {.msg_iov = &iov, .msg_iovlen = 1};
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(buf, sizeof(buf), fmt, ap);
	va_end(ap);
	iov.iov_len = strlen(buf);
	if (fd >= 0) {
		memset(&ctl, 0, sizeof(ctl));
		m.msg_control = &ctl;
		m.msg_controllen = sizeof(ctl);
		ctl.h.cmsg_level = SOL_SOCKET;
		ctl.h.cmsg_type = SCM_RIGHTS;
		ctl.h.cmsg_len = CMSG_LEN(sizeof(int));
		memcpy(CMSG_DATA(&ctl.h), &fd, sizeof(int));
	}
	if (sendmsg(1, &m, MSG_NOSIGNAL) < 0)
		fprintf(stderr, "vpbench net-peer: %s\n", strerror(errno));
}

/* The tap kind's namespace and device; the tap's fd, or -errno with why. */
static int tap_setup(char *why, size_t len)
{
	struct ifreq ifr;
	int fd, rc;

	/* Still single-threaded: the whole process moves. */
	if (unshare(CLONE_NEWNET) != 0) {
		rc = -errno;
		snprintf(why, len,
			 "cannot create a network namespace: %s (net=tap "
			 "needs CAP_SYS_ADMIN and CAP_NET_ADMIN: run as root)",
			 strerror(errno));
		return rc;
	}
	fd = open("/dev/net/tun", O_RDWR | O_CLOEXEC);
	if (fd < 0) {
		rc = -errno;
		snprintf(why, len, "/dev/net/tun: %s (modprobe tun)",
			 strerror(errno));
		return rc;
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), VP_NET_TAP_NAME);
	/* The virtio-net header lets QEMU pass offloads through. */
	ifr.ifr_flags = IFF_TAP | IFF_NO_PI | IFF_VNET_HDR;
	if (ioctl(fd, TUNSETIFF, &ifr) != 0) {
		rc = -errno;
		snprintf(why, len, "TUNSETIFF %s: %s", VP_NET_TAP_NAME,
			 strerror(errno));
		close(fd);
		return rc;
	}
	rc = vp_guest_net_up("lo", NULL, NULL, why, len);
	if (!rc)
		rc = vp_guest_net_up(VP_NET_TAP_NAME, VP_GUEST_NET_HOST,
				     VP_GUEST_NET_MASK, why, len);
	if (rc) {
		close(fd);
		return rc;
	}
	return fd;
}

int vp_net_peer_main(int argc, char **argv)
{
	struct vp_net_peer p;
	struct pollfd pfd = {.fd = 0, .events = POLLIN};
	char hex[33], err[256], buf[64];
	bool tap = argc == 2 && strcmp(argv[1], "tap") == 0;
	int tapfd = -1;

	if (argc > 2 || (argc == 2 && !tap)) {
		fprintf(stderr,
			"usage: vpbench net-peer [tap]\n"
			"The host-side peer of net.* -O peer=host (internal: "
			"the runner starts it).\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	signal(SIGPIPE, SIG_IGN);
	if (tap) {
		tapfd = tap_setup(err, sizeof(err));
		if (tapfd < 0) {
			answer(-1, "VPERR %s", err);
			return 1;
		}
	}
	if (vp_net_peer_start(&p, tap ? VP_GUEST_NET_HOST : "127.0.0.1", err,
			      sizeof(err))) {
		answer(-1, "VPERR %s", err);
		return 1;
	}
	vp_net_token_hex(p.token, hex);
	answer(tapfd, "VPNET %u %s", p.port, hex);
	/* QEMU holds the tap from here; the namespace lives on with us. */
	if (tapfd >= 0)
		close(tapfd);
	/* Serve until the runner closes our stdin (or dies). */
	for (;;) {
		ssize_t k;

		if (poll(&pfd, 1, -1) < 0 && errno != EINTR)
			break;
		k = read(0, buf, sizeof(buf));
		if (k == 0 || (k < 0 && errno != EINTR && errno != EAGAIN))
			break;
	}
	vp_net_peer_stop(&p);
	return 0;
}
