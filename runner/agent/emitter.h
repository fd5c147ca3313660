/* Where an agent's output goes: rows, environment facts and progress. The
 * host target emits straight into the run folder; agents in guests and on
 * SSH hosts emit into the agent stream (agent_stream.h), which the host's
 * collector turns back into the same calls. */
#ifndef VP_EMITTER_H
#define VP_EMITTER_H

#include "reports/results_csv.h"

struct vp_emitter {
	int (*row)(struct vp_emitter *e, const struct vp_row *row);
	int (*env)(struct vp_emitter *e, const char *key, const char *value);
	void (*progress)(struct vp_emitter *e, int step, int steps,
			 const char *label);
	void (*finish)(struct vp_emitter *e, int code, const char *message);
	void *ctx;
};

#endif
