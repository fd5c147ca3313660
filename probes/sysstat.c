/* System probe: CPU-time shares over a run from the aggregate /proc/stat
 * line, and this process's context switches from getrusage.
 *
 * Shares are of all CPUs' jiffies between two snapshots: user_pct counts
 * user + nice, idle_pct idle + iowait, irq_pct irq + softirq. guest and
 * guest_nice are already inside user and nice, so they are not added to the
 * total. A field that goes backwards (iowait may, on NO_HZ kernels) counts
 * as zero rather than a huge unsigned delta. */
#include "probes/sysstat.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <unistd.h>

#define STAT_FIELDS 10

int vp_procstat_parse(const char *text, struct vp_procstat *out)
{
	memset(out, 0, sizeof(*out));
	const char *p = text;
	while (p && strncmp(p, "cpu ", 4) != 0) {
		p = strchr(p, '\n');
		if (p)
			p++;
	}
	if (!p) {
		snprintf(out->why, sizeof(out->why),
			 "/proc/stat has no aggregate cpu line");
		return -EINVAL;
	}
	unsigned long long v[STAT_FIELDS] = {0};
	int n = 0;
	p += 4;
	for (;;) {
		while (*p == ' ' || *p == '\t')
			p++;
		if (*p == '\n' || *p == '\0')
			break;
		if (*p < '0' || *p > '9') {
			snprintf(out->why, sizeof(out->why),
				 "/proc/stat cpu line: bad field %d", n + 1);
			return -EINVAL;
		}
		char *end;
		errno = 0;
		unsigned long long x = strtoull(p, &end, 10);
		if (errno || (*end != ' ' && *end != '\t' && *end != '\n' &&
			      *end != '\0')) {
			snprintf(out->why, sizeof(out->why),
				 "/proc/stat cpu line: bad field %d", n + 1);
			return -EINVAL;
		}
		if (n < STAT_FIELDS)
			v[n] = x;
		n++;
		p = end;
	}
	if (n < 4) {
		snprintf(out->why, sizeof(out->why),
			 "/proc/stat cpu line: %d fields, need at least 4", n);
		return -EINVAL;
	}
	out->user = v[0];
	out->nice = v[1];
	out->system = v[2];
	out->idle = v[3];
	out->iowait = v[4];
	out->irq = v[5];
	out->softirq = v[6];
	out->steal = v[7];
	out->guest = v[8];
	out->guest_nice = v[9];
	out->fields = n;
	out->valid = 1;
	return 0;
}

static void read_procstat(struct vp_procstat *ps)
{
	char buf[4096];
	ssize_t r = -1;
	int fd = open("/proc/stat", O_RDONLY | O_CLOEXEC);
	if (fd >= 0) {
		r = read(fd, buf, sizeof(buf) - 1);
		if (r < 0)
			r = -errno;
		close(fd);
	} else {
		r = -errno;
	}
	if (r < 0) {
		memset(ps, 0, sizeof(*ps));
		snprintf(ps->why, sizeof(ps->why), "/proc/stat: %s",
			 strerror((int)-r));
		return;
	}
	buf[r] = '\0';
	vp_procstat_parse(buf, ps);
}

void vp_sysstat_take(struct vp_sysstat_snapshot *s)
{
	struct rusage ru;
	read_procstat(&s->cpu);
	if (getrusage(RUSAGE_SELF, &ru) == 0) {
		s->nvcsw = ru.ru_nvcsw;
		s->nivcsw = ru.ru_nivcsw;
		s->own_cpu_s = (double)ru.ru_utime.tv_sec +
			       (double)ru.ru_utime.tv_usec * 1e-6 +
			       (double)ru.ru_stime.tv_sec +
			       (double)ru.ru_stime.tv_usec * 1e-6;
	} else {
		s->nvcsw = s->nivcsw = -1;
		s->own_cpu_s = -1;
	}
}

static unsigned long long delta(unsigned long long a, unsigned long long b)
{
	return b >= a ? b - a : 0;
}

