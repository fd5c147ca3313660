/* The host target: the agent runs in this very process. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/envinfo.h"
#include "probes/pin.h"
#include "runner/agent/agent.h"
#include "runner/targets/net_peer_host.h"
#include "runner/targets/target.h"

struct host_state {
	struct vp_host_peer peer; /* net.* peer=host, pid -1 when none */
	char peer_spec[96];
};

static int host_prepare(struct vp_target *t, char *err, size_t errlen)
{
	struct host_state *s = calloc(1, sizeof(*s));

	if (!s) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	s->peer.pid = -1;
	s->peer.stdin_fd = s->peer.tap_fd = -1;
	t->priv = s;
	snprintf(t->ti.accel, sizeof(t->ti.accel), "none");
	t->ti.vcpus = (int)vp_cpus_available();
	t->ti.host_cpus = t->ti.vcpus;
	vp_env_hypervisor(t->ti.hypervisor, sizeof(t->ti.hypervisor));
	/* peer=host on the host: the guests' peer process, over the host's
	 * own loopback, so the guests' figures have their baseline. */
	if (vp_plan_wants_host_peer(t->plan)) {
		int rc = vp_host_peer_start(t->self_exe, false, &s->peer, err,
					    errlen);

		if (rc)
			return rc;
		vp_host_peer_spec(&s->peer, "127.0.0.1", s->peer_spec,
				  sizeof(s->peer_spec));
	}
	return 0;
}

static int host_run_agent(struct vp_target *t, struct vp_emitter *out,
			  char *err, size_t errlen)
{
	struct host_state *s = t->priv;
	struct vp_agent_args a;
	memset(&a, 0, sizeof(a));
	a.plan = t->plan;
	a.ti = t->ti;
	a.scratch_dir = t->run_dir;
	/* With VM targets in the plan, the host's io.* run on the very image
	 * the guests get, so both sides differ only in the I/O path. */
	a.scratch_dev = t->scratch_image;
	a.interrupted = t->interrupted;
	if (s->peer.pid > 0) {
		a.net_peer = s->peer_spec;
		vp_emit_envf(out, "net_peer",
			     "vpbench net-peer on 127.0.0.1:%u (the host's "
			     "loopback)",
			     s->peer.port);
	}
	int rc = vp_agent_run(&a, out);
	if (rc < 0) {
		snprintf(err, errlen, "agent could not start");
		return rc;
	}
	return 0;
}

static void host_teardown(struct vp_target *t)
{
	struct host_state *s = t->priv;

	if (!s)
		return;
	vp_host_peer_stop(&s->peer);
	free(s);
	t->priv = NULL;
}

const struct vp_target_ops vp_target_host_ops = {
    .kind = "host",
    .prepare = host_prepare,
    .run_agent = host_run_agent,
    .teardown = host_teardown,
};
