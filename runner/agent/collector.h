/* The collector: the one loop that reads an agent's stream from a target
 * (a guest's serial channel, ssh's stdout, a libvirt console stream bridged
 * to a pipe) and turns it into rows, env facts and progress, or into a
 * failure with its reason and the target's evidence.
 *
 * Lifecycle: the target fills a vp_collector (fd, target info, emitter, its
 * child's pid if it has one) and a vp_collector_hooks table with its own
 * checks, then calls vp_collect once. The loop polls the fd, feeds every
 * line to the target's `line` hook first (its private records, such as
 * guest init's V, lines) and else to the agent stream parser; between reads
 * it checks Ctrl-C and asks the `check` hook whether to give up (timeouts,
 * a wedged kernel). After the loop it reaps or stops the child and, when
 * the agent did not finish, composes "<reason>; <evidence>" from the
 * `explain` and `evidence` hooks. Each hook is optional. The shape is fio's
 * ioengine_ops: the loop is shared, targets add only their own checks. */
#ifndef VP_COLLECTOR_H
#define VP_COLLECTOR_H

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>

#include "runner/agent/agent_stream.h"

/* Why the loop stopped; the errno a target returns follows from it. */
enum vp_collect_end {
	VP_COLLECT_FINISHED = 0, /* the agent sent X */
	VP_COLLECT_EOF,		 /* the stream ended without X */
	VP_COLLECT_INTERRUPTED,	 /* Ctrl-C */
	VP_COLLECT_TIMEOUT,	 /* a check hook gave up on time */
	VP_COLLECT_FAULT,	 /* a check hook saw the target fail */
	VP_COLLECT_NOMEM,
};

struct vp_collector;

struct vp_collector_hooks {
	/* A line before the agent stream parser sees it. Returns true when
	 * the line was the target's own (it is then not parsed further). */
	bool (*line)(struct vp_collector *c, const char *line);
	/* After each agent record; c->first and c->last_record are set. */
	void (*record)(struct vp_collector *c);
	/* Between reads: VP_COLLECT_FINISHED to go on, else the end code
	 * with c->reason filled (timeouts, faults). May also end the loop
	 * quietly by setting c->stop (a guest that finished but hangs in
	 * power-off). */
	enum vp_collect_end (*check)(struct vp_collector *c, double now);
	/* The agent did not finish and no check said why: the reason from
	 * the child's exit (c->exited, c->status) and the target's logs. */
	void (*explain)(struct vp_collector *c, char *reason, size_t len);
	/* The evidence appended to the reason: console tail, ssh output. */
	void (*evidence)(struct vp_collector *c, const char *reason, char *out,
			 size_t len);
};

struct vp_collector {
	/* Set by the target. */
	int fd;	     /* the stream, read until EOF */
	int poll_ms; /* wait per read, e.g. 100 */
	const struct vp_target_info *ti;
	struct vp_emitter *out;
	volatile int *interrupted; /* Ctrl-C flag, may be NULL */
	pid_t pid;		   /* child to reap or stop; <= 0: none */
	double eof_grace_s;	   /* wait for the child after EOF */
	void *priv;		   /* the target's own state */
	/* Set by the loop. */
	struct vp_stream_stats st;
	double t0;	    /* monotonic start of vp_collect */
	double first;	    /* first agent record (0 = none yet) */
	double last_record; /* latest agent record */
	double done;	    /* when X arrived (0 = not yet) */
	bool eof, stop;
	bool exited; /* the child exited by itself; status is its status */
	int status;
	enum vp_collect_end end;
	char reason[512];
};

/* Runs the loop. Returns 0 when the agent finished, else -ETIMEDOUT,
 * -EINTR, -ENOMEM or -EIO with "<reason>; <evidence>" in err. The child
 * (c->pid) has been reaped either way and c->pid is -1. */
int vp_collect(struct vp_collector *c, const struct vp_collector_hooks *h,
	       char *err, size_t errlen);

/* The errno that goes with an end code. */
int vp_collect_errno(enum vp_collect_end end);

#endif
