/* Where an agent's output goes: rows, environment facts, progress and step
 * marks. The host target emits straight into the run folder; agents in
 * guests and on SSH hosts emit into the agent stream (agent_stream.h),
 * which the host's collector turns back into the same calls. */
#ifndef VP_EMITTER_H
#define VP_EMITTER_H

#include "reports/results_csv.h"

/* Where a step's run begins or ends: the agent calls `mark` just before it
 * starts a step's workload (warm-up and measured window) and just after it
 * returns, before the step's rows. A host-side observer (the vm target's
 * vCPU sampler) reads its own counters at the two marks. */
enum vp_mark_phase { VP_MARK_BEGIN = 'b', VP_MARK_END = 'e' };

struct vp_step_mark {
	int step; /* the progress step number (as in P records) */
	enum vp_mark_phase phase;
	const char *workload;
	int threads, rep;
};

struct vp_emitter {
	int (*row)(struct vp_emitter *e, const struct vp_row *row);
	int (*env)(struct vp_emitter *e, const char *key, const char *value);
	void (*progress)(struct vp_emitter *e, int step, int steps,
			 const char *label);
	void (*finish)(struct vp_emitter *e, int code, const char *message);
	/* Optional (NULL: marks are dropped). */
	void (*mark)(struct vp_emitter *e, const struct vp_step_mark *m);
	void *ctx;
};

/* out->env with a printf-formatted value (at most 8 KiB). */
int vp_emit_envf(struct vp_emitter *out, const char *key, const char *fmt, ...)
    __attribute__((format(printf, 3, 4)));

#endif
