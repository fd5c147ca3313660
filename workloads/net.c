/* net.* workloads: TCP between two ends, each thread one connection.
 *
 *   net.rr      one op = one round trip: the thread sends a message of
 *               `msg` bytes (default 64) and waits for the peer's message
 *               of the same size, one request in flight (netperf TCP_RR,
 *               sockperf ping-pong). Round trips/s and the round-trip time
 *               (rtt_* latency rows, us) compare the network paths of the
 *               targets: the per-message cost of the stack, wake-ups and,
 *               through a virtual NIC, the exits and the host's backend.
 *   net.stream  one op = one write of `msg` bytes (default 128 KiB) into
 *               a connection the peer drains (iperf3's default): MiB/s is
 *               the bulk path's cost per byte (copies, segmentation
 *               offloads the virtual NIC does or does not give).
 *
 * Where the peer is, -O peer=:
 *   local  both ends inside the target over its own loopback: a peer runs
 *          in this process (threads of its own, one per connection), so a
 *          VM's figure is its guest kernel's stack under vCPU scheduling
 *          and the bare-metal baseline is the host's loopback;
 *   host   the peer is a `vpbench net-peer` process the runner starts on
 *          the host, listening on 127.0.0.1 only: from a vmN guest through
 *          its virtual NIC (the virtio-net path), from the host target over
 *          the host's loopback to that same process (the baseline of the
 *          guests' peer=host figures). Targets the runner starts no peer
 *          for (ssh, libvirt) give `unavailable` rows with the reason.
 *
 * Round trips are timed with CLOCK_MONOTONIC (vDSO, tens of ns against
 * tens of us per round trip) into the log-linear latency histogram. The
 * stream's MiB/s counts bytes the sender handed to its socket, as iperf3's
 * sender does; the socket buffer (a few MiB) is small next to what a
 * measured window moves. Connection set-up happens in the warm-up. */
#include <errno.h>
#include <stdatomic.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "probes/lat_hist.h"
#include "workloads/net.h"
#include "workloads/net_proto.h"
#include "workloads/workload_list.h"

struct net_opts {
	uint64_t msg;
	char peer[VP_OPT_STRING_MAX];
};

#define PEER_OPTION                                                            \
	{                                                                      \
		"peer", VP_OPT_CHOICE, offsetof(struct net_opts, peer),        \
		    "local", 0, 0, "local|host",                               \
		    "where the other end runs: local = inside the target "     \
		    "over its "                                                \
		    "loopback; host = a peer process on the host (vmN: "       \
		    "through the "                                             \
		    "virtual NIC; host target: the host's loopback)"           \
	}

static const struct vp_option net_rr_options[] = {
    {"msg", VP_OPT_SIZE, offsetof(struct net_opts, msg), "64", 1,
     VP_NET_MSG_MAX, NULL, "bytes of each request and of each reply"},
    PEER_OPTION,
    VP_OPT_END};

static const struct vp_option net_stream_options[] = {
    {"msg", VP_OPT_SIZE, offsetof(struct net_opts, msg), "128k", 1,
     VP_NET_MSG_MAX, NULL, "bytes per write"},
    PEER_OPTION,
    VP_OPT_END};

struct net_state {
	struct vp_net_peer local; /* peer=local */
	char addr[64];
	unsigned port;
	uint8_t token[VP_NET_TOKEN_LEN];
	char where[160]; /* for the notes */
};

struct net_run {
	const struct net_state *st;
	enum vp_net_mode mode;
	uint32_t msg;
	struct vp_hist *hist; /* one per worker (rr) */
	_Atomic int failed;
	int err;
	char msg_err[256];
};

