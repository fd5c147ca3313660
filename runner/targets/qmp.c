/* The persistent QMP client (see qmp.h): line framing, ids, deadlines, and
 * the replies read through json-c. */
#include "runner/targets/qmp.h"

#include <errno.h>
#include <limits.h>
#include <poll.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <sys/wait.h>
#include <unistd.h>

#include "runner/util/child.h"

/* A reply larger than this is not a QMP answer we asked for. */
#define QMP_MAX_LINE (4u << 20)

int vp_qmp_parse(const char *text, size_t len, struct json_object **out,
		 char *err, size_t errlen)
{
	struct json_tokener *tok;
	enum json_tokener_error e;
	size_t end;

	*out = NULL;
	if (len >= INT_MAX) {
		snprintf(err, errlen, "offset 0: text too long");
		return -EINVAL;
	}
	tok = json_tokener_new_ex(VP_QMP_MAX_DEPTH);
	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return -ENOMEM;
	}
	json_tokener_set_flags(tok, JSON_TOKENER_STRICT);
	*out = json_tokener_parse_ex(tok, text, (int)len);
	e = json_tokener_get_error(tok);
	end = json_tokener_get_parse_end(tok);
	if (e == json_tokener_continue) {
		/* The end of the text: json-c needs a NUL to end a top-level
		 * number or literal; text[len] need not be one. */
		*out = json_tokener_parse_ex(tok, "", 1);
		e = json_tokener_get_error(tok);
		end = len;
	}
	/* Only blanks may follow the value. */
	while (e == json_tokener_success && end < len && text[end] &&
	       strchr(" \t\r\n", text[end]))
		end++;
	if (e == json_tokener_success && end < len)
		snprintf(err, errlen, "offset %zu: text after the value", end);
	else if (e == json_tokener_error_depth)
		snprintf(err, errlen, "offset %zu: nested deeper than %d", end,
			 VP_QMP_MAX_DEPTH);
	else if (e != json_tokener_success)
		snprintf(err, errlen, "offset %zu: %s", end,
			 json_tokener_error_desc(e));
	json_tokener_free(tok);
	if (e == json_tokener_success && end >= len)
		return 0;
	json_object_put(*out);
	*out = NULL;
	return -EINVAL;
}

struct json_object *vp_qmp_get(const struct json_object *j, const char *key)
{
	struct json_object *v = NULL;

	return j && json_object_object_get_ex(j, key, &v) ? v : NULL;
}

const char *vp_qmp_get_str(const struct json_object *j, const char *key)
{
	struct json_object *v = vp_qmp_get(j, key);

	return json_object_is_type(v, json_type_string)
		   ? json_object_get_string(v)
		   : NULL;
}

bool vp_qmp_uint(const struct json_object *j, uint64_t *u)
{
	/* json-c keeps integers as int64 or, above INT64_MAX, uint64: a
	 * non-negative int64 view means the uint64 view is exact. */
	if (!json_object_is_type(j, json_type_int) ||
	    json_object_get_int64(j) < 0)
		return false;
	*u = json_object_get_uint64(j);
	return *u != UINT64_MAX;
}

void vp_qmp_init(struct vp_qmp *q)
{
	memset(q, 0, sizeof(*q));
	q->fd = -1;
	q->next_id = 1;
}

void vp_qmp_close(struct vp_qmp *q)
{
	if (q->fd >= 0)
		close(q->fd);
	free(q->buf);
	vp_qmp_init(q);
}

static int remaining_ms(double end)
{
	double left = end - vp_child_now();

	return left <= 0 ? 0 : (int)(left * 1000) + 1;
}

/* The next complete line (without its newline) into a heap copy; waits
 * until end. 0, -ETIMEDOUT, -EIO (closed), -ENOBUFS, -ENOMEM. */
