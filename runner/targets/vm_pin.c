/* Where a vm target's QEMU runs on the host: --vm-cpus confines every
 * QEMU thread (vCPUs, main loop, I/O threads) by starting QEMU with that
 * affinity, which each thread it creates inherits; --vcpu-pin then puts
 * vCPU i on the i-th PU of the allowed set in hwloc scatter order, so
 * vCPUs take distinct cores before SMT siblings. The placement and the
 * affinity summary are pure functions of QMP replies and /proc texts. */
#include <dirent.h>
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "probes/envinfo.h"
#include "probes/pin.h"
#include "runner/targets/qemu.h"
#include "runner/targets/vm_internal.h"

void vm_confine_begin(const struct vp_target *t, struct vm_affinity *saved)
{
	cpu_set_t set;

	saved->active = false;
	if (!t->vm_cpu_n ||
	    pthread_getaffinity_np(pthread_self(), sizeof(saved->mask),
				   &saved->mask) != 0)
		return;
	CPU_ZERO(&set);
	for (unsigned i = 0; i < t->vm_cpu_n; i++)
		CPU_SET(t->vm_cpu_order[i], &set);
	/* fork copies the calling thread's mask; exec keeps it. */
	saved->active =
	    pthread_setaffinity_np(pthread_self(), sizeof(set), &set) == 0;
}

void vm_confine_end(struct vm_affinity *saved)
{
	if (saved->active)
		pthread_setaffinity_np(pthread_self(), sizeof(saved->mask),
				       &saved->mask);
	saved->active = false;
}

void vm_vcpu_pus(size_t nvcpus, const int *order, unsigned norder, int *pus)
{
	for (size_t i = 0; i < nvcpus; i++)
		pus[i] = norder ? order[i % norder] : -1;
}

void vm_affinity_summary(const char *const *status, size_t n, char *buf,
			 size_t len)
{
	char lists[16][128];
	unsigned counts[16] = {0};
	size_t nl = 0, o, other = 0;

	for (size_t i = 0; i < n; i++) {
		const char *p =
		    status[i] ? strstr(status[i], "Cpus_allowed_list:") : NULL;
		char v[128];
		size_t k;

		if (!p) {
			other++;
			continue;
		}
		p += strlen("Cpus_allowed_list:");
		p += strspn(p, " \t");
		snprintf(v, sizeof(v), "%.*s", (int)strcspn(p, "\n"), p);
		for (k = 0; k < nl && strcmp(lists[k], v); k++)
			;
		if (k == nl && nl < 16)
			snprintf(lists[nl++], sizeof(lists[0]), "%s", v);
		if (k < 16)
			counts[k]++;
	}
	o = (size_t)snprintf(buf, len, "%zu threads:", n);
	for (size_t k = 0; k < nl && o < len; k++)
		o += (size_t)snprintf(buf + o, len - o, "%s %u on %s",
				      k ? "," : "", counts[k], lists[k]);
	if (other && o < len)
		snprintf(buf + o, len - o, "%s %zu unreadable", nl ? "," : "",
			 other);
}

/* The Cpus_allowed_list of every thread of pid, summarised. */
static void qemu_affinity(pid_t pid, char *buf, size_t len)
{
	char dir[64], path[128];
	char *texts[256];
	size_t n = 0;
	struct dirent *e;
	DIR *d;

	snprintf(dir, sizeof(dir), "/proc/%d/task", (int)pid);
	d = opendir(dir);
	if (!d) {
		snprintf(buf, len, "unavailable: %s: %s", dir, strerror(errno));
		return;
	}
	while ((e = readdir(d)) && n < 256) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s/status", dir, e->d_name);
		texts[n++] = vp_read_text(path, 8192);
	}
	closedir(d);
	vm_affinity_summary((const char *const *)texts, n, buf, len);
	for (size_t i = 0; i < n; i++)
		free(texts[i]);
}

/* The allowed PUs in hwloc order: --vm-cpus, else this process's mask. */
static int allowed_order(const struct vp_target *t, int *order, size_t max,
			 char *err, size_t errlen)
{
	cpu_set_t set;

	if (t->vm_cpu_n) {
		size_t n = t->vm_cpu_n < max ? t->vm_cpu_n : max;

		memcpy(order, t->vm_cpu_order, n * sizeof(int));
		return (int)n;
	}
	CPU_ZERO(&set);
	sched_getaffinity(0, sizeof(set), &set);
	return vp_pin_order_of(&set, order, max, err, errlen);
}

void vm_pin_vcpus(struct vp_target *t, struct vm_state *s, const int *tids,
		  size_t n, const char *why, char *desc, size_t len,
		  char *threads, size_t tlen)
{
	int pus[VM_MAX_VCPUS];
	int order[CPU_SETSIZE];
	size_t o = 0;
	char err[256];
	int norder;

	snprintf(desc, len, "none");
	if (n > VM_MAX_VCPUS)
		n = VM_MAX_VCPUS;
	if (t->plan->vcpu_pin) {
		norder =
		    !n ? -1
		       : allowed_order(t, order, CPU_SETSIZE, err, sizeof(err));
		if (!n || norder <= 0) {
			snprintf(desc, len, "failed: %s", !n ? why : err);
		} else {
			vm_vcpu_pus(n, order, (unsigned)norder, pus);
			for (size_t i = 0; i < n && o + 48 < len; i++) {
				int rc = vp_pin_tid(tids[i], (unsigned)pus[i],
						    err, sizeof(err));

				o += (size_t)snprintf(desc + o, len - o,
						      "%svcpu%zu->cpu%d%s",
						      i ? " " : "", i, pus[i],
						      rc ? " (failed)" : "");
			}
		}
	}
	/* The QMP answer came once the vCPU threads existed: the summary
	 * sees them, pinned or not. */
	qemu_affinity(s->pid, threads, tlen);
}
