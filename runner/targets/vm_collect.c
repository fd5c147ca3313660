/* One boot of a vm target's guest, collected: the shared collector loop
 * (runner/agent/collector.h) with the vm target's own checks: guest init's
 * V, records and boot milestones, the boot and run timeouts (with a thread
 * dump asked of guest init first), a wedged guest kernel seen on the
 * console, a guest that finished but hangs in power-off, and the failure
 * evidence (panic line, QEMU's exit, console tail). */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner/agent/collector.h"
#include "runner/guest/guest.h"
#include "runner/targets/vm_attrib.h"
#include "runner/targets/vm_internal.h"
#include "runner/util/child.h"

/* A starved (not deadlocked) guest also reports stalls; it gets this long
 * to send another record before it counts as wedged. */
#define VM_WEDGE_GRACE_S 20.0
/* The guest powers off after X; this long, then QEMU is stopped. */
#define VM_POWEROFF_GRACE_S 15.0

/* Host-side timestamps (seconds since QEMU start) of the guest's
 * milestones: the deploy-cost breakdown in env.csv. */
struct milestones {
	double init, ready, first;
	double init_uptime;
	char modules[256];
};

struct vm_watch {
	struct vp_target *t;
	struct vm_state *s;
	int wfd; /* QEMU's stdin: the guest's ttyS1 */
	double tmo_boot, tmo_run;
	struct milestones ms;
	char agent_exit[160];
	double dump_at, console_check, wedge_at;
	off_t console_size, console_scanned;
	char wedge_line[256];
	bool first_seen;
	/* QEMU's start: milestones and the boot timeout count from here,
	 * not from the collector's start after the QMP setup. */
	double t_spawn;
	struct vm_attrib attrib; /* host-side view of every step */
};

static double run_timeout(const struct vp_plan *p, bool kvm)
{
	if (p->run_timeout_s > 0)
		return p->run_timeout_s;
	/* TCG guests are slow at everything around the measured windows
	 * (setup, scratch files, probes); give them a generous margin. */
	return vp_plan_measure_seconds(p) * (kvm ? 2.0 : 3.0) +
	       (double)vp_plan_steps(p) * (kvm ? 0.5 : 2.0) + 60.0;
}

