/* The agent: executes a plan's workloads on this machine (for each workload
 * x threads x rep: start probes, run the workload on a team, stop probes,
 * emit rows). The same code runs on the host, inside guests and on SSH
 * targets. */
#ifndef VP_AGENT_H
#define VP_AGENT_H

#include "reports/results_csv.h"
#include "runner/agent/emitter.h"
#include "runner/plan/plan.h"

struct vp_agent_args {
	const struct vp_plan *plan;
	struct vp_target_info ti;  /* target fields for every row */
	const char *scratch_dir;   /* where io.* create scratch files */
	const char *scratch_dev;   /* block device for io.* (guests), or NULL */
	const char *net_peer; /* net.* peer=host: ADDR:PORT:TOKEN, or NULL */
	volatile int *interrupted; /* Ctrl-C flag */
	int step_offset, total_steps; /* for progress across targets */
};

/* Emits env facts, then every step. Returns 0 when every step ran, 1 when
 * some failed (their rows say why), -errno on a setup error. */
int vp_agent_run(const struct vp_agent_args *a, struct vp_emitter *out);

/* `vpbench agent --plan FILE [--out PATH] [--target NAME --kind K
 *  --accel A --host-cpus N] [--scratch-dev DEV]`: the agent as a program,
 * writing the agent stream. */
int vp_agent_main(int argc, char **argv);

#endif
