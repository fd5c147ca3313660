/* The guest's serial ports through virDomainOpenConsole: each a
 * non-blocking libvirt stream whose data the event loop thread copies to a
 * file descriptor as it arrives: the agent channel into a socket that the
 * shared collector loop reads like any other agent stream, the kernel
 * console into console-<target>.log. The stream's end (the domain stopped,
 * the connection dropped) closes the descriptor: the collector sees EOF. */
#if HAVE_LIBVIRT
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "runner/targets/libvirt_internal.h"

static void stream_unref(struct lv_stream *ls)
{
	pthread_mutex_lock(&ls->lock);
	int left = --ls->refs;
	pthread_mutex_unlock(&ls->lock);
	if (left)
		return;
	if (ls->fd >= 0)
		close(ls->fd);
	if (ls->st)
		LV(virStreamFree)(ls->st);
	pthread_mutex_destroy(&ls->lock);
	free(ls);
}

/* Writes all of buf; a socket (MSG_NOSIGNAL: no SIGPIPE when the reader
 * is gone) or a file. */
static void put(int fd, const char *buf, size_t n)
{
	while (n) {
		ssize_t w = send(fd, buf, n, MSG_NOSIGNAL);

		if (w < 0 && errno == ENOTSOCK)
			w = write(fd, buf, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return;
		buf += w;
		n -= (size_t)w;
	}
}

/* Stream end: no more callbacks, the reader sees EOF. Lock held. */
static void stream_end(struct lv_stream *ls, const char *why)
{
	ls->ended = true;
	if (why && !ls->error[0])
		snprintf(ls->error, sizeof(ls->error), "%s", why);
	LV(virStreamEventRemoveCallback)(ls->st);
	if (ls->fd >= 0)
		close(ls->fd);
	ls->fd = -1;
}

/* Event loop thread: drain what the stream has now. */
static void on_stream(virStreamPtr st, int events, void *opaque)
{
	struct lv_stream *ls = opaque;
	char buf[16384];

	(void)events;
	pthread_mutex_lock(&ls->lock);
	while (!ls->ended) {
		int n = LV(virStreamRecv)(st, buf, sizeof(buf));

		if (n == -2) /* nothing more for now */
			break;
		if (n <= 0) {
			/* No Finish/Abort here: they are calls to the daemon,
			 * and this thread must stay free to deliver events
			 * (the one saying why the stream ended). */
			stream_end(ls, n < 0 ? lv_error() : NULL);
			break;
		}
		if (ls->fd >= 0)
			put(ls->fd, buf, (size_t)n);
	}
	pthread_mutex_unlock(&ls->lock);
}

struct lv_stream *lv_stream_open(struct lv_state *s, const char *alias, int fd,
				 char *err, size_t errlen)
{
	struct lv_stream *ls = calloc(1, sizeof(*ls));

	if (!ls) {
		snprintf(err, errlen, "out of memory");
		close(fd);
		return NULL;
	}
	/* Recursive: the last unref may come from a path holding it. */
	pthread_mutexattr_t ma;
	pthread_mutexattr_init(&ma);
	pthread_mutexattr_settype(&ma, PTHREAD_MUTEX_RECURSIVE);
	pthread_mutex_init(&ls->lock, &ma);
	pthread_mutexattr_destroy(&ma);
	ls->refs = 1;
	ls->fd = fd;
	ls->st = LV(virStreamNew)(s->conn, VIR_STREAM_NONBLOCK);
	if (!ls->st || LV(virDomainOpenConsole)(s->dom, alias, ls->st,
						VIR_DOMAIN_CONSOLE_FORCE) < 0) {
		snprintf(err, errlen,
			 "cannot open serial port %s of domain %s: %s", alias,
			 s->dom_name, lv_error());
		stream_unref(ls);
		return NULL;
	}
	/* No free function: libvirt's remote streams do not call it when
	 * the callback is removed. The struct lives until lv_stream_close
	 * drops the last reference in the loop thread (no callback can run
	 * then). */
	if (LV(virStreamEventAddCallback)(ls->st,
					  VIR_STREAM_EVENT_READABLE |
					      VIR_STREAM_EVENT_ERROR |
					      VIR_STREAM_EVENT_HANGUP,
					  on_stream, ls, NULL) < 0) {
		snprintf(err, errlen,
			 "cannot watch serial port %s of domain %s: %s", alias,
			 s->dom_name, lv_error());
		LV(virStreamAbort)(ls->st);
		stream_unref(ls);
		return NULL;
	}
	return ls;
}

struct send_req {
	struct lv_stream *ls;
	size_t len;
	char data[64];
};

static void send_in_loop(void *arg)
{
	struct send_req *r = arg;

	pthread_mutex_lock(&r->ls->lock);
	if (!r->ls->ended)
		LV(virStreamSend)(r->ls->st, r->data, r->len);
	pthread_mutex_unlock(&r->ls->lock);
	stream_unref(r->ls);
	free(r);
}

int lv_stream_send(struct lv_stream *ls, const char *data, size_t len)
{
	struct send_req *r = malloc(sizeof(*r));

	if (!r || len > sizeof(r->data)) {
		free(r);
		return -1;
	}
	pthread_mutex_lock(&ls->lock);
	ls->refs++;
	pthread_mutex_unlock(&ls->lock);
	r->ls = ls;
	r->len = len;
	memcpy(r->data, data, len);
	/* Receiving and sending both happen in the loop thread: one thread
	 * per stream at a time, as libvirt's own console client does. */
	if (lv_in_loop(send_in_loop, r) < 0) {
		stream_unref(ls);
		free(r);
		return -1;
	}
	return 0;
}

/* Loop thread: the last reference of the target goes (sends still
 * queued hold their own). */
static void unref_in_loop(void *arg)
{
	stream_unref(arg);
}

void lv_stream_close(struct lv_stream *ls)
{
	bool live;

	if (!ls)
		return;
	pthread_mutex_lock(&ls->lock);
	live = !ls->ended;
	if (live)
		stream_end(ls, NULL);
	pthread_mutex_unlock(&ls->lock);
	/* A live stream is ended on the daemon's side too (a callback that
	 * waited for the lock now sees `ended` and reads nothing more). One
	 * that reached EOF or failed is not: the daemon has closed it and
	 * would never answer an abort. */
	if (live) {
		LV(virStreamAbort)(ls->st);
		LV(virResetLastError)();
	}
	/* In the loop thread, after any callback already under way. */
	if (lv_in_loop(unref_in_loop, ls) < 0)
		stream_unref(ls);
}

#endif