static int read_line(struct vp_qmp *q, double end, char **line)
{
	for (;;) {
		char *nl = q->len ? memchr(q->buf, '\n', q->len) : NULL;
		struct pollfd pfd = {.fd = q->fd, .events = POLLIN};
		ssize_t r;

		if (nl) {
			size_t n = (size_t)(nl - q->buf);

			*line = malloc(n + 1);
			if (!*line)
				return -ENOMEM;
			memcpy(*line, q->buf, n);
			(*line)[n] = '\0';
			if (n && (*line)[n - 1] == '\r')
				(*line)[n - 1] = '\0';
			memmove(q->buf, nl + 1, q->len - n - 1);
			q->len -= n + 1;
			return 0;
		}
		if (q->len >= QMP_MAX_LINE)
			return -ENOBUFS;
		if (q->cap - q->len < 4096) {
			size_t cap = q->cap ? q->cap * 2 : 16384;
			char *b = realloc(q->buf, cap);

			if (!b)
				return -ENOMEM;
			q->buf = b;
			q->cap = cap;
		}
		r = poll(&pfd, 1, remaining_ms(end));
		if (r < 0 && errno == EINTR)
			continue;
		if (r == 0)
			return -ETIMEDOUT;
		r = read(q->fd, q->buf + q->len, q->cap - q->len);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			return -EIO;
		q->len += (size_t)r;
	}
}

