/* One boot of the libvirt target's domain, collected: the domain started
 * paused (so no early console or channel byte is lost), both serial ports
 * opened as streams, then resumed; the agent channel goes through the
 * shared collector loop with the guest watch (guest_watch.h) and the
 * libvirt target's own checks: the connection lost, the domain destroyed
 * from outside; the host-side vCPU samples at the agent's step marks
 * (libvirt_sample.c) sit between the collector and the run's emitter. */
#if HAVE_LIBVIRT
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include "runner/agent/collector.h"
#include "runner/targets/guest_image.h"
#include "runner/targets/guest_watch.h"
#include "runner/targets/libvirt_internal.h"
#include "runner/targets/libvirt_xml.h"
#include "runner/util/child.h"

struct lv_watch {
	struct vp_target *t;
	struct lv_state *s;
	struct vp_guest_watch g;
	struct lv_sampler smp;
	double t_start; /* when the domain was created */
};

static bool lv_line(struct vp_collector *c, const char *line)
{
	struct lv_watch *w = c->priv;

	return vp_guest_watch_line(&w->g, c, line);
}

static void lv_record(struct vp_collector *c)
{
	struct lv_watch *w = c->priv;
	bool first = !w->g.first_seen;

	vp_guest_watch_record(&w->g, c);
	if (first)
		vp_emit_envf(
		    c->out, "deploy_breakdown",
		    "pool and uploads %.3f s, domain created and consoles "
		    "opened %.3f s, first agent record %.3f s after "
		    "domain start",
		    w->s->upload_s, w->s->domain_start_s,
		    c->first - w->t_start);
}

static int lv_ask_dump(void *arg)
{
	struct lv_watch *w = arg;

	return lv_stream_send(w->s->agent, "D\n", 2);
}

static bool destroyed_outside(const struct lv_state *s)
{
	return __atomic_load_n(&s->stopped, __ATOMIC_ACQUIRE) &&
	       s->stopped_detail == VIR_DOMAIN_EVENT_STOPPED_DESTROYED &&
	       !s->we_stop;
}

static bool conn_lost(const struct lv_state *s)
{
	return __atomic_load_n(&s->conn_lost, __ATOMIC_ACQUIRE);
}

static enum vp_collect_end lv_check(struct vp_collector *c, double now)
{
	struct lv_watch *w = c->priv;
	struct lv_state *s = w->s;
	enum vp_collect_end end = vp_guest_watch_check(&w->g, c, now);

	if (end != VP_COLLECT_FINISHED || c->st.finished)
		return end;
	if (conn_lost(s)) {
		snprintf(c->reason, sizeof(c->reason),
			 "lost the connection to %s (%s) before the agent "
			 "finished",
			 s->uri, s->conn_lost_why);
		return VP_COLLECT_FAULT;
	}
	if (destroyed_outside(s)) {
		snprintf(c->reason, sizeof(c->reason),
			 "domain %s was destroyed from outside (virsh destroy "
			 "or another manager) before the agent finished",
			 s->dom_name);
		return VP_COLLECT_FAULT;
	}
	return VP_COLLECT_FINISHED;
}

static void lv_explain(struct vp_collector *c, char *reason, size_t len)
{
	struct lv_watch *w = c->priv;
	struct lv_state *s = w->s;

	/* The channel's end can overtake the event saying why (seconds on
	 * a loaded host). */
	for (int i = 0; i < 50 && !s->stopped && !conn_lost(s); i++)
		nanosleep(&(struct timespec){0, 100000000}, NULL);
	if (vp_guest_watch_panic(&w->g, reason, len))
		return;
	if (conn_lost(s))
		snprintf(reason, len,
			 "lost the connection to %s (%s) before the agent "
			 "finished",
			 s->uri, s->conn_lost_why);
	else if (destroyed_outside(s))
		snprintf(reason, len,
			 "domain %s was destroyed from outside (virsh destroy "
			 "or another manager) before the agent finished",
			 s->dom_name);
	else if (s->stopped &&
		 s->stopped_detail == VIR_DOMAIN_EVENT_STOPPED_FAILED)
		snprintf(reason, len,
			 "libvirt reports that domain %s failed (QEMU died?) "
			 "before the agent finished",
			 s->dom_name);
	else if (s->agent && s->agent->error[0])
		snprintf(reason, len, "the agent channel failed: %s",
			 s->agent->error);
	else
		vp_guest_watch_stopped(&w->g, reason, len);
}

