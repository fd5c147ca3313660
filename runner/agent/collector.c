/* The collector loop shared by every remote-agent target (see collector.h):
 * poll, dispatch lines, Ctrl-C, the target's checks, reap or stop the child,
 * reason plus evidence. */
#include "runner/agent/collector.h"

#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "runner/agent/line_reader.h"
#include "runner/util/child.h"

int vp_collect_errno(enum vp_collect_end end)
{
	switch (end) {
	case VP_COLLECT_FINISHED:
		return 0;
	case VP_COLLECT_TIMEOUT:
		return -ETIMEDOUT;
	case VP_COLLECT_INTERRUPTED:
		return -EINTR;
	case VP_COLLECT_NOMEM:
		return -ENOMEM;
	default:
		return -EIO;
	}
}

struct feed {
	struct vp_collector *c;
	const struct vp_collector_hooks *h;
};

static void feed_line(char *line, void *arg)
{
	struct feed *f = arg;
	struct vp_collector *c = f->c;

	if (f->h->line && f->h->line(c, line))
		return;
	if (vp_stream_feed_line(line, c->ti, c->out, &c->st) != 1)
		return;
	c->last_record = vp_child_now();
	if (c->first == 0)
		c->first = c->last_record;
	if (f->h->record)
		f->h->record(c);
}

/* One poll and the checks after it; VP_COLLECT_FINISHED means go on. */
static enum vp_collect_end step(struct vp_collector *c,
				struct vp_line_reader *lr, struct feed *f)
{
	int got = vp_line_reader_poll(lr, c->fd, c->poll_ms, feed_line, f);
	double now = vp_child_now();

	if (got == -ENOMEM) {
		snprintf(c->reason, sizeof(c->reason), "out of memory");
		return VP_COLLECT_NOMEM;
	}
	c->eof = got == -1;
	if (c->st.finished && c->done == 0)
		c->done = now;
	if (c->interrupted && *c->interrupted) {
		snprintf(c->reason, sizeof(c->reason), "interrupted");
		return VP_COLLECT_INTERRUPTED;
	}
	return f->h->check ? f->h->check(c, now) : VP_COLLECT_FINISHED;
}

/* After EOF the child gets eof_grace_s to exit by itself; otherwise (a
 * check gave up, Ctrl-C) it is stopped at once. */
static void reap(struct vp_collector *c)
{
	if (c->pid <= 0)
		return;
	if (vp_child_wait(c->pid, c->eof ? c->eof_grace_s : 0, &c->status) == 1)
		c->exited = true;
	else
		c->status = vp_child_stop(c->pid, 2);
	c->pid = -1;
}

int vp_collect(struct vp_collector *c, const struct vp_collector_hooks *h,
	       char *err, size_t errlen)
{
	struct vp_line_reader lr = {0};
	struct feed f = {c, h};
	char evidence[1024] = "";

	memset(&c->st, 0, sizeof(c->st));
	c->t0 = vp_child_now();
	c->first = c->last_record = c->done = 0;
	c->eof = c->stop = c->exited = false;
	c->status = 0;
	c->reason[0] = '\0';
	c->end = VP_COLLECT_FINISHED;
	while (!c->eof && !c->stop && c->end == VP_COLLECT_FINISHED)
		c->end = step(c, &lr, &f);
	vp_line_reader_free(&lr);
	reap(c);
	if (c->st.finished) {
		c->end = VP_COLLECT_FINISHED;
		return 0;
	}
	if (c->end == VP_COLLECT_FINISHED)
		c->end = VP_COLLECT_EOF;
	if (!c->reason[0] && h->explain)
		h->explain(c, c->reason, sizeof(c->reason));
	if (!c->reason[0])
		snprintf(c->reason, sizeof(c->reason),
			 "the agent's stream ended before it finished");
	if (h->evidence)
		h->evidence(c, c->reason, evidence, sizeof(evidence));
	snprintf(err, errlen, "%s%s%s", c->reason, evidence[0] ? "; " : "",
		 evidence);
	return vp_collect_errno(c->end);
}
