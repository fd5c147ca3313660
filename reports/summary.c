/* Groups the rows of one or several run folders into cells and computes
 * their statistics (see summary.h). Cells are found through a small
 * open-addressing hash so large runs stay linear. */
#include "reports/summary.h"

#include <errno.h>
#include <math.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "reports/metric_info.h"
#include "reports/results_csv.h"
#include "reports/target_host.h"

static long intern(char ***list, size_t *n, const char *s)
{
	for (size_t i = 0; i < *n; i++)
		if (!strcmp((*list)[i], s))
			return (long)i;
	char **l = realloc(*list, (*n + 1) * sizeof(*l));
	if (!l)
		return -1;
	*list = l;
	if (!(l[*n] = strdup(s)))
		return -1;
	return (long)(*n)++;
}

static uint64_t cell_hash(size_t t, size_t w, int th, size_t m)
{
	uint64_t h = 1469598103934665603ull;
	uint64_t parts[4] = {t, w, (uint64_t)(unsigned)th, m};
	for (int i = 0; i < 4; i++) {
		h ^= parts[i];
		h *= 1099511628211ull;
		h ^= h >> 29;
	}
	return h;
}

static long *slot_of(const struct vp_summary *s, size_t t, size_t w, int th,
		     size_t m)
{
	size_t mask = s->hashcap - 1;
	for (size_t i = cell_hash(t, w, th, m) & mask;; i = (i + 1) & mask) {
		long *slot = &s->hash[i];
		if (*slot < 0)
			return slot;
		const struct vp_cell *c = &s->cells[*slot];
		if (c->target == t && c->workload == w && c->threads == th &&
		    c->metric == m)
			return slot;
	}
}

static void rehash(struct vp_summary *s)
{
	for (size_t i = 0; i < s->hashcap; i++)
		s->hash[i] = -1;
	for (size_t i = 0; i < s->ncells; i++) {
		const struct vp_cell *c = &s->cells[i];
		*slot_of(s, c->target, c->workload, c->threads, c->metric) =
		    (long)i;
	}
}

long vp_summary_find(const struct vp_summary *s, size_t target,
		     const char *workload, int threads, const char *metric)
{
	long w = -1, m = -1;
	for (size_t i = 0; i < s->nworkloads && w < 0; i++)
		if (!strcmp(s->workloads[i], workload))
			w = (long)i;
	for (size_t i = 0; i < s->nmetrics && m < 0; i++)
		if (!strcmp(s->metrics[i], metric))
			m = (long)i;
	if (w < 0 || m < 0 || !s->hashcap)
		return -1;
	return *slot_of(s, target, (size_t)w, threads, (size_t)m);
}

const char *vp_cell_workload(const struct vp_summary *s,
			     const struct vp_cell *c)
{
	return s->workloads[c->workload];
}

const char *vp_cell_metric(const struct vp_summary *s, const struct vp_cell *c)
{
	return s->metrics[c->metric];
}

static long target_of(struct vp_summary *s, size_t run,
		      const struct vp_result *x)
{
	for (size_t i = 0; i < s->ntargets; i++)
		if (s->targets[i].run == run &&
		    !strcmp(s->targets[i].name, x->target))
			return (long)i;
	struct vp_target_ref *t =
	    realloc(s->targets, (s->ntargets + 1) * sizeof(*t));
	if (!t)
		return -1;
	s->targets = t;
	t[s->ntargets] = (struct vp_target_ref){
	    .run = run,
	    .name = x->target,
	    .kind = x->target_kind,
	    .accel = x->accel,
	    .hypervisor = x->hypervisor,
	    .vcpus = x->vcpus,
	    .host_cpus = x->host_cpus,
	    .baseline = -1,
	};
	return (long)s->ntargets++;
}

static int add_value(struct vp_cell *c, double v, int rep)
{
	if (c->n == c->cap) {
		size_t cap = c->cap ? c->cap * 2 : 4;
		double *nv = realloc(c->v, cap * sizeof(*nv));
		if (!nv)
			return -ENOMEM;
		c->v = nv;
		int *nr = realloc(c->reps, cap * sizeof(*nr));
		if (!nr)
			return -ENOMEM;
		c->reps = nr;
		c->cap = cap;
	}
	c->v[c->n] = v;
	c->reps[c->n++] = rep;
	return 0;
}