static void cpu_metrics(const struct vp_procstat *a,
			const struct vp_procstat *b, struct vp_metrics *out)
{
	static const char *const names[] = {"user_pct", "system_pct",
					    "steal_pct", "irq_pct", "idle_pct"};
	const size_t nn = sizeof(names) / sizeof(names[0]);
	const char *why = NULL;
	char buf[160];
	if (!a->valid)
		why = a->why;
	else if (!b->valid)
		why = b->why;
	if (why) {
		for (size_t i = 0; i < nn; i++)
			vp_metrics_unavailable(out, names[i], "%", "%s", why);
		return;
	}
	unsigned long long user = delta(a->user, b->user) +
				  delta(a->nice, b->nice),
			   sys = delta(a->system, b->system),
			   idle = delta(a->idle, b->idle) +
				  delta(a->iowait, b->iowait),
			   irq = delta(a->irq, b->irq) +
				 delta(a->softirq, b->softirq),
			   steal = delta(a->steal, b->steal);
	unsigned long long total = user + sys + idle + irq + steal;
	if (total == 0) {
		snprintf(buf, sizeof(buf),
			 "no CPU time elapsed in /proc/stat between snapshots "
			 "(run shorter than a clock tick)");
		for (size_t i = 0; i < nn; i++)
			vp_metrics_unavailable(out, names[i], "%", "%s", buf);
		return;
	}
	int fields = a->fields < b->fields ? a->fields : b->fields;
	double t = (double)total;
	vp_metrics_ok(out, "user_pct", 100.0 * (double)user / t, "%");
	vp_metrics_ok(out, "system_pct", 100.0 * (double)sys / t, "%");
	if (fields < 8)
		vp_metrics_unavailable(out, "steal_pct", "%",
				       "kernel /proc/stat has no steal column "
				       "(%d fields)",
				       fields);
	else
		vp_metrics_ok(out, "steal_pct", 100.0 * (double)steal / t, "%");
	if (fields < 7)
		vp_metrics_unavailable(out, "irq_pct", "%",
				       "kernel /proc/stat has no irq columns "
				       "(%d fields)",
				       fields);
	else
		vp_metrics_ok(out, "irq_pct", 100.0 * (double)irq / t, "%");
	vp_metrics_ok(out, "idle_pct", 100.0 * (double)idle / t, "%");
}

double vp_other_load_pct(const struct vp_procstat *a,
			 const struct vp_procstat *b, double own_cpu_s,
			 long clk_tck)
{
	unsigned long long busy =
	    delta(a->user, b->user) + delta(a->nice, b->nice) +
	    delta(a->system, b->system) + delta(a->irq, b->irq) +
	    delta(a->softirq, b->softirq);
	unsigned long long total = busy + delta(a->idle, b->idle) +
				   delta(a->iowait, b->iowait) +
				   delta(a->steal, b->steal);
	double other;

	if (total == 0 || clk_tck <= 0)
		return -1;
	other = (double)busy / (double)clk_tck - own_cpu_s;
	if (other < 0)
		other = 0;
	return 100.0 * other * (double)clk_tck / (double)total;
}

static void other_load_metric(const struct vp_sysstat_snapshot *before,
			      const struct vp_sysstat_snapshot *after,
			      struct vp_metrics *out)
{
	double pct;

	if (!before->cpu.valid || !after->cpu.valid) {
		vp_metrics_unavailable(out, "other_load_pct", "%", "%s",
				       !before->cpu.valid ? before->cpu.why
							  : after->cpu.why);
		return;
	}
	if (before->own_cpu_s < 0 || after->own_cpu_s < 0) {
		vp_metrics_unavailable(out, "other_load_pct", "%",
				       "getrusage failed");
		return;
	}
	pct = vp_other_load_pct(&before->cpu, &after->cpu,
				after->own_cpu_s - before->own_cpu_s,
				sysconf(_SC_CLK_TCK));
	if (pct < 0)
		vp_metrics_unavailable(out, "other_load_pct", "%",
				       "no CPU time elapsed in /proc/stat "
				       "between snapshots");
	else
		vp_metrics_ok(out, "other_load_pct", pct, "%");
}

void vp_sysstat_metrics(const struct vp_sysstat_snapshot *before,
			const struct vp_sysstat_snapshot *after,
			struct vp_metrics *out)
{
	cpu_metrics(&before->cpu, &after->cpu, out);
	other_load_metric(before, after, out);
	if (before->nvcsw < 0 || after->nvcsw < 0) {
		const char *n[] = {"ctx_switches", "ctx_switches_vol",
				   "ctx_switches_invol"};
		for (size_t i = 0; i < 3; i++)
			vp_metrics_unavailable(out, n[i], "count",
					       "getrusage failed");
		return;
	}
	long vol = after->nvcsw - before->nvcsw,
	     invol = after->nivcsw - before->nivcsw;
	vp_metrics_ok(out, "ctx_switches", (double)(vol + invol), "count");
	vp_metrics_ok(out, "ctx_switches_vol", (double)vol, "count");
	vp_metrics_ok(out, "ctx_switches_invol", (double)invol, "count");
}