/* Guest init's own records (V,...); see runner/agent/agent_stream.h. */
static bool vm_line(struct vp_collector *c, const char *line)
{
	struct vm_watch *w = c->priv;
	struct vp_emitter *out = c->out;
	const char *rest;

	if (strncmp(line, VP_GUEST_TAG, strlen(VP_GUEST_TAG)) != 0)
		return false;
	rest = line + strlen(VP_GUEST_TAG);
	if (strncmp(rest, "init,", 5) == 0) {
		w->ms.init_uptime = atof(rest + 5);
		w->ms.init = vp_child_now() - w->t_spawn;
	} else if (strncmp(rest, "ready,", 6) == 0) {
		const char *comma = strchr(rest + 6, ',');

		w->ms.ready = vp_child_now() - w->t_spawn;
		snprintf(w->ms.modules, sizeof(w->ms.modules), "%s",
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

/* The first agent record ends the deploy: its milestones go to env.csv. */
static void vm_record(struct vp_collector *c)
{
	struct vm_watch *w = c->priv;
	const struct milestones *ms = &w->ms;

	if (w->first_seen)
		return;
	w->first_seen = true;
	w->ms.first = c->first - w->t_spawn;
	vm_env_fmt(c->out, "boot_s", "%.3f", ms->first);
	if (ms->init > 0)
		vm_env_fmt(c->out, "boot_breakdown",
			   "init started %.3f s (guest uptime %.3f s), modules "
			   "loaded %.3f s%s%s%s, first agent record %.3f s "
			   "after QEMU start",
			   ms->init, ms->init_uptime, ms->ready,
			   ms->modules[0] ? " (" : "", ms->modules,
			   ms->modules[0] ? ")" : "", ms->first);
}

/* A write to QEMU's stdin that cannot kill the runner with SIGPIPE when
 * QEMU has just exited. */
static ssize_t write_nosigpipe(int fd, const void *buf, size_t len)
{
	sigset_t pipe_set, old;
	struct timespec zero = {0, 0};
	ssize_t n;

	sigemptyset(&pipe_set);
	sigaddset(&pipe_set, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe_set, &old);
	n = write(fd, buf, len);
	if (n < 0 && errno == EPIPE)
		sigtimedwait(&pipe_set, NULL, &zero);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return n;
}

/* Scans new console output (once a second) for soft lockups and RCU
 * stalls; a guest that sends a record afterwards was starved, not dead. */
static enum vp_collect_end check_wedged(struct vp_collector *c,
					struct vm_watch *w, double now)
{
	struct stat cst;

	if (now - w->console_check > 1.0) {
		w->console_check = now;
		if (!w->wedge_at && stat(w->s->console, &cst) == 0 &&
		    cst.st_size != w->console_size) {
			w->console_size = cst.st_size;
			if (vp_console_wedged(
				w->s->console, (long)w->console_scanned,
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
	if (w->wedge_at && now - w->wedge_at > VM_WEDGE_GRACE_S) {
		snprintf(c->reason, sizeof(c->reason),
			 "guest kernel wedged (no record for %.0f s after): %s",
			 VM_WEDGE_GRACE_S, w->wedge_line);
		return VP_COLLECT_FAULT;
	}
	return VP_COLLECT_FINISHED;
}

static enum vp_collect_end vm_check(struct vp_collector *c, double now)
{
	struct vm_watch *w = c->priv;
	enum vp_collect_end end = check_wedged(c, w, now);

	if (end != VP_COLLECT_FINISHED)
		return end;
	if (!c->first && now - w->t_spawn > w->tmo_boot) {
		snprintf(c->reason, sizeof(c->reason),
			 "boot timeout: no record from the guest agent within "
			 "%.0f s (--boot-timeout)",
			 w->tmo_boot);
		return VP_COLLECT_TIMEOUT;
	}
	if (c->first && !c->st.finished && now - c->first > w->tmo_run &&
	    !w->dump_at)
		/* Ask guest init for the agent's thread states, give it a
		 * moment to answer, then give up. */
		w->dump_at =
		    write_nosigpipe(w->wfd, "D\n", 2) == 2 ? now : now - 10;
	if (w->dump_at && now - w->dump_at > 3) {
		snprintf(c->reason, sizeof(c->reason),
			 "run timeout: the guest agent did not finish within "
			 "%.0f s (--run-timeout); last step: %s",
			 w->tmo_run,
			 c->st.last_progress[0] ? c->st.last_progress : "none");
		return VP_COLLECT_TIMEOUT;
	}
	if (c->done && now - c->done > VM_POWEROFF_GRACE_S)
		c->stop = true;
	return VP_COLLECT_FINISHED;
}

static void vm_explain(struct vp_collector *c, char *reason, size_t len)
{
	struct vm_watch *w = c->priv;
	char line[400];

	if (vp_log_has(w->s->console, "Kernel panic", line, sizeof(line)))
		snprintf(reason, len, "guest panic: %s", line);
	else if (c->exited && WIFEXITED(c->status) && WEXITSTATUS(c->status))
		snprintf(reason, len,
			 "QEMU exited with status %d before the agent finished",
			 WEXITSTATUS(c->status));
	else
		snprintf(reason, len,
			 "guest stopped before the agent finished%s%s",
			 w->agent_exit[0] ? ": agent " : "", w->agent_exit);
}

static void vm_evidence(struct vp_collector *c, const char *reason, char *out,
			size_t len)
{
	struct vm_watch *w = c->priv;
	char tail[1024];

	vp_log_tail(w->s->console, 4, tail, sizeof(tail));
	if (!tail[0] || strstr(reason, "QEMU exited"))
		vp_log_tail(w->s->qemu_log, 3, tail, sizeof(tail));
	snprintf(out, len, "console tail: %s", tail[0] ? tail : "(empty)");
}

static const struct vp_collector_hooks vm_hooks = {
    .line = vm_line,
    .record = vm_record,
    .check = vm_check,
    .explain = vm_explain,
    .evidence = vm_evidence,
};

int vm_run_once(struct vp_target *t, struct vp_emitter *out, int attempt,
		bool *booted, char *err, size_t errlen)
{
	struct vm_state *s = t->priv;
	struct vm_watch *w = calloc(1, sizeof(*w));
	struct vp_collector c = {0};
	char pinning[1024], stats[512];
	int rfd = -1, rc;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	w->t = t;
	w->s = s;
	w->wfd = -1;

	*booted = false;
	w->tmo_run = run_timeout(t->plan, s->kvm);
	w->tmo_boot =
	    t->plan->boot_timeout_s > 0 ? t->plan->boot_timeout_s : 60;
	rc = vm_spawn_qemu(t, s, &rfd, &w->wfd, attempt == 0 ? out : NULL, err,
			   errlen);
	if (rc) {
		free(w);
		return rc;
	}
	w->t_spawn = vp_child_now();
	/* One QMP connection per boot: thread ids for pinning and for the
	 * per-step vCPU samples, KVM statistics. */
	vm_attrib_open(&w->attrib, out, &t->ti, s->pid, s->qmp, s->kvm);
	vm_pin_vcpus(t, w->attrib.tids, w->attrib.ntids, w->attrib.tid_why,
		     pinning, sizeof(pinning));
	vm_attrib_describe(&w->attrib, stats, sizeof(stats));
	if (attempt == 0) {
		out->env(out, "vcpu_pinning", pinning);
		out->env(out, "vcpu_stats", stats);
	}
	c.fd = rfd;
	c.poll_ms = 100;
	c.ti = &t->ti;
	c.out = vm_attrib_emitter(&w->attrib);
	c.interrupted = t->interrupted;
	c.pid = s->pid;
	c.eof_grace_s = 5;
	c.priv = w;
	rc = vp_collect(&c, &vm_hooks, err, errlen);
	vm_attrib_close(&w->attrib);
	s->pid = -1;
	close(rfd);
	close(w->wfd);
	*booted = c.first > 0;
	free(w);
	return rc;
}
