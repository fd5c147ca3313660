/* Host-side attribution of a vm target's steps (see vm_attrib.h): the
 * pass-through emitter, the samples at the step marks, the held rows. */
#include "runner/targets/vm_attrib.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "runner/util/child.h"

/* QEMU creates its monitor socket while it starts. */
#define QMP_OPEN_TIMEOUT_S 10.0

static bool same_step(const struct vm_step_id *s, const char *workload,
		      int threads, int rep)
{
	return !strcmp(s->workload, workload) && s->threads == threads &&
	       s->rep == rep;
}

/* The held rows go out once the guest has delivered its rows of the
 * step; otherwise they are dropped and the run marks the step failed. */
static void flush(struct vm_attrib *a)
{
	if (a->pending && a->pending_seen)
		for (size_t i = 0; i < a->pm.n; i++) {
			struct vp_row row = {&a->ti, a->done.workload,
					     a->done.threads, a->done.rep,
					     &a->pm.v[i]};
			a->out->row(a->out, &row);
		}
	a->pending = a->pending_seen = false;
	vp_metrics_clear(&a->pm);
}

static void kvm_sample(struct vm_attrib *a, struct vp_kvm_sample *k, int *err,
		       char *why, size_t len)
{
	struct vp_json *reply = NULL;

	*err = vp_qmp_call(&a->qmp, "query-stats", VP_KVM_QUERY_ARGS,
			   VM_ATTRIB_QMP_TIMEOUT_S, &reply, why, len);
	if (!*err)
		*err = vp_kvm_sample_parse(reply, &a->schema, k, why, len);
	vp_json_free(reply);
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
		      const char *kwhy)
{
	struct vp_metrics *m = &a->pm;

	if (!a->ntids)
		vp_vcpu_unavailable_metrics(m, a->tid_why);
	else
		vp_vcpu_delta_metrics(&a->b, e, a->pid, m);
	if (!a->kvm_ok)
		vp_metrics_unavailable(m, "kvm.stats", "count", "%s",
				       a->kvm_why);
	else if (a->kb_err || kerr)
		vp_metrics_failed(m, "kvm.stats", "count", "%s",
				  a->kb_err ? a->kb_why : kwhy);
	else
		vp_kvm_delta_metrics(&a->schema, &a->kb, ke, m);
}

static void on_mark(struct vm_attrib *a, const struct vp_step_mark *mk)
{
	struct vp_vcpu_sample e;
	struct vp_kvm_sample ke;
	char kwhy[256] = "";
	int kerr = 0;

	if (mk->phase == VP_MARK_BEGIN) {
		a->begun = true;
		a->cur.step = mk->step;
		snprintf(a->cur.workload, sizeof(a->cur.workload), "%s",
			 mk->workload);
		a->cur.threads = mk->threads;
		a->cur.rep = mk->rep;
		if (!a->off)
			take(a, &a->b, &a->kb, &a->kb_err, a->kb_why,
			     sizeof(a->kb_why));
		return;
	}
	a->done = (struct vm_step_id){
	    .step = mk->step, .threads = mk->threads, .rep = mk->rep};
	snprintf(a->done.workload, sizeof(a->done.workload), "%s",
		 mk->workload);
	a->pending = true;
	if (a->off) {
		vp_vcpu_unavailable_metrics(
		    &a->pm, "host-side vCPU sampling "
			    "switched off (" VM_ATTRIB_OFF_ENV "=1)");
		vp_metrics_unavailable(&a->pm, "kvm.stats", "count",
				       "host-side vCPU sampling switched off "
				       "(" VM_ATTRIB_OFF_ENV "=1)");
	} else if (!a->begun || a->cur.step != mk->step ||
		   !same_step(&a->cur, mk->workload, mk->threads, mk->rep)) {
		vp_vcpu_unavailable_metrics(&a->pm,
					    "the step's begin mark was not "
					    "seen on the agent channel");
	} else {
		take(a, &e, &ke, &kerr, kwhy, sizeof(kwhy));
		step_rows(a, &e, &ke, kerr, kwhy);
	}
	a->begun = false;
}

