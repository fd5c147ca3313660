/* An opt-in timeline of a run, for finding where its wall time goes
 * (ci/bench-harness-efficiency.sh prints the breakdown). With
 * VPBENCH_PHASE_LOG=<file> in the runner's environment, each phase
 * boundary appends one line
 *     <seconds on CLOCK_MONOTONIC>,<target or "run">,<event>[,<detail>]
 * to the file; without it nothing is written and each call costs one
 * branch. The events (the script reads them by these names):
 *   run:    start (folder open), image (scratch image made), lanes_done,
 *           report (report written), end
 *   target: begin, prepared (deploy done: initramfs, checks), spawned
 *           (QEMU or ssh started), first (first agent record: boot over),
 *           p,<step> (agent about to set up a step), b,<step> / e,<step>
 *           (the step's run: warm-up and measured window, as marked by
 *           the agent), row (a row arrived), collected (the stream ended),
 *           agent_end (run_agent returned), end (torn down, rows synced)
 * Times are when the runner saw the record, so a guest's events carry its
 * channel's latency; intervals between two of them are what the run
 * spent. Safe to call from several lanes at once. */
#ifndef VP_PHASE_LOG_H
#define VP_PHASE_LOG_H

/* Appends "<now>,<who>,<event>[,<detail>]"; detail may be NULL. */
void vp_phase_log(const char *who, const char *event, const char *detail);
/* The same with a step number as detail. */
void vp_phase_log_step(const char *who, const char *event, int step);
/* Flushes the file (end of a target, end of the run). */
void vp_phase_log_flush(void);

#endif
