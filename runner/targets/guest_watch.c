/* The host's watch over the embedded guest, shared by the vm and libvirt
 * targets (guest_watch.h): guest init's records and milestones, timeouts,
 * wedge detection, panic and console tail. */
#include "runner/targets/guest_watch.h"

#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "runner/guest/guest.h"
#include "runner/util/child.h"
#include "runner/util/phase_log.h"

/* A starved (not deadlocked) guest also reports stalls; it gets this long
 * to send another record before it counts as wedged. */
#define WEDGE_GRACE_S 20.0
/* The guest powers off after X; this long, then the target stops it. */
#define POWEROFF_GRACE_S 15.0

double vp_guest_run_timeout(const struct vp_plan *p, bool kvm)
{
	if (p->run_timeout_s > 0)
		return p->run_timeout_s;
	/* TCG guests are slow at everything around the measured windows
	 * (setup, scratch files, probes); give them a generous margin. */
	return vp_plan_measure_seconds(p) * (kvm ? 2.0 : 3.0) +
	       (double)vp_plan_steps(p) * (kvm ? 0.5 : 2.0) + 60.0;
}

double vp_guest_step_timeout(const struct vp_plan *p, bool kvm)
{
	/* Seen here under TCG: a guest whose I/O threads all wait in
	 * submit_bio_wait for requests that never complete; the agent keeps
	 * its heartbeat, so only the step's own clock tells. The margin
	 * covers a step's set-up (scratch file, thread team) and its rows
	 * over the serial channel many times over. */
	if (p->run_timeout_s > 0)
		return 0; /* the user's budget for the run is the limit */
	return p->duration_s + p->warmup_s + (kvm ? 60.0 : 120.0);
}

/* Guest init's own records (V,...); see runner/agent/agent_stream.h. */
static double start_of(const struct vp_guest_watch *w,
		       const struct vp_collector *c)
{
	return w->t_start > 0 ? w->t_start : c->t0;
}

bool vp_guest_watch_line(struct vp_guest_watch *w, struct vp_collector *c,
			 const char *line)
{
	struct vp_emitter *out = c->out;
	const char *rest;

	if (strncmp(line, VP_GUEST_TAG, strlen(VP_GUEST_TAG)) != 0)
		return false;
	rest = line + strlen(VP_GUEST_TAG);
	if (strncmp(rest, "init,", 5) == 0) {
		w->init_uptime = atof(rest + 5);
		w->init = vp_child_now() - start_of(w, c);
	} else if (strncmp(rest, "ready,", 6) == 0) {
		const char *comma = strchr(rest + 6, ',');

		w->ready = vp_child_now() - start_of(w, c);
		snprintf(w->modules, sizeof(w->modules), "%s",
			 comma ? comma + 1 : "");
	} else if (strncmp(rest, "agent-exit,", 11) == 0) {
		snprintf(w->agent_exit, sizeof(w->agent_exit), "%s", rest + 11);
	} else if (strncmp(rest, "warn,", 5) == 0) {
		out->env(out, "guest_warning", rest + 5);
	} else if (strncmp(rest, "dump,", 5) == 0) {
		out->env(out, "guest_agent_dump", rest + 5);
	}
	return true;
}

void vp_guest_watch_record(struct vp_guest_watch *w, struct vp_collector *c)
{
	if (w->first_seen)
		return;
	w->first_seen = true;
	vp_phase_log(c->ti->target, "first", NULL);
	w->first = c->first - start_of(w, c);
	vp_emit_envf(c->out, "boot_s", "%.3f", w->first);
	if (w->init > 0)
		vp_emit_envf(
		    c->out, "boot_breakdown",
		    "init started %.3f s (guest uptime %.3f s), modules "
		    "loaded %.3f s%s%s%s, first agent record %.3f s "
		    "after %s",
		    w->init, w->init_uptime, w->ready,
		    w->modules[0] ? " (" : "", w->modules,
		    w->modules[0] ? ")" : "", w->first, w->start_what);
}

/* Scans new console output (once a second) for soft lockups and RCU
 * stalls; a guest that sends a record afterwards was starved, not dead. */
static enum vp_collect_end check_wedged(struct vp_guest_watch *w,
					struct vp_collector *c, double now)
{
	struct stat cst;

