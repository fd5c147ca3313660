/* The libvirt target's connection: one process-wide event loop thread
 * (libvirt delivers stream data, domain lifecycle events, keepalive
 * answers and connection-close notices only through a running event loop,
 * for every connection of the process: many hosts at once share it), the
 * connection with its close callback and keepalive, and the domain's
 * lifecycle callback. */
#if HAVE_LIBVIRT
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/targets/libvirt_internal.h"

static pthread_once_t loop_once = PTHREAD_ONCE_INIT;
static int loop_rc;
static char loop_err[256];

/* libvirt prints every error on stderr by default; here each one ends in
 * a row's note or a message instead. */
static void quiet_errors(void *opaque, virErrorPtr e)
{
	(void)opaque;
	(void)e;
}

static void *loop_main(void *arg)
{
	(void)arg;
	for (;;)
		if (LV(virEventRunDefaultImpl)() < 0)
			break;
	return NULL;
}

static void loop_init(void)
{
	sigset_t all, old;
	pthread_t th;

	if ((loop_rc = lv_dl_load(loop_err, sizeof(loop_err))))
		return;
	LV(virSetErrorFunc)(NULL, quiet_errors);
	if (LV(virInitialize)() < 0 || LV(virEventRegisterDefaultImpl)() < 0) {
		snprintf(loop_err, sizeof(loop_err), "libvirt event loop: %s",
			 lv_error());
		loop_rc = -EIO;
		return;
	}
	/* Signals (Ctrl-C) go to the runner's threads, not to the loop. */
	sigfillset(&all);
	pthread_sigmask(SIG_BLOCK, &all, &old);
	loop_rc = -pthread_create(&th, NULL, loop_main, NULL);
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (loop_rc)
		snprintf(loop_err, sizeof(loop_err),
			 "cannot start the libvirt event thread: %s",
			 strerror(-loop_rc));
	else
		pthread_detach(th);
}

int lv_event_loop_start(char *err, size_t errlen)
{
	pthread_once(&loop_once, loop_init);
	if (loop_rc)
		snprintf(err, errlen, "%s", loop_err);
	return loop_rc;
}

const char *lv_error(void)
{
	const char *m = LV(virGetLastErrorMessage)();

	return m ? m : "unknown libvirt error";
}

struct in_loop {
	void (*fn)(void *arg);
	void *arg;
};

static void in_loop_fire(int timer, void *opaque)
{
	struct in_loop *l = opaque;

	LV(virEventRemoveTimeout)(timer);
	l->fn(l->arg);
}

int lv_in_loop(void (*fn)(void *arg), void *arg)
{
	struct in_loop *l = malloc(sizeof(*l));

	if (!l)
		return -1;
	l->fn = fn;
	l->arg = arg;
	if (LV(virEventAddTimeout)(0, in_loop_fire, l, free) < 0) {
		free(l);
		return -1;
	}
	return 0;
}

static void on_close(virConnectPtr conn, int reason, void *opaque)
{
	struct lv_state *s = opaque;
	static const char *const why[] = {
	    [VIR_CONNECT_CLOSE_REASON_ERROR] = "connection error",
	    [VIR_CONNECT_CLOSE_REASON_EOF] = "the other end closed it",
	    [VIR_CONNECT_CLOSE_REASON_KEEPALIVE] = "keepalive timed out",
	    [VIR_CONNECT_CLOSE_REASON_CLIENT] = "closed by this client",
	};

	(void)conn;
	snprintf(s->conn_lost_why, sizeof(s->conn_lost_why), "%s",
		 reason >= 0 && reason <= VIR_CONNECT_CLOSE_REASON_CLIENT
		     ? why[reason]
		     : "unknown reason");
	__atomic_store_n(&s->conn_lost, 1, __ATOMIC_RELEASE);
}

int lv_connect(struct lv_state *s, char *err, size_t errlen)
{
	int rc = lv_event_loop_start(err, errlen);

	if (rc)
		return rc;
	s->conn = LV(virConnectOpen)(s->uri);
	if (!s->conn) {
		snprintf(err, errlen, "cannot connect to %s: %s", s->uri,
			 lv_error());
		return -ECONNREFUSED;
	}
	/* A host that stops answering is noticed within ~20 s (5 s x 3
	 * unanswered probes, plus the last interval), not at the end of the
	 * run timeout. */
	if (LV(virConnectSetKeepAlive)(s->conn, 5, 3) < 0)
		LV(virResetLastError)(); /* local drivers have no keepalive */
	if (LV(virConnectRegisterCloseCallback)(s->conn, on_close, s, NULL) ==
	    0)
		s->close_cb = true;
	return 0;
}

static void on_lifecycle(virConnectPtr conn, virDomainPtr dom, int event,
			 int detail, void *opaque)
{
	struct lv_state *s = opaque;

	(void)conn;
	(void)dom;
	/* A destroy (virsh destroy, a signal to QEMU) shows first as
	 * SHUTDOWN "host" (QEMU's own shutdown event), then STOPPED
	 * "destroyed"; a guest power-off as SHUTDOWN "guest", STOPPED
	 * "shutdown". The first one that says how decides. */
	if (event == VIR_DOMAIN_EVENT_SHUTDOWN &&
	    detail == VIR_DOMAIN_EVENT_SHUTDOWN_HOST)
		detail = VIR_DOMAIN_EVENT_STOPPED_DESTROYED;
	else if (event == VIR_DOMAIN_EVENT_SHUTDOWN &&
		 detail == VIR_DOMAIN_EVENT_SHUTDOWN_GUEST)
		detail = VIR_DOMAIN_EVENT_STOPPED_SHUTDOWN;
	else if (event != VIR_DOMAIN_EVENT_STOPPED)
		return;
	if (__atomic_load_n(&s->stopped, __ATOMIC_ACQUIRE))
		return;
	s->stopped_detail = detail;
	__atomic_store_n(&s->stopped, 1, __ATOMIC_RELEASE);
}

int lv_watch_domain(struct lv_state *s, char *err, size_t errlen)
{
	s->lifecycle_cb = LV(virConnectDomainEventRegisterAny)(
	    s->conn, s->dom, VIR_DOMAIN_EVENT_ID_LIFECYCLE,
	    VIR_DOMAIN_EVENT_CALLBACK(on_lifecycle), s, NULL);
	if (s->lifecycle_cb < 0) {
		snprintf(err, errlen,
			 "cannot watch domain %s for lifecycle events: %s",
			 s->dom_name, lv_error());
		return -EIO;
	}
	return 0;
}

void lv_disconnect(struct lv_state *s)
{
	if (!s->conn)
		return;
	if (s->lifecycle_cb >= 0)
		LV(virConnectDomainEventDeregisterAny)
		(s->conn, s->lifecycle_cb);
	s->lifecycle_cb = -1;
	if (s->close_cb)
		LV(virConnectUnregisterCloseCallback)(s->conn, on_close);
	s->close_cb = false;
	LV(virConnectClose)(s->conn);
	s->conn = NULL;
}
#endif
