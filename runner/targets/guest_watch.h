/* Watching the embedded guest from the host, shared by the targets that
 * boot it (vm: a QEMU child; libvirt: a libvirt domain). Both collect the
 * guest's channel with the collector loop (runner/agent/collector.h); this
 * is what their hooks have in common:
 *   - guest init's own records on the channel (V,init / V,ready /
 *     V,agent-exit / V,warn / V,dump) and the boot milestones they mark,
 *     written to env.csv at the first agent record (boot_s, boot_breakdown);
 *   - the boot and run timeouts (a run timeout first asks guest init for
 *     the agent's thread states: 'D' on the channel), a kernel wedge seen
 *     on the console log, and the power-off grace after the agent's X;
 *   - the explanation of a guest that stopped early (panic line, how the
 *     agent ended) and the console tail as evidence.
 * The target embeds a vp_guest_watch in its collector state, fills the
 * "set by the target" part and calls these from its hooks, adding only
 * its own checks (QEMU's exit status; a domain destroyed from outside). */
#ifndef VP_GUEST_WATCH_H
#define VP_GUEST_WATCH_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runner/agent/collector.h"
#include "runner/plan/plan.h"

struct vp_guest_watch {
	/* Set by the target. */
	const char *console;	/* console log file the target writes */
	const char *start_what; /* "QEMU start", "domain start" */
	/* Monotonic time of that start (milestones and the boot timeout
	 * count from it); 0: the collector's start. */
	double t_start;
	double tmo_boot, tmo_run;
	double tmo_step; /* one step without progress; 0: none */
	/* Sends "D\n" to guest init on the channel; 0 when sent. */
	int (*ask_dump)(void *arg);
	void *dump_arg;
	/* Kept by the functions below. */
	double init, ready, first, init_uptime; /* s after the start */
	char modules[256];
	char agent_exit[160];
	bool first_seen;
	double dump_at, console_check, wedge_at;
	int step_seen;	 /* the agent's last P record's step */
	double step_at;	 /* when it came (or the first record) */
	bool step_stuck; /* the dump was asked for a stuck step */
	off_t console_size, console_scanned;
	char wedge_line[256];
};

/* The run timeout of a guest target: --run-timeout, else derived from the
 * plan with a generous margin for TCG. */
double vp_guest_run_timeout(const struct vp_plan *p, bool kvm);

/* How long one step may go without the next: the step's warm-up and
 * window plus a margin for its set-up and rows; 0 (no step limit) when
 * --run-timeout gives the whole run's budget. So that a guest stuck in one step
 * fails in a minute or two, not at the end of the whole run's budget. */
double vp_guest_step_timeout(const struct vp_plan *p, bool kvm);

/* The collector's line hook: true when the line was guest init's. */
bool vp_guest_watch_line(struct vp_guest_watch *w, struct vp_collector *c,
			 const char *line);
/* The record hook: the first record ends the deploy (env boot_s,
 * boot_breakdown). */
void vp_guest_watch_record(struct vp_guest_watch *w, struct vp_collector *c);
/* The check hook's common part: kernel wedge, boot timeout, run timeout
 * (after a thread dump), power-off grace (sets c->stop). */
enum vp_collect_end vp_guest_watch_check(struct vp_guest_watch *w,
					 struct vp_collector *c, double now);
/* A guest panic line from the console, if any: "guest panic: ...". */
bool vp_guest_watch_panic(const struct vp_guest_watch *w, char *reason,
			  size_t len);
/* "guest stopped before the agent finished[: agent ...]". */
void vp_guest_watch_stopped(const struct vp_guest_watch *w, char *reason,
			    size_t len);
/* "console tail: ..." (or "(empty)"). */
void vp_guest_watch_evidence(const struct vp_guest_watch *w, char *out,
			     size_t len);

#endif
