/* KVM's per-vCPU statistics through QMP (QEMU 7.1+): the schema from
 * query-stats-schemas and the values from query-stats, summed over the
 * vCPUs, turned into per-step `kvm.<stat>` rows.
 *
 * Reply shapes (QEMU's qapi/stats.json):
 *   query-stats-schemas -> {"return": [{"provider": "kvm", "target": "vcpu",
 *       "stats": [{"name": N, "type": "cumulative" | "instant" | "peak" |
 *                  "linear-histogram" | "log2-histogram",
 *                  "unit": "bytes" | "seconds" | "cycles" (absent: a plain
 *                  count), "base": 10 | 2 (with a non-zero exponent),
 *                  "exponent": E, "bucket-size": B}, ...]}, ...]}
 *   query-stats {"target": "vcpu", "providers": [{"provider": "kvm"}]} ->
 *       {"return": [{"provider": "kvm", "qom-path": P,
 *                    "stats": [{"name": N, "value": uint64 | [uint64...]},
 *                              ...]}, ...]}   (one entry per vCPU)
 * Under TCG QEMU registers no provider and both replies are empty
 * ({"return": []}).
 *
 * Only cumulative scalar statistics become rows (the step's delta, summed
 * over vCPUs): exits, halt_exits, halt_successful_poll,
 * directed_yield_attempted, ... Instant values (guest_mode, blocking) and
 * histograms say nothing about a step as a whole and are left out. All
 * functions here are pure: tests feed them recorded replies. */
#ifndef VP_QMP_STATS_H
#define VP_QMP_STATS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "probes/metrics.h"
#include "runner/targets/qmp.h"

#define VP_KVM_MAX_STATS 128

/* One cumulative scalar statistic of the vcpu target. */
struct vp_kvm_stat {
	char name[48]; /* kernel name, e.g. "halt_exits" */
	char unit[16]; /* unit of the row: "count", "ns", "bytes", "cycles" */
	double scale;  /* raw value x scale = value in unit */
};

struct vp_kvm_schema {
	struct vp_kvm_stat v[VP_KVM_MAX_STATS];
	size_t n;
};

/* Values of one query-stats reply, aligned with a schema. */
struct vp_kvm_sample {
	uint64_t sum[VP_KVM_MAX_STATS]; /* summed over the vCPUs */
	size_t seen[VP_KVM_MAX_STATS];	/* vCPUs that reported the stat */
	size_t nvcpus;			/* kvm entries in the reply */
};

/* The kvm/vcpu cumulative scalars of a query-stats-schemas reply. 0 with
 * n > 0; -ENODATA with why when the reply lists no KVM vCPU statistics
 * (accel names the accelerator for the sentence: "tcg" or "kvm");
 * -EPROTO when the reply has no "return" list. */
int vp_kvm_schema_parse(const struct json_object *reply, const char *accel,
			struct vp_kvm_schema *out, char *why, size_t len);

/* The schema from a query-stats-schemas call's outcome (rc and err as the
 * QMP call gave them, reply when rc is 0): true with the schema in out,
 * false with why (a QEMU without the command, a failed call, no KVM
 * statistics). kvm: the guest runs under KVM. */
bool vp_kvm_schema_of_call(int rc, const char *err,
			   const struct json_object *reply, bool kvm,
			   struct vp_kvm_schema *out, char *why, size_t len);

/* Sums a query-stats reply's kvm entries per schema statistic. 0, or
 * -ENODATA / -EPROTO with why (no KVM entry, no "return" list). */
int vp_kvm_sample_parse(const struct json_object *reply,
			const struct vp_kvm_schema *schema,
			struct vp_kvm_sample *out, char *why, size_t len);

/* Appends one `kvm.<stat>` row per schema statistic: after - before,
 * scaled. A statistic that not every vCPU reported in both samples, or
 * that went backwards, becomes a failed row with the reason. */
void vp_kvm_delta_metrics(const struct vp_kvm_schema *schema,
			  const struct vp_kvm_sample *before,
			  const struct vp_kvm_sample *after,
			  struct vp_metrics *m);

/* A step's KVM rows: one kvm.stats row unavailable with no_why when
 * there is no schema (ok false), failed with fail_why when a sample of
 * the step failed (fail_why non-NULL), else vp_kvm_delta_metrics. */
void vp_kvm_step_metrics(bool ok, const char *no_why, const char *fail_why,
			 const struct vp_kvm_schema *schema,
			 const struct vp_kvm_sample *before,
			 const struct vp_kvm_sample *after,
			 struct vp_metrics *m);

/* The arguments of the per-step query-stats command. */
#define VP_KVM_QUERY_ARGS                                                      \
	"{\"target\":\"vcpu\",\"providers\":[{\"provider\":\"kvm\"}]}"

#endif
