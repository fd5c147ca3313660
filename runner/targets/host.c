/* The host target: the agent runs in this very process. */
#include <string.h>

#include "probes/envinfo.h"
#include "probes/pin.h"
#include "runner/agent/agent.h"
#include "runner/targets/target.h"

static int host_prepare(struct vp_target *t, char *err, size_t errlen)
{
	(void)err;
	(void)errlen;
	snprintf(t->ti.accel, sizeof(t->ti.accel), "none");
	t->ti.vcpus = (int)vp_cpus_available();
	t->ti.host_cpus = t->ti.vcpus;
	vp_env_hypervisor(t->ti.hypervisor, sizeof(t->ti.hypervisor));
	return 0;
}

static int host_run_agent(struct vp_target *t, struct vp_emitter *out,
			  char *err, size_t errlen)
{
	struct vp_agent_args a;
	memset(&a, 0, sizeof(a));
	a.plan = t->plan;
	a.ti = t->ti;
	a.scratch_dir = t->run_dir;
	/* With VM targets in the plan, the host's io.* run on the very image
	 * the guests get, so both sides differ only in the I/O path. */
	a.scratch_dev = t->scratch_image;
	a.interrupted = t->interrupted;
	int rc = vp_agent_run(&a, out);
	if (rc < 0) {
		snprintf(err, errlen, "agent could not start");
		return rc;
	}
	return 0;
}

static void host_teardown(struct vp_target *t)
{
	(void)t;
}

const struct vp_target_ops vp_target_host_ops = {
    .kind = "host",
    .prepare = host_prepare,
    .run_agent = host_run_agent,
    .teardown = host_teardown,
};