static int add_row(struct vp_summary *s, size_t run, const struct vp_result *x)
{
	long t = target_of(s, run, x);
	long w = intern(&s->workloads, &s->nworkloads, x->workload);
	long m = intern(&s->metrics, &s->nmetrics, x->metric);
	if (t < 0 || w < 0 || m < 0)
		return -ENOMEM;
	long *slot = slot_of(s, (size_t)t, (size_t)w, x->threads, (size_t)m);
	if (*slot < 0) {
		/* capcells == hashcap / 2, sized from the row count. */
		struct vp_cell *c = &s->cells[s->ncells];
		*c = (struct vp_cell){.target = (size_t)t,
				      .workload = (size_t)w,
				      .metric = (size_t)m,
				      .threads = x->threads,
				      .unit = x->unit,
				      .bucket =
					  vp_metric_is_bucket(x->metric, NULL),
				      .base_cell = -1};
		*slot = (long)s->ncells++;
	}
	struct vp_cell *c = &s->cells[*slot];
	if (x->status == VP_STATUS_OK)
		return add_value(c, x->value, x->rep);
	if (x->status == VP_STATUS_FAILED)
		c->n_failed++;
	else
		c->n_unavail++;
	if (!c->reason)
		c->reason = x->note[0] ? x->note : "(no reason given)";
	return 0;
}

static int cmp_cells(const void *pa, const void *pb)
{
	const struct vp_cell *a = pa, *b = pb;
	if (a->target != b->target)
		return a->target < b->target ? -1 : 1;
	if (a->workload != b->workload)
		return a->workload < b->workload ? -1 : 1;
	if (a->threads != b->threads)
		return a->threads < b->threads ? -1 : 1;
	return (a->metric > b->metric) - (a->metric < b->metric);
}

/* Labels: the target name for one run; "<run folder>/<target>" when several
 * runs merge (a vendor comparison is one command), with "#k" added when two
 * run folders share a base name. */
static int set_labels(struct vp_summary *s)
{
	for (size_t i = 0; i < s->ntargets; i++) {
		struct vp_target_ref *t = &s->targets[i];
		const char *run = s->runs[t->run].label;
		bool dup = false;
		for (size_t r = 0; r < s->nruns; r++)
			dup |= r != t->run && !strcmp(s->runs[r].label, run);
		char buf[512];
		if (s->nruns == 1)
			snprintf(buf, sizeof(buf), "%s", t->name);
		else if (dup)
			snprintf(buf, sizeof(buf), "%s#%zu/%s", run, t->run + 1,
				 t->name);
		else
			snprintf(buf, sizeof(buf), "%s/%s", run, t->name);
		if (!(t->label = strdup(buf)))
			return -ENOMEM;
	}
	return 0;
}

/* A VM target is compared with the bare metal under it when its run has
 * that (vp_baseline_pick: host for vmN and local libvirt URIs, the ssh:
 * target of the same host name for remote ones), else with b. */
static long same_host_baseline(const struct vp_summary *s, size_t i, long b)
{
	const char *names[64];
	size_t idx[64], n = 0, self = 0;

	for (size_t j = 0; j < s->ntargets && n < 64; j++) {
		if (s->targets[j].run != s->targets[i].run)
			continue;
		if (j == i)
			self = n;
		idx[n] = j;
		names[n++] = s->targets[j].name;
	}
	if (n == 64 || !vp_target_is_vm(s->targets[i].name))
		return b == (long)i ? -1 : b;
	long pick = vp_baseline_pick(names, n, self, -1);
	if (pick >= 0)
		return (long)idx[pick];
	return b == (long)i ? -1 : b;
}

