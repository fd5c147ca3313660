/* The net.* workloads' wire protocol and their peer (the server end), shared
 * by the workloads (client, and the in-target peer of peer=local) and by the
 * host-side peer process the runner starts (`vpbench net-peer`).
 *
 * A connection opens with a hello from the client, 28 bytes:
 *
 *   "VPNT"        magic
 *   version       1 byte, VP_NET_VERSION
 *   mode          1 byte: 'r' request/response, 's' stream to the peer
 *   0, 0          2 bytes, reserved
 *   msg           4 bytes big-endian: message size, 1 .. VP_NET_MSG_MAX
 *   token         16 bytes: the peer's random token
 *
 * and the peer answers 4 bytes, "OK\0\0" or "NO" plus a reason code
 * (VP_NET_REFUSE_*), then closes on refusal. The token keeps out every
 * client but the run's own: a stray or foreign connection to the peer's
 * 127.0.0.1 port is refused before it can move a byte of load. It is not a
 * secret from local users who can read process command lines (the vm
 * target passes it on the guest kernel's command line).
 *
 * After "OK" the framing is fixed-size messages (netperf TCP_RR style): in
 * mode 'r' the client sends msg bytes and the peer sends msg bytes back
 * once it has all of them, one request in flight; in mode 's' the client
 * writes and the peer reads and discards until end of file. */
#ifndef VP_NET_PROTO_H
#define VP_NET_PROTO_H

#include <pthread.h>
#include <stdatomic.h>
#include <stddef.h>
#include <stdint.h>

#define VP_NET_VERSION	 1
#define VP_NET_HELLO_LEN 28
#define VP_NET_REPLY_LEN 4
#define VP_NET_TOKEN_LEN 16
#define VP_NET_MSG_MAX	 (4u << 20)
/* A peer or client that hears nothing for this long gives up (seconds):
 * far beyond any preemption, short enough that a dead end is a failed row,
 * not a hang. */
#define VP_NET_IO_TIMEOUT_S 10

enum vp_net_mode { VP_NET_RR = 'r', VP_NET_STREAM = 's' };

enum vp_net_refuse {
	VP_NET_REFUSE_MAGIC = 1, /* not a vpbench client */
	VP_NET_REFUSE_VERSION,
	VP_NET_REFUSE_TOKEN,
	VP_NET_REFUSE_MODE,
	VP_NET_REFUSE_MSG,
};

struct vp_net_hello {
	enum vp_net_mode mode;
	uint32_t msg;
	uint8_t token[VP_NET_TOKEN_LEN];
};

/* Fills buf (VP_NET_HELLO_LEN bytes). */
void vp_net_hello_encode(const struct vp_net_hello *h, uint8_t *buf);
/* Decodes and checks a hello against the peer's token: 0, or the
 * VP_NET_REFUSE_* code. The token comparison takes the same time wherever
 * the first difference is. */
int vp_net_hello_check(const uint8_t *buf, const uint8_t *token,
		       struct vp_net_hello *h);
/* What a refusal code means, for the client's message. */
const char *vp_net_refuse_text(int code);

/* 16 random bytes (getrandom). 0 or -errno. */
int vp_net_token_new(uint8_t *token);
/* Token <-> 32 lowercase hex digits. parse: 0 or -EINVAL. */
void vp_net_token_hex(const uint8_t *token, char *hex /* 33 bytes */);
int vp_net_token_parse(const char *hex, uint8_t *token);

/* Exactly n bytes, through partial transfers and EINTR. 0, -EPIPE when
 * the other side closed (read: before the first byte too), -ETIMEDOUT, or
 * another -errno. */
int vp_net_read_full(int fd, void *buf, size_t n);
int vp_net_write_full(int fd, const void *buf, size_t n);

/* Send and receive timeouts of VP_NET_IO_TIMEOUT_S on fd. */
void vp_net_set_timeouts(int fd);

/* Client side: connects to addr:port (IPv4 dotted quad), sends the hello
 * and reads the answer. Returns the connected fd, or -errno with the reason
 * in err ("no peer listening at ...", "the peer refused: bad token"). */
int vp_net_connect(const char *addr, unsigned port,
		   const struct vp_net_hello *h, char *err, size_t errlen);

/* The peer: a listener on one IPv4 address (127.0.0.1, or the host side of
 * a tap device in the run's own network namespace), an ephemeral port,
 * serving every accepted connection on a thread of its own. */
struct vp_net_peer {
	int lfd;
	unsigned port;
	uint8_t token[VP_NET_TOKEN_LEN];
	pthread_t acceptor;
	int started;
	pthread_mutex_t mu;
	pthread_cond_t idle;
	int *fds; /* open connections (-1: free slot), for the stop */
	size_t nfds;
	unsigned live; /* connection threads still running */
	_Atomic unsigned long served, refused;
};

/* Binds addr:0 with a fresh token and starts accepting. 0 or -errno with
 * the reason. */
int vp_net_peer_start(struct vp_net_peer *p, const char *addr, char *err,
		      size_t errlen);
/* Stops accepting, ends every open connection and waits for its thread. */
void vp_net_peer_stop(struct vp_net_peer *p);

#endif
