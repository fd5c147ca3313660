/* The net.* wire protocol, client connect and the peer (see net_proto.h). */
#include "workloads/net_proto.h"
#include "workloads/net.h"

#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/random.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

static const uint8_t magic[4] = {'V', 'P', 'N', 'T'};

void vp_net_hello_encode(const struct vp_net_hello *h, uint8_t *buf)
{
	memcpy(buf, magic, 4);
	buf[4] = VP_NET_VERSION;
	buf[5] = (uint8_t)h->mode;
	buf[6] = buf[7] = 0;
	buf[8] = (uint8_t)(h->msg >> 24);
	buf[9] = (uint8_t)(h->msg >> 16);
	buf[10] = (uint8_t)(h->msg >> 8);
	buf[11] = (uint8_t)h->msg;
	memcpy(buf + 12, h->token, VP_NET_TOKEN_LEN);
}

int vp_net_hello_check(const uint8_t *buf, const uint8_t *token,
		       struct vp_net_hello *h)
{
	uint8_t diff = 0;

	if (memcmp(buf, magic, 4) != 0)
		return VP_NET_REFUSE_MAGIC;
	if (buf[4] != VP_NET_VERSION)
		return VP_NET_REFUSE_VERSION;
	for (size_t i = 0; i < VP_NET_TOKEN_LEN; i++)
		diff |= (uint8_t)(buf[12 + i] ^ token[i]);
	if (diff)
		return VP_NET_REFUSE_TOKEN;
	if (buf[5] != VP_NET_RR && buf[5] != VP_NET_STREAM)
		return VP_NET_REFUSE_MODE;
	h->mode = (enum vp_net_mode)buf[5];
	h->msg = (uint32_t)buf[8] << 24 | (uint32_t)buf[9] << 16 |
		 (uint32_t)buf[10] << 8 | buf[11];
	if (h->msg < 1 || h->msg > VP_NET_MSG_MAX)
		return VP_NET_REFUSE_MSG;
	memcpy(h->token, token, VP_NET_TOKEN_LEN);
	return 0;
}

const char *vp_net_refuse_text(int code)
{
	switch (code) {
	case VP_NET_REFUSE_MAGIC:
		return "not a vpbench hello";
	case VP_NET_REFUSE_VERSION:
		return "protocol version mismatch (a peer of another vpbench "
		       "build)";
	case VP_NET_REFUSE_TOKEN:
		return "wrong token (a peer of another run)";
	case VP_NET_REFUSE_MODE:
		return "unknown mode";
	case VP_NET_REFUSE_MSG:
		return "message size out of range";
	default:
		return "unknown refusal";
	}
}

int vp_net_token_new(uint8_t *token)
{
	size_t got = 0;

	while (got < VP_NET_TOKEN_LEN) {
		ssize_t k = getrandom(token + got, VP_NET_TOKEN_LEN - got, 0);

		if (k < 0 && errno != EINTR)
			return -errno;
		if (k > 0)
			got += (size_t)k;
	}
	return 0;
}