static void lv_evidence(struct vp_collector *c, const char *reason, char *out,
			size_t len)
{
	struct lv_watch *w = c->priv;

	(void)reason;
	vp_guest_watch_evidence(&w->g, out, len);
}

static const struct vp_collector_hooks lv_hooks = {
    .line = lv_line,
    .record = lv_record,
    .check = lv_check,
    .explain = lv_explain,
    .evidence = lv_evidence,
};

/* The domain, paused, with both serial ports bridged; *rfd reads the
 * agent channel. */
static int domain_start(struct vp_target *t, struct lv_state *s,
			const char *cache, const char *io, int *rfd, char *err,
			size_t errlen)
{
	struct vp_libvirt_domain_cfg cfg = {0};
	char cmdline[1024], *xml = NULL;
	int sv[2] = {-1, -1}, cfd;
	int rc;

	vp_guest_cmdline(t, s->fault, cmdline, sizeof(cmdline));
	cfg.name = s->dom_name;
	cfg.kvm = s->kvm;
	cfg.vcpus = t->vcpus;
	cfg.mem_mb = LV_MEM_MB;
	cfg.kernel = s->kernel_path;
	cfg.initrd = s->initrd_path;
	cfg.cmdline = cmdline;
	cfg.disk = s->disk_path[0] ? s->disk_path : NULL;
	cfg.disk_cache = cache;
	cfg.disk_io = io;
	rc = vp_libvirt_domain_xml(&cfg, &xml, err, errlen);
	if (rc)
		return rc;
	/* AUTODESTROY: should this process die, libvirt ends the domain when
	 * the connection closes. */
	s->dom = LV(virDomainCreateXML)(s->conn, xml,
					VIR_DOMAIN_START_PAUSED |
					    VIR_DOMAIN_START_AUTODESTROY);
	free(xml);
	if (!s->dom) {
		snprintf(err, errlen, "cannot start domain %s on %s: %s",
			 s->dom_name, s->uri, lv_error());
		return -EIO;
	}
	rc = lv_watch_domain(s, err, errlen);
	if (rc)
		return rc;
	cfd = open(s->console,
		   O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0644);
	if (cfd < 0 ||
	    socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv) != 0) {
		rc = -errno;
		snprintf(err, errlen, "cannot create %s: %s", s->console,
			 strerror(errno));
		if (cfd >= 0)
			close(cfd);
		return rc;
	}
	s->cons = lv_stream_open(s, VP_LIBVIRT_CONSOLE_ALIAS, cfd, err, errlen);
	s->agent = s->cons ? lv_stream_open(s, VP_LIBVIRT_AGENT_ALIAS, sv[1],
					    err, errlen)
			   : NULL;
	if (!s->cons)
		close(sv[1]);
	if (!s->agent) {
		close(sv[0]);
		return -EIO;
	}
	if (LV(virDomainResume)(s->dom) < 0) {
		snprintf(err, errlen, "cannot resume domain %s: %s",
			 s->dom_name, lv_error());
		close(sv[0]);
		return -EIO;
	}
	*rfd = sv[0];
	return 0;
}

/* Starts the domain; a scratch disk that refuses O_DIRECT (cache=none,
 * e.g. on tmpfs) is retried with the page cache. */
static int domain_boot(struct vp_target *t, struct lv_state *s, int *rfd,
		       struct vp_emitter *out, char *err, size_t errlen)
{
	double t0 = vp_child_now();
	int rc = domain_start(t, s, "none", "native", rfd, err, errlen);
	bool cached = false;

