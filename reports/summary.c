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

#include "reports/hist_pool.h"
#include "reports/metric_info.h"
#include "reports/out_atomic.h"
#include "reports/results_csv.h"
#include "reports/target_host.h"

static uint64_t str_hash(const char *s)
{
	uint64_t h = 1469598103934665603ull; /* FNV-1a */
	for (; *s; s++) {
		h ^= (unsigned char)*s;
		h *= 1099511628211ull;
	}
	return h;
}

/* The slot of name s in ix (holding its index, or -1 where it would go). */
static long *name_slot(const struct vp_name_index *ix, char *const *list,
		       const char *s)
{
	size_t mask = ix->cap - 1;
	for (size_t i = str_hash(s) & mask;; i = (i + 1) & mask)
		if (ix->slot[i] < 0 || !strcmp(list[ix->slot[i]], s))
			return &ix->slot[i];
}

static int name_grow(struct vp_name_index *ix, char *const *list, size_t n)
{
	size_t cap = ix->cap ? 2 * ix->cap : 64;
	long *slot = malloc(cap * sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	free(ix->slot);
	*ix = (struct vp_name_index){slot, cap};
	for (size_t i = 0; i < cap; i++)
		slot[i] = -1;
	for (size_t i = 0; i < n; i++)
		*name_slot(ix, list, list[i]) = (long)i;
	return 0;
}

/* Index of s in the list, added when new; hashed, so rows with many
 * distinct names stay linear. -1: out of memory. */
static long intern(char ***list, size_t *n, struct vp_name_index *ix,
		   const char *s)
{
	if (2 * (*n + 1) >= ix->cap && name_grow(ix, *list, *n))
		return -1;
	long *slot = name_slot(ix, *list, s);
	if (*slot >= 0)
		return *slot;
	if (!(*n & (*n - 1)) || !*n) { /* capacity doubles at powers of 2 */
		char **l = realloc(*list, (*n ? 2 * *n : 1) * sizeof(*l));
		if (!l)
			return -1;
		*list = l;
	}
	if (!((*list)[*n] = strdup(s)))
		return -1;
	*slot = (long)*n;
	return (long)(*n)++;
}

static long name_find(const struct vp_name_index *ix, char *const *list,
		      const char *s)
{
	return ix->cap ? *name_slot(ix, list, s) : -1;
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
	long w = name_find(&s->wl_index, s->workloads, workload);
	long m = name_find(&s->metric_index, s->metrics, metric);
	if (w < 0 || m < 0 || !s->hashcap)
		return -1;
	return *slot_of(s, target, (size_t)w, threads, (size_t)m);
}

/* First cell at or after (t, w) in the sorted cells. */
static size_t lower_bound(const struct vp_summary *s, size_t t, size_t w)
{
	size_t lo = 0, hi = s->ncells;
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		const struct vp_cell *c = &s->cells[mid];
		if (c->target < t || (c->target == t && c->workload < w))
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

void vp_summary_range(const struct vp_summary *s, size_t t, size_t w,
		      size_t *first, size_t *end)
{
	*first = lower_bound(s, t, w);
	*end = lower_bound(s, t, w + 1);
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
	long w =
	    intern(&s->workloads, &s->nworkloads, &s->wl_index, x->workload);
	long m = intern(&s->metrics, &s->nmetrics, &s->metric_index, x->metric);
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
	if (x->status == VP_STATUS_OK && !x->suspended)
		return add_value(c, x->value, x->rep);
	if (x->suspended && !c->n_suspended++)
		c->suspended_reason = x->note;
	if (x->status == VP_STATUS_FAILED || x->suspended)
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
	char folder[1024];
	for (size_t i = 0; baseline && i < s->ntargets; i++) {
		const struct vp_target_ref *t = &s->targets[i];
		snprintf(folder, sizeof(folder), "%s/%s", s->runs[t->run].label,
			 t->name);
		if (s->nruns > 1 &&
		    (!strcmp(t->label, baseline) || !strcmp(folder, baseline)))
			global = (long)i;
	}
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

/* Counter values of different scopes (env counter_scope: user vs
 * user+kernel) count different things: their ratio would mislead. NULL
 * when the scopes agree or a run does not say. */
static char *scope_mismatch(const struct vp_summary *s, const struct vp_cell *c,
			    const struct vp_target_ref *t,
			    const struct vp_target_ref *b)
{
	const char *st, *sb;
	char *msg = NULL;

	if (strncmp(s->metrics[c->metric], "cnt.", 4) != 0)
		return NULL;
	st = vp_run_env(&s->runs[t->run], t->name, "counter_scope");
	sb = vp_run_env(&s->runs[b->run], b->name, "counter_scope");
	if (!st || !sb || strcmp(st, sb) == 0)
		return NULL;
	if (asprintf(&msg,
		     "no ratio: counter scopes differ (%s counts %s, baseline "
		     "%s counts %s); count with one --counter-scope",
		     t->label, st, b->label, sb) < 0)
		return NULL;
	return msg;
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
			c->ratio_refused =
			    scope_mismatch(s, c, t, &s->targets[t->baseline]);
			if (b->n && !c->ratio_refused)
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
	struct vp_summary_opts o = {.baseline = baseline};
	return vp_summary_build_opts(runs, nruns, &o, s, err, errlen);
}

int vp_summary_build_opts(struct vp_run *runs, size_t nruns,
			  const struct vp_summary_opts *o, struct vp_summary *s,
			  char *err, size_t errlen)
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
	int rc = vp_labels_assign(s, o->labels, o->nlabels, err, errlen);
	if (!rc)
		rc = set_baselines(s, o->baseline, err, errlen);
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
	if (vp_pools_build(s))
		goto nomem;
	return 0;
nomem:
	snprintf(err, errlen, "out of memory");
	return -ENOMEM;
}

void vp_summary_free(struct vp_summary *s)
{
	vp_pools_free(s);
	for (size_t i = 0; i < s->ncells; i++) {
		free(s->cells[i].v);
		free(s->cells[i].reps);
		free(s->cells[i].outlier);
		free(s->cells[i].ratio_refused);
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
	free(s->wl_index.slot);
	free(s->metric_index.slot);
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
	char note[1024] = "";
	if (c->reason)
		snprintf(note, sizeof(note), "%s%s", c->n ? "some reps: " : "",
			 c->reason);
	if (c->ratio_refused)
		snprintf(note + strlen(note), sizeof(note) - strlen(note),
			 "%s%s", note[0] ? "; " : "", c->ratio_refused);
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

/* One summary.csv row of a pooled figure: n = reps, the figure in median. */
static int pool_row(FILE *f, const struct vp_summary *s,
		    const struct vp_pool *p, const char *metric,
		    const char *unit, double v, const char *note)
{
	const struct vp_target_ref *t = &s->targets[p->target];
	char vc[32], th[32], n[32], val[32];
	snprintf(vc, sizeof(vc), "%d", t->vcpus);
	snprintf(th, sizeof(th), "%d", p->threads);
	snprintf(n, sizeof(n), "%zu", p->reps);
	num(val, v);
	const char *head[] = {s->runs[t->run].label,
			      t->label,
			      t->kind,
			      t->accel,
			      t->hypervisor,
			      vc,
			      s->workloads[p->workload],
			      th,
			      metric,
			      unit,
			      n,
			      "0",
			      "0",
			      "",
			      val};
	const char *fields[NSUM];
	size_t nh = sizeof(head) / sizeof(head[0]);
	/* The figure is in median (after mean); the other statistics of a
	 * cell of values have no meaning for one pooled figure. */
	for (size_t i = 0; i < NSUM; i++)
		fields[i] = i < nh ? head[i] : "";
	fields[NSUM - 2] = isnan(v) ? "unavailable" : "ok";
	fields[NSUM - 1] = note;
	return vp_csv_write_record(f, fields, NSUM);
}

static int write_pool(FILE *f, const struct vp_summary *s,
		      const struct vp_pool *p)
{
	char metric[96], note[256];
	int rc = 0;
	for (unsigned k = 0; !rc && k < VP_HIST_NQ; k++) {
		snprintf(metric, sizeof(metric), "pooled_%s_%s_%s", p->family,
			 vp_hist_q_tag[k], p->unit);
		vp_pool_note(p, k, note, sizeof(note));
		rc = pool_row(f, s, p, metric, p->unit, p->q[k], note);
	}
	snprintf(metric, sizeof(metric), "pooled_%s_samples", p->family);
	return rc ? rc
		  : pool_row(f, s, p, metric, "count", p->n,
			     "samples behind the pooled percentiles");
}

void vp_summary_print_csv(const struct vp_summary *s, FILE *f)
{
	int rc = vp_csv_write_record(f, summary_columns, NSUM);
	for (size_t i = 0; !rc && i < s->ncells; i++)
		if (!s->cells[i].bucket)
			rc = write_cell(f, s, &s->cells[i]);
	for (size_t i = 0; !rc && i < s->npools; i++)
		rc = write_pool(f, s, &s->pools[i]);
}

static void fill_csv(const void *s, FILE *f)
{
	vp_summary_print_csv(s, f);
}

int vp_summary_write_csv(const struct vp_summary *s, const char *path,
			 char *err, size_t errlen)
{
	return vp_atomic_write(path, VP_OUT_NAMED, fill_csv, s, err, errlen);
}
