/* The host-side net peer: its process and the runner's handle on it (see
 * net_peer_host.h). */
#include "runner/targets/net_peer_host.h"

#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

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

/* Reads the child's one line within timeout_s. 0 or -errno. */
static int read_line(int fd, char *buf, size_t len, double timeout_s)
{
	double end = vp_child_now() + timeout_s;
	size_t o = 0;

	while (o + 1 < len) {
		struct pollfd pfd = {.fd = fd, .events = POLLIN};
		int left = (int)((end - vp_child_now()) * 1000);
		ssize_t k;

		if (left <= 0)
			return -ETIMEDOUT;
		if (poll(&pfd, 1, left) < 0) {
			if (errno == EINTR)
				continue;
			return -errno;
		}
		k = read(fd, buf + o, 1);
		if (k == 0)
			return -EPIPE;
		if (k < 0) {
			if (errno == EINTR || errno == EAGAIN)
				continue;
			return -errno;
		}
		if (buf[o] == '\n')
			break;
		o++;
	}
	buf[o] = '\0';
	return 0;
}

int vp_host_peer_start(const char *self_exe, struct vp_host_peer *hp, char *err,
		       size_t errlen)
{
	char *argv[] = {(char *)self_exe, "net-peer", NULL};
	int in[2] = {-1, -1}, out[2] = {-1, -1}, rc;
	char line[128];
	uint8_t token[VP_NET_TOKEN_LEN];

	hp->pid = -1;
	hp->stdin_fd = -1;
	if (pipe2(in, O_CLOEXEC) || pipe2(out, O_CLOEXEC)) {
		rc = -errno;
		snprintf(err, errlen, "net peer: pipe: %s", strerror(errno));
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
	rc = read_line(out[0], line, sizeof(line), 10);
	if (!rc && (sscanf(line, "VPNET %u %32s", &hp->port, hp->token) != 2 ||
		    vp_net_token_parse(hp->token, token) != 0))
		rc = -EPROTO;
	if (rc) {
		snprintf(err, errlen,
			 "the host-side net peer (%s net-peer) did not start: "
			 "%s",
			 self_exe,
			 rc == -EPROTO ? "unexpected answer" : strerror(-rc));
		vp_host_peer_stop(hp);
	}
out:
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
	if (hp->pid > 0)
		vp_child_stop(hp->pid, 2);
	hp->pid = -1;
}

int vp_net_peer_main(int argc, char **argv)
{
	struct vp_net_peer p;
	struct pollfd pfd = {.fd = 0, .events = POLLIN};
	char hex[33], err[256], buf[64];

	if (argc > 1) {
		fprintf(stderr,
			"usage: vpbench net-peer\n"
			"The host-side peer of net.* -O peer=host (internal: "
			"the runner starts it).\n");
		return strcmp(argv[1], "--help") == 0 ? 0 : 2;
	}
	/* A runner gone mid-write must not kill the answer line silently. */
	signal(SIGPIPE, SIG_IGN);
	if (vp_net_peer_start(&p, err, sizeof(err))) {
		fprintf(stderr, "vpbench net-peer: %s\n", err);
		return 1;
	}
	vp_net_token_hex(p.token, hex);
	printf("VPNET %u %s\n", p.port, hex);
	fflush(stdout);
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