/* The first failure of any worker is the run's. */
static void fail(struct net_run *r, int rc, const char *why)
{
	int zero = 0;

	if (atomic_compare_exchange_strong(&r->failed, &zero, 1)) {
		r->err = rc;
		snprintf(r->msg_err, sizeof(r->msg_err), "%s", why);
	}
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* One round trip. 0 or -errno. */
static inline int round_trip(int fd, uint8_t *buf, uint32_t msg)
{
	int rc = vp_net_write_full(fd, buf, msg);

	return rc ? rc : vp_net_read_full(fd, buf, msg);
}

static const char *io_text(int rc)
{
	switch (rc) {
	case -EPIPE:
		return "the peer closed the connection";
	case -ECONNRESET:
		return "connection reset by the peer";
	case -ETIMEDOUT:
		return "no answer from the peer within 10 s";
	default:
		return strerror(-rc);
	}
}

static void net_worker(struct vp_worker *w, void *arg)
{
	struct net_run *r = arg;
	struct vp_net_hello h = {.mode = r->mode, .msg = r->msg};
	struct vp_hist *hist = r->hist ? &r->hist[w->id] : NULL;
	char err[256];
	uint64_t ops = 0;
	uint8_t *buf = calloc(1, r->msg);
	int fd = -1, rc = 0;

	memcpy(h.token, r->st->token, sizeof(h.token));
	if (!buf)
		rc = -ENOMEM;
	else {
		memset(buf, 0x5a, r->msg); /* not all zeroes */
		fd = vp_net_connect(r->st->addr, r->st->port, &h, err,
				    sizeof(err));
		if (fd < 0) {
			rc = fd;
			fail(r, rc, err);
		}
	}
	while (!rc && vp_worker_phase(w) < VP_PHASE_MEASURE)
		rc = r->mode == VP_NET_RR ? round_trip(fd, buf, r->msg)
					  : vp_net_write_full(fd, buf, r->msg);
	vp_worker_measure_begin(w);
	if (hist) {
		while (!rc && vp_worker_phase(w) == VP_PHASE_MEASURE) {
			uint64_t t0 = now_ns();

			rc = round_trip(fd, buf, r->msg);
			vp_hist_record(hist, now_ns() - t0);
			ops++;
		}
	} else {
		while (!rc && vp_worker_phase(w) == VP_PHASE_MEASURE) {
			rc = vp_net_write_full(fd, buf, r->msg);
			ops++;
		}
	}
	vp_worker_measure_end(w, rc ? 0 : ops);
	if (rc == -ENOMEM)
		fail(r, rc, "out of memory for a message buffer");
	else if (rc && fd >= 0)
		fail(r, rc, io_text(rc));
	if (fd >= 0)
		close(fd);
	free(buf);
}

static int net_run_mode(enum vp_net_mode mode,
			const struct vp_workload_ctx *ctx, void *state,
			struct vp_team *team, struct vp_metrics *out, char *err,
			size_t errlen)
{
	const struct net_opts *o = ctx->opts;
	struct net_run r = {.st = state, .mode = mode, .msg = (uint32_t)o->msg};
	unsigned n = vp_team_size(team);
	int rc;

	atomic_init(&r.failed, 0);
	if (mode == VP_NET_RR) {
		/* About 30 KiB each: the heap, not the workers' stacks. */
		r.hist = calloc(n, sizeof(*r.hist));
		if (!r.hist) {
			snprintf(err, errlen, "out of memory");
			return -ENOMEM;
		}
		for (unsigned i = 0; i < n; i++)
			vp_hist_reset(&r.hist[i]);
	}
	rc = vp_team_run(team, net_worker, &r, err, errlen);
	if (!rc && atomic_load(&r.failed)) {
		rc = r.err ? r.err : -EIO;
		snprintf(err, errlen, "%s (%s)", r.msg_err, r.st->where);
	}
	if (rc)
		goto out;
	vp_team_metrics(team, "ops_per_s", "ops/s", out);
	struct vp_metric *ops =
	    (struct vp_metric *)vp_metrics_find(out, "ops_per_s");
	if (ops && ops->status == VP_STATUS_OK && !ops->note[0])
		snprintf(ops->note, sizeof(ops->note), "%s", r.st->where);
	if (mode == VP_NET_STREAM) {
		if (ops && ops->status == VP_STATUS_OK) {
			struct vp_metric *m = vp_metrics_ok(
			    out, "mib_per_s",
			    ops->value * (double)r.msg / 1048576.0, "MiB/s");
			snprintf(m->note, sizeof(m->note), "msg=%u %s", r.msg,
				 r.st->where);
		} else
			vp_metrics_unavailable(out, "mib_per_s", "MiB/s",
					       "ops_per_s is not ok");
	} else {
		struct vp_hist *all = calloc(1, sizeof(*all));

		if (!all) {
			snprintf(err, errlen, "out of memory");
			rc = -ENOMEM;
			goto out;
		}
		vp_hist_reset(all);
		for (unsigned i = 0; i < n; i++)
			vp_hist_merge(all, &r.hist[i]);
		vp_hist_emit(all, "rtt", "us", 1e-3,
			     "no round trip completed in the measured window",
			     out);
		free(all);
	}
out:
	free(r.hist);
	return rc;
}

static int net_rr_run(const struct vp_workload_ctx *ctx, void *state,
		      struct vp_team *team, struct vp_metrics *out, char *err,
		      size_t errlen)
{
	return net_run_mode(VP_NET_RR, ctx, state, team, out, err, errlen);
}

static int net_stream_run(const struct vp_workload_ctx *ctx, void *state,
			  struct vp_team *team, struct vp_metrics *out,
			  char *err, size_t errlen)
{
	return net_run_mode(VP_NET_STREAM, ctx, state, team, out, err, errlen);
}

static int net_setup(const struct vp_workload_ctx *ctx, void **state, char *err,
		     size_t errlen)
{
	const struct net_opts *o = ctx->opts;
	struct net_state *st = calloc(1, sizeof(*st));
	int rc;

	if (!st) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	if (strcmp(o->peer, "local") == 0) {
		rc = vp_net_peer_start(&st->local, "127.0.0.1", err, errlen);
		if (rc) {
			free(st);
			return rc;
		}
		snprintf(st->addr, sizeof(st->addr), "127.0.0.1");
		st->port = st->local.port;
		memcpy(st->token, st->local.token, sizeof(st->token));
		snprintf(st->where, sizeof(st->where),
			 "peer=local: 127.0.0.1 in the target");
	} else {
		rc =
		    vp_net_peer_parse(ctx->net_peer, st->addr, sizeof(st->addr),
				      &st->port, st->token, err, errlen);
		if (rc) {
			free(st);
			return rc;
		}
		snprintf(st->where, sizeof(st->where),
			 "peer=host: the runner's peer at %s", st->addr);
	}
	*state = st;
	return 0;
}

static void net_teardown(void *state)
{
	struct net_state *st = state;

	if (!st)
		return;
	vp_net_peer_stop(&st->local);
	free(st);
}

bool vp_net_wants_host_peer(const struct vp_workload *wl, const void *opts)
{
	const struct net_opts *o = opts;

	return (wl == &vp_wl_net_rr || wl == &vp_wl_net_stream) && o &&
	       strcmp(o->peer, "host") == 0;
}

const struct vp_workload vp_wl_net_rr = {
    .name = "net.rr",
    .summary = "TCP request/response, one connection and one request in "
	       "flight per thread; round trips/s and round-trip times",
    .in_default_set = true,
    .throughput_metric = "ops_per_s",
    .options = net_rr_options,
    .opts_size = sizeof(struct net_opts),
    .setup = net_setup,
    .run = net_rr_run,
    .teardown = net_teardown,
};

const struct vp_workload vp_wl_net_stream = {
    .name = "net.stream",
    .summary = "TCP bulk transfer to the peer, one connection per thread; "
	       "MiB/s",
    .in_default_set = true,
    .throughput_metric = "mib_per_s",
    .options = net_stream_options,
    .opts_size = sizeof(struct net_opts),
    .setup = net_setup,
    .run = net_stream_run,
    .teardown = net_teardown,
};
