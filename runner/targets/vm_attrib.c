/* Host-side attribution of a vm target's steps (see vm_attrib.h): the
 * samples at the step marks (mark_tee.h holds and writes the rows). */
#include "runner/targets/vm_attrib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/util/child.h"

/* QEMU creates its monitor socket while it starts. */
#define QMP_OPEN_TIMEOUT_S 10.0

static void kvm_sample(struct vm_attrib *a, struct vp_kvm_sample *k, int *err,
		       char *why, size_t len)
{
	struct json_object *reply = NULL;

	*err = vp_qmp_call(&a->qmp, "query-stats", VP_KVM_QUERY_ARGS,
			   VM_ATTRIB_QMP_TIMEOUT_S, &reply, why, len);
	if (!*err)
		*err = vp_kvm_sample_parse(reply, &a->schema, k, why, len);
	json_object_put(reply);
}

static void take(struct vm_attrib *a, struct vp_vcpu_sample *s,
		 struct vp_kvm_sample *k, int *kerr, char *kwhy, size_t len)
{
	double t0 = vp_child_now(), dt;

	vp_vcpu_sample_take(a->pid, a->tids, a->ntids, t0, s);
	if (a->kvm_ok)
		kvm_sample(a, k, kerr, kwhy, len);
	dt = vp_child_now() - t0;
	a->nsamples++;
	a->sample_s += dt;
	if (dt > a->sample_max_s)
		a->sample_max_s = dt;
}

/* The step's rows from the begin sample (in a) and the end sample. */
static void step_rows(struct vm_attrib *a, const struct vp_vcpu_sample *e,
		      const struct vp_kvm_sample *ke, int kerr,
		      const char *kwhy, struct vp_metrics *m)
{
	if (!a->ntids)
		vp_vcpu_unavailable_metrics(m, a->tid_why);
	else
		vp_vcpu_delta_metrics(&a->b, e, a->pid, m);
	vp_kvm_step_metrics(a->kvm_ok, a->kvm_why,
			    a->kb_err ? a->kb_why
			    : kerr    ? kwhy
				      : NULL,
			    &a->schema, &a->kb, ke, m);
}

/* Sampler ops (mark_tee.h). */
static void sample_begin(void *ctx)
{
	struct vm_attrib *a = ctx;

	if (!a->off)
		take(a, &a->b, &a->kb, &a->kb_err, a->kb_why,
		     sizeof(a->kb_why));
}

static void sample_end(void *ctx, bool begun, struct vp_metrics *m)
{
	struct vm_attrib *a = ctx;
	struct vp_vcpu_sample e;
	struct vp_kvm_sample ke;
	char kwhy[256] = "";
	int kerr = 0;

	if (a->off) {
		vp_vcpu_unavailable_metrics(
		    m, "host-side vCPU sampling "
		       "switched off (" VM_ATTRIB_OFF_ENV "=1)");
		vp_metrics_unavailable(m, "kvm.stats", "count",
				       "host-side vCPU sampling switched off "
				       "(" VM_ATTRIB_OFF_ENV "=1)");
	} else if (!begun) {
		vp_vcpu_unavailable_metrics(m, VP_MARK_NO_BEGIN);
	} else {
		take(a, &e, &ke, &kerr, kwhy, sizeof(kwhy));
		step_rows(a, &e, &ke, kerr, kwhy, m);
	}
}

/* The KVM schema, once per boot; under TCG QEMU's own empty answer gives
 * the reason. */
static void kvm_open(struct vm_attrib *a, bool kvm)
{
	struct json_object *reply = NULL;
	char err[256];
	int rc;

	rc = vp_qmp_call(&a->qmp, "query-stats-schemas",
			 "{\"provider\":\"kvm\"}", QMP_OPEN_TIMEOUT_S, &reply,
			 err, sizeof(err));
	a->kvm_ok = vp_kvm_schema_of_call(rc, err, reply, kvm, &a->schema,
					  a->kvm_why, sizeof(a->kvm_why));
	json_object_put(reply);
}

void vm_attrib_open(struct vm_attrib *a, struct vp_emitter *out,
		    const struct vp_target_info *ti, pid_t pid,
		    const char *sock, bool kvm)
{
	const char *off = getenv(VM_ATTRIB_OFF_ENV);
	char err[256];
	int rc;

	memset(a, 0, sizeof(*a));
	vp_qmp_init(&a->qmp);
	a->pid = pid;
	a->off = off && !strcmp(off, "1");
	vp_mark_tee_init(&a->tee, out, ti,
			 &(struct vp_mark_sampler){.begin = sample_begin,
						   .end = sample_end,
						   .ctx = a});
	rc = vp_qmp_open(&a->qmp, sock, QMP_OPEN_TIMEOUT_S, pid, err,
			 sizeof(err));
	if (!rc)
		rc = vp_qmp_query_vcpu_threads(&a->qmp, a->tids, VP_VCPU_MAX,
					       QMP_OPEN_TIMEOUT_S, err,
					       sizeof(err));
	if (rc < 0) {
		snprintf(a->tid_why, sizeof(a->tid_why),
			 "vCPU thread ids unknown: %s", err);
		snprintf(a->kvm_why, sizeof(a->kvm_why), "%s", a->tid_why);
		return;
	}
	a->ntids = (size_t)rc;
	if (!a->off)
		kvm_open(a, kvm);
}

struct vp_emitter *vm_attrib_emitter(struct vm_attrib *a)
{
	return vp_mark_tee_emitter(&a->tee);
}

void vm_attrib_describe(const struct vm_attrib *a, char *buf, size_t len)
{
	if (a->off)
		snprintf(buf, len, "off (" VM_ATTRIB_OFF_ENV "=1)");
	else if (!a->ntids)
		snprintf(buf, len, "unavailable: %s", a->tid_why);
	else if (a->kvm_ok)
		snprintf(buf, len,
			 "schedstat and status of %zu vCPU threads; %zu "
			 "cumulative KVM statistics through QMP query-stats",
			 a->ntids, a->schema.n);
	else
		snprintf(buf, len,
			 "schedstat and status of %zu vCPU threads; no KVM "
			 "statistics: %s",
			 a->ntids, a->kvm_why);
}

void vm_attrib_close(struct vm_attrib *a)
{
	char buf[160];

	vp_mark_tee_close(&a->tee);
	if (a->nsamples) {
		snprintf(buf, sizeof(buf),
			 "%zu step marks sampled: mean %.0f us, max %.0f us "
			 "per mark (host side, outside the measured windows)",
			 a->nsamples, 1e6 * a->sample_s / (double)a->nsamples,
			 1e6 * a->sample_max_s);
		a->tee.out->env(a->tee.out, "vcpu_stats_cost", buf);
	}
	vp_qmp_close(&a->qmp);
}
