/* One boot of a vm target's guest, collected: the shared collector loop
 * (runner/agent/collector.h) with the guest watch shared with the libvirt
 * target (guest_watch.h: V, records, milestones, timeouts, wedged kernel,
 * power-off grace, panic) and the vm target's own parts: the thread-dump
 * request written to QEMU's stdin, QEMU's exit status and log. */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "runner/agent/collector.h"
#include "runner/guest/guest.h"
#include "runner/targets/guest_watch.h"
#include "runner/targets/vm_attrib.h"
#include "runner/targets/vm_internal.h"
#include "runner/util/child.h"
#include "runner/util/phase_log.h"

struct vm_watch {
	struct vp_target *t;
	struct vm_state *s;
	int wfd; /* QEMU's stdin: the guest's ttyS1 */
	struct vp_guest_watch g;
	struct vm_attrib attrib; /* host-side view of every step */
};

/* Guest init's own records (V,...); see runner/agent/agent_stream.h. */
static bool vm_line(struct vp_collector *c, const char *line)
{
	struct vm_watch *w = c->priv;

	return vp_guest_watch_line(&w->g, c, line);
}

/* The first agent record ends the deploy: its milestones go to env.csv. */
static void vm_record(struct vp_collector *c)
{
	struct vm_watch *w = c->priv;

	vp_guest_watch_record(&w->g, c);
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

/* Guest init answers 'D' on its channel with the agent's thread states. */
static int vm_ask_dump(void *arg)
{
	struct vm_watch *w = arg;

	return write_nosigpipe(w->wfd, "D\n", 2) == 2 ? 0 : -1;
}

static enum vp_collect_end vm_check(struct vp_collector *c, double now)
{
	struct vm_watch *w = c->priv;

	return vp_guest_watch_check(&w->g, c, now);
}

static void vm_explain(struct vp_collector *c, char *reason, size_t len)
{
	struct vm_watch *w = c->priv;

	if (vp_guest_watch_panic(&w->g, reason, len))
		return;
	if (c->exited && WIFEXITED(c->status) && WEXITSTATUS(c->status))
		snprintf(reason, len,
			 "QEMU exited with status %d before the agent finished",
			 WEXITSTATUS(c->status));
	else
		vp_guest_watch_stopped(&w->g, reason, len);
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
	char pinning[1024], stats[512], threads[512];
	int rfd = -1, rc;

	if (!w) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	w->t = t;
	w->s = s;
	w->wfd = -1;

	*booted = false;
	w->g.console = s->console;
	w->g.start_what = "QEMU start";
	w->g.tmo_run = vp_guest_run_timeout(t->plan, s->kvm);
	w->g.tmo_step = vp_guest_step_timeout(t->plan, s->kvm);
	w->g.tmo_boot =
	    t->plan->boot_timeout_s > 0 ? t->plan->boot_timeout_s : 60;
	w->g.ask_dump = vm_ask_dump;
	w->g.dump_arg = w;
	rc = vm_spawn_qemu(t, s, &rfd, &w->wfd, attempt == 0 ? out : NULL, err,
			   errlen);
	if (rc) {
		free(w);
		return rc;
	}
	w->g.t_start = vp_child_now();
	vp_phase_log(t->name, "spawned", NULL);
	/* One QMP connection per boot: thread ids for pinning and for the
	 * per-step vCPU samples, KVM statistics. */
	vm_attrib_open(&w->attrib, out, &t->ti, s->pid, s->qmp, s->kvm);
	vm_pin_vcpus(t, s, w->attrib.tids, w->attrib.ntids, w->attrib.tid_why,
		     pinning, sizeof(pinning), threads, sizeof(threads));
	vm_attrib_describe(&w->attrib, stats, sizeof(stats));
	if (attempt == 0) {
		out->env(out, "vcpu_pinning", pinning);
		out->env(out, "qemu_thread_cpus", threads);
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
	vp_phase_log(t->name, "collected", NULL);
	vm_attrib_close(&w->attrib);
	s->pid = -1;
	close(rfd);
	close(w->wfd);
	*booted = c.first > 0;
	free(w);
	return rc;
}
