/* Private to the vm target: host-side attribution of every step. One
 * vm_attrib per boot is the sampler of a mark tee (mark_tee.h) between the
 * collector and the run's emitter: at the agent's step marks it samples
 * the vCPU threads (vcpu_stats.h) and, under KVM, QEMU's per-vCPU KVM
 * statistics over the boot's one QMP connection (qmp.h, qmp_stats.h); at
 * the end mark it computes the step's rows, which the tee holds until the
 * guest's own rows of that step have arrived.
 *
 * Lifecycle: vm_attrib_open after QEMU is spawned (QMP connect, vCPU
 * thread ids for pinning and sampling, the KVM schema) -> hand
 * vm_attrib_emitter to the collector -> vm_attrib_close after the
 * collector returns. VPBENCH_NO_VCPU_STATS=1 switches the sampling off
 * (the rows then say so); the thread ids are still read for pinning. */
#ifndef VP_VM_ATTRIB_H
#define VP_VM_ATTRIB_H

#include <stdbool.h>
#include <sys/types.h>

#include "runner/agent/emitter.h"
#include "runner/targets/mark_tee.h"
#include "runner/targets/qmp.h"
#include "runner/targets/qmp_stats.h"
#include "runner/targets/vcpu_stats.h"

/* Switch off host-side vCPU sampling (the attribution-cost benchmark). */
#define VM_ATTRIB_OFF_ENV "VPBENCH_NO_VCPU_STATS"
/* Wait for one QMP reply at a step mark; the collector loop waits too. */
#define VM_ATTRIB_QMP_TIMEOUT_S 1.0

struct vm_attrib {
	struct vp_mark_tee tee; /* between the collector and the run */
	bool off;
	pid_t pid;
	int tids[VP_VCPU_MAX];
	size_t ntids;
	char tid_why[256]; /* why there are no thread ids */
	struct vp_qmp qmp;
	bool kvm_ok;
	char kvm_why[256]; /* why there are no kvm.* rows */
	struct vp_kvm_schema schema;
	/* The open step's begin sample. */
	struct vp_vcpu_sample b;
	struct vp_kvm_sample kb;
	int kb_err;
	char kb_why[256];
	/* What sampling costs the host: time in take() per mark. */
	size_t nsamples;
	double sample_s, sample_max_s;
};

/* Connects QMP on sock and reads the vCPU thread ids of QEMU pid; never
 * fails the boot: a problem becomes the reason on the rows. kvm: the
 * guest runs under KVM (the statistics are asked for only then). */
void vm_attrib_open(struct vm_attrib *a, struct vp_emitter *out,
		    const struct vp_target_info *ti, pid_t pid,
		    const char *sock, bool kvm);
/* The pass-through emitter for the collector. */
struct vp_emitter *vm_attrib_emitter(struct vm_attrib *a);
/* One env fact describing the sampling (vcpu_stats). */
void vm_attrib_describe(const struct vm_attrib *a, char *buf, size_t len);
/* Writes what is still held (when the guest's rows came) and the
 * sampling cost as env fact vcpu_stats_cost, closes QMP. */
void vm_attrib_close(struct vm_attrib *a);

#endif