	/* A host can list kvm domains yet refuse them (a /dev/kvm that QEMU
	 * may not open): with --accel auto that means TCG, and says why. */
	if (rc && !s->dom && s->kvm && strcmp(t->plan->accel, "auto") == 0) {
		snprintf(s->accel_why, sizeof(s->accel_why),
			 "the kvm domain did not start: %s", err);
		s->kvm = false;
		snprintf(t->ti.accel, sizeof(t->ti.accel), "tcg");
		rc = domain_start(t, s, "none", "native", rfd, err, errlen);
	}
	if (rc && s->disk_path[0] && !s->dom) {
		cached = true;
		rc = domain_start(t, s, "writeback", "threads", rfd, err,
				  errlen);
	}
	s->domain_start_s = vp_child_now() - t0;
	if (!rc && out && s->disk_path[0])
		vp_emit_envf(out, "guest_disk", "virtio-blk volume %s cache=%s",
			     s->disk_path, cached ? "writeback" : "none");
	return rc;
}

/* Has the stream ended by itself (EOF, error)? */
static bool stream_ended(struct lv_stream *ls)
{
	bool ended;

	if (!ls)
		return true;
	pthread_mutex_lock(&ls->lock);
	ended = ls->ended;
	pthread_mutex_unlock(&ls->lock);
	return ended;
}

/* The order matters: libvirt 9.0's daemon deadlocks (all domain calls
 * hang) when a client aborts a console stream while the daemon frees the
 * domain's character devices at its stop. So a domain that is stopping by
 * itself (its channel ended) is waited for, and its streams are dropped
 * without an abort once they end; a domain still running has its streams
 * aborted first, then is destroyed. */
void lv_domain_stop(struct lv_state *s)
{
	bool stopping = !s->conn_lost &&
			(s->stopped || (s->agent && stream_ended(s->agent)));

	s->we_stop = 1;
	for (int i = 0; stopping && i < 50; i++) {
		if (s->stopped && stream_ended(s->agent) &&
		    stream_ended(s->cons))
			break;
		nanosleep(&(struct timespec){0, 100000000}, NULL);
	}
	lv_stream_close(s->agent);
	lv_stream_close(s->cons);
	s->agent = s->cons = NULL;
	if (s->dom) {
		LV(virDomainDestroy)(s->dom); /* fails harmlessly when gone */
		LV(virResetLastError)();
	}
	if (s->conn && s->lifecycle_cb >= 0) {
		LV(virConnectDomainEventDeregisterAny)
		(s->conn, s->lifecycle_cb);
		s->lifecycle_cb = -1;
	}
	if (s->dom)
		LV(virDomainFree)(s->dom);
	s->dom = NULL;
	s->stopped = s->we_stop = 0;
}

int lv_run(struct vp_target *t, struct lv_state *s, struct vp_emitter *out,
	   int attempt, bool *booted, char *err, size_t errlen)
{
	struct lv_watch w = {.t = t, .s = s};
	struct vp_collector c = {0};
	int rfd = -1, rc;

	*booted = false;
	snprintf(s->dom_name, sizeof(s->dom_name), "%s-%d", s->base, attempt);
	w.g.console = s->console;
	w.g.start_what = "domain start";
	w.g.tmo_run = vp_guest_run_timeout(t->plan, s->kvm);
	w.g.tmo_step = vp_guest_step_timeout(t->plan, s->kvm);
	w.g.tmo_boot =
	    t->plan->boot_timeout_s > 0 ? t->plan->boot_timeout_s : 60;
	w.g.ask_dump = lv_ask_dump;
	w.g.dump_arg = &w;
	w.t_start = vp_child_now();
	rc = domain_boot(t, s, &rfd, attempt == 0 ? out : NULL, err, errlen);
	if (attempt == 0)
		lv_env_accel(t, s, out);
	if (rc)
		return rc;
	s->started = true;
	struct vp_target_info host_ti = t->ti; /* the accelerator is settled */
	host_ti.vcpus = (int)t->vcpus;
	lv_sampler_open(&w.smp, s, out, &host_ti);
	c.fd = rfd;
	c.poll_ms = 100;
	c.ti = &t->ti;
	c.out = lv_sampler_emitter(&w.smp);
	c.interrupted = t->interrupted;
	c.pid = -1;
	c.priv = &w;
	rc = vp_collect(&c, &lv_hooks, err, errlen);
	lv_sampler_close(&w.smp);
	close(rfd);
	*booted = c.first > 0;
	return rc;
}
#endif
