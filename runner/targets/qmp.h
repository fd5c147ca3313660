/* A persistent QMP client: one connection to a QEMU's monitor socket per
 * boot, kept open across steps, every command with a deadline. QEMU's QMP
 * server takes one client at a time, so the vm target opens it once after
 * spawning QEMU (vCPU thread ids, statistics schemas) and keeps it for the
 * per-step statistics.
 *
 * Lifecycle: vp_qmp_init -> vp_qmp_open (connect, greeting, capabilities
 * negotiation) -> vp_qmp_call ... -> vp_qmp_close. Each command carries an
 * id; the reply with that id is the answer, so asynchronous events and a
 * late reply to an earlier command that timed out are skipped, never taken
 * for the answer. */
#ifndef VP_QMP_H
#define VP_QMP_H

#include <stddef.h>
#include <sys/types.h>

#include "runner/util/json.h"

struct vp_qmp {
	int fd;	   /* -1: closed */
	char *buf; /* bytes read and not yet consumed */
	size_t len, cap;
	unsigned long next_id;
};

void vp_qmp_init(struct vp_qmp *q);
/* Connects to the socket (retrying until timeout_s: QEMU creates it while
 * it starts; pid > 0: stop retrying as soon as that child, QEMU, has
 * exited, without reaping it), reads the greeting and negotiates
 * capabilities. 0 or -errno with a message naming the socket and the step
 * that failed. */
int vp_qmp_open(struct vp_qmp *q, const char *sock, double timeout_s, pid_t pid,
		char *err, size_t errlen);
/* Runs `execute` with arguments args_json (an object's text, or NULL) and
 * waits up to timeout_s for its reply. 0 with the parsed reply in *reply
 * (the caller frees it; its "return" member is the result); -EREMOTEIO
 * when QEMU answered with an error (its class and description in err);
 * -ETIMEDOUT; -EIO / -EPROTO / -ENOBUFS when the connection broke or sent
 * garbage (the client is then closed). */
int vp_qmp_call(struct vp_qmp *q, const char *execute, const char *args_json,
		double timeout_s, struct vp_json **reply, char *err,
		size_t errlen);
void vp_qmp_close(struct vp_qmp *q);

/* The thread id of each vCPU from a query-cpus-fast reply
 * ({"return": [{"cpu-index": I, "thread-id": T, ...}, ...]}), indexed by
 * cpu-index; entries without both are skipped. Returns 1 + the highest
 * index found (0: none). Pure. */
size_t vp_qmp_parse_vcpu_threads(const struct vp_json *reply, int *tids,
				 size_t max);
/* query-cpus-fast on an open client: the thread id of each vCPU, indexed
 * by cpu-index. Returns their number or -errno with a message. */
int vp_qmp_query_vcpu_threads(struct vp_qmp *q, int *tids, size_t max,
			      double timeout_s, char *err, size_t errlen);

#endif
