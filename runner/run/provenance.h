/* Provenance of a run, recorded per target in env.csv: which build measured
 * (version, git description, build type, compiler, sanitizers), how it was
 * asked (the full command line, a hash of the plan) and when (start and end
 * of the target, UTC). With the machine's settings (probes/env_tuning.h)
 * this is what it takes to tell two result sets apart later. */
#ifndef VP_PROVENANCE_H
#define VP_PROVENANCE_H

#include <stddef.h>
#include <stdint.h>

#include "runner/agent/emitter.h"
#include "runner/plan/plan.h"

/* Remembers the process's command line (main calls it once). */
void vp_provenance_set_argv(int argc, char *const *argv);

/* The command line as one line, each word shell-quoted when it needs it
 * (so it can be pasted back). */
void vp_provenance_command_line(char *buf, size_t len);

/* FNV-1a 64 of the plan as plan.conf writes it; 0 when it cannot be
 * written. */
uint64_t vp_provenance_plan_hash(const struct vp_plan *p);

/* The build: "0.1.0 (git v0.1-12-gabc, RelWithDebInfo, gcc 12.2.0)". */
void vp_provenance_build(char *buf, size_t len);

/* env facts at a target's start: vpbench_version, build_git, build_type,
 * compiler, sanitizers, command_line, plan_hash, runner_host (the
 * machine running vpbench), start_utc. */
void vp_provenance_emit_start(struct vp_emitter *e, const struct vp_plan *p);
/* env fact at a target's end: end_utc. */
void vp_provenance_emit_end(struct vp_emitter *e);

#endif