static int set_baselines(struct vp_summary *s, const char *baseline, char *err,
			 size_t errlen)
{
	long global = -1;
	bool any = false;
	if (baseline)
		for (size_t i = 0; i < s->ntargets; i++)
			if (!strcmp(s->targets[i].label, baseline) &&
			    (s->nruns > 1 ||
			     !strcmp(s->targets[i].name, baseline)))
				global = (long)i;
	for (size_t i = 0; i < s->ntargets; i++) {
		struct vp_target_ref *t = &s->targets[i];
		long b = global;
		for (size_t j = 0; b < 0 && j < s->ntargets; j++)
			if (s->targets[j].run == t->run &&
			    !strcmp(s->targets[j].name,
				    baseline ? baseline : "host"))
				b = (long)j;
		if (b >= 0)
			any = true;
		/* An explicit --baseline is the user's choice for every
		 * target; by default a VM is compared with its own host. */
		t->baseline = baseline ? (b == (long)i ? -1 : b)
				       : same_host_baseline(s, i, b);
	}
	if (baseline && !any) {
		size_t off = 0;
		char list[1024] = "";
		for (size_t i = 0; i < s->ntargets && off < sizeof(list); i++)
			off += (size_t)snprintf(list + off, sizeof(list) - off,
						"%s%s", i ? ", " : "",
						s->targets[i].label);
		snprintf(
		    err, errlen,
		    "baseline target '%s' is in none of the runs (targets: "
		    "%s)",
		    baseline, list);
		return -EINVAL;
	}
	return 0;
}

static bool is_throughput(const struct vp_summary *s, const struct vp_cell *c)
{
	return vp_metric_is_throughput(s->metrics[c->metric]);
}

static void cell_figures(struct vp_summary *s, struct vp_cell *c)
{
	c->ratio = c->ratio_lo = c->ratio_hi = NAN;
	c->eff = c->eff_lo = c->eff_hi = NAN;
	if (!c->n || c->bucket)
		return;
	const struct vp_target_ref *t = &s->targets[c->target];
	if (t->baseline >= 0) {
		c->base_cell = *slot_of(s, (size_t)t->baseline, c->workload,
					c->threads, c->metric);
		if (c->base_cell >= 0) {
			const struct vp_desc *b = &s->cells[c->base_cell].d;
			if (b->n)
				vp_ratio_ci(c->d.mean, c->d.sd, c->d.n, b->mean,
					    b->sd, b->n, &c->ratio,
					    &c->ratio_lo, &c->ratio_hi);
		}
	}
	if (is_throughput(s, c) && c->threads > 1) {
		long one = *slot_of(s, c->target, c->workload, 1, c->metric);
		if (one >= 0 && s->cells[one].d.n) {
			const struct vp_desc *o = &s->cells[one].d;
			double r, lo, hi, n = c->threads;
			vp_ratio_ci(c->d.mean, c->d.sd, c->d.n, o->mean, o->sd,
				    o->n, &r, &lo, &hi);
			c->eff = r / n;
			c->eff_lo = lo / n;
			c->eff_hi = hi / n;
		}
	}
}

