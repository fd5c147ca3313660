/* The ssh:[user@]host[:port] target (work in progress). */
#include <errno.h>
#include <stdio.h>

#include "runner/target.h"

static int ssh_prepare(struct vp_target *t, char *err, size_t errlen)
{
	(void)t;
	snprintf(err, errlen, "ssh targets are not implemented yet");
	return -ENOSYS;
}

static int ssh_run_agent(struct vp_target *t, struct vp_emitter *out, char *err,
			 size_t errlen)
{
	(void)t;
	(void)out;
	snprintf(err, errlen, "ssh targets are not implemented yet");
	return -ENOSYS;
}

static void ssh_teardown(struct vp_target *t)
{
	(void)t;
}

const struct vp_target_ops vp_target_ssh_ops = {
    .kind = "ssh",
    .prepare = ssh_prepare,
    .run_agent = ssh_run_agent,
    .teardown = ssh_teardown,
};
