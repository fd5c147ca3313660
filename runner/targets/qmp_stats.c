/* KVM statistics from QMP replies (see qmp_stats.h). */
#include "runner/targets/qmp_stats.h"

#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

/* Unit and scale of a schema entry: seconds become ns (KVM states its
 * times in ns: seconds with base 10, exponent -9). */
static double number_or(const struct json_object *j, double dflt)
{
	return json_object_is_type(j, json_type_int) ||
		       json_object_is_type(j, json_type_double)
		   ? json_object_get_double(j)
		   : dflt;
}

static void unit_of(const struct json_object *st, struct vp_kvm_stat *k)
{
	const char *unit = vp_qmp_get_str(st, "unit");
	double b = number_or(vp_qmp_get(st, "base"), 10);
	double e = number_or(vp_qmp_get(st, "exponent"), 0);

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

/* Element i of an array (NULL past its end or when j is no array). */
static const struct json_object *item(const struct json_object *j, size_t i)
{
	return json_object_is_type(j, json_type_array) &&
		       i < json_object_array_length(j)
		   ? json_object_array_get_idx(j, i)
		   : NULL;
}

int vp_kvm_schema_parse(const struct json_object *reply, const char *accel,
			struct vp_kvm_schema *out, char *why, size_t len)
{
	const struct json_object *ret = vp_qmp_get(reply, "return");
	const struct json_object *sc;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(ret, json_type_array)) {
		snprintf(why, len, "QMP query-stats-schemas: no return list");
		return -EPROTO;
	}
	for (size_t i = 0; (sc = item(ret, i)); i++) {
		const char *prov = vp_qmp_get_str(sc, "provider");
		const char *target = vp_qmp_get_str(sc, "target");
		const struct json_object *stats = vp_qmp_get(sc, "stats");
		const struct json_object *st;

		if (!prov || !target || strcmp(prov, "kvm") ||
		    strcmp(target, "vcpu"))
			continue;
		for (size_t k = 0;
		     (st = item(stats, k)) && out->n < VP_KVM_MAX_STATS; k++) {
			const char *name = vp_qmp_get_str(st, "name");
			const char *type = vp_qmp_get_str(st, "type");
			struct vp_kvm_stat *ks = &out->v[out->n];

			if (!name || !type || strcmp(type, "cumulative") ||
			    !valid_name(name, sizeof(ks->name)))
				continue;
			snprintf(ks->name, sizeof(ks->name), "%s", name);
			unit_of(st, ks);
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

bool vp_kvm_schema_of_call(int rc, const char *err,
			   const struct json_object *reply, bool kvm,
			   struct vp_kvm_schema *out, char *why, size_t len)
{
	if (rc == -EREMOTEIO)
		snprintf(why, len,
			 "QEMU has no KVM statistics interface (query-stats "
			 "needs QEMU 7.1+): %s",
			 err);
	else if (rc)
		snprintf(why, len, "%s", err);
	else
		return vp_kvm_schema_parse(reply, kvm ? "kvm" : "tcg", out, why,
					   len) == 0;
	return false;
}

static long schema_index(const struct vp_kvm_schema *schema, const char *name)
{
	for (size_t i = 0; i < schema->n; i++)
		if (!strcmp(schema->v[i].name, name))
			return (long)i;
	return -1;
}

int vp_kvm_sample_parse(const struct json_object *reply,
			const struct vp_kvm_schema *schema,
			struct vp_kvm_sample *out, char *why, size_t len)
{
	const struct json_object *ret = vp_qmp_get(reply, "return");
	const struct json_object *r;

	memset(out, 0, sizeof(*out));
	if (!json_object_is_type(ret, json_type_array)) {
		snprintf(why, len, "QMP query-stats: no return list");
		return -EPROTO;
	}
	for (size_t k = 0; (r = item(ret, k)); k++) {
		const char *prov = vp_qmp_get_str(r, "provider");
		const struct json_object *stats = vp_qmp_get(r, "stats");
		const struct json_object *st;

		if (!prov || strcmp(prov, "kvm") ||
		    !json_object_is_type(stats, json_type_array))
			continue;
		out->nvcpus++;
		for (size_t j = 0; (st = item(stats, j)); j++) {
			const char *name = vp_qmp_get_str(st, "name");
			long i = name ? schema_index(schema, name) : -1;
			uint64_t v;

			/* Lists are histograms; they are not in the schema
			 * we keep, but a scalar must be an exact uint64. */
			if (i < 0 || !vp_qmp_uint(vp_qmp_get(st, "value"), &v))
				continue;
			out->sum[i] += v;
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

void vp_kvm_step_metrics(bool ok, const char *no_why, const char *fail_why,
			 const struct vp_kvm_schema *schema,
			 const struct vp_kvm_sample *before,
			 const struct vp_kvm_sample *after,
			 struct vp_metrics *m)
{
	if (!ok)
		vp_metrics_unavailable(m, "kvm.stats", "count", "%s", no_why);
	else if (fail_why)
		vp_metrics_failed(m, "kvm.stats", "count", "%s", fail_why);
	else
		vp_kvm_delta_metrics(schema, before, after, m);
}