	if (now - w->console_check > 1.0) {
		w->console_check = now;
		if (!w->wedge_at && stat(w->console, &cst) == 0 &&
		    cst.st_size != w->console_size) {
			w->console_size = cst.st_size;
			if (vp_console_wedged(
				w->console, (long)w->console_scanned,
				w->wedge_line, sizeof(w->wedge_line)))
				w->wedge_at = now;
			/* Rescan a little: a line may have been half-written.
			 */
			w->console_scanned =
			    w->console_size > 512 ? w->console_size - 512 : 0;
		}
	}
	if (w->wedge_at && c->last_record > w->wedge_at) {
		c->out->env(c->out, "guest_kernel_warning", w->wedge_line);
		w->wedge_at = 0;
		w->console_scanned = w->console_size;
	}
	if (w->wedge_at && now - w->wedge_at > WEDGE_GRACE_S) {
		snprintf(c->reason, sizeof(c->reason),
			 "guest kernel wedged (no record for %.0f s after): %s",
			 WEDGE_GRACE_S, w->wedge_line);
		return VP_COLLECT_FAULT;
	}
	return VP_COLLECT_FINISHED;
}

enum vp_collect_end vp_guest_watch_check(struct vp_guest_watch *w,
					 struct vp_collector *c, double now)
{
	enum vp_collect_end end = check_wedged(w, c, now);

	if (end != VP_COLLECT_FINISHED)
		return end;
	if (!c->first && now - start_of(w, c) > w->tmo_boot) {
		snprintf(c->reason, sizeof(c->reason),
			 "boot timeout: no record from the guest agent within "
			 "%.0f s (--boot-timeout)",
			 w->tmo_boot);
		return VP_COLLECT_TIMEOUT;
	}
	if (c->first && (c->st.last_step != w->step_seen || !w->step_at)) {
		w->step_seen = c->st.last_step;
		w->step_at = now;
	}
	if (c->first && !c->st.finished && !w->dump_at) {
		/* A step without progress (the agent still alive) or the whole
		 * run over its budget: ask guest init for the agent's thread
		 * states, give it a moment to answer, then give up. */
		w->step_stuck = !c->done && w->tmo_step > 0 &&
				now - w->step_at > w->tmo_step;
		if (w->step_stuck || now - c->first > w->tmo_run)
			w->dump_at =
			    w->ask_dump && w->ask_dump(w->dump_arg) == 0
				? now
				: now - 10;
	}
	if (w->dump_at && now - w->dump_at > 3) {
		if (w->step_stuck)
			snprintf(c->reason, sizeof(c->reason),
				 "step timeout: the guest agent made no "
				 "progress for %.0f s in step %s (a step's "
				 "warm-up, window and set-up take far less; "
				 "--run-timeout sets a limit for the whole run "
				 "instead)",
				 w->tmo_step,
				 c->st.last_progress[0]
				     ? c->st.last_progress
				     : "none (before the first)");
		else
			snprintf(c->reason, sizeof(c->reason),
				 "run timeout: the guest agent did not finish "
				 "within %.0f s (--run-timeout); last step: %s",
				 w->tmo_run,
				 c->st.last_progress[0] ? c->st.last_progress
							: "none");
		return VP_COLLECT_TIMEOUT;
	}
	if (c->done && now - c->done > POWEROFF_GRACE_S)
		c->stop = true;
	return VP_COLLECT_FINISHED;
}

bool vp_guest_watch_panic(const struct vp_guest_watch *w, char *reason,
			  size_t len)
{
	char line[400];

	if (!vp_log_has(w->console, "Kernel panic", line, sizeof(line)))
		return false;
	snprintf(reason, len, "guest panic: %s", line);
	return true;
}

void vp_guest_watch_stopped(const struct vp_guest_watch *w, char *reason,
			    size_t len)
{
	snprintf(reason, len, "guest stopped before the agent finished%s%s",
		 w->agent_exit[0] ? ": agent " : "", w->agent_exit);
}

void vp_guest_watch_evidence(const struct vp_guest_watch *w, char *out,
			     size_t len)
{
	char tail[1024];

	vp_log_tail(w->console, 4, tail, sizeof(tail));
	snprintf(out, len, "console tail: %s", tail[0] ? tail : "(empty)");
}
