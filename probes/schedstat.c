/* Per-thread scheduler accounting from /proc (see schedstat.h): strict
 * parsers for the schedstat line and the ctxt_switches lines of status, and
 * small readers that open, read once and close (a few microseconds; callers
 * read once per run, never per operation). */
#include "probes/schedstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* status is about 1.5 KiB on Linux 6.x; large CPU masks can add a few KiB. */
#define STATUS_BUF    16384
#define SCHEDSTAT_BUF 256

/* One unsigned decimal number at *p (no sign, no blanks: strtoull would
 * accept "-1" and wrap it). Advances *p past it. */
static int parse_u64(const char **p, unsigned long long *out)
{
	if (**p < '0' || **p > '9')
		return -EINVAL;
	char *end;
	errno = 0;
	unsigned long long v = strtoull(*p, &end, 10);
	if (errno == ERANGE)
		return -ERANGE;
	*p = end;
	*out = v;
	return 0;
}

static const char *skip_blanks(const char *p)
{
	while (*p == ' ' || *p == '\t')
		p++;
	return p;
}

int vp_schedstat_parse(const char *text, struct vp_schedstat *out)
{
	unsigned long long v[3];
	const char *p = text;
	memset(out, 0, sizeof(*out));
	for (int i = 0; i < 3; i++) {
		p = skip_blanks(p);
		int r = parse_u64(&p, &v[i]);
		if (r)
			return r;
		/* a number must end at a blank, newline or the end */
		if (*p != ' ' && *p != '\t' && *p != '\n' && *p != '\0')
			return -EINVAL;
	}
	p = skip_blanks(p);
	if (*p == '\n')
		p++;
	if (*p != '\0')
		return -EINVAL;
	out->run_ns = v[0];
	out->wait_ns = v[1];
	out->slices = v[2];
	return 0;
}

/* Value of "key:\t<number>\n" at the start of a line of text. */
static int status_field(const char *text, const char *key,
			unsigned long long *out)
{
	size_t klen = strlen(key);
	for (const char *line = text; line && *line;) {
		if (strncmp(line, key, klen) == 0 && line[klen] == ':') {
			const char *p = skip_blanks(line + klen + 1);
			int r = parse_u64(&p, out);
			if (r)
				return r;
			p = skip_blanks(p);
			return (*p == '\n' || *p == '\0') ? 0 : -EINVAL;
		}
		line = strchr(line, '\n');
		if (line)
			line++;
	}
	return -EINVAL;
}

int vp_taskstatus_parse(const char *text, struct vp_ctxsw *out)
{
	struct vp_ctxsw c;
	memset(out, 0, sizeof(*out));
	int r = status_field(text, "voluntary_ctxt_switches", &c.voluntary);
	if (!r)
		r = status_field(text, "nonvoluntary_ctxt_switches",
				 &c.nonvoluntary);
	if (!r)
		*out = c;
	return r;
}

int vp_schedstat_is_off(const struct vp_schedstat *s)
{
	return s->run_ns == 0 && s->wait_ns == 0 && s->slices == 0;
}

/* Reads the whole file into buf (NUL-terminated). 0, -errno, or -EFBIG
 * when it does not fit (then the text would be cut, so do not parse it). */
static int slurp(const char *path, char *buf, size_t cap)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	size_t n = 0;
	int r = 0;
	for (;;) {
		if (n == cap - 1) {
			r = -EFBIG;
			break;
		}
		ssize_t k = read(fd, buf + n, cap - 1 - n);
		if (k < 0 && errno == EINTR)
			continue;
		if (k < 0) {
			r = -errno;
			break;
		}
		if (k == 0)
			break;
		n += (size_t)k;
	}
	close(fd);
	buf[n] = '\0';
	return r;
}

int vp_schedstat_read(const char *path, struct vp_schedstat *out)
{
	char buf[SCHEDSTAT_BUF];
	int r = slurp(path, buf, sizeof(buf));
	if (r) {
		memset(out, 0, sizeof(*out));
		return r == -EFBIG ? -EINVAL : r;
	}
	return vp_schedstat_parse(buf, out);
}

int vp_taskstatus_read(const char *path, struct vp_ctxsw *out)
{
	char buf[STATUS_BUF];
	int r = slurp(path, buf, sizeof(buf));
	if (r) {
		memset(out, 0, sizeof(*out));
		return r;
	}
	return vp_taskstatus_parse(buf, out);
}

int vp_schedstat_read_task(pid_t pid, pid_t tid, struct vp_schedstat *out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/schedstat", (int)pid,
		 (int)tid);
	return vp_schedstat_read(path, out);
}

int vp_taskstatus_read_task(pid_t pid, pid_t tid, struct vp_ctxsw *out)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/status", (int)pid,
		 (int)tid);
	return vp_taskstatus_read(path, out);
}

/* /proc/thread-self appeared in Linux 3.17; older kernels (and a /proc
 * mounted without it) still have /proc/self/task/<tid>. */
static int self_path(char *buf, size_t len, const char *file, int fallback)
{
	if (!fallback)
		return snprintf(buf, len, "/proc/thread-self/%s", file);
	return snprintf(buf, len, "/proc/self/task/%d/%s", (int)gettid(), file);
}

int vp_schedstat_read_self(struct vp_schedstat *out)
{
	char path[64];
	self_path(path, sizeof(path), "schedstat", 0);
	int r = vp_schedstat_read(path, out);
	if (r == -ENOENT && access("/proc/thread-self", F_OK) != 0) {
		self_path(path, sizeof(path), "schedstat", 1);
		r = vp_schedstat_read(path, out);
	}
	return r;
}

int vp_taskstatus_read_self(struct vp_ctxsw *out)
{
	char path[64];
	self_path(path, sizeof(path), "status", 0);
	int r = vp_taskstatus_read(path, out);
	if (r == -ENOENT && access("/proc/thread-self", F_OK) != 0) {
		self_path(path, sizeof(path), "status", 1);
		r = vp_taskstatus_read(path, out);
	}
	return r;
}

const char *vp_schedstat_why(int err)
{
	switch (err) {
	case -ENOENT:
		return "no /proc/<pid>/task/<tid>/schedstat: kernel built "
		       "without CONFIG_SCHED_INFO (CONFIG_SCHEDSTATS or "
		       "CONFIG_TASK_DELAY_ACCT), /proc not mounted, or the "
		       "thread is gone";
	case -EACCES:
	case -EPERM:
		return "schedstat not readable: permission denied (another "
		       "user's process needs root or CAP_SYS_PTRACE)";
	case -EINVAL:
		return "schedstat has an unexpected format (want three numbers "
		       "\"run_ns wait_ns slices\")";
	case -ERANGE:
		return "schedstat number out of 64-bit range";
	case -ENODATA:
		return "schedstat reads \"0 0 0\" for a running thread: the "
		       "kernel's sched_info accounting is off (build with "
		       "CONFIG_SCHEDSTATS or boot with delayacct)";
	default:
		return "schedstat could not be read";
	}
}
