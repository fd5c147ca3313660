/* Per-thread scheduler accounting from /proc: the three numbers of
 * /proc/<pid>/task/<tid>/schedstat and the context-switch counts of the
 * task's status file. Used inside a target for the benchmark threads'
 * run-queue delay (runq_delay_pct) and, on the host, for QEMU's vCPU
 * threads (time runnable but not running = a preempted virtual CPU).
 *
 * schedstat is one line "<run_ns> <wait_ns> <slices>\n":
 *   run_ns  - time the task spent on a CPU (se.sum_exec_runtime), ns
 *   wait_ns - time it was runnable but waiting on a run queue
 *             (sched_info.run_delay), ns
 *   slices  - timeslices it ran (sched_info.pcount)
 * The file exists only in kernels built with CONFIG_SCHED_INFO (selected by
 * CONFIG_SCHEDSTATS or CONFIG_TASK_DELAY_ACCT); without it the readers
 * return -ENOENT so callers can emit an `unavailable` row with that reason.
 * Older kernels (before 5.x) whose sched_info is switched off at run time
 * (no CONFIG_SCHEDSTATS and delay accounting off) print "0 0 0": a thread
 * that has run cannot have run_ns 0, so callers treat an all-zero reading
 * of a running thread as "accounting off" (vp_schedstat_is_off).
 *
 * This file is ground floor: it includes nothing from workloads/ or
 * runner/. Parsers are pure (tests feed them recorded samples); readers open
 * the file, read it once into a stack buffer and close it. */
#ifndef VP_SCHEDSTAT_H
#define VP_SCHEDSTAT_H

#include <stddef.h>
#include <sys/types.h>

struct vp_schedstat {
	unsigned long long run_ns;  /* on a CPU */
	unsigned long long wait_ns; /* runnable, waiting on a run queue */
	unsigned long long slices;  /* timeslices run */
};

struct vp_ctxsw {
	unsigned long long voluntary;	 /* voluntary_ctxt_switches */
	unsigned long long nonvoluntary; /* nonvoluntary_ctxt_switches */
};

/* Parses a schedstat line: exactly three unsigned decimal numbers separated
 * by blanks, optional trailing newline. 0, -EINVAL on anything else (empty,
 * truncated, non-numeric, extra fields), -ERANGE when a number does not fit
 * in 64 bits. *out is zeroed on error. */
int vp_schedstat_parse(const char *text, struct vp_schedstat *out);

/* Finds the voluntary_ctxt_switches and nonvoluntary_ctxt_switches lines in
 * a status file's text (any order, other lines ignored). 0, -EINVAL when
 * either is missing or not a number, -ERANGE on overflow. */
int vp_taskstatus_parse(const char *text, struct vp_ctxsw *out);

/* True when a reading of a thread known to have run is all zeros: the
 * kernel prints "0 0 0" when its sched_info accounting is off. */
int vp_schedstat_is_off(const struct vp_schedstat *s);

/* Readers: 0 or -errno from open/read (-ENOENT: no such file, i.e. no
 * CONFIG_SCHED_INFO for schedstat, or the task is gone), or the parser's
 * error. */
int vp_schedstat_read(const char *path, struct vp_schedstat *out);
int vp_taskstatus_read(const char *path, struct vp_ctxsw *out);

/* The same for thread tid of process pid (/proc/<pid>/task/<tid>/...). */
int vp_schedstat_read_task(pid_t pid, pid_t tid, struct vp_schedstat *out);
int vp_taskstatus_read_task(pid_t pid, pid_t tid, struct vp_ctxsw *out);

/* The calling thread (/proc/thread-self/..., Linux 3.17+; falls back to
 * /proc/self/task/<gettid>/... when thread-self is missing). */
int vp_schedstat_read_self(struct vp_schedstat *out);
int vp_taskstatus_read_self(struct vp_ctxsw *out);

/* A sentence naming why schedstat is unavailable for error err (the
 * negative value a reader returned, or -ENODATA for an all-zero reading
 * that vp_schedstat_is_off flagged), for an `unavailable` row's note. */
const char *vp_schedstat_why(int err);

#endif
