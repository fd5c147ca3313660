/* Host-side rows of a guest's steps, taken at the agent's step marks (the
 * M records of runner/agent/agent_stream.h): a pass-through emitter that
 * sits between the collector and the run's emitter, asks its sampler for a
 * sample at each step's begin mark and for the step's rows at its end
 * mark, and holds those rows until the guest's own rows of that step have
 * arrived; then writes them with the guest's target fields (hypervisor and
 * vCPUs as the guest reported them). A step the guest never delivered
 * gets no host rows, so the run still marks it failed. The marks carry the
 * step's workload, threads and rep, so the rows land in the right cell in
 * any step order (--order random, -r auto).
 *
 * The vm target's sampler reads QEMU's vCPU threads and KVM statistics
 * (vm_attrib.h), the libvirt target's reads the domain's statistics
 * (libvirt_sample.c). */
#ifndef VP_MARK_TEE_H
#define VP_MARK_TEE_H

#include <stdbool.h>

#include "probes/metrics.h"
#include "runner/agent/emitter.h"

/* The reason on a step's rows when its begin mark never came. */
#define VP_MARK_NO_BEGIN                                                       \
	"the step's begin mark was not seen on the agent channel"

struct vp_mark_sampler {
	/* At a begin mark: take the begin sample. */
	void (*begin)(void *ctx);
	/* At the end mark: the step's rows into m; begun is false when the
	 * begin mark of this step was not seen (rows then say why). */
	void (*end)(void *ctx, bool begun, struct vp_metrics *m);
	void *ctx;
};

struct vp_mark_step {
	int step;
	char workload[64];
	int threads, rep;
};

struct vp_mark_tee {
	struct vp_emitter tee;	  /* what the collector writes into */
	struct vp_emitter *out;	  /* the run's emitter */
	struct vp_target_info ti; /* host rows: the guest's view once seen */
	struct vp_mark_sampler sampler;
	bool begun; /* the open step (between its marks) */
	struct vp_mark_step cur;
	/* The closed step's rows, waiting for the guest's rows. */
	bool pending, pending_seen;
	struct vp_mark_step done;
	struct vp_metrics pm;
};

/* ti: the target's fields until the guest's rows say otherwise. */
void vp_mark_tee_init(struct vp_mark_tee *m, struct vp_emitter *out,
		      const struct vp_target_info *ti,
		      const struct vp_mark_sampler *sampler);
/* The pass-through emitter for the collector. */
struct vp_emitter *vp_mark_tee_emitter(struct vp_mark_tee *m);
/* Writes what is still held (when the guest's rows came) and frees. */
void vp_mark_tee_close(struct vp_mark_tee *m);

#endif
