/* The libvirt target's view of its domain's QEMU process, for the
 * host-side rows the vm target reads from QEMU directly: vcpu_preemptions
 * (the vCPU threads' involuntary context switches, vcpu_stats.h) and the
 * KVM statistics (kvm.<stat>, qmp_stats.h). With a local URI the domain's
 * QEMU runs on this machine: its vCPU thread ids come from QMP
 * query-cpus-fast and its statistics from query-stats, both through
 * libvirt's QEMU monitor passthrough (libvirt-qemu,
 * virDomainQemuMonitorCommand; libvirt then flags the domain as tainted by
 * a custom monitor command, which is harmless for a transient benchmark
 * domain), and the threads are read in /proc as the vm target reads them.
 * A remote URI's QEMU runs on another machine: the rows are unavailable
 * with that reason. */
#if HAVE_LIBVIRT
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/target_host.h"
#include "runner/targets/libvirt_internal.h"

/* One QMP command through libvirt; 0 with the parsed reply (its "return"
 * is the answer), or -errno with the reason. */
static int monitor_call(struct lv_state *s, const char *execute,
			const char *args, struct json_object **reply, char *why,
			size_t len)
{
	char cmd[256], *text = NULL, perr[128];
	const char *cls, *desc;
	int rc;

	*reply = NULL;
	snprintf(cmd, sizeof(cmd), "{\"execute\":\"%s\"%s%s}", execute,
		 args ? ",\"arguments\":" : "", args ? args : "");
	if (LVQ(virDomainQemuMonitorCommand)(s->dom, cmd, &text, 0) < 0) {
		snprintf(why, len, "QEMU monitor passthrough %s: %s", execute,
			 lv_error());
		LV(virResetLastError)();
		return -EIO;
	}
	rc = vp_qmp_parse(text, strlen(text), reply, perr, sizeof(perr));
	free(text);
	if (rc) {
		snprintf(why, len, "QEMU monitor passthrough %s: %s", execute,
			 perr);
		return rc;
	}
	if (vp_qmp_get(*reply, "error")) {
		cls = vp_qmp_get_str(vp_qmp_get(*reply, "error"), "class");
		desc = vp_qmp_get_str(vp_qmp_get(*reply, "error"), "desc");
		snprintf(why, len, "QMP %s: %s: %s", execute,
			 cls ? cls : "error", desc ? desc : "no description");
		json_object_put(*reply);
		*reply = NULL;
		return -EREMOTEIO;
	}
	return 0;
}

/* The process a thread belongs to (Tgid of /proc/<tid>/status), if it is
 * a QEMU on this machine; else 0 with why. */
static pid_t qemu_of_thread(int tid, char *why, size_t len)
{
	char path[64], line[256], comm[64] = "";
	long tgid = 0;
	FILE *f;

	snprintf(path, sizeof(path), "/proc/%d/status", tid);
	f = fopen(path, "re");
	if (!f) {
		snprintf(why, len,
			 "vCPU thread %d of the domain is not visible in "
			 "/proc here (%s)",
			 tid, strerror(errno));
		return 0;
	}
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, "Tgid:", 5))
			tgid = strtol(line + 5, NULL, 10);
	fclose(f);
	/* The vCPU thread's own name is "CPU n/TCG" or "CPU n/KVM": the
	 * process is checked through its main thread's. */
	snprintf(path, sizeof(path), "/proc/%ld/comm", tgid);
	f = tgid > 0 ? fopen(path, "re") : NULL;
	if (f) {
		if (!fgets(comm, sizeof(comm), f))
			comm[0] = '\0';
		fclose(f);
	}
	if (strncmp(comm, "qemu", 4) != 0) {
		comm[strcspn(comm, "\n")] = '\0';
		snprintf(why, len,
			 "vCPU thread %d belongs to process %ld (%s), not to a "
			 "QEMU on this machine",
			 tid, tgid, comm[0] ? comm : "unreadable");
		return 0;
	}
	return (pid_t)tgid;
}