void vp_net_token_hex(const uint8_t *token, char *hex)
{
	for (size_t i = 0; i < VP_NET_TOKEN_LEN; i++)
		snprintf(hex + 2 * i, 3, "%02x", token[i]);
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int vp_net_token_parse(const char *hex, uint8_t *token)
{
	if (!hex || strlen(hex) != 2 * VP_NET_TOKEN_LEN)
		return -EINVAL;
	for (size_t i = 0; i < VP_NET_TOKEN_LEN; i++) {
		int hi = hexval(hex[2 * i]), lo = hexval(hex[2 * i + 1]);

		if (hi < 0 || lo < 0)
			return -EINVAL;
		token[i] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int io_errno(int e)
{
	/* SO_RCVTIMEO/SO_SNDTIMEO expiry reads as EAGAIN. */
	if (e == EAGAIN || e == EWOULDBLOCK)
		return -ETIMEDOUT;
	if (e == ECONNRESET)
		return -ECONNRESET;
	return -e;
}

int vp_net_read_full(int fd, void *buf, size_t n)
{
	uint8_t *p = buf;

	while (n) {
		ssize_t k = recv(fd, p, n, 0);

		if (k == 0)
			return -EPIPE;
		if (k < 0) {
			if (errno == EINTR)
				continue;
			return io_errno(errno);
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

int vp_net_write_full(int fd, const void *buf, size_t n)
{
	const uint8_t *p = buf;

	while (n) {
		/* MSG_NOSIGNAL: a closed peer is an error, not SIGPIPE. */
		ssize_t k = send(fd, p, n, MSG_NOSIGNAL);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return errno == EPIPE ? -EPIPE : io_errno(errno);
		}
		p += k;
		n -= (size_t)k;
	}
	return 0;
}

void vp_net_set_timeouts(int fd)
{
	struct timeval tv = {.tv_sec = VP_NET_IO_TIMEOUT_S};

	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

int vp_net_connect(const char *addr, unsigned port,
		   const struct vp_net_hello *h, char *err, size_t errlen)
{
	struct sockaddr_in sa = {.sin_family = AF_INET,
				 .sin_port = htons((uint16_t)port)};
	uint8_t hello[VP_NET_HELLO_LEN], reply[VP_NET_REPLY_LEN];
	int one = 1, fd, rc;

	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		snprintf(err, errlen,
			 "peer address '%s' is not an IPv4 address", addr);
		return -EINVAL;
	}
	fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (fd < 0) {
		rc = -errno;
		snprintf(err, errlen, "socket: %s", strerror(errno));
		return rc;
	}
	/* One small request in flight: Nagle would hold it back. */
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	vp_net_set_timeouts(fd);
	if (connect(fd, (struct sockaddr *)&sa, sizeof(sa)) != 0) {
		rc = -errno;
		snprintf(err, errlen, "no peer reachable at %s:%u: %s", addr,
			 port, strerror(errno));
		close(fd);
		return rc;
	}
	vp_net_hello_encode(h, hello);
	rc = vp_net_write_full(fd, hello, sizeof(hello));
	if (!rc)
		rc = vp_net_read_full(fd, reply, sizeof(reply));
	if (rc) {
		snprintf(err, errlen, "handshake with the peer at %s:%u: %s",
			 addr, port,
			 rc == -EPIPE ? "connection closed" : strerror(-rc));
		close(fd);
		return rc;
	}
	if (reply[0] != 'O' || reply[1] != 'K') {
		snprintf(err, errlen, "the peer at %s:%u refused: %s", addr,
			 port,
			 reply[0] == 'N' && reply[1] == 'O'
			     ? vp_net_refuse_text(reply[2])
			     : "an answer that is not vpbench's");
		close(fd);
		return -ECONNREFUSED;
	}
	return fd;
}

/* ---- the peer ---- */

struct conn {
	struct vp_net_peer *p;
	int fd;
	size_t slot;
};

/* Serves one accepted connection: hello, then echo or drain. */
static void serve(struct vp_net_peer *p, int fd)
{
	uint8_t hello[VP_NET_HELLO_LEN], reply[VP_NET_REPLY_LEN] = {'O', 'K'};
	struct vp_net_hello h;
	struct timeval tv = {.tv_sec = VP_NET_IO_TIMEOUT_S}, none = {0};
	uint8_t *buf;
	size_t cap;
	int one = 1, code;

	/* A client that connects and says nothing is dropped in time. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
	if (vp_net_read_full(fd, hello, sizeof(hello)) != 0)
		return;
	code = vp_net_hello_check(hello, p->token, &h);
	if (code) {
		reply[0] = 'N';
		reply[1] = 'O';
		reply[2] = (uint8_t)code;
		(void)vp_net_write_full(fd, reply, sizeof(reply));
		atomic_fetch_add(&p->refused, 1);
		return;
	}
	/* Past the hello, the client paces the connection: a step's
	 * warm-up may start seconds after its connect. */
	setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &none, sizeof(none));
	setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
	/* A stream is read in the sender's write size, as iperf3 -l and
	 * qperf -m size both ends: a larger read would make fewer syscalls
	 * per byte than the reference tools and flatter the figure. */
	cap = h.msg;
	buf = malloc(cap);
	if (!buf || vp_net_write_full(fd, reply, sizeof(reply)) != 0) {
		free(buf);
		return;
	}
	atomic_fetch_add(&p->served, 1);
	if (h.mode == VP_NET_RR) {
		while (vp_net_read_full(fd, buf, h.msg) == 0 &&
		       vp_net_write_full(fd, buf, h.msg) == 0)
			;
	} else {
		for (;;) {
			ssize_t k = recv(fd, buf, cap, 0);

			if (k == 0 || (k < 0 && errno != EINTR))
				break;
		}
	}
	free(buf);
}

static void *conn_main(void *arg)
{
	struct conn *c = arg;
	struct vp_net_peer *p = c->p;

	serve(p, c->fd);
	pthread_mutex_lock(&p->mu);
	p->fds[c->slot] = -1;
	close(c->fd);
	p->live--;
	pthread_cond_broadcast(&p->idle);
	pthread_mutex_unlock(&p->mu);
	free(c);
	return NULL;
}

/* Registers fd in a free slot (growing the table); -1 when out of memory. */
static long add_slot(struct vp_net_peer *p, int fd)
{
	size_t i;

	for (i = 0; i < p->nfds; i++)
		if (p->fds[i] < 0)
			break;
	if (i == p->nfds) {
		size_t n = p->nfds ? 2 * p->nfds : 16;
		int *f = realloc(p->fds, n * sizeof(*f));

		if (!f)
			return -1;
		for (size_t k = p->nfds; k < n; k++)
			f[k] = -1;
		p->fds = f;
		p->nfds = n;
	}
	p->fds[i] = fd;
	return (long)i;
}

static void *accept_main(void *arg)
{
	struct vp_net_peer *p = arg;
	pthread_attr_t attr;

	pthread_attr_init(&attr);
	pthread_attr_setdetachstate(&attr, PTHREAD_CREATE_DETACHED);
	for (;;) {
		int fd = accept4(p->lfd, NULL, NULL, SOCK_CLOEXEC);
		struct conn *c;
		pthread_t th;
		long slot;

		if (fd < 0) {
			if (errno == EINTR || errno == ECONNABORTED ||
			    errno == EMFILE || errno == ENFILE)
				continue;
			break; /* shut down by vp_net_peer_stop */
		}
		c = malloc(sizeof(*c));
		pthread_mutex_lock(&p->mu);
		slot = c ? add_slot(p, fd) : -1;
		if (slot >= 0) {
			*c = (struct conn){p, fd, (size_t)slot};
			p->live++;
			if (pthread_create(&th, &attr, conn_main, c) != 0) {
				p->live--;
				p->fds[slot] = -1;
				slot = -1;
			}
		}
		pthread_mutex_unlock(&p->mu);
		if (slot < 0) {
			free(c);
			close(fd);
		}
	}
	pthread_attr_destroy(&attr);
	return NULL;
}

int vp_net_peer_start(struct vp_net_peer *p, const char *addr, char *err,
		      size_t errlen)
{
	struct sockaddr_in sa = {.sin_family = AF_INET};
	socklen_t sl = sizeof(sa);
	int rc;

	memset(p, 0, sizeof(*p));
	atomic_init(&p->served, 0);
	atomic_init(&p->refused, 0);
	rc = vp_net_token_new(p->token);
	if (rc) {
		snprintf(err, errlen, "getrandom for the peer's token: %s",
			 strerror(-rc));
		return rc;
	}
	if (inet_pton(AF_INET, addr, &sa.sin_addr) != 1) {
		snprintf(err, errlen, "peer address '%s' is not IPv4", addr);
		return -EINVAL;
	}
	p->lfd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, IPPROTO_TCP);
	if (p->lfd < 0 || bind(p->lfd, (struct sockaddr *)&sa, sizeof(sa)) ||
	    listen(p->lfd, 64) ||
	    getsockname(p->lfd, (struct sockaddr *)&sa, &sl)) {
		rc = -errno;
		snprintf(err, errlen, "cannot listen on %s: %s", addr,
			 strerror(errno));
		if (p->lfd >= 0)
			close(p->lfd);
		return rc;
	}
	p->port = ntohs(sa.sin_port);
	pthread_mutex_init(&p->mu, NULL);
	pthread_cond_init(&p->idle, NULL);
	rc = pthread_create(&p->acceptor, NULL, accept_main, p);
	if (rc) {
		snprintf(err, errlen, "cannot start the peer thread: %s",
			 strerror(rc));
		close(p->lfd);
		pthread_mutex_destroy(&p->mu);
		pthread_cond_destroy(&p->idle);
		return -rc;
	}
	p->started = 1;
	return 0;
}

void vp_net_peer_stop(struct vp_net_peer *p)
{
	if (!p->started)
		return;
	/* Wakes accept() (EINVAL) without a race on the fd number. */
	shutdown(p->lfd, SHUT_RDWR);
	pthread_join(p->acceptor, NULL);
	close(p->lfd);
	pthread_mutex_lock(&p->mu);
	for (size_t i = 0; i < p->nfds; i++)
		if (p->fds[i] >= 0)
			shutdown(p->fds[i], SHUT_RDWR);
	while (p->live)
		pthread_cond_wait(&p->idle, &p->mu);
	pthread_mutex_unlock(&p->mu);
	free(p->fds);
	pthread_mutex_destroy(&p->mu);
	pthread_cond_destroy(&p->idle);
	p->started = 0;
}

int vp_net_peer_parse(const char *spec, char *addr, size_t addrlen,
		      unsigned *port, uint8_t *token, char *err, size_t errlen)
{
	const char *c1, *c2;
	char *end;
	unsigned long v;

	if (!spec || !*spec) {
		snprintf(err, errlen,
			 "peer=host: this target has no host-side peer (the "
			 "runner starts one for the host and vmN targets "
			 "only; use peer=local here)");
		return -EOPNOTSUPP;
	}
	c1 = strchr(spec, ':');
	c2 = c1 ? strchr(c1 + 1, ':') : NULL;
	if (!c1 || !c2 || (size_t)(c1 - spec) >= addrlen || c1 == spec)
		goto bad;
	errno = 0;
	v = strtoul(c1 + 1, &end, 10);
	if (errno || end != c2 || v < 1 || v > 65535)
		goto bad;
	if (vp_net_token_parse(c2 + 1, token))
		goto bad;
	snprintf(addr, addrlen, "%.*s", (int)(c1 - spec), spec);
	*port = (unsigned)v;
	return 0;
bad:
	snprintf(err, errlen,
		 "net peer '%.80s' is not ADDR:PORT:TOKEN (32 hex digits)",
		 spec);
	return -EINVAL;
}
