/* KVM statistics from QMP replies (see qmp_stats.h). */
#include "runner/targets/qmp_stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Unit and scale of a schema entry: seconds become ns (KVM states its
 * times in ns: seconds with base 10, exponent -9). */
static void unit_of(const struct vp_json *st, struct vp_kvm_stat *k)
{
	const char *unit = vp_json_get_str(st, "unit");
	const struct vp_json *base = vp_json_get(st, "base");
	const struct vp_json *exp = vp_json_get(st, "exponent");
	double b = base && base->type == VP_JSON_NUMBER ? base->num : 10;
	double e = exp && exp->type == VP_JSON_NUMBER ? exp->num : 0;

	k->scale = e != 0 ? pow(b, e) : 1;
	if (!unit) {
		snprintf(k->unit, sizeof(k->unit), "count");
	} else if (!strcmp(unit, "seconds")) {
		snprintf(k->unit, sizeof(k->unit), "ns");
		/* pow(10, e + 9) keeps nanoseconds exact (scale 1). */
		k->scale = b == 10 ? pow(10, e + 9) : k->scale * 1e9;
	} else {
		snprintf(k->unit, sizeof(k->unit), "%s", unit);
	}
}

/* Kernel statistic names are [a-z0-9_]; anything else (or a name too long
 * for a metric) is not a stable metric name. */
static int valid_name(const char *s, size_t max)
{
	size_t n = strlen(s);

	if (!n || n >= max)
		return 0;
	return strspn(s, "abcdefghijklmnopqrstuvwxyz0123456789_") == n;
}

int vp_kvm_schema_parse(const struct vp_json *reply, const char *accel,
			struct vp_kvm_schema *out, char *why, size_t len)
{
	const struct vp_json *ret = vp_json_get(reply, "return");
	const struct vp_json *sc;

	memset(out, 0, sizeof(*out));
	if (!ret || ret->type != VP_JSON_ARRAY) {
		snprintf(why, len, "QMP query-stats-schemas: no return list");
		return -EPROTO;
	}
	for (sc = ret->child; sc; sc = sc->next) {
		const char *prov = vp_json_get_str(sc, "provider");
		const char *target = vp_json_get_str(sc, "target");
		const struct vp_json *st = vp_json_get(sc, "stats");

		if (!prov || !target || strcmp(prov, "kvm") ||
		    strcmp(target, "vcpu") || !st)
			continue;
		for (st = st->child; st && out->n < VP_KVM_MAX_STATS;
		     st = st->next) {
			const char *name = vp_json_get_str(st, "name");
			const char *type = vp_json_get_str(st, "type");
			struct vp_kvm_stat *k = &out->v[out->n];

			if (!name || !type || strcmp(type, "cumulative") ||
			    !valid_name(name, sizeof(k->name)))
				continue;
			snprintf(k->name, sizeof(k->name), "%s", name);
			unit_of(st, k);
			out->n++;
		}
	}
	if (out->n)
		return 0;
	if (accel && !strcmp(accel, "tcg"))
		snprintf(why, len,
			 "QEMU query-stats has no KVM provider: accelerator "
			 "is TCG");
	else
		snprintf(why, len,
			 "QEMU query-stats lists no cumulative KVM vCPU "
			 "statistics (the host kernel needs KVM binary "
			 "statistics, Linux 5.14+)");
	return -ENODATA;
}

static long schema_index(const struct vp_kvm_schema *schema, const char *name)
{
	for (size_t i = 0; i < schema->n; i++)
		if (!strcmp(schema->v[i].name, name))
			return (long)i;
	return -1;
}

int vp_kvm_sample_parse(const struct vp_json *reply,
			const struct vp_kvm_schema *schema,
			struct vp_kvm_sample *out, char *why, size_t len)
{
	const struct vp_json *ret = vp_json_get(reply, "return");

	memset(out, 0, sizeof(*out));
	if (!ret || ret->type != VP_JSON_ARRAY) {
		snprintf(why, len, "QMP query-stats: no return list");
		return -EPROTO;
	}
	for (const struct vp_json *r = ret->child; r; r = r->next) {
		const char *prov = vp_json_get_str(r, "provider");
		const struct vp_json *st = vp_json_get(r, "stats");

		if (!prov || strcmp(prov, "kvm") || !st)
			continue;
		out->nvcpus++;
		for (st = st->child; st; st = st->next) {
			const char *name = vp_json_get_str(st, "name");
			const struct vp_json *v = vp_json_get(st, "value");
			long i = name ? schema_index(schema, name) : -1;

			/* Lists are histograms; they are not in the schema
			 * we keep, but a scalar must be an exact uint64. */
			if (i < 0 || !v || !v->is_uint)
				continue;
			out->sum[i] += v->u;
			out->seen[i]++;
		}
	}
	if (out->nvcpus)
		return 0;
	snprintf(why, len, "QMP query-stats: no KVM vCPU entry in the reply");
	return -ENODATA;
}

void vp_kvm_delta_metrics(const struct vp_kvm_schema *schema,
			  const struct vp_kvm_sample *before,
			  const struct vp_kvm_sample *after,
			  struct vp_metrics *m)
{
	for (size_t i = 0; i < schema->n; i++) {
		const struct vp_kvm_stat *k = &schema->v[i];
		char name[VP_METRIC_NAME_MAX];

		snprintf(name, sizeof(name), "kvm.%s", k->name);
		if (!before->nvcpus || before->nvcpus != after->nvcpus ||
		    before->seen[i] != before->nvcpus ||
		    after->seen[i] != after->nvcpus)
			vp_metrics_failed(m, name, k->unit,
					  "not reported for every vCPU at both "
					  "step marks (%zu/%zu and %zu/%zu)",
					  before->seen[i], before->nvcpus,
					  after->seen[i], after->nvcpus);
		else if (after->sum[i] < before->sum[i])
			vp_metrics_failed(m, name, k->unit,
					  "cumulative counter went backwards "
					  "(%llu -> %llu)",
					  (unsigned long long)before->sum[i],
					  (unsigned long long)after->sum[i]);
		else
			vp_metrics_ok(m, name,
				      (double)(after->sum[i] - before->sum[i]) *
					  k->scale,
				      k->unit);
	}
}