int vp_summary_build(struct vp_run *runs, size_t nruns, const char *baseline,
		     struct vp_summary *s, char *err, size_t errlen)
{
	memset(s, 0, sizeof(*s));
	s->runs = runs;
	s->nruns = nruns;
	size_t rows = 0;
	for (size_t r = 0; r < nruns; r++)
		rows += runs[r].nrows;
	s->hashcap = 16;
	while (s->hashcap < 2 * rows + 2)
		s->hashcap *= 2;
	s->capcells = s->hashcap / 2;
	s->hash = malloc(s->hashcap * sizeof(*s->hash));
	s->cells = calloc(s->capcells, sizeof(*s->cells));
	if (!s->hash || !s->cells)
		goto nomem;
	rehash(s);
	for (size_t r = 0; r < nruns; r++)
		for (size_t i = 0; i < runs[r].nrows; i++)
			if (add_row(s, r, &runs[r].rows[i]))
				goto nomem;
	qsort(s->cells, s->ncells, sizeof(*s->cells), cmp_cells);
	rehash(s);
	if (set_labels(s))
		goto nomem;
	int rc = set_baselines(s, baseline, err, errlen);
	if (rc)
		return rc;
	for (size_t i = 0; i < s->ncells; i++) {
		struct vp_cell *c = &s->cells[i];
		if (!c->n) {
			vp_describe(NULL, 0, &c->d, NULL); /* NAN figures */
			continue;
		}
		if (!(c->outlier = calloc(c->n, sizeof(*c->outlier))))
			goto nomem;
		if (vp_describe(c->v, c->n, &c->d, c->outlier))
			goto nomem;
	}
	for (size_t i = 0; i < s->ncells; i++)
		cell_figures(s, &s->cells[i]);
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

void vp_summary_free(struct vp_summary *s)
{
	for (size_t i = 0; i < s->ncells; i++) {
		free(s->cells[i].v);
		free(s->cells[i].reps);
		free(s->cells[i].outlier);
	}
	for (size_t i = 0; i < s->ntargets; i++)
		free(s->targets[i].label);
	for (size_t i = 0; i < s->nworkloads; i++)
		free(s->workloads[i]);
	for (size_t i = 0; i < s->nmetrics; i++)
		free(s->metrics[i]);
	free(s->workloads);
	free(s->metrics);
	free(s->targets);
	free(s->cells);
	free(s->hash);
	memset(s, 0, sizeof(*s));
}

static const char *const summary_columns[] = {"run",
					      "target",
					      "target_kind",
					      "accel",
					      "hypervisor",
					      "vcpus",
					      "workload",
					      "threads",
					      "metric",
					      "unit",
					      "n",
					      "n_unavailable",
					      "n_failed",
					      "mean",
					      "median",
					      "min",
					      "max",
					      "sd",
					      "cv",
					      "ci95_lo",
					      "ci95_hi",
					      "median_ci_lo",
					      "median_ci_hi",
					      "median_ci_level",
					      "outliers",
					      "baseline",
					      "ratio",
					      "ratio_ci95_lo",
					      "ratio_ci95_hi",
					      "scaling_eff",
					      "scaling_eff_ci95_lo",
					      "scaling_eff_ci95_hi",
					      "status",
					      "note"};
#define NSUM (sizeof(summary_columns) / sizeof(summary_columns[0]))

static void num(char *buf, double v)
{
	if (isnan(v))
		buf[0] = 0;
	else
		vp_format_value(v, buf, 32);
}

static int write_cell(FILE *f, const struct vp_summary *s,
		      const struct vp_cell *c)
{
	const struct vp_target_ref *t = &s->targets[c->target];
	const struct vp_desc *d = &c->d;
	char b[24][32];
	snprintf(b[0], 32, "%d", t->vcpus);
	snprintf(b[1], 32, "%d", c->threads);
	snprintf(b[2], 32, "%zu", c->n);
	snprintf(b[3], 32, "%zu", c->n_unavail);
	snprintf(b[4], 32, "%zu", c->n_failed);
	double v[] = {d->mean,	 d->median, d->min,	 d->max,      d->sd,
		      d->cv,	 d->ci_lo,  d->ci_hi,	 d->med_lo,   d->med_hi,
		      NAN,	 c->ratio,  c->ratio_lo, c->ratio_hi, c->eff,
		      c->eff_lo, c->eff_hi};
	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		num(b[5 + i], c->n ? v[i] : NAN);
	num(b[15], c->n >= 2 ? d->med_level : NAN);
	snprintf(b[22], 32, "%zu", d->n_outliers);
	const char *status = c->n	   ? "ok"
			     : c->n_failed ? "failed"
					   : "unavailable";
	char note[512] = "";
	if (c->reason)
		snprintf(note, sizeof(note), "%s%s", c->n ? "some reps: " : "",
			 c->reason);
	const char *base =
	    t->baseline >= 0 ? s->targets[t->baseline].label : "";
	const char *fields[NSUM] = {s->runs[t->run].label,
				    t->label,
				    t->kind,
				    t->accel,
				    t->hypervisor,
				    b[0],
				    s->workloads[c->workload],
				    b[1],
				    s->metrics[c->metric],
				    c->unit,
				    b[2],
				    b[3],
				    b[4],
				    b[5],
				    b[6],
				    b[7],
				    b[8],
				    b[9],
				    b[10],
				    b[11],
				    b[12],
				    b[13],
				    b[14],
				    b[15],
				    b[22],
				    base,
				    b[16],
				    b[17],
				    b[18],
				    b[19],
				    b[20],
				    b[21],
				    status,
				    note};
	return vp_csv_write_record(f, fields, NSUM);
}

int vp_summary_write_csv(const struct vp_summary *s, const char *path,
			 char *err, size_t errlen)
{
	FILE *f = fopen(path, "w");
	if (!f) {
		int rc = -errno;
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(errno));
		return rc;
	}
	int rc = vp_csv_write_record(f, summary_columns, NSUM);
	for (size_t i = 0; !rc && i < s->ncells; i++)
		if (!s->cells[i].bucket)
			rc = write_cell(f, s, &s->cells[i]);
	if (fclose(f) && !rc)
		rc = -EIO;
	if (rc)
		snprintf(err, errlen, "cannot write %s: %s", path,
			 strerror(-rc));
	return rc;
}
