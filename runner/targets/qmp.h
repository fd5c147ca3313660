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
 * for the answer.
 *
 * Replies are read with json-c (the project's one JSON library, also
 * behind `report --json`): strict mode, one whole text per line, nesting
 * bounded. The lookups below are the few QMP needs on top of json-c's
 * own getters; a reply tree is freed with json_object_put. */
#ifndef VP_QMP_H
#define VP_QMP_H

#include <json-c/json.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

/* Deeper replies are refused: QMP answers nest a few levels. */
#define VP_QMP_MAX_DEPTH 64

struct vp_qmp {
	int fd;	   /* -1: closed */
	char *buf; /* bytes read and not yet consumed */
	size_t len, cap;
	unsigned long next_id;
};

/* Parses one reply text[0..len) (one value, blanks around it allowed).
 * 0 with the tree in *out; -EINVAL with "offset N: <reason>" in err and
 * *out NULL; -ENOMEM. */
int vp_qmp_parse(const char *text, size_t len, struct json_object **out,
		 char *err, size_t errlen);
/* Member key of an object, or NULL (absent, or j not an object). */
struct json_object *vp_qmp_get(const struct json_object *j, const char *key);
/* Member key as a string, or NULL when absent or not a string. */
const char *vp_qmp_get_str(const struct json_object *j, const char *key);
/* True with *u when j is a non-negative integer held exactly (QMP
 * statistics are uint64 counters, which a double would round above 2^53;
 * json-c clamps a larger number to UINT64_MAX, so that value is refused). */
bool vp_qmp_uint(const struct json_object *j, uint64_t *u);

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
		double timeout_s, struct json_object **reply, char *err,
		size_t errlen);
void vp_qmp_close(struct vp_qmp *q);

/* The thread id of each vCPU from a query-cpus-fast reply
 * ({"return": [{"cpu-index": I, "thread-id": T, ...}, ...]}), indexed by
 * cpu-index; entries without both are skipped. Returns 1 + the highest
 * index found (0: none). Pure. */
size_t vp_qmp_parse_vcpu_threads(const struct json_object *reply, int *tids,
				 size_t max);
/* query-cpus-fast on an open client: the thread id of each vCPU, indexed
 * by cpu-index. Returns their number or -errno with a message. */
int vp_qmp_query_vcpu_threads(struct vp_qmp *q, int *tids, size_t max,
			      double timeout_s, char *err, size_t errlen);

#endif