/* Thread ids and pid; on failure smp->vcpu_why says why. */
static void open_threads(struct lv_sampler *smp)
{
	struct json_object *reply = NULL;
	char why[256];
	size_t n;

	if (monitor_call(smp->s, "query-cpus-fast", NULL, &reply, why,
			 sizeof(why))) {
		snprintf(smp->vcpu_why, sizeof(smp->vcpu_why), "%s", why);
		return;
	}
	n = vp_qmp_parse_vcpu_threads(reply, smp->tids, VP_VCPU_MAX);
	json_object_put(reply);
	if (!n) {
		snprintf(smp->vcpu_why, sizeof(smp->vcpu_why),
			 "QMP query-cpus-fast through libvirt: no thread ids");
		return;
	}
	for (size_t i = 0; i < n; i++)
		if (!smp->tids[i]) {
			snprintf(smp->vcpu_why, sizeof(smp->vcpu_why),
				 "QMP query-cpus-fast through libvirt: no "
				 "thread id for vCPU %zu",
				 i);
			return;
		}
	smp->pid = qemu_of_thread(smp->tids[0], why, sizeof(why));
	if (!smp->pid) {
		snprintf(smp->vcpu_why, sizeof(smp->vcpu_why), "%s", why);
		return;
	}
	smp->ntids = n;
}

/* The KVM statistics schema, as the vm target asks for it. */
static void open_kvm(struct lv_sampler *smp)
{
	struct json_object *reply = NULL;
	char why[256];
	int rc =
	    monitor_call(smp->s, "query-stats-schemas",
			 "{\"provider\":\"kvm\"}", &reply, why, sizeof(why));

	smp->kvm_ok =
	    vp_kvm_schema_of_call(rc, why, reply, smp->s->kvm, &smp->schema,
				  smp->kvm_why, sizeof(smp->kvm_why));
	json_object_put(reply);
}

void lv_vcpu_open(struct lv_sampler *smp, const char *target)
{
	char host[128], err[256];

	vp_target_host(target, host, sizeof(host));
	if (strcmp(host, VP_HOST_LOCAL) != 0) {
		snprintf(smp->vcpu_why, sizeof(smp->vcpu_why),
			 "remote libvirt host %s: its QEMU's vCPU threads are "
			 "not visible on this machine",
			 host);
		snprintf(smp->kvm_why, sizeof(smp->kvm_why), "%s",
			 smp->vcpu_why);
		return;
	}
	if (lvq_dl_load(err, sizeof(err))) {
		snprintf(smp->vcpu_why, sizeof(smp->vcpu_why),
			 "no QEMU monitor passthrough: %s", err);
		snprintf(smp->kvm_why, sizeof(smp->kvm_why), "%s",
			 smp->vcpu_why);
		return;
	}
	open_threads(smp);
	open_kvm(smp);
}

void lv_vcpu_take(struct lv_sampler *smp, struct vp_vcpu_sample *v,
		  struct vp_kvm_sample *k, int *kerr, char *kwhy, size_t len,
		  double now)
{
	struct json_object *reply = NULL;

	if (smp->ntids)
		vp_vcpu_sample_take(smp->pid, smp->tids, smp->ntids, now, v);
	if (!smp->kvm_ok)
		return;
	*kerr = monitor_call(smp->s, "query-stats", VP_KVM_QUERY_ARGS, &reply,
			     kwhy, len);
	if (!*kerr)
		*kerr = vp_kvm_sample_parse(reply, &smp->schema, k, kwhy, len);
	json_object_put(reply);
}

void lv_vcpu_rows(const struct lv_sampler *smp, const struct vp_vcpu_sample *e,
		  const struct vp_kvm_sample *ke, int kerr, const char *kwhy,
		  struct vp_metrics *m)
{
	if (!smp->ntids)
		vp_vcpu_preemption_unavailable(m, smp->vcpu_why);
	else
		vp_vcpu_preemption_metrics(&smp->vb, e, m);
	vp_kvm_step_metrics(smp->kvm_ok, smp->kvm_why,
			    smp->kb_err ? smp->kb_why
			    : kerr	? kwhy
					: NULL,
			    &smp->schema, &smp->kb, ke, m);
}
#endif