static struct vm_attrib *of(struct vp_emitter *e)
{
	return e->ctx;
}

static int tee_row(struct vp_emitter *e, const struct vp_row *row)
{
	struct vm_attrib *a = of(e);

	if (a->pending &&
	    same_step(&a->done, row->workload, row->threads, row->rep)) {
		/* Host rows carry the guest's own view, like its rows. */
		a->pending_seen = true;
		snprintf(a->ti.hypervisor, sizeof(a->ti.hypervisor), "%s",
			 row->ti->hypervisor);
		a->ti.vcpus = row->ti->vcpus;
	}
	return a->out->row(a->out, row);
}

static int tee_env(struct vp_emitter *e, const char *key, const char *value)
{
	return of(e)->out->env(of(e)->out, key, value);
}

static void tee_progress(struct vp_emitter *e, int step, int steps,
			 const char *label)
{
	struct vm_attrib *a = of(e);

	flush(a);
	if (a->out->progress)
		a->out->progress(a->out, step, steps, label);
}

static void tee_finish(struct vp_emitter *e, int code, const char *message)
{
	struct vm_attrib *a = of(e);

	flush(a);
	if (a->out->finish)
		a->out->finish(a->out, code, message);
}

static void tee_mark(struct vp_emitter *e, const struct vp_step_mark *m)
{
	struct vm_attrib *a = of(e);

	flush(a);
	on_mark(a, m);
	if (a->out->mark)
		a->out->mark(a->out, m);
}

/* The KVM schema, once per boot; under TCG QEMU's own empty answer gives
 * the reason. */
static void kvm_open(struct vm_attrib *a, bool kvm)
{
	struct vp_json *reply = NULL;
	char err[256];
	int rc;

	rc = vp_qmp_call(&a->qmp, "query-stats-schemas",
			 "{\"provider\":\"kvm\"}", QMP_OPEN_TIMEOUT_S, &reply,
			 err, sizeof(err));
	if (rc == -EREMOTEIO)
		snprintf(a->kvm_why, sizeof(a->kvm_why),
			 "QEMU has no KVM statistics interface (query-stats "
			 "needs QEMU 7.1+): %s",
			 err);
	else if (rc)
		snprintf(a->kvm_why, sizeof(a->kvm_why), "%s", err);
	else
		a->kvm_ok =
		    vp_kvm_schema_parse(reply, kvm ? "kvm" : "tcg", &a->schema,
					a->kvm_why, sizeof(a->kvm_why)) == 0;
	vp_json_free(reply);
}

void vm_attrib_open(struct vm_attrib *a, struct vp_emitter *out,
		    const struct vp_target_info *ti, pid_t pid,
		    const char *sock, bool kvm)
{
	const char *off = getenv(VM_ATTRIB_OFF_ENV);
	char err[256];
	int rc;

	memset(a, 0, sizeof(*a));
	vp_metrics_init(&a->pm);
	vp_qmp_init(&a->qmp);
	a->out = out;
	a->ti = *ti;
	a->pid = pid;
	a->off = off && !strcmp(off, "1");
	a->tee = (struct vp_emitter){.row = tee_row,
				     .env = tee_env,
				     .progress = tee_progress,
				     .finish = tee_finish,
				     .ctx = a,
				     .mark = tee_mark};
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
	return &a->tee;
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

	flush(a);
	if (a->nsamples) {
		snprintf(buf, sizeof(buf),
			 "%zu step marks sampled: mean %.0f us, max %.0f us "
			 "per mark (host side, outside the measured windows)",
			 a->nsamples, 1e6 * a->sample_s / (double)a->nsamples,
			 1e6 * a->sample_max_s);
		a->out->env(a->out, "vcpu_stats_cost", buf);
	}
	vp_metrics_free(&a->pm);
	vp_qmp_close(&a->qmp);
}