static int send_all(struct vp_qmp *q, const char *s, size_t n, double end)
{
	while (n) {
		ssize_t w = send(q->fd, s, n, MSG_NOSIGNAL | MSG_DONTWAIT);

		if (w < 0 && (errno == EAGAIN || errno == EINTR)) {
			struct pollfd pfd = {.fd = q->fd, .events = POLLOUT};

			if (poll(&pfd, 1, remaining_ms(end)) == 0)
				return -ETIMEDOUT;
			continue;
		}
		if (w <= 0)
			return -EIO;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

/* True when child pid has exited; WNOWAIT leaves it to be reaped by its
 * owner (the collector). */
static bool child_exited(pid_t pid)
{
	siginfo_t si = {0};

	return pid > 0 &&
	       waitid(P_PID, (id_t)pid, &si, WEXITED | WNOHANG | WNOWAIT) ==
		   0 &&
	       si.si_pid == pid;
}

static int connect_retry(struct vp_qmp *q, const char *sock, double end,
			 pid_t pid, char *err, size_t errlen)
{
	struct sockaddr_un sa = {.sun_family = AF_UNIX};
	int rc;

	if (strlen(sock) >= sizeof(sa.sun_path)) {
		snprintf(err, errlen, "QMP socket path too long: %s", sock);
		return -ENAMETOOLONG;
	}
	memcpy(sa.sun_path, sock, strlen(sock) + 1);
	for (;;) {
		q->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (q->fd < 0) {
			rc = -errno;
			snprintf(err, errlen, "socket: %s", strerror(errno));
			return rc;
		}
		if (connect(q->fd, (struct sockaddr *)&sa, sizeof(sa)) == 0)
			return 0;
		rc = -errno;
		close(q->fd);
		q->fd = -1;
		if (child_exited(pid)) {
			snprintf(err, errlen,
				 "QMP connect %s: QEMU (pid %d) exited before "
				 "serving it",
				 sock, (int)pid);
			return -ESRCH;
		}
		if (vp_child_now() >= end) {
			snprintf(err, errlen, "QMP connect %s: %s", sock,
				 strerror(-rc));
			return rc;
		}
		usleep(20000);
	}
}

int vp_qmp_open(struct vp_qmp *q, const char *sock, double timeout_s, pid_t pid,
		char *err, size_t errlen)
{
	double end = vp_child_now() + timeout_s;
	struct json_object *reply = NULL;
	char *line = NULL;
	int rc;

	vp_qmp_close(q);
	rc = connect_retry(q, sock, end, pid, err, errlen);
	if (rc)
		return rc;
	rc = read_line(q, end, &line);
	if (!rc && !strstr(line, "\"QMP\""))
		rc = -EPROTO;
	free(line);
	if (rc) {
		snprintf(err, errlen, "QMP %s: no greeting (%s)", sock,
			 strerror(-rc));
		vp_qmp_close(q);
		return rc;
	}
	rc = vp_qmp_call(q, "qmp_capabilities", NULL, end - vp_child_now(),
			 &reply, err, errlen);
	json_object_put(reply);
	if (rc)
		vp_qmp_close(q);
	return rc;
}

/* "class: desc" of an error reply. */
static void remote_error(const struct json_object *reply, const char *execute,
			 char *err, size_t errlen)
{
	const struct json_object *e = vp_qmp_get(reply, "error");
	const char *cls = vp_qmp_get_str(e, "class");
	const char *desc = vp_qmp_get_str(e, "desc");

	snprintf(err, errlen, "QMP %s: %s: %s", execute, cls ? cls : "error",
		 desc ? desc : "no description");
}

/* Reads lines until the reply with id (events and stale replies are
 * skipped). */
static int await_reply(struct vp_qmp *q, unsigned long id, double end,
		       struct json_object **reply)
{
	for (;;) {
		char *line = NULL, jerr[128];
		struct json_object *j = NULL;
		uint64_t got;
		int rc = read_line(q, end, &line);

		if (rc)
			return rc;
		rc = vp_qmp_parse(line, strlen(line), &j, jerr, sizeof(jerr));
		free(line);
		if (rc)
			return rc == -ENOMEM ? rc : -EPROTO;
		if (vp_qmp_uint(vp_qmp_get(j, "id"), &got) && got == id &&
		    (vp_qmp_get(j, "return") || vp_qmp_get(j, "error"))) {
			*reply = j;
			return 0;
		}
		json_object_put(j);
	}
}

int vp_qmp_call(struct vp_qmp *q, const char *execute, const char *args_json,
		double timeout_s, struct json_object **reply, char *err,
		size_t errlen)
{
	double end = vp_child_now() + (timeout_s > 0 ? timeout_s : 0);
	unsigned long id = q->next_id++;
	char cmd[1024];
	int n, rc;

	*reply = NULL;
	if (q->fd < 0) {
		snprintf(err, errlen, "QMP %s: not connected", execute);
		return -ENOTCONN;
	}
	n = snprintf(cmd, sizeof(cmd), "{\"execute\":\"%s\"%s%s,\"id\":%lu}\n",
		     execute, args_json ? ",\"arguments\":" : "",
		     args_json ? args_json : "", id);
	if (n < 0 || (size_t)n >= sizeof(cmd)) {
		snprintf(err, errlen, "QMP %s: command too long", execute);
		return -E2BIG;
	}
	rc = send_all(q, cmd, (size_t)n, end);
	if (!rc)
		rc = await_reply(q, id, end, reply);
	if (rc == -ETIMEDOUT) {
		snprintf(err, errlen, "QMP %s: no reply within %.1f s", execute,
			 timeout_s);
		return rc;
	}
	if (rc) {
		snprintf(err, errlen, "QMP %s: %s (connection closed)", execute,
			 strerror(-rc));
		vp_qmp_close(q);
		return rc;
	}
	if (vp_qmp_get(*reply, "error")) {
		remote_error(*reply, execute, err, errlen);
		json_object_put(*reply);
		*reply = NULL;
		return -EREMOTEIO;
	}
	return 0;
}

size_t vp_qmp_parse_vcpu_threads(const struct json_object *reply, int *tids,
				 size_t max)
{
	const struct json_object *cpus = vp_qmp_get(reply, "return");
	size_t n = 0;

	if (!json_object_is_type(cpus, json_type_array))
		return 0;
	for (size_t i = 0; i < json_object_array_length(cpus); i++) {
		const struct json_object *cpu =
		    json_object_array_get_idx(cpus, i);
		uint64_t idx, tid;

		if (!vp_qmp_uint(vp_qmp_get(cpu, "cpu-index"), &idx) ||
		    !vp_qmp_uint(vp_qmp_get(cpu, "thread-id"), &tid) ||
		    idx >= max || tid == 0 || tid > 0x7fffffff)
			continue;
		tids[idx] = (int)tid;
		if (idx + 1 > n)
			n = idx + 1;
	}
	return n;
}

int vp_qmp_query_vcpu_threads(struct vp_qmp *q, int *tids, size_t max,
			      double timeout_s, char *err, size_t errlen)
{
	struct json_object *reply = NULL;
	int rc = vp_qmp_call(q, "query-cpus-fast", NULL, timeout_s, &reply, err,
			     errlen);
	size_t n;

	if (rc)
		return rc;
	n = vp_qmp_parse_vcpu_threads(reply, tids, max);
	json_object_put(reply);
	if (!n) {
		snprintf(err, errlen, "QMP query-cpus-fast: no thread ids");
		return -EPROTO;
	}
	return (int)n;
}
